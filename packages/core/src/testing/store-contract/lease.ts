import { describe, expect, it } from 'vitest';
import { newRun, type StoreHarness } from './harness.js';

/** Run leases: one deliverer per run, renewals, expiry and release. */
export function describeLeaseContract(harness: StoreHarness): void {
  describe('run leases', () => {
    it('the owner takes and renews a lease; another owner is refused until it expires', async () => {
      const { store } = harness;
      const run = newRun();
      await store.createRun(run);
      expect(await store.acquireLease(run.id, 'process-a', 1_000, 10_000)).toBe(true);
      expect(await store.acquireLease(run.id, 'process-b', 1_000, 10_500)).toBe(false);
      // A renewal at 10,800 holds the lease until 11,800.
      expect(await store.acquireLease(run.id, 'process-a', 1_000, 10_800)).toBe(true);
      expect(await store.acquireLease(run.id, 'process-b', 1_000, 11_500)).toBe(false);
      expect(await store.acquireLease(run.id, 'process-b', 1_000, 12_000)).toBe(true);
      // The old owner, back from a pause, must not deliver alongside the new one.
      expect(await store.acquireLease(run.id, 'process-a', 1_000, 12_100)).toBe(false);
    });

    it('releaseLease by the owner frees the run at once; by anyone else it does nothing', async () => {
      const { store } = harness;
      const run = newRun();
      await store.createRun(run);
      expect(await store.acquireLease(run.id, 'process-a', 60_000, 1_000)).toBe(true);
      await store.releaseLease(run.id, 'process-b');
      expect(await store.acquireLease(run.id, 'process-b', 60_000, 2_000)).toBe(false);
      await store.releaseLease(run.id, 'process-a');
      expect(await store.acquireLease(run.id, 'process-b', 60_000, 3_000)).toBe(true);
    });

    it('getRun shows who holds the lease and until when, and nothing once it is released', async () => {
      const { store } = harness;
      const run = newRun();
      await store.createRun(run);
      expect((await store.getRun(run.id))?.lease).toBeUndefined();
      expect(await store.acquireLease(run.id, 'process-a#7f3a', 30_000, 1_000)).toBe(true);
      expect((await store.getRun(run.id))?.lease).toEqual({ owner: 'process-a#7f3a', expiresAt: 31_000 });
      expect((await store.listActiveRuns())[0]?.lease).toEqual({ owner: 'process-a#7f3a', expiresAt: 31_000 });
      // A renewal moves the expiry: a watcher sees the lease change, so the owner is alive.
      expect(await store.acquireLease(run.id, 'process-a#7f3a', 30_000, 11_000)).toBe(true);
      expect((await store.getRun(run.id))?.lease).toEqual({ owner: 'process-a#7f3a', expiresAt: 41_000 });
      await store.releaseLease(run.id, 'process-a#7f3a');
      expect((await store.getRun(run.id))?.lease).toBeUndefined();
    });

    it('a lease expiring exactly now still holds; one millisecond later it can be taken', async () => {
      const { store } = harness;
      const run = newRun();
      await store.createRun(run);
      expect(await store.acquireLease(run.id, 'process-a', 1_000, 10_000)).toBe(true);
      expect(await store.acquireLease(run.id, 'process-b', 1_000, 11_000)).toBe(false);
      expect(await store.acquireLease(run.id, 'process-b', 1_000, 11_001)).toBe(true);
    });

    it('leases of different runs are independent', async () => {
      const { store } = harness;
      const first = newRun();
      const second = newRun();
      await store.createRun(first);
      await store.createRun(second);
      expect(await store.acquireLease(first.id, 'process-a', 60_000, 1_000)).toBe(true);
      expect(await store.acquireLease(second.id, 'process-b', 60_000, 1_000)).toBe(true);
      expect(await store.acquireLease(first.id, 'process-b', 60_000, 2_000)).toBe(false);
      expect(await store.acquireLease(second.id, 'process-a', 60_000, 2_000)).toBe(false);
    });

    it('concurrent attempts by different owners grant the lease to exactly one', async () => {
      const { store } = harness;
      const run = newRun();
      await store.createRun(run);
      const owners = ['a', 'b', 'c', 'd', 'e'];
      const results = await Promise.all(owners.map((owner) => store.acquireLease(run.id, owner, 60_000, 5_000)));
      expect(results.filter(Boolean)).toHaveLength(1);
    });
  });
}
