/** A bounded memory of recently seen ids, to process an update delivered twice only once. */
export interface RecentIds {
  /** Records `id`; returns `false` when it was already recorded. */
  add(id: number): boolean;
  /** Forgets `id` (its processing failed and Telegram will deliver it again). */
  delete(id: number): void;
  readonly size: number;
}

/**
 * Creates a {@link RecentIds} holding at most `capacity` ids; the oldest are forgotten first.
 * Telegram redelivers an update when the webhook did not answer 2xx, or when a poller did not
 * confirm it, so duplicates arrive close together and a few thousand ids are plenty.
 *
 * @param capacity - How many ids to remember.
 * @returns The memory.
 */
export function createRecentIds(capacity: number): RecentIds {
  // id → the slot it occupies, so evicting an old slot never forgets a newer copy of the id.
  const seen = new Map<number, number>();
  const order: Array<number | undefined> = new Array<number | undefined>(capacity);
  let next = 0;
  return {
    add(id) {
      if (seen.has(id)) return false;
      const evicted = order[next];
      if (evicted !== undefined && seen.get(evicted) === next) seen.delete(evicted);
      order[next] = id;
      seen.set(id, next);
      next = (next + 1) % capacity;
      return true;
    },
    delete(id) {
      seen.delete(id);
    },
    get size() {
      return seen.size;
    },
  };
}
