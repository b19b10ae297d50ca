import { describe, expect, it } from 'vitest';
import type { Channel, ChannelLimits } from '../channel/channel.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { ClaimedDelivery, Store } from '../store/run-store.js';
import { createSandboxChannel, type SandboxChannel, type SandboxChannelMessage } from '../testing/sandbox-channel.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { seedSubscribers } from '../test-support/seed.js';
import { pause } from '../test-support/drive.js';
import { ledgerOf } from '../test-support/store-wrappers.js';
import { createBroadcaster } from './create-broadcaster.js';
import { isParallel } from './parallel-channel.js';

const PARALLEL: Partial<ChannelLimits> = { ratePerSecond: Infinity, concurrency: 4, parallel: true };
const SLOWDOWN = Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1;

/** A promise and its resolver. */
function signal(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => (resolve = done));
  return { promise, resolve };
}

/** The sandbox channel whose sends first wait for `gate` (or give up waiting after `maxMs`). */
function gated(channel: SandboxChannel, gate: Promise<void>, maxMs: number): Channel<SandboxChannelMessage> {
  const opened = Promise.race([gate, pause(maxMs)]);
  return {
    ...channel,
    send: async (address, message, options) => {
      await opened;
      return channel.send(address, message, options);
    },
  };
}

describe('several processes deliver one run on a parallel channel', () => {
  it('is allowed only without a rate to keep', () => {
    const channel = (limits: Partial<ChannelLimits>) => createSandboxChannel({ limits });
    expect(isParallel(channel(PARALLEL))).toBe(true);
    expect(isParallel(channel({ ratePerSecond: Infinity }))).toBe(false);
    // Each process would pace on its own: together they would break the rate.
    expect(isParallel(channel({ ratePerSecond: 80, parallel: true }))).toBe(false);
    expect(isParallel(channel({ ...PARALLEL, shared: [{ key: 'account', ratePerSecond: 30 }] }))).toBe(false);
  });

  it('shares the sends between the holder and a helper: each recipient once, the run completed', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 400);
    const helperSent = signal();
    const inB = createSandboxChannel({
      latencyMs: 2,
      limits: PARALLEL,
      onSend: () => inB.stats.sent >= 40 && helperSent.resolve(),
    });
    const plainA = createSandboxChannel({ latencyMs: 2, limits: PARALLEL });
    // The holder waits until the helper has sent 40, so the run cannot end before it helps.
    const a = createBroadcaster({
      store,
      channels: [gated(plainA, helperSent.promise, 30_000 * SLOWDOWN)],
      instanceId: 'a',
    });
    const b = createBroadcaster({ store, channels: [inB], instanceId: 'b' });
    const run = await a.publish(sampleAnnouncement());
    const [watched] = await b.resume();

    const report = await run.done;
    const fromB = await watched!.done;
    const everyone = [...plainA.deliveries, ...inB.deliveries].map((delivery) => delivery.address);
    expect(inB.deliveries.length).toBeGreaterThanOrEqual(40);
    expect(plainA.deliveries.length).toBeGreaterThan(0);
    expect(everyone).toHaveLength(400);
    expect(new Set(everyone).size).toBe(400);
    expect(report.status).toBe('completed');
    expect(report.channels[0]).toMatchObject({ sent: 400, ambiguous: 0 });
    expect(fromB.status).toBe('completed');
    // The holder's progress counts the helper's sends too (they reach it through the ledger).
    expect(run.progress().channels[0]).toMatchObject({ sent: 400, planned: 400 });
    expect(await ledgerOf(store, run.id)).toMatchObject({ pending: 0, claimed: 0, sent: 400 });
    await a.close();
    await b.close();
  });

  it('a helper takes the run over when its holder stops, and finishes it', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 300);
    const helperSent = signal();
    const inB = createSandboxChannel({
      latencyMs: 2,
      limits: PARALLEL,
      onSend: () => inB.stats.sent >= 20 && helperSent.resolve(),
    });
    const plainA = createSandboxChannel({ latencyMs: 2, limits: { ...PARALLEL, concurrency: 1 } });
    const never = signal();
    const a = createBroadcaster({
      store,
      channels: [gated(plainA, never.promise, 120_000 * SLOWDOWN)],
      instanceId: 'a',
    });
    const b = createBroadcaster({ store, channels: [inB], instanceId: 'b' });
    const run = await a.publish(sampleAnnouncement());
    const [watched] = await b.resume();
    await helperSent.promise;

    // The holder shuts down cleanly mid-run: its lease goes, the helper stops helping and takes over.
    const closing = a.close();
    never.resolve();
    await closing;
    const report = await watched!.done;
    const everyone = [...plainA.deliveries, ...inB.deliveries].map((delivery) => delivery.address);
    expect(report.status).toBe('completed');
    expect(everyone).toHaveLength(300);
    expect(new Set(everyone).size).toBe(300);
    expect(await ledgerOf(store, run.id)).toMatchObject({ pending: 0, claimed: 0, sent: 300 });
    await b.close();
  });

  it('waits for claims that keep moving (a live helper) instead of sending them twice', async () => {
    const { store, claimedElsewhere } = await withGhostClaims(100, 30);
    const channel = createSandboxChannel({ latencyMs: 1, limits: PARALLEL });
    const a = createBroadcaster({ store, channels: [channel], leaseTtlMs: 1_000 });
    const run = await a.publish(sampleAnnouncement());
    // The other process records its 30 one by one, slower than the holder sends its 70.
    const theirs = await claimedElsewhere;
    for (const delivery of theirs) {
      await pause(40);
      await store.recordOutcomes([
        {
          runId: run.id,
          channel: 'sandbox',
          deliveryId: delivery.deliveryId,
          status: 'sent',
          attempts: 1,
          at: Date.now(),
        },
      ]);
    }
    const report = await run.done;

    expect(theirs).toHaveLength(30);
    expect(channel.deliveries).toHaveLength(70);
    expect(report.status).toBe('completed');
    expect(report.channels[0]).toMatchObject({ sent: 100, ambiguous: 0 });
    await a.close();
  });

  it('sends again, counted as ambiguous, the claims of a process that stopped moving', async () => {
    const { store, claimedElsewhere } = await withGhostClaims(100, 30);
    const channel = createSandboxChannel({ latencyMs: 1, limits: PARALLEL });
    const a = createBroadcaster({ store, channels: [channel], leaseTtlMs: 1_000 });
    const run = await a.publish(sampleAnnouncement());
    // The other process claimed 30, then died: nothing of it moves again.
    expect(await claimedElsewhere).toHaveLength(30);
    const report = await run.done;

    expect(channel.deliveries).toHaveLength(100);
    expect(new Set(channel.deliveries.map((delivery) => delivery.address)).size).toBe(100);
    expect(report.status).toBe('completed');
    expect(report.channels[0]).toMatchObject({ sent: 100, ambiguous: 30 });
    await a.close();
  });
});

/**
 * A memory store with `count` subscribers where another process claims `claims` deliveries of
 * the run just before a claim of its holder, once there are that many to claim.
 */
async function withGhostClaims(
  count: number,
  claims: number,
): Promise<{ store: Store; claimedElsewhere: Promise<ClaimedDelivery[]> }> {
  const memory = createMemoryStore();
  await seedSubscribers(memory, count);
  let ghost: ((claimed: ClaimedDelivery[]) => void) | undefined;
  const claimedElsewhere = new Promise<ClaimedDelivery[]>((resolve) => (ghost = resolve));
  const store: Store = {
    ...memory,
    claimDeliveries: async (runId, channel, limit) => {
      if (ghost && ((await ledgerOf(memory, runId)).pending ?? 0) >= claims) {
        const resolve = ghost;
        ghost = undefined;
        resolve(await memory.claimDeliveries(runId, channel, claims));
      }
      return memory.claimDeliveries(runId, channel, limit);
    },
  };
  return { store, claimedElsewhere };
}
