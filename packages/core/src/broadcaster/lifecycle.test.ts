import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock } from '../testing/manual-clock.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { BroadcastRun, RunProgress } from './types.js';

// Process-level limits scale on slow or busy machines: BANDITORE_TEST_SLOWDOWN=4 gives four times as long.
const SLOWDOWN = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);

describe('broadcaster lifecycle', () => {
  it('sends an emergency published during a routine broadcast first, then finishes the routine one', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 400, { topics: ['eventi'], prefix: 'r-' });
    await seedSubscribers(store, 20, { topics: ['meteo'], prefix: 'e-' });
    const channel = createSandboxChannel({ limits: { ratePerSecond: 200, concurrency: 8 } });
    const broadcaster = createBroadcaster({ store, channels: [channel] });

    const routine = await broadcaster.publish(sampleAnnouncement({ id: 'routine', topics: ['eventi'] }));
    while (channel.deliveries.length < 50) await new Promise((resolve) => setTimeout(resolve, 5));
    const emergency = await broadcaster.publish(
      sampleAnnouncement({ id: 'allerta', severity: 'extreme', colorCode: 'rossa', topics: ['meteo'] }),
    );
    const emergencyReport = await emergency.done;
    const routineSentWhenEmergencyDone = channel.deliveries.filter((d) => d.announcementId === 'routine').length;
    const routineReport = await routine.done;

    expect(emergencyReport.priority).toBe('emergency');
    expect(emergencyReport.channels[0]!.sent).toBe(20);
    // At 200/s the 20 emergency messages take ~0.1 s; the routine run had far more left to send.
    expect(routineSentWhenEmergencyDone).toBeLessThan(300);
    expect(routineReport.channels[0]!.sent).toBe(400);
    const order = channel.deliveries.map((d) => d.announcementId);
    const firstEmergency = order.indexOf('allerta');
    const lastEmergency = order.lastIndexOf('allerta');
    // Once the emergency starts, nothing routine goes out until it is done (in-flight ones aside).
    expect(order.slice(firstEmergency, lastEmergency + 1).filter((id) => id === 'routine').length).toBeLessThanOrEqual(
      8,
    );
    await broadcaster.close();
  });

  it('cancel stops everything, including deliveries not yet planned', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 300);
    const channel = createSandboxChannel({ limits: { ratePerSecond: 100, concurrency: 4 } });
    const broadcaster = createBroadcaster({ store, channels: [channel], planPageSize: 50 });
    const run = await broadcaster.publish(sampleAnnouncement());
    while (channel.deliveries.length < 10) await new Promise((resolve) => setTimeout(resolve, 5));
    await run.cancel();
    const sentAtCancel = channel.deliveries.length;
    const report = await run.done;
    await new Promise((resolve) => setTimeout(resolve, 100));

    expect(report.status).toBe('cancelled');
    expect(channel.deliveries.length).toBeLessThanOrEqual(sentAtCancel + 4);
    const row = report.channels[0]!;
    expect(row.sent).toBe(channel.deliveries.length);
    expect(row.sent + row.cancelled).toBe(row.planned);
    await expect(store.getRun(run.id)).resolves.toMatchObject({ status: 'cancelled' });
    // Cancelled runs are not resumed.
    expect(await broadcaster.resume()).toEqual([]);
    await broadcaster.close();
  });

  it('does not deliver an announcement past its expiry', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 5);
    const channel = createSandboxChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const report = await (await broadcaster.publish(sampleAnnouncement({ expires: '2020-01-01T00:00:00+01:00' }))).done;
    expect(report.status).toBe('expired');
    expect(channel.deliveries).toEqual([]);
    await broadcaster.close();
  });

  it('stops delivering when the announcement expires mid-broadcast', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 200);
    const channel = createSandboxChannel({ limits: { ratePerSecond: 100, concurrency: 4 } });
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const expires = new Date(Date.now() + 400).toISOString();
    const report = await (await broadcaster.publish(sampleAnnouncement({ expires }))).done;
    expect(report.status).toBe('expired');
    const row = report.channels[0]!;
    expect(row.sent).toBeGreaterThan(0);
    expect(row.sent).toBeLessThan(200);
    expect(row.sent + row.expired).toBe(200);
    expect(channel.deliveries.every((delivery) => delivery.at <= Date.parse(expires) + 50)).toBe(true);
    await broadcaster.close();
  });

  it('resumes a run left behind by a dead process and counts the ambiguous deliveries', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 100);
    // The first process dies holding its claims: on a clock that never moves, its sends never
    // return and its lease is never renewed.
    const frozen = createManualClock(Date.now());
    const hung = createSandboxChannel({ latencyMs: 60_000, limits: { concurrency: 5 }, clock: frozen });
    const dead = createBroadcaster({ store, channels: [hung], leaseTtlMs: 1_000, instanceId: 'dead', clock: frozen });
    const abandoned = await dead.publish(sampleAnnouncement());
    while (((await store.deliveryCounts(abandoned.id))[0]?.byStatus.claimed ?? 0) === 0)
      await new Promise((r) => setTimeout(r, 5));
    const claimedByDead = (await store.deliveryCounts(abandoned.id))[0]!.byStatus.claimed;
    expect(claimedByDead).toBeGreaterThan(0);

    const channel = createSandboxChannel();
    const fresh = createBroadcaster({ store, channels: [channel], instanceId: 'fresh' });
    const leaseExpiresAt = Date.now() + 1_000;
    // The dead process's lease still runs: the run is watched, then taken over once it expires.
    const [resumed] = await fresh.resume();
    const report = await resumed!.done;

    expect(channel.deliveries[0]!.at).toBeGreaterThanOrEqual(leaseExpiresAt - 50);
    expect(report.status).toBe('completed');
    expect(report.channels[0]).toMatchObject({ planned: 100, sent: 100, ambiguous: claimedByDead });
    expect(new Set(channel.deliveries.map((delivery) => delivery.address)).size).toBe(100);
    await fresh.close();
  });

  it('a second publish of the same run watches the owner and takes over when its lease expires', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 30);
    const frozen = createManualClock(Date.now());
    const hung = createSandboxChannel({ latencyMs: 60_000, limits: { concurrency: 2 }, clock: frozen });
    const dead = createBroadcaster({ store, channels: [hung], leaseTtlMs: 1_000, instanceId: 'dead', clock: frozen });
    const first = await dead.publish(sampleAnnouncement());

    const channel = createSandboxChannel();
    const fresh = createBroadcaster({ store, channels: [channel], instanceId: 'fresh' });
    const watched = await fresh.publish(sampleAnnouncement());
    expect(watched.id).toBe(first.id);
    expect(watched.created).toBe(false);
    const report = await watched.done;
    expect(report.status).toBe('completed');
    expect(report.channels[0]).toMatchObject({ planned: 30, sent: 30 });
    expect(new Set(channel.deliveries.map((delivery) => delivery.address)).size).toBe(30);
    await fresh.close();
  });

  it('keeps only about one batch of deliveries claimed while planning runs far ahead', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 5_000);
    const channel = createSandboxChannel({ latencyMs: 2, limits: { concurrency: 4 } });
    const broadcaster = createBroadcaster({ store, channels: [channel], planPageSize: 100 });
    const run = await broadcaster.publish(sampleAnnouncement());
    let maxClaimed = 0;
    while (channel.deliveries.length < 1_000) {
      const claimed = (await store.deliveryCounts(run.id))[0]?.byStatus.claimed ?? 0;
      maxClaimed = Math.max(maxClaimed, claimed);
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await run.cancel();
    await run.done;
    expect(maxClaimed).toBeGreaterThan(0);
    // Claimed in the ledger = queued (one batch of 1,000, refilled below half of it) + in flight (4)
    // + sent but not yet written (the ledger writer batches up to 1,000 rows). The audience is 5,000.
    expect(maxClaimed).toBeLessThanOrEqual(2_504);
    await broadcaster.close();
  });

  it(
    'keeps timers running while a channel that never waits for I/O sends a large audience',
    // Waits on events only; the limit is for a hang, scaled for slow machines (BANDITORE_TEST_SLOWDOWN).
    { timeout: 60_000 * SLOWDOWN },
    async () => {
      const store = createMemoryStore();
      await store.importSubscribers(
        Array.from({ length: 30_000 }, (_, i) => ({
          channel: 'sandbox',
          address: `addr-${i}`,
          topics: [],
          areas: [],
          language: 'it',
        })),
        { method: 'import', noticeVersion: '2026-03' },
      );
      const channel = createSandboxChannel({ record: false });
      let sentAtFirstProgress: number | undefined;
      const started: { run?: BroadcastRun } = {};
      const broadcaster = createBroadcaster({
        store,
        channels: [channel],
        progressIntervalMs: 10,
        onEvent: (event) => {
          if (event.type !== 'run.progress' || sentAtFirstProgress !== undefined) return;
          sentAtFirstProgress = channel.stats.sent;
          // The point is made once a timer has fired mid-run: stop there instead of sending the rest.
          void started.run?.cancel();
        },
      });
      started.run = await broadcaster.publish(sampleAnnouncement());
      await started.run.done;
      // Without yielding to the event loop, the progress timer could not fire until the run ended.
      expect(sentAtFirstProgress).toBeDefined();
      expect(sentAtFirstProgress).toBeLessThan(30_000);
      await broadcaster.close();
    },
  );

  it('streams progress snapshots and ends with the final one', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 60);
    const channel = createSandboxChannel({ limits: { ratePerSecond: 100, concurrency: 4 } });
    const broadcaster = createBroadcaster({ store, channels: [channel], progressIntervalMs: 100 });
    const run = await broadcaster.publish(sampleAnnouncement());
    const snapshots: RunProgress[] = [];
    for await (const progress of run) snapshots.push(progress);
    expect(snapshots.length).toBeGreaterThanOrEqual(3);
    const middle = snapshots.find((snapshot) => snapshot.channels[0]!.sent > 0 && snapshot.channels[0]!.sent < 60);
    expect(middle?.channels[0]!.etaSeconds).toBeGreaterThan(0);
    expect(middle?.channels[0]!.rate).toBeGreaterThan(0);
    const last = snapshots.at(-1)!;
    expect(last.status).toBe('completed');
    expect(last.channels[0]).toMatchObject({ planned: 60, sent: 60, state: 'done', etaSeconds: 0 });
    await broadcaster.close();
  });

  it('estimates recipients and time per channel from the limits before sending', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 120, { topics: ['meteo'], channel: 'slow' });
    await seedSubscribers(store, 30, { topics: ['eventi'], channel: 'slow', prefix: 'x-' });
    await seedSubscribers(store, 50, { topics: ['meteo'], channel: 'fast' });
    const slow = createSandboxChannel({ name: 'slow', limits: { ratePerSecond: 30 } });
    const fast = createSandboxChannel({ name: 'fast' });
    const broadcaster = createBroadcaster({ store, channels: [slow, fast] });
    const estimate = await broadcaster.estimate(sampleAnnouncement({ topics: ['meteo'] }));
    expect(estimate.recipients).toBe(170);
    expect(estimate.channels).toEqual([
      { channel: 'slow', recipients: 120, ratePerSecond: 30, cost: 1, seconds: 4 },
      { channel: 'fast', recipients: 50, ratePerSecond: Infinity, cost: 1, seconds: 0 },
    ]);
    expect(estimate.seconds).toBe(4);
    expect(slow.deliveries).toEqual([]);
    await broadcaster.close();
  });

  it('sends an emergency to everyone regardless of topics when configured', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 10, { topics: ['eventi'] });
    const channel = createSandboxChannel();
    const broadcaster = createBroadcaster({ store, channels: [channel], emergencyReachesAll: true });
    const report = await (
      await broadcaster.publish(sampleAnnouncement({ id: 'sisma', severity: 'extreme', topics: ['protezione-civile'] }))
    ).done;
    expect(report.channels[0]!.sent).toBe(10);
    const routine = await (await broadcaster.publish(sampleAnnouncement({ id: 'lavori', topics: ['lavori'] }))).done;
    expect(routine.channels[0]!.planned).toBe(0);
    await broadcaster.close();
  });

  it('keeps the minimum spacing between two messages to the same recipient', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 5);
    const channel = createSandboxChannel({ limits: { perRecipientIntervalMs: 150 } });
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const [first, second] = await Promise.all([
      broadcaster.publish(sampleAnnouncement({ id: 'uno' })),
      broadcaster.publish(sampleAnnouncement({ id: 'due' })),
    ]);
    await Promise.all([first.done, second.done]);
    expect(channel.deliveries).toHaveLength(10);
    for (let index = 0; index < 5; index++) {
      const times = channel.deliveries.filter((d) => d.address === `addr-${index}`).map((d) => d.at);
      expect(Math.abs(times[1]! - times[0]!)).toBeGreaterThanOrEqual(149);
    }
    await broadcaster.close();
  });
});
