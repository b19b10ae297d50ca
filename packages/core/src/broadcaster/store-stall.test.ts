import { describe, expect, it } from 'vitest';
import { createMemoryStore } from '../store/memory-store.js';
import type { DeliveryOutcome, Store } from '../store/run-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createManualClock } from '../testing/manual-clock.js';
import { createSandboxChannel } from '../testing/sandbox-channel.js';
import { drive, settle } from '../test-support/drive.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';
import type { BroadcastEvent } from './events.js';
import { createOutcomeWriter } from './outcome-writer.js';

/** What better-sqlite3 throws on a full disk: the code is safe to show, the message is not passed on. */
function diskFull(): Error {
  return Object.assign(new Error('database or disk is full (at /srv/secret/path.db)'), {
    name: 'SqliteError',
    code: 'SQLITE_FULL',
  });
}

/** A memory store whose outcome writes fail while `full` is set. */
function fillableStore(memory: Store): Store & { full: boolean } {
  const store = {
    ...memory,
    full: false,
    recordOutcomes: async (outcomes: readonly DeliveryOutcome[]) => {
      if (store.full) throw diskFull();
      return memory.recordOutcomes(outcomes);
    },
  };
  return store;
}

describe('a store that cannot write outcomes', () => {
  it('events carry the safe code, progress says stalled, and close() reports what was not stored', async () => {
    const clock = createManualClock();
    const store = fillableStore(createMemoryStore({ clock }));
    await seedSubscribers(store, 30);
    store.full = true;
    const events: BroadcastEvent[] = [];
    const channel = createSandboxChannel({ clock, limits: { ratePerSecond: 10, concurrency: 1 } });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock, onEvent: (e) => void events.push(e) });
    const run = await broadcaster.publish(sampleAnnouncement());
    const failure = (): boolean => events.some((event) => event.type === 'internal.error');
    while (!failure()) {
      clock.advance(50);
      await settle(2);
    }

    const error = events.find((event) => event.type === 'internal.error')!;
    expect(error).toMatchObject({ where: 'recordOutcomes', message: 'SqliteError', code: 'SQLITE_FULL' });
    expect(JSON.stringify(events)).not.toContain('/srv/secret');
    const progress = run.progress().channels[0]!;
    expect(progress.state).toBe('stalled');
    expect(progress.etaSeconds).toBeUndefined();

    const closed = await drive(clock, broadcaster.close());
    expect(closed.unpersistedOutcomes).toBe(channel.deliveries.length);
    expect(closed.unpersistedOutcomes).toBeGreaterThan(0);
    expect(closed).toMatchObject({ runIds: [run.id], errorCode: 'SQLITE_FULL' });
  });

  it('writes the kept outcomes once the store recovers, and the run completes', async () => {
    const clock = createManualClock();
    const store = fillableStore(createMemoryStore({ clock }));
    await seedSubscribers(store, 30);
    store.full = true;
    const events: BroadcastEvent[] = [];
    const channel = createSandboxChannel({ clock, limits: { ratePerSecond: 10, concurrency: 1 } });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock, onEvent: (e) => void events.push(e) });
    const run = await broadcaster.publish(sampleAnnouncement());
    while (events.filter((event) => event.type === 'internal.error').length < 3) {
      clock.advance(50);
      await settle(2);
    }
    store.full = false;
    const report = await drive(clock, run.done);

    expect(report.status).toBe('completed');
    expect(report.channels[0]).toMatchObject({ planned: 30, sent: 30, ambiguous: 0 });
    expect(channel.deliveries).toHaveLength(30);
    expect(run.progress().channels[0]!.state).toBe('done');
    expect(await drive(clock, broadcaster.close())).toEqual({ unpersistedOutcomes: 0, runIds: [] });
  });

  it('a store that cannot hand out deliveries shows as stalled too, with its safe code', async () => {
    const clock = createManualClock();
    const memory = createMemoryStore({ clock });
    await seedSubscribers(memory, 10);
    let busy = true;
    const store: Store = {
      ...memory,
      claimDeliveries: (runId, channel, limit) =>
        busy
          ? Promise.reject(Object.assign(new Error('database is locked'), { name: 'SqliteError', code: 'SQLITE_BUSY' }))
          : memory.claimDeliveries(runId, channel, limit),
    };
    const events: BroadcastEvent[] = [];
    const channel = createSandboxChannel({ clock });
    const broadcaster = createBroadcaster({ store, channels: [channel], clock, onEvent: (e) => void events.push(e) });
    const run = await broadcaster.publish(sampleAnnouncement());
    while (!events.some((event) => event.type === 'internal.error')) {
      clock.advance(50);
      await settle(2);
    }
    expect(events.find((event) => event.type === 'internal.error')).toMatchObject({
      where: 'claimDeliveries',
      code: 'SQLITE_BUSY',
    });
    expect(run.progress().channels[0]!.state).toBe('stalled');
    busy = false;
    expect((await drive(clock, run.done)).channels[0]).toMatchObject({ sent: 10 });
    await drive(clock, broadcaster.close());
  });

  it('close() reports nothing unpersisted when the store took everything', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 5);
    const broadcaster = createBroadcaster({ store, channels: [createSandboxChannel()] });
    await (
      await broadcaster.publish(sampleAnnouncement())
    ).done;
    expect(await broadcaster.close()).toEqual({ unpersistedOutcomes: 0, runIds: [] });
  });
});

