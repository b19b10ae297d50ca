import { describe, expect, it } from 'vitest';
import type { Channel, SendResult } from '../channel/channel.js';
import { ChannelError } from '../channel/channel-error.js';
import type { ChannelErrorCode } from '../channel/error-codes.js';
import { isConfigError } from '../errors.js';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock, type ManualClock } from '../testing/manual-clock.js';
import { maxInAnySecond } from '../testing/measure.js';
import { createSandboxChannel, type SandboxChannelMessage } from '../testing/sandbox-channel.js';
import { seedSubscribers } from '../test-support/seed.js';
import { drive } from '../test-support/drive.js';
import { sleep } from '../util/clock.js';
import { createBroadcaster } from './create-broadcaster.js';

interface PartsMessage {
  language: string;
  parts: number;
}

interface PartRequest {
  address: string;
  part: number;
  at: number;
}

/**
 * A channel whose messages go out in several requests, like a split Telegram text: it asks
 * `nextRequest` before each part after the first (and, without it, spaces parts on its own timer
 * as channels used to), remembers the parts already delivered so a retry resumes at the part that
 * failed, and lets a test script the answer to any request. Every request is recorded with the
 * time it "arrived", including the ones answered with an error after they landed.
 */
function createPartsChannel(
  clock: ManualClock,
  options: {
    limits: Channel['limits'];
    partsFor?: (language: string) => number;
    /** The answer to a request: landed (recorded) or not, and the error code if any. */
    answer?: (
      request: PartRequest,
      call: number,
    ) => { landed: boolean; code?: ChannelErrorCode; retryAfterMs?: number };
  },
): Channel<PartsMessage> & { requests: PartRequest[] } {
  const requests: PartRequest[] = [];
  const progress = new Map<string, number>();
  let calls = 0;
  return {
    name: 'sandbox',
    limits: options.limits,
    addressSchema: createSandboxChannel().addressSchema,
    requests,
    render: (_announcement, language) => ({ language, parts: options.partsFor?.(language) ?? 3 }),
    cost: (message) => message.parts,
    async send(address, message, { signal, nextRequest }): Promise<SendResult> {
      const start = progress.get(address) ?? 0;
      for (let part = start; part < message.parts; part++) {
        if (part > start) {
          if (nextRequest) await nextRequest();
          else await sleep(clock, 100, signal);
        }
        const request = { address, part, at: clock.now() };
        const answer = options.answer?.(request, ++calls) ?? { landed: true };
        if (answer.landed) requests.push(request);
        if (answer.code !== undefined) {
          progress.set(address, part);
          const error = new ChannelError(
            answer.code,
            'scripted',
            answer.retryAfterMs === undefined ? {} : { retryAfterMs: answer.retryAfterMs },
          );
          return { ok: false, error };
        }
      }
      progress.delete(address);
      return { ok: true };
    },
  };
}

