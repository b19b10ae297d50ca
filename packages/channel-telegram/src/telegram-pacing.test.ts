import { createBroadcaster, createMemoryStore, type Announcement, type Store } from '@banditore/core';
import { sampleAnnouncement } from '@banditore/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createTelegramSandbox, type TelegramSandbox, type TelegramSandboxOptions } from './sandbox/index.js';
import { createTelegramChannel, createTelegramChannelPost, registerChannelPostTarget } from './telegram-channel.js';
import type { TelegramChannel } from './telegram-sender.js';
import { TEST_TOKEN } from './test/bot-rig.js';

/**
 * Pacing against the strict sandbox, through the broadcaster: the sandbox counts arrivals in
 * exact sliding windows, punishes any breach with a bot-wide penalty, adds 5–40 ms of jittered
 * latency and serves seeded faults. Each test asserts what the sandbox counted, never how long
 * anything took. One regression test per cause found in the pacing review (see each title).
 */
const SEED = 8;
const JITTER: readonly [number, number] = [5, 40];
/** A hang guard, not a budget: these runs take seconds at 30/s, many more on a busy machine. */
const HANG_GUARD_MS = 120_000;

let sandbox: TelegramSandbox | undefined;
const channels: TelegramChannel[] = [];
afterEach(async () => {
  for (const channel of channels.splice(0)) await channel.close?.();
  await sandbox?.close();
  sandbox = undefined;
});

async function start(options: TelegramSandboxOptions = {}): Promise<TelegramSandbox> {
  process.stdout.write(`telegram pacing: sandbox seed ${options.seed ?? SEED}\n`);
  sandbox = await createTelegramSandbox({ latencyMs: JITTER, seed: SEED, ...options });
  return sandbox;
}

async function seedChats(store: Store, count: number, first = 100_000): Promise<number[]> {
  const ids = Array.from({ length: count }, (_, index) => first + index);
  await store.importSubscribers(
    ids.map((id) => ({ channel: 'telegram', address: `${id}`, topics: [], areas: [], language: 'it' })),
    { method: 'import', noticeVersion: 'test' },
  );
  return ids;
}

/** An announcement whose Italian text goes out in three parts. */
function threeParts(id: string): Announcement {
  const paragraph = (word: string): string => `${word} `.repeat(560).trim();
  return sampleAnnouncement({
    id,
    content: {
      it: { headline: 'Lavori', body: [paragraph('strada'), paragraph('ponte'), paragraph('piazza')].join('\n\n') },
    },
  });
}

/** What the sandbox must have counted for a client that stays inside every limit. */
function expectInsideLimits(stats: TelegramSandbox['stats']): void {
  expect(stats.clientRateLimited).toBe(0);
  expect(stats.maxPerSecond).toBeLessThanOrEqual(30);
  expect(stats.maxPerChatPerSecond).toBeLessThanOrEqual(1);
  expect(stats.maxPerGroupPerMinute).toBeLessThanOrEqual(20);
}

/** Copies of each (chat, part text) beyond the first. */
function duplicates(sandbox: TelegramSandbox): number {
  const seen = new Map<string, number>();
  for (const message of sandbox.messages) {
    const key = `${message.chatId}\u0000${message.raw}`;
    seen.set(key, (seen.get(key) ?? 0) + 1);
  }
  return [...seen.values()].reduce((sum, count) => sum + count - 1, 0);
}

