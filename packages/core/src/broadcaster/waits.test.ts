import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock } from '../testing/manual-clock.js';
import { seedSubscribers } from '../test-support/seed.js';
import { drive, settle } from '../test-support/drive.js';
import { createScriptedChannel, type ScriptedAnswer } from '../test-support/scripted-channel.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { BroadcastEvent } from './events.js';

/** A broadcaster on a manual clock with `count` subscribers and a scripted channel. */
async function setup(
  count: number,
  script: (address: string, call: number) => ScriptedAnswer,
  channelOptions: Parameters<typeof createScriptedChannel>[1] = {},
  retry: { maxTotalMs?: number; maxAttempts?: number } = {},
) {
  const clock = createManualClock();
  const store = createMemoryStore({ clock });
  await seedSubscribers(store, count);
  const channel = createScriptedChannel(script, { clock, ...channelOptions });
  const events: BroadcastEvent[] = [];
  const broadcaster = createBroadcaster({
    store,
    channels: [channel],
    clock,
    retry,
    onEvent: (event) => events.push(event),
  });
  return { clock, store, channel, events, broadcaster };
}

describe('waits: retry budget, channel pauses, expiry', () => {
  it.each([
    ['a retry', 'PROVIDER_UNAVAILABLE'],
    ['a recipient deferral', 'RECIPIENT_RATE_LIMITED'],
    ['a channel pause', 'RATE_LIMITED'],
  ] as const)('fails at once instead of waiting past the total retry budget for %s', async (_name, code) => {
    const { clock, channel, events, broadcaster } = await setup(
      1,
      () => ({ code, retryAfterMs: 60_000 }),
      {},
      { maxTotalMs: 10_000 },
    );
    const run = await broadcaster.publish(sampleAnnouncement());
    const report = await drive(clock, run.done, 100);

    expect(channel.calls).toHaveLength(1);
    expect(report.channels[0]).toMatchObject({ failed: 1, byCode: { [code]: 1 } });
    expect(events.find((event) => event.type === 'delivery.failed')).toMatchObject({ action: 'exhausted' });
    await broadcaster.close();
  });

  it('tells when a channel pause ends even if nothing succeeds afterwards', async () => {
    let calls = 0;
    const { clock, events, broadcaster } = await setup(
      3,
      () => (++calls === 1 ? { code: 'RATE_LIMITED', retryAfterMs: 2_000 } : { code: 'MESSAGE_REJECTED' }),
      { limits: { concurrency: 1 } },
    );
    const started = clock.now();
    const run = await broadcaster.publish(sampleAnnouncement());
    await settle();
    clock.advance(500);
    expect(run.progress().channels[0]!.state).toBe('paused');
    await drive(clock, run.done, 50);

    const paused = events.filter((event) => event.type === 'channel.paused');
    const resumed = events.filter((event) => event.type === 'channel.resumed');
    expect(paused).toHaveLength(1);
    expect(resumed).toHaveLength(1);
    expect(resumed[0]!.at).toBeGreaterThanOrEqual(started + 2_000);
    expect(resumed[0]!.at).toBeLessThan(started + 2_500);
    await broadcaster.close();
  });

  it('does not show a later run as paused once the pause is over', async () => {
    let hang = false;
    let calls = 0;
    const { clock, broadcaster } = await setup(
      2,
      () =>
        hang ? 'ok' : ++calls === 1 ? { code: 'RATE_LIMITED', retryAfterMs: 1_000 } : { code: 'MESSAGE_REJECTED' },
      { limits: { concurrency: 1 }, latencyMs: () => (hang ? 60_000 : 0) },
    );
    await drive(clock, (await broadcaster.publish(sampleAnnouncement({ id: 'primo' }))).done, 50);
    hang = true;
    const second = await broadcaster.publish(sampleAnnouncement({ id: 'secondo' }));
    await settle();
    clock.advance(100);
    expect(second.progress().channels[0]!.state).toBe('running');
    await drive(clock, second.done, 1_000);
    await broadcaster.close();
  });

  it('pauses once for a burst of rate limits from sends that were in flight together', async () => {
    let latency = 0;
    let calls = 0;
    const { clock, events, broadcaster } = await setup(
      8,
      // The first four sends leave together and all come back rate limited.
      () => (++calls <= 4 ? { code: 'RATE_LIMITED', retryAfterMs: 1_000 } : 'ok'),
      { limits: { concurrency: 4 }, latencyMs: () => 5 + (latency++ % 4) },
    );
    const report = await drive(clock, (await broadcaster.publish(sampleAnnouncement())).done, 1);

    expect(report.channels[0]).toMatchObject({ sent: 8, failed: 0 });
    expect(events.filter((event) => event.type === 'channel.paused')).toHaveLength(1);
    expect(events.filter((event) => event.type === 'channel.resumed')).toHaveLength(1);
    await broadcaster.close();
  });

  it('expires a run at its expiry time even while its deliveries wait for a retry', async () => {
    const clock = createManualClock();
    const expires = new Date(clock.now() + 5_000).toISOString();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 3);
    const channel = createScriptedChannel(() => ({ code: 'PROVIDER_UNAVAILABLE', retryAfterMs: 50_000 }), { clock });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock });
    const run = await broadcaster.publish(sampleAnnouncement({ expires }));
    const report = await drive(clock, run.done, 100);

    expect(report.status).toBe('expired');
    expect(channel.calls).toHaveLength(3);
    expect(Date.parse(report.finishedAt)).toBeLessThanOrEqual(Date.parse(expires) + 1_000);
    expect(report.channels[0]).toMatchObject({ expired: 3, sent: 0 });
    await broadcaster.close();
  });
});

