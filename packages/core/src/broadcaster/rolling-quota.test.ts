import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { drive, elapse } from '../test-support/drive.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';
import { createRollingQuota, rollingQuotaBudget } from './rolling-quota.js';

const DAY = 86_400_000;

describe('unit: createRollingQuota', () => {
  it('grants up to the limit at once, then holds until the oldest grant leaves the window', async () => {
    const clock = createManualClock();
    const quota = createRollingQuota({ limit: 3, windowMs: 1_000 });
    const gate = quota.gate(clock);
    expect([gate.acquire(), gate.acquire()].every((ticket) => typeof ticket === 'number')).toBe(true);
    clock.advance(400);
    expect(typeof gate.acquire()).toBe('number');
    let granted = false;
    const held = gate.acquire();
    expect(held).toBeInstanceOf(Promise);
    void (held as Promise<number>).then(() => (granted = true));
    expect(quota.holding()).toBe(true);
    // The oldest grant (at 0) leaves the window at 1,000: 600 ms from now.
    await elapse(clock, 599);
    expect(granted).toBe(false);
    await elapse(clock, 1);
    expect(granted).toBe(true);
    expect(quota.holding()).toBe(false);
    // The two grants at 0 have left; the one at 400 and the new one remain.
    expect(quota.used(clock.now())).toBe(2);
  });

  it('gives a refunded unit back to the next waiter', async () => {
    const clock = createManualClock();
    const quota = createRollingQuota({ limit: 1, windowMs: DAY });
    const gate = quota.gate(clock);
    const ticket = gate.acquire() as number;
    let granted = false;
    void (gate.acquire() as Promise<number>).then(() => (granted = true));
    gate.refund(ticket);
    await elapse(clock, 1);
    expect(granted).toBe(true);
  });

  it('forecasts when the last held request goes out, across several windows', () => {
    const now = Date.UTC(2026, 11, 6, 8, 14);
    const quota = createRollingQuota({ limit: 10, windowMs: DAY, usedAt: [now - 23 * 3_600_000, now - 60_000] });
    expect(quota.forecast(8, now)).toEqual({ now: 8, held: 0, lastAt: undefined });
    // 8 free now; the 9th waits for the grant of 23 h ago, the 10th for the one of a minute ago.
    expect(quota.forecast(9, now)).toEqual({ now: 8, held: 1, lastAt: now + 3_600_000 });
    expect(quota.forecast(10, now)).toEqual({ now: 8, held: 2, lastAt: now + DAY - 60_000 });
    // The 11th waits for one of today's own grants; the 19th for the 9th's grant, a window later.
    expect(quota.forecast(11, now).lastAt).toBe(now + DAY);
    expect(quota.forecast(19, now).lastAt).toBe(now + 3_600_000 + DAY);
    expect(quota.forecast(21, now).lastAt).toBe(now + 2 * DAY);
  });
});

describe('the broadcaster and a rolling quota', () => {
  it('estimates the held recipients, holds them (state "held") instead of failing, and sends them a day later', async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 6, 8, 14));
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 11);
    const quota = createRollingQuota({ limit: 10 });
    const channel = createSandboxChannel({
      clock,
      limits: { ratePerSecond: 100, concurrency: 4, shared: [rollingQuotaBudget('portfolio:1', quota)] },
    });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock });

    const estimate = await broadcaster.estimate(sampleAnnouncement());
    expect(estimate.channels[0]).toMatchObject({ recipients: 11, held: { recipients: 1, lastAt: clock.now() + DAY } });
    expect(estimate.seconds).toBeCloseTo(DAY / 1000, 0);

    const run = await broadcaster.publish(sampleAnnouncement());
    await elapse(clock, 2_000, 10);
    expect(channel.deliveries).toHaveLength(10);
    expect(run.progress().channels[0]).toMatchObject({ sent: 10, failed: 0, state: 'held' });

    clock.advance(DAY - 2_000);
    const report = await drive(clock, run.done, 10);
    expect(report.channels[0]).toMatchObject({ sent: 11, failed: 0 });
    expect(channel.deliveries).toHaveLength(11);
    await broadcaster.close();
  });
});
