import type { Store } from '../store/run-store.js';
import { pause } from './drive.js';

/**
 * A store whose ledger calls take real time, like a database across a network: a claim is
 * committed at once but its answer arrives `ms` later, and a release is committed `ms` after
 * the call. The memory store answers within the same turn, which hides ordering bugs.
 */
export function withSlowLedger(store: Store, ms = 20): Store {
  return {
    ...store,
    claimDeliveries: async (runId, channel, limit) => {
      const claimed = await store.claimDeliveries(runId, channel, limit);
      await pause(ms);
      return claimed;
    },
    releaseClaims: async (runId, options) => {
      await pause(ms);
      return store.releaseClaims(runId, options);
    },
  };
}

/** Counts of every delivery state of a run's only channel. */
export async function ledgerOf(store: Store, runId: string): Promise<Record<string, number>> {
  const [counts] = await store.deliveryCounts(runId);
  return { ...counts?.byStatus };
}