describe('per-recipient spacing holds for every attempt', () => {
  const INTERVAL = 1_000;
  const LATENCY = 20;

  /** Gaps between the end of each attempt to an address and the start of the next one. */
  function gaps(calls: ReadonlyArray<{ address: string; at: number }>): number[] {
    const last = new Map<string, number>();
    const result: number[] = [];
    for (const call of calls) {
      const previous = last.get(call.address);
      if (previous !== undefined) result.push(call.at - (previous + LATENCY));
      last.set(call.address, call.at);
    }
    return result;
  }

  it.each(['PROVIDER_UNAVAILABLE', 'TIMEOUT', 'NETWORK_ERROR'] as const)(
    'waits a full interval after a failed attempt (%s) even when the backoff is shorter',
    async (code) => {
      const { clock, channel, broadcaster } = await setup(
        5,
        (_address, call) => (call === 1 ? { code, retryAfterMs: 100 } : 'ok'),
        { limits: { perRecipientIntervalMs: INTERVAL, concurrency: 5 }, latencyMs: LATENCY },
      );
      const report = await drive(clock, (await broadcaster.publish(sampleAnnouncement())).done, 5);

      expect(report.channels[0]).toMatchObject({ sent: 5 });
      expect(channel.calls).toHaveLength(10);
      for (const gap of gaps(channel.calls)) expect(gap).toBeGreaterThanOrEqual(INTERVAL);
      await broadcaster.close();
    },
  );

  it('waits a full interval before resending after resume() what a stopped channel left', async () => {
    const { clock, channel, broadcaster } = await setup(
      3,
      (_address, call) => (call === 1 ? { code: 'AUTH_FAILED' } : 'ok'),
      { limits: { perRecipientIntervalMs: INTERVAL, concurrency: 1 }, latencyMs: LATENCY },
    );
    const first = await drive(clock, (await broadcaster.publish(sampleAnnouncement())).done, 5);
    expect(first.channels[0]!.sent).toBe(0);
    const runs = await broadcaster.resume();
    await drive(clock, Promise.all(runs.map((run) => run.done)), 5);

    expect(channel.calls.length).toBeGreaterThan(1);
    for (const gap of gaps(channel.calls)) expect(gap).toBeGreaterThanOrEqual(INTERVAL);
    await broadcaster.close();
  });
});
