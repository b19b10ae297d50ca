import type { RunStore } from '../store/run-store.js';

/**
 * Cancels a run through the store alone (it is not delivering in this process): marks it
 * cancelled and closes its pending deliveries. A run already over keeps its outcome.
 *
 * @param store - The run store.
 * @param runId - The run.
 * @param now - Clock time.
 * @returns Whether the run existed.
 */
export async function cancelStoredRun(store: RunStore, runId: string, now: number): Promise<boolean> {
  const record = await store.getRun(runId);
  if (!record) return false;
  if (record.status !== 'active') return true;
  await store.setRunStatus(runId, 'cancelled', now);
  await store.closePending(runId, 'cancelled', 'CANCELLED', now);
  return true;
}