describe('outcome writer', () => {
  const row = (index: number): DeliveryOutcome => ({
    runId: 'run-1',
    channel: 'sandbox',
    deliveryId: `sandbox/${index}`,
    status: 'sent',
    attempts: 1,
    at: 0,
  });

  it('retries failed rows on a timer with backoff, without waiting for another row or a flush', async () => {
    const clock = createManualClock();
    const written: DeliveryOutcome[] = [];
    let failuresLeft = 2;
    const errors: unknown[] = [];
    let recovered = 0;
    const writer = createOutcomeWriter({
      clock,
      store: {
        recordOutcomes: async (rows: readonly DeliveryOutcome[]) => {
          if (failuresLeft-- > 0) throw diskFull();
          written.push(...rows);
        },
      } as unknown as Store,
      onError: (error) => errors.push(error),
      onRecovered: () => recovered++,
    });
    for (let index = 0; index < 3; index++) writer.add(row(index));
    clock.advance(100);
    await settle();
    expect(errors).toHaveLength(1);
    expect(writer.stalled).toBe(true);
    clock.advance(100);
    await settle();
    expect(errors).toHaveLength(2);
    expect(written).toEqual([]);
    // Second retry after 200 ms: the rows land, and the writer says so.
    clock.advance(200);
    await settle();
    expect(written.map((outcome) => outcome.deliveryId)).toEqual(['sandbox/0', 'sandbox/1', 'sandbox/2']);
    expect(writer.stalled).toBe(false);
    expect(recovered).toBe(1);
  });

  it('tells the senders to go on once a slow store has taken the rows of a full buffer', async () => {
    const clock = createManualClock();
    const waiting: Array<() => void> = [];
    let recovered = 0;
    const writer = createOutcomeWriter({
      clock,
      batchSize: 2,
      maxBuffered: 4,
      store: {
        recordOutcomes: () => new Promise<void>((resolve) => waiting.push(resolve)),
      } as unknown as Store,
      onError: () => undefined,
      onRecovered: () => recovered++,
    });
    // The first batch is on its way, slowly; four more rows fill the buffer.
    for (let index = 0; index < 6; index++) writer.add(row(index));
    expect(writer.full).toBe(true);
    expect(recovered).toBe(0);
    for (let write = 0; write < 3; write++) {
      await settle();
      waiting.shift()!();
    }
    await settle();
    expect(writer.full).toBe(false);
    expect(writer.buffered).toBe(0);
    expect(recovered).toBeGreaterThan(0);
  });

  it('counts as full at its bound, so senders hold back instead of buffering without end', async () => {
    const clock = createManualClock();
    const writer = createOutcomeWriter({
      clock,
      maxBuffered: 5,
      store: { recordOutcomes: () => Promise.reject(diskFull()) } as unknown as Store,
      onError: () => undefined,
    });
    for (let index = 0; index < 4; index++) writer.add(row(index));
    expect(writer.full).toBe(false);
    writer.add(row(4));
    expect(writer.full).toBe(true);
    await writer.flush();
    expect(writer.unwritten()).toEqual({ count: 5, runIds: ['run-1'], errorCode: 'SQLITE_FULL' });
    writer.close();
  });
});