describe('Telegram pacing against the strict sandbox', { timeout: HANG_GUARD_MS }, () => {
  it('keeps every part of split messages inside the limits and holds them through a 429 (causes 1 and 5)', async () => {
    const sandbox = await start({ faults: { tooManyRequests: 0.03 } });
    const store = createMemoryStore();
    const chats = await seedChats(store, 40);
    const channel = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url });
    channels.push(channel);
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const report = await (await broadcaster.publish(threeParts('lavori-1'))).done;
    await broadcaster.close();

    expect(report.channels[0]).toMatchObject({ sent: 40 });
    expect(sandbox.stats.rateLimited.seeded).toBeGreaterThan(0);
    expectInsideLimits(sandbox.stats);
    for (const chat of chats) expect(sandbox.messagesTo(chat)).toHaveLength(3);
  });

  it('spaces retries and every attempt to a chat by a second, whatever the backoff (cause 3)', async () => {
    const sandbox = await start({ faults: { serverError: 0.1, badGateway: 0.05, drop: 0.05 } });
    const store = createMemoryStore();
    const chats = await seedChats(store, 60);
    const channel = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url });
    channels.push(channel);
    // One fault in five: with the default five attempts, one chat in ~3,000 runs out of attempts,
    // and which request draws which fault depends on timing. Twelve make that about one in 10^8.
    const broadcaster = createBroadcaster({
      store,
      channels: [channel],
      retry: { baseDelayMs: 20, maxDelayMs: 50, maxAttempts: 12 },
    });
    const report = await (await broadcaster.publish(sampleAnnouncement({ id: 'retries' }))).done;
    await broadcaster.close();

    expect(sandbox.stats.faults.serverError + sandbox.stats.faults.badGateway).toBeGreaterThan(0);
    expect(report.channels[0]).toMatchObject({ sent: 60 });
    expectInsideLimits(sandbox.stats);
    for (const chat of chats) expect(sandbox.messagesTo(chat).length).toBeGreaterThanOrEqual(1);
  });

  it('paces the fan-out and the channel posts of one bot together, and pauses both on a 429 (cause 4)', async () => {
    const sandbox = await start({ channels: ['@comune_jesi'], faults: { tooManyRequests: 0.02 } });
    const store = createMemoryStore();
    await seedChats(store, 90);
    await registerChannelPostTarget(store, { address: '@comune_jesi', noticeVersion: 'test' });
    const fanOut = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url });
    const posts = createTelegramChannelPost({ token: TEST_TOKEN, baseUrl: sandbox.url });
    channels.push(fanOut, posts);
    const broadcaster = createBroadcaster({ store, channels: [fanOut, posts] });
    const runs = await Promise.all(
      ['uno', 'due', 'tre'].map(async (id) => (await broadcaster.publish(sampleAnnouncement({ id }))).done),
    );
    await broadcaster.close();

    for (const report of runs) {
      expect(report.channels.find((entry) => entry.channel === 'telegram')).toMatchObject({ sent: 90 });
      expect(report.channels.find((entry) => entry.channel === 'telegram-channel')).toMatchObject({ sent: 1 });
    }
    expectInsideLimits(sandbox.stats);
  });

  it('counts every request that may have landed twice: duplicates never exceed ambiguous (causes 2 and 7)', async () => {
    const sandbox = await start({
      faults: { drop: 0.04, slow: 0.03, slowMs: 800, serverError: 0.02, badGateway: 0.01 },
    });
    const store = createMemoryStore();
    const chats = await seedChats(store, 50);
    const channel = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url, timeoutMs: 400 });
    channels.push(channel);
    const broadcaster = createBroadcaster({ store, channels: [channel], retry: { baseDelayMs: 50 } });
    const report = await (await broadcaster.publish(threeParts('lavori-2'))).done;
    await broadcaster.close();

    const entry = report.channels[0]!;
    expect(entry).toMatchObject({ sent: 50 });
    expect(sandbox.stats.faults.drop + sandbox.stats.faults.slow).toBeGreaterThan(0);
    expect(duplicates(sandbox)).toBeLessThanOrEqual(entry.ambiguous);
    expectInsideLimits(sandbox.stats);
    for (const chat of chats) expect(new Set(sandbox.messagesTo(chat).map((m) => m.raw)).size).toBe(3);
  });
});

describe('split-message progress under concurrency (cause 2)', () => {
  it('keeps the progress of concurrent sends of one message, so a retry resends only the failed part', async () => {
    const sandbox = await start({ latencyMs: 0, limits: false });
    const channel = createTelegramChannel({ token: TEST_TOKEN, baseUrl: sandbox.url });
    channels.push(channel);
    const message = await channel.render(threeParts('lavori-3'), 'it');
    expect(message.parts).toHaveLength(3);
    // Both sends reach their second part together; then the sandbox fails every request once.
    let arrived = 0;
    let release!: () => void;
    const together = new Promise<void>((resolve) => (release = resolve));
    const nextRequest = async (): Promise<void> => {
      if (++arrived === 2) {
        sandbox.configure({ faults: { serverError: 1 } });
        release();
      }
      await together;
    };
    const signal = new AbortController().signal;
    const first = await Promise.all(['201', '202'].map((chat) => channel.send(chat, message, { signal, nextRequest })));
    expect(first.map((result) => (result.ok ? 'ok' : result.error.code))).toEqual([
      'PROVIDER_UNAVAILABLE',
      'PROVIDER_UNAVAILABLE',
    ]);
    sandbox.configure({ faults: {} });
    const again = await Promise.all(
      ['201', '202'].map((chat) => channel.send(chat, message, { signal, nextRequest: () => Promise.resolve() })),
    );
    expect(again.every((result) => result.ok)).toBe(true);
    for (const chat of [201, 202])
      expect(sandbox.messagesTo(chat).map((m) => m.raw)).toEqual(
        message.parts.map((p) => (p.method === 'sendMessage' ? p.text : p.caption)),
      );
  });
});
