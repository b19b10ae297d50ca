import { createBroadcaster, createMemoryStore, type Announcement, type AnnouncementInput } from '@banditore/core';
import { sampleAnnouncement } from '@banditore/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { describeChanges, followUpText } from './follow-up.js';
import { renderWhatsAppMessage } from './render.js';
import { createWhatsAppSandbox } from './sandbox/index.js';
import { selectTemplate } from './templates.js';
import { templateSchema } from './options.js';
import { CHANNEL_TEMPLATES, SANDBOX_TEMPLATES, testSeed } from './test/rig.js';
import { createWhatsAppChannel } from './whatsapp-channel.js';

const opened: Array<{ close(): Promise<unknown> }> = [];
afterEach(async () => {
  for (const item of opened.splice(0).reverse()) await item.close();
});

const FOLLOW_UP_TEMPLATE = {
  name: 'aggiornamento_avviso',
  category: 'UTILITY' as const,
  languages: ['it'],
  followUp: ['update' as const, 'cancel' as const],
  body: ['headline' as const, 'changes' as const],
};

const flood = (overrides: Partial<AnnouncementInput> = {}): Announcement =>
  sampleAnnouncement({
    id: 'piena-esino',
    severity: 'severe',
    colorCode: 'arancione',
    topics: ['protezione-civile'],
    content: {
      it: { headline: 'Esino in piena', body: 'Evitate gli argini.', instruction: 'Non usate i sottopassi.' },
    },
    links: [],
    ...overrides,
  });

describe('WhatsApp follow-ups through the broadcaster, against the sandbox', () => {
  it('sends a short follow-up naming what changed: free-form in the window, the follow-up template outside it, quoting the first message', async () => {
    const sandbox = await createWhatsAppSandbox({
      seed: testSeed('follow-up'),
      templates: [...SANDBOX_TEMPLATES, { name: 'aggiornamento_avviso', language: 'it', category: 'UTILITY', body: 2 }],
    });
    opened.push(sandbox);
    const inWindow = '393331000001';
    const outside = '393331000002';
    const inbound = new Map<string, number>([[inWindow, Date.now()]]);
    await sandbox.receiveInbound(inWindow, 'ISCRIVIMI');
    const channel = createWhatsAppChannel({
      accessToken: sandbox.accessToken,
      phoneNumberId: sandbox.phoneNumberIds[0]!,
      baseUrl: sandbox.url,
      templates: [...CHANNEL_TEMPLATES, FOLLOW_UP_TEMPLATE],
      conversationWindow: { lastInboundAt: (address) => inbound.get(address) },
    });
    opened.push(channel);
    const store = createMemoryStore({ keepMessageIds: true });
    for (const address of [inWindow, outside]) {
      await store.subscribe(
        { channel: 'whatsapp', address, topics: ['protezione-civile'], areas: [], language: 'it' },
        { method: 'keyword', noticeVersion: 'test' },
      );
    }
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    opened.push(broadcaster);

    expect((await (await broadcaster.publish(flood())).done).channels[0]!.sent).toBe(2);
    const firstIds = new Map(sandbox.messages.map((message) => [message.to, message.id]));
    expect(sandbox.messages.find((message) => message.to === outside)?.template).toBe('allerta_protezione_civile');

    const update = flood({
      revision: 2,
      colorCode: 'rossa',
      content: {
        it: { headline: 'Esino esondato', body: 'Salite ai piani alti.', instruction: 'Non usate i sottopassi.' },
      },
    });
    expect((await (await broadcaster.publish(update)).done).channels[0]!.sent).toBe(2);
    const [freeForm, template] = [inWindow, outside].map((address) =>
      sandbox.messages.filter((message) => message.to === address).at(-1)!,
    );
    expect(freeForm!.type).toBe('text');
    const text = (freeForm!.body.text as { body: string }).body;
    expect(text.startsWith('*Aggiornamento* — cambia: livello di allerta (da arancione), titolo, testo')).toBe(true);
    expect(text).toContain('*Esino esondato*');
    expect(freeForm!.body.context).toEqual({ message_id: firstIds.get(inWindow) });
    expect(template!.template).toBe('aggiornamento_avviso');
    expect(JSON.stringify(template!.body.template)).toContain('livello di allerta (da arancione), titolo, testo');
    expect(template!.body.context).toEqual({ message_id: firstIds.get(outside) });
    const updateIds = new Map([
      [inWindow, freeForm!.id],
      [outside, template!.id],
    ]);

    const cancel = flood({
      id: 'piena-esino-revoca',
      type: 'cancel',
      references: ['piena-esino'],
      severity: 'minor',
      colorCode: 'verde',
      content: { it: { headline: 'Esino rientrato, allerta revocata' } },
    });
    expect((await (await broadcaster.publish(cancel)).done).channels[0]!.sent).toBe(2);
    for (const address of [inWindow, outside]) {
      const last = sandbox.messages.filter((message) => message.to === address).at(-1)!;
      // Each quotes the message the citizen got last: the update.
      expect(last.body.context).toEqual({ message_id: updateIds.get(address) });
      if (address === inWindow) expect((last.body.text as { body: string }).body.startsWith('*Revocata*')).toBe(true);
      else expect(JSON.stringify(last.body.template)).toContain('Revocata');
    }
    expect(sandbox.messages).toHaveLength(6);
  });
});

