import { describe, expect, it } from 'vitest';
import { sampleAnnouncement } from '../fixtures.js';
import { newRun, subscribeMany, type StoreHarness } from './harness.js';

/** Runs: idempotent creation, round-tripping, the active list, final states and planning progress. */
export function describeRunContract(harness: StoreHarness): void {
  describe('runs', () => {
    it('createRun stores the run as active and returns it', async () => {
      const { store } = harness;
      const announcement = sampleAnnouncement({ id: 'allerta-1', severity: 'severe', areas: ['centro'] });
      const input = newRun({
        announcement,
        priority: 'emergency',
        audiences: [
          { channel: 'telegram', topics: ['meteo'], areas: ['centro'], allTopics: true },
          { channel: 'whatsapp', topics: ['meteo'], areas: ['centro'], allTopics: true },
        ],
      });
      const { run, created } = await store.createRun(input);
      expect(created).toBe(true);
      expect(run).toMatchObject({ ...input, status: 'active' });
      expect(run.finishedAt).toBeUndefined();
      const stored = await store.getRun(input.id);
      expect(stored).toMatchObject({
        id: input.id,
        status: 'active',
        priority: 'emergency',
        createdAt: input.createdAt,
      });
      expect(stored?.announcement).toEqual(announcement);
      expect(stored?.audiences).toEqual(input.audiences);
      expect(stored?.idempotencyKey).toBe(input.idempotencyKey);
    });

    it('createRun with a known idempotency key returns the existing run and creates nothing', async () => {
      const { store } = harness;
      const first = newRun();
      await store.createRun(first);
      const again = await store.createRun(newRun({ idempotencyKey: first.idempotencyKey }));
      expect(again.created).toBe(false);
      expect(again.run.id).toBe(first.id);
      const replay = await store.createRun(first);
      expect(replay.created).toBe(false);
      expect(replay.run.id).toBe(first.id);
      expect((await store.listActiveRuns()).map((run) => run.id)).toEqual([first.id]);
    });

    it('getRun returns undefined for an unknown id', async () => {
      const { store } = harness;
      const known = newRun();
      await store.createRun(known);
      expect(await store.getRun(`${known.id}-missing`)).toBeUndefined();
    });

    it('listActiveRuns lists active runs oldest first', async () => {
      const { store } = harness;
      const older = newRun({ createdAt: 1_000 });
      const newer = newRun({ createdAt: 2_000 });
      const newest = newRun({ createdAt: 3_000 });
      await store.createRun(newest);
      await store.createRun(older);
      await store.createRun(newer);
      expect((await store.listActiveRuns()).map((run) => run.id)).toEqual([older.id, newer.id, newest.id]);
    });

    it('listRuns lists runs with the given statuses, oldest first', async () => {
      const { store } = harness;
      const [active, completed, cancelled] = [newRun(), newRun(), newRun()];
      for (const run of [active, completed, cancelled]) await store.createRun(run);
      await store.setRunStatus(completed.id, 'completed', 5_000);
      await store.setRunStatus(cancelled.id, 'cancelled', 6_000);
      const ids = async (status: Parameters<typeof store.listRuns>[0]['status']) =>
        (await store.listRuns({ status })).map((run) => run.id);
      expect(await ids(['active', 'completed'])).toEqual([active.id, completed.id]);
      expect(await ids(['cancelled'])).toEqual([cancelled.id]);
      expect(await ids(['expired'])).toEqual([]);
      expect(await ids([])).toEqual([]);
      const [stored] = await store.listRuns({ status: ['completed'] });
      expect(stored).toMatchObject({ id: completed.id, status: 'completed', finishedAt: 5_000 });
      expect(stored?.announcement).toEqual(completed.announcement);
    });

    it('setRunStatus to a final state sets finishedAt and leaves the active list', async () => {
      const { store } = harness;
      const done = newRun();
      const cancelled = newRun();
      const expired = newRun();
      const still = newRun();
      for (const run of [done, cancelled, expired, still]) await store.createRun(run);
      await store.setRunStatus(done.id, 'completed', 5_000);
      await store.setRunStatus(cancelled.id, 'cancelled', 6_000);
      await store.setRunStatus(expired.id, 'expired', 7_000);
      expect(await store.getRun(done.id)).toMatchObject({ status: 'completed', finishedAt: 5_000 });
      expect(await store.getRun(cancelled.id)).toMatchObject({ status: 'cancelled', finishedAt: 6_000 });
      expect(await store.getRun(expired.id)).toMatchObject({ status: 'expired', finishedAt: 7_000 });
      expect((await store.getRun(still.id))?.finishedAt).toBeUndefined();
      expect((await store.listActiveRuns()).map((run) => run.id)).toEqual([still.id]);
    });

    it('appendDeliveries records planning progress per channel with the deliveries', async () => {
      const { store } = harness;
      const run = newRun();
      await store.createRun(run);
      const subscribers = await subscribeMany(store, 6);
      const ids = subscribers.map((s) => s.id);
      await store.appendDeliveries(run.id, 'telegram', ids.slice(0, 3), { cursor: 'page-1', done: false });
      expect((await store.getRun(run.id))?.plan.telegram).toEqual({ cursor: 'page-1', done: false });
      await store.appendDeliveries(run.id, 'telegram', ids.slice(3), { cursor: undefined, done: true });
      await store.appendDeliveries(run.id, 'whatsapp', [], { cursor: undefined, done: true });
      const plan = (await store.getRun(run.id))?.plan;
      expect(plan?.telegram?.done).toBe(true);
      expect(plan?.telegram?.cursor).toBeUndefined();
      expect(plan?.whatsapp?.done).toBe(true);
      const counts = await store.deliveryCounts(run.id);
      expect(counts.find((c) => c.channel === 'telegram')?.byStatus.pending).toBe(6);
      expect(counts.find((c) => c.channel === 'whatsapp')?.byStatus.pending ?? 0).toBe(0);
    });
  });
}
