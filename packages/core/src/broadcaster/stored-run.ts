import type { RunStore } from '../store/run-store.js';
import type { FeedSync } from './feed-sync.js';

/**
 * Cancels a run through the store alone (it is not delivering in this process): marks it
 * cancelled, closes its pending deliveries and takes its announcement out of the feed. A run
 * already over keeps its outcome.
 *
 * @param store - The run store.
 * @param runId - The run.
 * @param now - Wall-clock time.
 * @param feed - The feed to withdraw the announcement from, if any.
 * @returns Whether the run existed.
 */
export async function cancelStoredRun(
  store: RunStore,
  runId: string,
  now: number,
  feed?: Pick<FeedSync, 'withdraw'>,
): Promise<boolean> {
  const record = await store.getRun(runId);
  if (!record) return false;
  if (record.status !== 'active') return true;
  await store.setRunStatus(runId, 'cancelled', now);
  await store.closePending(runId, 'cancelled', 'CANCELLED', now);
  await feed?.withdraw(record);
  return true;
}
