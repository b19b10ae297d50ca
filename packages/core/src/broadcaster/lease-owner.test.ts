import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock, type ManualClock } from '../testing/manual-clock.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { drive, settle } from '../test-support/drive.js';
import { seedSubscribers } from '../test-support/seed.js';
import type { Clock } from '../util/clock.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { BroadcastEvent } from './events.js';
import { LeaseWatch } from './lease-watch.js';

const HOUR_MS = 3_600_000;

/** A machine's clocks: the wall clock can be stepped; monotonic time and timers run on `base`. */
function steppableClock(base: ManualClock): Clock & { step(ms: number): void } {
  let offset = 0;
  return {
    now: () => base.now() + offset,
    monotonic: () => base.now(),
    setTimeout: (callback, ms) => base.setTimeout(callback, ms),
    clearTimeout: (handle) => base.clearTimeout(handle),
    step(ms) {
      offset += ms;
    },
  };
}

describe('run leases belong to one process', () => {
  it('two live processes started with the same instanceId never both deliver a run', async () => {
    const clock = createManualClock(Date.now());
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 200);
    const channelA = createSandboxChannel({ clock, latencyMs: 2, limits: { concurrency: 2 } });
    const channelB = createSandboxChannel({ clock, latencyMs: 2, limits: { concurrency: 2 } });
    const a = createBroadcaster({ store, clock, channels: [channelA], instanceId: 'comune-server' });
    const b = createBroadcaster({ store, clock, channels: [channelB], instanceId: 'comune-server' });

    const runA = await a.publish(sampleAnnouncement());
    const runB = await b.publish(sampleAnnouncement());
    expect(runB.created).toBe(false);
    const [reportA, reportB] = await drive(clock, Promise.all([runA.done, runB.done]));

    expect(channelB.deliveries).toEqual([]);
    expect(new Set(channelA.deliveries.map((delivery) => delivery.address)).size).toBe(200);
    expect(channelA.deliveries).toHaveLength(200);
    expect(reportA.status).toBe('completed');
    expect(reportB.status).toBe('completed');
    await a.close();
    await b.close();
  });
});

describe('a step of the wall clock', () => {
  it('+8 h: the watching process does not take over the live run', async () => {
    const base = createManualClock(Date.now());
    const clock = steppableClock(base);
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 300);
    const owner = createSandboxChannel({ clock: base, latencyMs: 5, limits: { ratePerSecond: 50, concurrency: 2 } });
    const other = createSandboxChannel({ clock: base, latencyMs: 5, limits: { ratePerSecond: 50, concurrency: 2 } });
    const events: BroadcastEvent[] = [];
    const options = { store, clock, leaseTtlMs: 3_000, onEvent: (event: BroadcastEvent) => void events.push(event) };
    const a = createBroadcaster({ ...options, channels: [owner], instanceId: 'a' });
    const b = createBroadcaster({ ...options, channels: [other], instanceId: 'b' });
    const startedAt = base.now();
    const runA = await a.publish(sampleAnnouncement());
    // The watcher looks half a second after each of the owner's renewals (every second).
    for (let step = 0; step < 50; step++) {
      base.advance(10);
      await settle(2);
    }
    const runB = await b.publish(sampleAnnouncement());
    while (owner.deliveries.length < 50 || (base.now() - startedAt) % 1_000 !== 100) {
      base.advance(10);
      await settle(2);
    }

    // Just after a renewal, every lease suddenly looks 8 h expired: the watcher looks before the
    // owner renews again.
    clock.step(8 * HOUR_MS);
    const reportA = await drive(base, runA.done, 20);
    const reportB = await drive(base, runB.done, 20);

    expect(events.filter((event) => event.type === 'run.resumed')).toEqual([]);
    expect(other.deliveries).toEqual([]);
    expect(reportA.status).toBe('completed');
    expect(reportB.status).toBe('completed');
    expect(new Set(owner.deliveries.map((delivery) => delivery.address)).size).toBe(300);
    await a.close();
    await b.close();
  });

  it('+8 h past the expiry: the run stops sending within a second and ends expired', async () => {
    const base = createManualClock(Date.now());
    const clock = steppableClock(base);
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 400);
    const owner = createSandboxChannel({ clock: base, latencyMs: 5, limits: { ratePerSecond: 50, concurrency: 2 } });
    const a = createBroadcaster({ store, clock, channels: [owner] });
    const announcement = sampleAnnouncement({ expires: new Date(clock.now() + HOUR_MS).toISOString() });
    const run = await a.publish(announcement);
    while (owner.deliveries.length < 50) {
      base.advance(20);
      await settle(2);
    }
    clock.step(8 * HOUR_MS);
    const report = await drive(base, run.done, 20);

    expect(report.status).toBe('expired');
    const sent = owner.deliveries.length;
    expect(sent).toBeLessThan(50 + 50);
    expect(report.channels[0]).toMatchObject({ sent, expired: 400 - sent });
    await a.close();
  });

  it('-8 h: pacing runs on monotonic time, so the broadcast neither stalls nor bursts', async () => {
    const base = createManualClock(Date.now());
    const clock = steppableClock(base);
    const store = createMemoryStore({ clock });
    await seedSubscribers(store, 200);
    const channel = createSandboxChannel({ clock: base, limits: { ratePerSecond: 50, concurrency: 2 } });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock });
    const run = await broadcaster.publish(sampleAnnouncement());
    while (channel.deliveries.length < 50) {
      base.advance(20);
      await settle(2);
    }
    const steppedAt = base.now();
    clock.step(-8 * HOUR_MS);
    const report = await drive(base, run.done, 20, 60_000);

    expect(report.status).toBe('completed');
    expect(channel.deliveries).toHaveLength(200);
    // The duration is measured, not the difference of two wall times 8 h apart.
    expect(report.durationMs).toBeGreaterThan(3_000);
    expect(report.durationMs).toBeLessThan(60_000);
    // 150 left at 50/s: about 3 s of monotonic time, not 8 h and not at once.
    const last = channel.deliveries.at(-1)!.at;
    expect(last - steppedAt).toBeGreaterThan(2_000);
    expect(last - steppedAt).toBeLessThan(10_000);
    await broadcaster.close();
  });

  it('a lease seen expired is taken only after it stayed unrenewed for a lease TTL of monotonic time', () => {
    const base = createManualClock(1_000_000);
    const clock = steppableClock(base);
    const watch = new LeaseWatch('me', 3_000, clock);
    // Seen with 2 s left: patience is those 2 s.
    expect(watch.mayTake('run-1', { owner: 'other', expiresAt: 1_002_000 })).toBe(false);
    clock.step(8 * HOUR_MS);
    expect(watch.mayTake('run-1', { owner: 'other', expiresAt: 1_002_000 })).toBe(false);
    base.advance(1_000);
    // Renewed (on the stepped clock): a new sighting, patience starts again.
    expect(watch.mayTake('run-1', { owner: 'other', expiresAt: base.now() + 8 * HOUR_MS + 3_000 })).toBe(false);
    base.advance(10_000);
    // Expired by wall time and unchanged for longer than it had left: abandoned.
    expect(watch.mayTake('run-1', { owner: 'other', expiresAt: 1_003_000 + 8 * HOUR_MS })).toBe(false);
    base.advance(3_000);
    expect(watch.mayTake('run-1', { owner: 'other', expiresAt: 1_003_000 + 8 * HOUR_MS })).toBe(true);
    expect(watch.mayTake('run-2', undefined)).toBe(true);
    expect(watch.mayTake('run-3', { owner: 'me', expiresAt: 0 })).toBe(true);
  });
});
