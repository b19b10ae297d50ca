/** A bounded memory of recently seen message ids, to process a message Meta redelivers only once. */
export interface RecentIds {
  /** Records `id`; returns `false` when it was already recorded. */
  add(id: string): boolean;
  /** Forgets `id` (its processing failed and Meta will deliver it again). */
  delete(id: string): void;
}

/**
 * Creates a {@link RecentIds} holding at most `capacity` ids, oldest forgotten first. Meta retries
 * a webhook that did not get a 2xx, with backoff, so redeliveries of a message arrive within
 * hours; a few tens of thousands of ids cover a comune's inbound traffic of that time.
 *
 * @param capacity - How many ids to remember.
 * @returns The memory.
 */
export function createRecentIds(capacity: number): RecentIds {
  // A Map keeps insertion order: the first key is the oldest.
  const seen = new Map<string, true>();
  return {
    add(id) {
      if (seen.has(id)) return false;
      seen.set(id, true);
      if (seen.size > capacity) seen.delete(seen.keys().next().value!);
      return true;
    },
    delete(id) {
      seen.delete(id);
    },
  };
}
