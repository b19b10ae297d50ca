import { createBroadcaster, createMemoryStore, type Announcement, type AnnouncementInput } from '@banditore/core';
import { sampleAnnouncement } from '@banditore/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import type { ApiExchange } from './bot-api.js';
import { editRefusal, type EditRefusal } from './edit.js';
import { createTelegramSandbox, type TelegramSandbox } from './sandbox/index.js';
import { createTelegramChannel } from './telegram-channel.js';
import type { TelegramChannel } from './telegram-sender.js';
import { TEST_TOKEN } from './test/bot-rig.js';

let sandbox: TelegramSandbox | undefined;
let channel: TelegramChannel | undefined;
afterEach(async () => {
  await channel?.close?.();
  await sandbox?.close();
  sandbox = undefined;
  channel = undefined;
});

const CONSENT = { method: 'import', noticeVersion: 'test-1' } as const;
const CHATS = [920_000_001, 920_000_002, 920_000_003];

const flood = (overrides: Partial<AnnouncementInput> = {}): Announcement =>
  sampleAnnouncement({
    id: 'esondazione-esino',
    severity: 'severe',
    colorCode: 'arancione',
    topics: ['protezione-civile'],
    content: { it: { headline: 'Esino in piena', body: 'Evitate gli argini.' } },
    links: [],
    ...overrides,
  });

