import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import type { Store } from '../store/run-store.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock } from '../testing/manual-clock.js';
import { seedSubscribers } from '../test-support/seed.js';
import { drive, pause, settle } from '../test-support/drive.js';
import { ledgerOf, withSlowLedger } from '../test-support/store-wrappers.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { BroadcastEvent } from './events.js';

/** Every planned delivery must end final (or pending for resume), never stuck as claimed. */
describe('ledger consistency under races', () => {
  it('keeps delivering after a failed claim instead of finishing with deliveries pending', async () => {
    const memory = createMemoryStore();
    await seedSubscribers(memory, 20);
    let planned = false;
    let failures = 0;
    const store: Store = {
      ...memory,
      appendDeliveries: async (runId, channel, ids, progress) => {
        await memory.appendDeliveries(runId, channel, ids, progress);
        if (progress.done) planned = true;
      },
      claimDeliveries: async (runId, channel, limit) => {
        if (planned && failures === 0) {
          failures++;
          throw new Error('database is locked');
        }
        return memory.claimDeliveries(runId, channel, limit);
      },
    };
    const channel = createSandboxChannel();
    const events: BroadcastEvent[] = [];
    const broadcaster = createBroadcaster({ store, channels: [channel], onEvent: (event) => events.push(event) });
    const run = await broadcaster.publish(sampleAnnouncement());
    const report = await run.done;

    expect(failures).toBe(1);
    expect(events.some((event) => event.type === 'internal.error' && event.where === 'claimDeliveries')).toBe(true);
    expect(report.status).toBe('completed');
    expect(report.channels[0]).toMatchObject({ planned: 20, sent: 20 });
    expect(await ledgerOf(memory, run.id)).toMatchObject({ pending: 0, claimed: 0, sent: 20 });
    await broadcaster.close();
  });

  it('returns every claim to the ledger before a cancelled run closes, even on a slow store', async () => {
    const memory = createMemoryStore();
    await seedSubscribers(memory, 300);
    const store = withSlowLedger(memory, 30);
    const channel = createSandboxChannel({ latencyMs: 3, limits: { ratePerSecond: 400, concurrency: 4 } });
    const broadcaster = createBroadcaster({ store, channels: [channel], planPageSize: 50 });
    const run = await broadcaster.publish(sampleAnnouncement());
    while (channel.deliveries.length < 20) await pause(2);
    await run.cancel();
    const report = await run.done;
    const ledger = await ledgerOf(memory, run.id);
    await pause(100);
    expect(await ledgerOf(memory, run.id)).toEqual(ledger);

    expect(report.status).toBe('cancelled');
    expect(ledger).toMatchObject({ pending: 0, claimed: 0 });
    expect(ledger.sent! + ledger.cancelled!).toBe(report.channels[0]!.planned);
    expect(report.channels[0]!.sent + report.channels[0]!.cancelled).toBe(report.channels[0]!.planned);
    await broadcaster.close();
  });

  it('returns claims taken while the run was being halted, on a slow store', async () => {
    const memory = createMemoryStore();
    await seedSubscribers(memory, 200);
    const store = withSlowLedger(memory, 30);
    const channel = createSandboxChannel({ authFailed: true, latencyMs: 5, limits: { concurrency: 2 } });
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const report = await (await broadcaster.publish(sampleAnnouncement())).done;

    // The channel stopped at the first send: when the run reports, everything is back to pending
    // for resume(); nothing is left claimed by a run that is over.
    expect(report.status).toBe('incomplete');
    expect(await ledgerOf(memory, report.runId)).toMatchObject({ pending: 200, claimed: 0 });
    await broadcaster.close();
  });

  it('leaves the deliveries of a run it lost to another process alone (no second send)', async () => {
    const memory = createMemoryStore();
    await seedSubscribers(memory, 100);
    const start = Date.now();
    // Process A stalls: its clock stands still, its sends hang, its lease runs out.
    const clockA = createManualClock(start);
    const hungA = createSandboxChannel({ latencyMs: 60_000, limits: { concurrency: 2 }, clock: clockA });
    const a = createBroadcaster({
      store: memory,
      channels: [hungA],
      leaseTtlMs: 1_000,
      instanceId: 'a',
      clock: clockA,
    });
    const runA = await a.publish(sampleAnnouncement());
    await settle();
    expect((await ledgerOf(memory, runA.id)).claimed).toBe(100);

    // Process B, later in time, finds the lease expired, sees it stay unrenewed for its own
    // lease TTL, and takes the run over.
    const clockB = createManualClock(start + 5_000);
    const channelB = createSandboxChannel({ latencyMs: 10, limits: { concurrency: 2 }, clock: clockB });
    let tookOver!: () => void;
    const takenOver = new Promise<void>((resolve) => (tookOver = resolve));
    const b = createBroadcaster({
      store: memory,
      channels: [channelB],
      instanceId: 'b',
      leaseTtlMs: 1_000,
      clock: clockB,
      onEvent: (event) => event.type === 'run.resumed' && tookOver(),
    });
    const [runB] = await b.resume();
    await settle();
    expect(channelB.deliveries.length).toBe(0);
    await drive(clockB, takenOver, 10);

    // A wakes up, fails to renew its lease and stops; B's claims must stay B's.
    clockA.advance(400);
    await settle();
    const reportB = await drive(clockB, runB!.done);
    clockA.advance(60_000);
    expect((await runA.done).status).toBe('incomplete');

    const addresses = channelB.deliveries.map((delivery) => delivery.address);
    expect(reportB.status).toBe('completed');
    expect(addresses).toHaveLength(100);
    expect(new Set(addresses).size).toBe(100);
    await a.close();
    await b.close();
  });

  it('delivers what a process that lost the run claimed after the takeover (nothing stays claimed)', async () => {
    const memory = createMemoryStore();
    await seedSubscribers(memory, 100);
    const start = Date.now();
    // A claims 20 at a time (40/s), sends slowly (about 33/s), and stalls long enough for its lease to run out.
    const clockA = createManualClock(start);
    const slowA = createSandboxChannel({ latencyMs: 60, limits: { ratePerSecond: 40, concurrency: 2 }, clock: clockA });
    const a = createBroadcaster({
      store: memory,
      channels: [slowA],
      leaseTtlMs: 1_000,
      instanceId: 'a',
      clock: clockA,
    });
    const runA = await a.publish(sampleAnnouncement());
    // A gets past its first look at the active runs (every 250 ms: at the next one it sees B's
    // lease and stops), so its next claim, at 300 ms, falls between the takeover and that look.
    for (let step = 0; step < 260; step++) {
      clockA.advance(1);
      await settle(2);
    }

    const clockB = createManualClock(start + 5_000);
    const channelB = createSandboxChannel({
      latencyMs: 10,
      limits: { ratePerSecond: 40, concurrency: 2 },
      clock: clockB,
    });
    let tookOver!: () => void;
    const takenOver = new Promise<void>((resolve) => (tookOver = resolve));
    const b = createBroadcaster({
      store: memory,
      channels: [channelB],
      instanceId: 'b',
      leaseTtlMs: 1_000,
      clock: clockB,
      onEvent: (event) => event.type === 'run.resumed' && tookOver(),
    });
    const [runB] = await b.resume();
    await drive(clockB, takenOver, 10);
    await settle();
    const claimedByB = (await ledgerOf(memory, runA.id)).claimed!;

    // A carries on for a moment before its next renewal: it sends from its buffer and, running
    // low, claims a fresh batch that nobody else will ever see as its own.
    for (let step = 0; step < 100; step++) {
      clockA.advance(1);
      await settle(2);
    }
    expect((await ledgerOf(memory, runA.id)).claimed!).toBeGreaterThan(claimedByB);
    clockA.advance(100);
    await settle();
    clockA.advance(100);
    expect((await drive(clockA, runA.done, 10)).status).toBe('incomplete');

    const reportB = await drive(clockB, runB!.done, 5);
    const everyone = new Set([...slowA.deliveries, ...channelB.deliveries].map((delivery) => delivery.address));
    const fromB = channelB.deliveries.map((delivery) => delivery.address);
    expect(reportB.status).toBe('completed');
    expect(everyone.size).toBe(100);
    expect(new Set(fromB).size).toBe(fromB.length);
    expect(await ledgerOf(memory, runA.id)).toMatchObject({ pending: 0, claimed: 0 });
    await a.close();
    await b.close();
  });

  it('starts one delivery of a run published twice at once with the same key', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 200);
    const channel = createSandboxChannel({ latencyMs: 1, limits: { concurrency: 8 } });
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const [first, second] = await Promise.all([
      broadcaster.publish(sampleAnnouncement()),
      broadcaster.publish(sampleAnnouncement()),
    ]);
    const reports = await Promise.all([first.done, second.done]);

    expect(second.id).toBe(first.id);
    expect([first.created, second.created].sort()).toEqual([false, true]);
    const addresses = channel.deliveries.map((delivery) => delivery.address);
    expect(addresses).toHaveLength(200);
    expect(new Set(addresses).size).toBe(200);
    for (const report of reports) expect(report.channels[0]).toMatchObject({ sent: 200, ambiguous: 0 });
    await broadcaster.close();
  });
});