describe('unit: follow-up texts and templates', () => {
  it('names changes in the language, with the level it had', () => {
    const previous = flood();
    expect(describeChanges({ kind: 'update', previous, changes: ['colorCode', 'expires'] }, 'it')).toBe(
      'livello di allerta (da arancione), scadenza',
    );
    expect(describeChanges({ kind: 'update', previous, changes: ['body'] }, 'en_US')).toBe('text');
    expect(describeChanges({ kind: 'update', previous, changes: [] }, 'it')).toBe('nessun cambiamento nei dettagli');
    expect(describeChanges({ kind: 'cancel', previous, changes: [] }, 'de')).toBe('Revocata');
    expect(describeChanges(undefined, 'it')).toBe('-');
  });

  it('keeps the follow-up short', () => {
    const long = flood({ content: { it: { headline: 'Esino', body: 'a '.repeat(2_000) } } });
    const text = followUpText(
      long,
      { language: 'it', content: long.content.it! },
      {
        kind: 'update',
        previous: flood(),
        changes: ['body'],
      },
    );
    expect(text.length).toBeLessThan(800);
  });

  it('marks an exercise or a test in the free-form text and in the template headline', () => {
    const templates = CHANNEL_TEMPLATES.map((template) => templateSchema.parse(template));
    const exercise = renderWhatsAppMessage(flood({ status: 'exercise' }), 'it', { templates, timeZone: 'Europe/Rome' });
    expect(exercise.text.startsWith('*[ESERCITAZIONE]*\n*Esino in piena*')).toBe(true);
    expect(exercise.template?.parameters[0]?.text).toBe('[ESERCITAZIONE] Esino in piena');
    const test = renderWhatsAppMessage(flood({ status: 'test' }), 'en', { templates, timeZone: 'Europe/Rome' });
    expect(test.text.startsWith('*[PROVA]*')).toBe(true);
    const real = renderWhatsAppMessage(flood(), 'it', { templates, timeZone: 'Europe/Rome' });
    expect(real.text.startsWith('*Esino in piena*')).toBe(true);
  });

  it('uses follow-up templates only for follow-ups of their kinds', () => {
    const templates = [...CHANNEL_TEMPLATES, { ...FOLLOW_UP_TEMPLATE, followUp: ['cancel' as const] }].map((template) =>
      templateSchema.parse(template),
    );
    expect(selectTemplate(templates, flood())?.name).toBe('allerta_protezione_civile');
    expect(selectTemplate(templates, flood(), 'cancel')?.name).toBe('aggiornamento_avviso');
    expect(selectTemplate(templates, flood(), 'update')?.name).toBe('allerta_protezione_civile');
  });
});