describe('Telegram follow-ups through the broadcaster, against the sandbox', () => {
  it('edits the messages it sent for an update and a cancel, and sends a new message when the edit is refused', async () => {
    sandbox = await createTelegramSandbox();
    channel = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url });
    const store = createMemoryStore({ channels: [channel], keepMessageIds: true });
    for (const chat of CHATS) {
      await store.subscribe(
        { channel: 'telegram', address: String(chat), topics: ['protezione-civile'], areas: [], language: 'it' },
        CONSENT,
      );
    }
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const first = await (await broadcaster.publish(flood())).done;
    expect(first.channels[0]!.sent).toBe(3);
    expect(sandbox.messages).toHaveLength(3);

    const update = await (
      await broadcaster.publish(
        flood({
          revision: 2,
          content: { it: { headline: 'Esino esondato', body: 'Salite ai piani alti.' } },
        }),
      )
    ).done;
    expect(update.channels[0]!.sent).toBe(3);
    // Three edits, no new message: each chat shows the update in place of the alert.
    expect(sandbox.edits).toHaveLength(3);
    expect(sandbox.messages).toHaveLength(3);
    for (const message of sandbox.messages) {
      expect(message.text).toContain('AGGIORNAMENTO');
      expect(message.text).toContain('Esino esondato');
      expect(message.editedAt).toBeDefined();
    }

    // One citizen deleted the message: the cancel cannot edit it and arrives as a new message.
    const deletedChat = CHATS[1]!;
    sandbox.deleteMessage(deletedChat, sandbox.messagesTo(deletedChat)[0]!.messageId);
    const cancel = await (
      await broadcaster.publish(
        flood({
          id: 'esondazione-esino-revoca',
          type: 'cancel',
          references: ['esondazione-esino'],
          severity: 'minor',
          colorCode: 'verde',
          content: { it: { headline: 'Allerta revocata: Esino rientrato' } },
        }),
      )
    ).done;
    expect(cancel.channels[0]!.sent).toBe(3);
    expect(sandbox.edits).toHaveLength(5);
    expect(sandbox.messages).toHaveLength(4);
    for (const chat of CHATS) {
      const last = sandbox.messagesTo(chat).at(-1)!;
      expect(last.text).toContain('ANNULLATO');
      expect(last.text).toContain('Esino rientrato');
    }
    // Edits are paced like sends: nothing the strict sandbox refused.
    expect(sandbox.stats.clientRateLimited).toBe(0);
    expect(sandbox.stats.maxPerChatPerSecond).toBeLessThanOrEqual(1);

    // The next follow-up edits the new message of the chat whose first one was deleted.
    const ledger = await store.priorSends({
      channel: 'telegram',
      announcementIds: ['esondazione-esino-revoca', 'esondazione-esino'],
      excludeRunId: 'none',
      limit: 10,
    });
    const ids = new Map(ledger.sends.map((send) => [send.subscriberId, send.providerMessageId]));
    const deletedSubscriber = await store.findSubscriber('telegram', String(deletedChat));
    expect(ids.get(deletedSubscriber!.id)).toBe(String(sandbox.messagesTo(deletedChat).at(-1)!.messageId));
    await broadcaster.close();
  });

  it('an escalation rings: it goes as a new message, not a silent edit', async () => {
    sandbox = await createTelegramSandbox();
    channel = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url, silentBelow: 'moderate' });
    const store = createMemoryStore({ channels: [channel], keepMessageIds: true });
    await store.subscribe(
      { channel: 'telegram', address: String(CHATS[0]), topics: [], areas: [], language: 'it' },
      CONSENT,
    );
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    await (
      await broadcaster.publish(flood({ severity: 'minor', colorCode: 'gialla' }))
    ).done;
    await (
      await broadcaster.publish(flood({ revision: 2, severity: 'minor', colorCode: 'rossa' }))
    ).done;
    expect(sandbox.edits).toHaveLength(0);
    expect(sandbox.messages).toHaveLength(2);
    expect(sandbox.messages[1]!.text).toContain('AGGIORNAMENTO');
    // A correction that does not raise the level is an edit again.
    await (
      await broadcaster.publish(
        flood({
          revision: 3,
          severity: 'minor',
          colorCode: 'rossa',
          content: { it: { headline: 'Esino in piena', body: 'Argini chiusi.' } },
        }),
      )
    ).done;
    expect(sandbox.edits).toHaveLength(1);
    expect(sandbox.edits[0]!.messageId).toBe(sandbox.messages[1]!.messageId);
    await broadcaster.close();
  });

  // Direct sends, without a broadcaster to pace them: the sandbox's limits are off here (the
  // broadcaster test above checks the pacing).
  it('an edit that changes nothing counts as delivered', async () => {
    sandbox = await createTelegramSandbox({ limits: false });
    channel = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url });
    const rendered = await channel.renderFollowUp!(flood({ revision: 2 }), 'it', {
      kind: 'update',
      previous: flood(),
      changes: [],
    });
    const signal = new AbortController().signal;
    const sent = await channel.send(String(CHATS[0]), rendered, { signal });
    expect(sent.ok).toBe(true);
    const messageId = sent.ok ? sent.providerMessageId! : '';
    const followUp = {
      kind: 'update' as const,
      previousMessageId: messageId,
      previousAnnouncementId: 'x',
      previousRevision: 1,
    };
    const again = await channel.send(String(CHATS[0]), rendered, { signal, followUp });
    expect(again).toEqual({ ok: true, providerMessageId: messageId });
    expect(sandbox.edits).toHaveLength(0);
  });

  it('sends a new message when the message is too old to edit', async () => {
    sandbox = await createTelegramSandbox({ editWindowMs: 0, limits: false });
    channel = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url });
    const signal = new AbortController().signal;
    const first = await channel.send(String(CHATS[0]), await channel.render(flood(), 'it'), { signal });
    await sandbox.waitForMessages((messages) => messages.length === 1);
    const rendered = await channel.renderFollowUp!(flood({ revision: 2 }), 'it', {
      kind: 'cancel',
      previous: flood(),
      changes: [],
    });
    let paced = 0;
    const result = await channel.send(String(CHATS[0]), rendered, {
      signal,
      nextRequest: async () => {
        paced++;
      },
      followUp: {
        kind: 'cancel',
        previousMessageId: first.ok ? first.providerMessageId! : '',
        previousAnnouncementId: 'esondazione-esino',
        previousRevision: 1,
      },
    });
    expect(result.ok).toBe(true);
    expect(paced).toBe(1);
    expect(sandbox.messages).toHaveLength(2);
    expect(sandbox.messages[1]!.text).toContain('ANNULLATO');
  });
});

describe('unit: editRefusal', () => {
  const answer = (status: number, description: string): ApiExchange => ({
    kind: 'response',
    status,
    body: { ok: false, error_code: status, description },
  });
  it.each<[string, ApiExchange, EditRefusal]>([
    [
      'not modified',
      answer(
        400,
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      ),
      'not-modified',
    ],
    ['deleted', answer(400, 'Bad Request: message to edit not found'), 'cannot-edit'],
    ['too old', answer(400, "Bad Request: message can't be edited"), 'cannot-edit'],
    ['a photo', answer(400, 'Bad Request: there is no text in the message to edit'), 'cannot-edit'],
    ['bad id', answer(400, 'Bad Request: MESSAGE_ID_INVALID'), 'cannot-edit'],
    ['bad HTML', answer(400, "Bad Request: can't parse entities: unclosed tag"), undefined],
    ['blocked', answer(403, 'Forbidden: bot was blocked by the user'), undefined],
    ['rate limited', answer(429, 'Too Many Requests: retry after 3'), undefined],
    ['timeout', { kind: 'timeout' }, undefined],
  ])('%s', (_name, exchange, expected) => {
    expect(editRefusal(exchange)).toBe(expected);
  });
});
