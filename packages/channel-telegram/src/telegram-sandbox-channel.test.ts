import { createServer } from 'node:net';
import { createBroadcaster, createMemoryStore, type BroadcastEvent, type SendResult } from '@banditore/core';
import { hostileAnnouncement, sampleAnnouncement } from '@banditore/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramSandbox, type TelegramSandbox, type TelegramSandboxOptions } from './sandbox/index.js';
import { createTelegramChannel, createTelegramChannelPost, registerChannelPostTarget } from './telegram-channel.js';
import type { TelegramChannel } from './telegram-sender.js';
import type { TelegramChannelOptions } from './options.js';
import { TEST_TOKEN } from './test/bot-rig.js';

const signal = (): AbortSignal => new AbortController().signal;
const SECRET = TEST_TOKEN.split(':')[1]!;

let sandbox: TelegramSandbox | undefined;
let channel: TelegramChannel | undefined;
afterEach(async () => {
  await channel?.close?.();
  await sandbox?.close();
  sandbox = undefined;
  channel = undefined;
});

async function rig(
  sandboxOptions: TelegramSandboxOptions = {},
  channelOptions: Partial<TelegramChannelOptions> = {},
  post = false,
) {
  sandbox = await createTelegramSandbox(sandboxOptions);
  channel = (post ? createTelegramChannelPost : createTelegramChannel)({
    token: TEST_TOKEN,
    baseUrl: sandbox.url,
    ...channelOptions,
  });
  return { sandbox, channel };
}

/** Everything an error exposes, to search for secrets and personal data. */
function exposed(result: SendResult): string {
  if (result.ok) return '';
  const cause = result.error.cause as Error | undefined;
  return [result.error.message, result.error.stack, JSON.stringify(result.error), cause?.message, cause?.stack].join(
    '\n',
  );
}

describe('channel against the sandbox: errors', () => {
  it('maps blocked, deactivated and deleted chats to RECIPIENT_GONE without leaking the chat id or token', async () => {
    const { sandbox, channel } = await rig();
    await sandbox.blockBot(910_000_001);
    sandbox.deactivateUser(910_000_002);
    sandbox.deleteChat(910_000_003);
    const message = await channel.render(sampleAnnouncement(), 'it');
    for (const address of ['910000001', '910000002', '910000003']) {
      const result = await channel.send(address, message, { signal: signal() });
      expect(result.ok ? undefined : result.error.code).toBe('RECIPIENT_GONE');
      expect(exposed(result)).not.toContain(address);
      expect(exposed(result)).not.toContain(SECRET);
      expect(exposed(result)).not.toContain('Gli eventi');
    }
  });

  it('reports a migrated group as RECIPIENT_MOVED; the new id then works', async () => {
    const { sandbox, channel } = await rig();
    sandbox.migrateChat(-4_000_123, -1_004_000_123);
    const message = await channel.render(sampleAnnouncement(), 'it');
    const moved = await channel.send('-4000123', message, { signal: signal() });
    expect(moved.ok ? undefined : [moved.error.code, moved.error.newAddress]).toEqual([
      'RECIPIENT_MOVED',
      '-1004000123',
    ]);
    expect(exposed(moved)).not.toContain('4000123');
    expect((await channel.send('-1004000123', message, { signal: signal() })).ok).toBe(true);
    expect(sandbox.messagesTo(-1_004_000_123)).toHaveLength(1);
  });

  it('maps a refused token to AUTH_FAILED and never shows the token', async () => {
    const { channel } = await rig({ token: '700000009:the-only-accepted-token_0000000' });
    const result = await channel.send('1', await channel.render(sampleAnnouncement(), 'it'), { signal: signal() });
    expect(result.ok ? undefined : result.error.code).toBe('AUTH_FAILED');
    expect(result.ok ? undefined : result.error.action).toBe('stop-channel');
    expect(exposed(result)).not.toContain(SECRET);
  });

  it('maps a 429 to RATE_LIMITED with the wait in ms, when the channel runs past the limit', async () => {
    const { sandbox, channel } = await rig({ limits: { messagesPerSecond: 5 } });
    const message = await channel.render(sampleAnnouncement(), 'it');
    const results = await Promise.all(
      Array.from({ length: 8 }, (_, index) => channel.send(`${index + 1}`, message, { signal: signal() })),
    );
    const limited = results.filter((result) => !result.ok);
    expect(results.filter((result) => result.ok)).toHaveLength(5);
    expect(limited).toHaveLength(3);
    for (const result of limited)
      expect(result.ok ? undefined : [result.error.code, result.error.retryAfterMs]).toEqual(['RATE_LIMITED', 3000]);
    // The sixth broke the limit; the two after it fell into the bot-wide penalty.
    expect(sandbox.stats.rateLimited).toMatchObject({ global: 1, penalty: 2 });
  });

  it('maps a slow answer to TIMEOUT and a closed port to NETWORK_ERROR', async () => {
    // undici's header timer ticks about every half second, so the delay must clearly exceed that.
    const { channel } = await rig({ latencyMs: 2500 }, { timeoutMs: 100 });
    const message = await channel.render(sampleAnnouncement(), 'it');
    const slow = await channel.send('1', message, { signal: signal() });
    expect(slow.ok ? undefined : slow.error.code).toBe('TIMEOUT');
    const port = await freePort();
    const unreachable = createTelegramChannel({ token: TEST_TOKEN, baseUrl: `http://127.0.0.1:${port}` });
    const refused = await unreachable.send('1', message, { signal: signal() });
    expect(refused.ok ? undefined : refused.error.code).toBe('NETWORK_ERROR');
    expect(exposed(refused)).not.toContain(SECRET);
    await unreachable.close?.();
  });

  it('sends a hostile announcement in parts the sandbox parses, spaced per chat', async () => {
    const { sandbox, channel } = await rig(
      { limits: { privateChatIntervalMs: 50 } },
      { limits: { perRecipientIntervalMs: 50 } },
    );
    const message = await channel.render(hostileAnnouncement(), 'it');
    const result = await channel.send('77', message, { signal: signal() });
    expect(result).toEqual({ ok: true, providerMessageId: '1' });
    const received = sandbox.messagesTo(77);
    expect(received).toHaveLength(message.parts.length);
    expect(received[0]!.text).toContain('<script>alert(1)</script>');
    for (let index = 1; index < received.length; index++)
      expect(received[index]!.at - received[index - 1]!.at).toBeGreaterThanOrEqual(45);
  });

  it('sends an image as sendPhoto with the caption, silently for minor news', async () => {
    const { sandbox, channel } = await rig();
    const announcement = sampleAnnouncement({
      image: { url: 'https://www.comune.jesi.an.it/mappa.png', alt: 'Mappa' },
    });
    expect((await channel.send('5', await channel.render(announcement, 'it'), { signal: signal() })).ok).toBe(true);
    expect(sandbox.messagesTo(5)[0]).toMatchObject({
      method: 'sendPhoto',
      photo: 'https://www.comune.jesi.an.it/mappa.png',
      silent: true,
    });
  });
});