describe('every request of a split message passes the gate', () => {
  it('keeps 3-part messages at 30 requests in any sliding second, and close to that', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 60);
    const channel = createPartsChannel(clock, { limits: { ratePerSecond: 30, concurrency: 8 } });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock });
    const report = await drive(clock, (await broadcaster.publish(sampleAnnouncement())).done, 1);

    expect(report.channels[0]).toMatchObject({ sent: 60 });
    const stamps = channel.requests.map((request) => request.at);
    expect(stamps).toHaveLength(180);
    expect(maxInAnySecond(stamps)).toBeLessThanOrEqual(30);
    const span = (Math.max(...stamps) - Math.min(...stamps)) / 1000;
    expect(180 / span).toBeGreaterThanOrEqual(28);
    await broadcaster.close();
  });

  it('holds the later parts of messages already started while the channel is paused', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 30);
    let pausedAt = 0;
    const channel = createPartsChannel(clock, {
      limits: { ratePerSecond: 30, concurrency: 8 },
      answer: (request, call) => {
        if (call !== 12) return { landed: true };
        pausedAt = request.at;
        return { landed: false, code: 'RATE_LIMITED', retryAfterMs: 3_000 };
      },
    });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock });
    const report = await drive(clock, (await broadcaster.publish(sampleAnnouncement())).done, 1);

    expect(report.channels[0]).toMatchObject({ sent: 30 });
    expect(pausedAt).toBeGreaterThan(0);
    // Parts that were already on the wire when the 429 came back may land; nothing is sent after.
    const during = channel.requests.filter((request) => request.at > pausedAt && request.at < pausedAt + 3_000);
    expect(during).toEqual([]);
    await broadcaster.close();
  });

  it('counts each request that may have landed twice as ambiguous, so duplicates never exceed it', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 10);
    const seen = new Map<string, number>();
    const channel = createPartsChannel(clock, {
      limits: { ratePerSecond: 30, concurrency: 4 },
      // The second part to three of the chats lands but its answer is lost, twice in a row.
      answer: (request) => {
        const key = `${request.address}:${request.part}`;
        const times = (seen.get(key) ?? 0) + 1;
        seen.set(key, times);
        const flaky = request.part === 1 && ['addr-0', 'addr-3', 'addr-6'].includes(request.address);
        return flaky && times <= 2 ? { landed: true, code: 'TIMEOUT' } : { landed: true };
      },
    });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock, retry: { baseDelayMs: 50 } });
    const report = await drive(clock, (await broadcaster.publish(sampleAnnouncement())).done, 5);

    const copies = new Map<string, number>();
    for (const request of channel.requests) {
      const key = `${request.address}:${request.part}`;
      copies.set(key, (copies.get(key) ?? 0) + 1);
    }
    const duplicates = [...copies.values()].reduce((sum, count) => sum + count - 1, 0);
    expect(report.channels[0]).toMatchObject({ sent: 10 });
    expect(duplicates).toBeGreaterThan(0);
    expect(report.channels[0]!.ambiguous).toBeGreaterThanOrEqual(duplicates);
    await broadcaster.close();
  });

  it('paces mixed runs of different part counts within the limit', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 60, { language: 'it', prefix: 'it-' });
    await seedSubscribers(store, 60, { language: 'en', prefix: 'en-' });
    // Italian text is long and goes out in three parts; the English summary fits in one.
    const channel = createPartsChannel(clock, {
      limits: { ratePerSecond: 30, concurrency: 8 },
      partsFor: (language) => (language === 'it' ? 3 : 1),
    });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock });
    const routine = await broadcaster.publish(sampleAnnouncement({ id: 'routine' }));
    clock.advance(500);
    const alert = await broadcaster.publish(sampleAnnouncement({ id: 'alert', severity: 'extreme' }));
    const [routineReport, alertReport] = await drive(clock, Promise.all([routine.done, alert.done]), 1);

    expect(routineReport.channels[0]!.sent).toBe(120);
    expect(alertReport.channels[0]!.sent).toBe(120);
    const stamps = channel.requests.map((request) => request.at);
    expect(stamps).toHaveLength(480);
    expect(maxInAnySecond(stamps)).toBeLessThanOrEqual(30);
    const span = (Math.max(...stamps) - Math.min(...stamps)) / 1000;
    expect(480 / span).toBeGreaterThanOrEqual(28);
    await broadcaster.close();
  });

  it('sends a message of more parts than the per-second limit, paced', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 2);
    const channel = createPartsChannel(clock, { limits: { ratePerSecond: 2, concurrency: 1 }, partsFor: () => 5 });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock });
    const report = await drive(clock, (await broadcaster.publish(sampleAnnouncement())).done, 10);

    expect(report.channels[0]!.sent).toBe(2);
    expect(channel.requests).toHaveLength(10);
    expect(maxInAnySecond(channel.requests.map((request) => request.at))).toBeLessThanOrEqual(2);
    await broadcaster.close();
  });
});

describe('message cost in estimates', () => {
  it('estimates recipients × cost ÷ rate, using the costliest language', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 120, { channel: 'telegram' });
    const sandbox = createSandboxChannel({ name: 'telegram', limits: { ratePerSecond: 30 } });
    const channel = { ...sandbox, cost: (message: SandboxChannelMessage) => (message.language === 'it' ? 3 : 2) };
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const estimate = await broadcaster.estimate(sampleAnnouncement());

    expect(estimate.channels).toEqual([
      { channel: 'telegram', recipients: 120, ratePerSecond: 30, cost: 3, seconds: 12 },
    ]);
    expect(estimate.seconds).toBe(12);
    expect(sandbox.deliveries).toEqual([]);
    await broadcaster.close();
  });

  it('rejects a cost that is not a function with a ConfigError naming it', () => {
    const channel = { ...createSandboxChannel(), cost: 2 };
    let caught: unknown;
    try {
      createBroadcaster({ store: createMemoryStore(), channels: [channel as never] });
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as { fields: string[] }).fields).toEqual(['channels.0.cost']);
  });
});
