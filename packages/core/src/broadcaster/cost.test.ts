import { describe, expect, it } from 'vitest';
import { isConfigError } from '../errors.js';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createSandboxChannel, type SandboxChannelMessage } from '../testing/sandbox-channel.js';
import { seedSubscribers } from '../test-support/seed.js';
import { drive } from '../test-support/drive.js';
import { createBroadcaster } from './create-broadcaster.js';

/** Largest sum of `weight` over stamps in any half-open window [t, t + 1000). */
function maxWeightInAnySecond(stamps: ReadonlyArray<{ at: number; weight: number }>): number {
  const sorted = [...stamps].sort((a, b) => a.at - b.at);
  let best = 0;
  let sum = 0;
  let left = 0;
  for (const stamp of sorted) {
    sum += stamp.weight;
    while (stamp.at - sorted[left]!.at >= 1000) sum -= sorted[left++]!.weight;
    best = Math.max(best, sum);
  }
  return best;
}

describe('message cost against the rate limit', () => {
  it('sends at most 10 two-part messages in any sliding second on a 20/s channel, and close to that', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 40);
    const sandbox = createSandboxChannel({ clock, limits: { ratePerSecond: 20, concurrency: 8 } });
    const channel = { ...sandbox, cost: () => 2 };
    const broadcaster = createBroadcaster({ store, channels: [channel], clock });
    const started = clock.now();
    const report = await drive(clock, (await broadcaster.publish(sampleAnnouncement())).done, 1);

    const stamps = sandbox.deliveries.map((delivery) => ({ at: delivery.at, weight: 1 }));
    expect(report.channels[0]).toMatchObject({ sent: 40 });
    expect(maxWeightInAnySecond(stamps)).toBeLessThanOrEqual(10);
    // 40 messages at 10 a second: about four seconds, not eight (a cost charged twice) or two.
    const last = Math.max(...stamps.map((stamp) => stamp.at));
    expect(last - started).toBeGreaterThanOrEqual(3_500);
    expect(last - started).toBeLessThanOrEqual(4_500);
    await broadcaster.close();
  });

  it('charges each language its own cost and keeps requests within the limit when runs of different costs mix', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 60, { language: 'it', prefix: 'it-' });
    await seedSubscribers(store, 60, { language: 'en', prefix: 'en-' });
    const sandbox = createSandboxChannel({ clock, limits: { ratePerSecond: 30, concurrency: 8 } });
    // Italian text is long and goes out in three parts; the English summary fits in one.
    const channel = { ...sandbox, cost: (message: SandboxChannelMessage) => (message.language === 'it' ? 3 : 1) };
    const broadcaster = createBroadcaster({ store, channels: [channel], clock });
    const routine = await broadcaster.publish(sampleAnnouncement({ id: 'routine' }));
    clock.advance(500);
    const alert = await broadcaster.publish(sampleAnnouncement({ id: 'alert', severity: 'extreme' }));
    const [routineReport, alertReport] = await drive(clock, Promise.all([routine.done, alert.done]), 1);

    expect(routineReport.channels[0]!.sent).toBe(120);
    expect(alertReport.channels[0]!.sent).toBe(120);
    const stamps = sandbox.deliveries.map((delivery) => ({
      at: delivery.at,
      weight: delivery.language === 'it' ? 3 : 1,
    }));
    const requests = stamps.reduce((sum, stamp) => sum + stamp.weight, 0);
    expect(maxWeightInAnySecond(stamps)).toBeLessThanOrEqual(30);
    const span = (Math.max(...stamps.map((s) => s.at)) - Math.min(...stamps.map((s) => s.at))) / 1000;
    // 480 requests at 30/s: 16 s at the limit; refunds that went astray would stretch it.
    expect(requests / span).toBeGreaterThanOrEqual(27);
    await broadcaster.close();
  });

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

  it('caps a cost at the per-second limit so such a message still goes out', async () => {
    const clock = createManualClock();
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 3);
    const sandbox = createSandboxChannel({ clock, limits: { ratePerSecond: 2, concurrency: 1 } });
    const broadcaster = createBroadcaster({ store, channels: [{ ...sandbox, cost: () => 50 }], clock });
    const report = await drive(clock, (await broadcaster.publish(sampleAnnouncement())).done, 10);

    expect(report.channels[0]!.sent).toBe(3);
    expect(maxWeightInAnySecond(sandbox.deliveries.map((d) => ({ at: d.at, weight: 1 })))).toBeLessThanOrEqual(1);
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