describe('channel post against the sandbox', () => {
  it('posts to the registered public channel, and stops (ACCOUNT_UNUSABLE) when the channel is missing or the bot was removed', async () => {
    const { sandbox, channel } = await rig({ channels: ['@comune_jesi'] }, {}, true);
    const message = await channel.render(sampleAnnouncement(), 'it');
    expect((await channel.send('@comune_jesi', message, { signal: signal() })).ok).toBe(true);
    const missing = await channel.send('@comune_altro', message, { signal: signal() });
    expect(missing.ok ? undefined : [missing.error.code, missing.error.action]).toEqual([
      'ACCOUNT_UNUSABLE',
      'stop-channel',
    ]);
    sandbox.removeBotFromChannel('@comune_jesi');
    const removed = await channel.send('@comune_jesi', message, { signal: signal() });
    expect(removed.ok ? undefined : removed.error.code).toBe('ACCOUNT_UNUSABLE');
  });
});

describe('broadcast through the broadcaster against the sandbox at its limits', () => {
  it('delivers to every reachable chat within 30/s, drops blocked chats, readdresses migrated ones, and posts to the channel', async () => {
    sandbox = await createTelegramSandbox({ channels: ['@comune_jesi'] });
    const store = createMemoryStore();
    const consent = { method: 'import' as const, noticeVersion: '2026-03' };
    const chats = Array.from({ length: 45 }, (_, index) => 300_000_000 + index);
    await store.importSubscribers(
      chats.map((chat) => ({ channel: 'telegram', address: `${chat}`, topics: ['eventi'], areas: [], language: 'it' })),
      consent,
    );
    await store.subscribe({ channel: 'telegram', address: '-4005006', topics: [], areas: [], language: 'it' }, consent);
    await registerChannelPostTarget(store, { address: '@comune_jesi', noticeVersion: '2026-03' });
    await sandbox.blockBot(chats[3]!);
    sandbox.deleteChat(chats[7]!);
    sandbox.migrateChat(-4_005_006, -1_004_005_006);
    const fanOut = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url });
    const post = createTelegramChannelPost({ token: TEST_TOKEN, baseUrl: sandbox.url });
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({ store, channels: [fanOut, post], onEvent: (event) => events.push(event) });
    try {
      const started = performance.now();
      const run = await broadcaster.publish(sampleAnnouncement());
      const report = await run.done;
      const seconds = (performance.now() - started) / 1000;

      const telegram = report.channels.find((entry) => entry.channel === 'telegram')!;
      expect(telegram).toMatchObject({ planned: 46, sent: 44, dropped: 2, failed: 0 });
      expect(report.channels.find((entry) => entry.channel === 'telegram-channel')).toMatchObject({
        planned: 1,
        sent: 1,
      });
      // No 429: the sandbox enforced 30 per sliding window (less 50 ms for loopback jitter) and per-chat spacing.
      expect(sandbox.stats.clientRateLimited).toBe(0);
      // 46 fan-out messages at 30/s cannot all leave within the first second.
      expect(seconds).toBeGreaterThan(0.9);
      expect(sandbox.messagesTo(-1_004_005_006)).toHaveLength(1);
      expect((await store.findSubscriber('telegram', '-1004005006'))?.status).toBe('active');
      expect((await store.findSubscriber('telegram', `${chats[3]!}`))?.status).toBe('unreachable');
      expect(
        sandbox.messages.filter((message) => message.chatId < -1_000_000_000_000 && message.chatId !== -1_004_005_006),
      ).toHaveLength(1);
      const serialised = JSON.stringify([events, report]);
      expect(serialised).not.toContain(`${chats[3]!}`);
      expect(serialised).not.toContain(SECRET);
    } finally {
      await broadcaster.close();
      await fanOut.close?.();
      await post.close?.();
    }
  }, 20_000);
});

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
