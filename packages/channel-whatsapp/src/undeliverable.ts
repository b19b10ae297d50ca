import type { UndeliverableLedger } from './options.js';

const DAY_MS = 86_400_000;

/**
 * The default {@link UndeliverableLedger}: in memory, per process. A store-backed one survives
 * restarts and should be preferred in production.
 *
 * @returns A ledger counting distinct UTC days of 131026 per address.
 */
export function createMemoryUndeliverableLedger(): UndeliverableLedger {
  const days = new Map<string, Set<number>>();
  return {
    record(address, at) {
      const seen = days.get(address) ?? new Set<number>();
      seen.add(Math.floor(at / DAY_MS));
      days.set(address, seen);
      return seen.size;
    },
  };
}
