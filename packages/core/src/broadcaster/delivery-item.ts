import type { FollowUp } from '../channel/channel.js';
import type { ClaimedDelivery } from '../store/run-store.js';

/** A claimed delivery as a lane carries it through attempts. Holds the address: never emit it. */
export interface DeliveryItem {
  deliveryId: string;
  subscriberId: string;
  address: string;
  language: string;
  subscriberStatus: ClaimedDelivery['subscriberStatus'];
  /** Attempts so far, across processes. */
  attempts: number;
  /** Clock time of the first attempt in this process, for the total retry budget. */
  firstAttemptAt: number;
  /** Times the recipient was deferred or the channel paused (not counted as attempts). */
  waits: number;
  /** Times the recipient moved during this delivery (a loop of moves ends in a failure). */
  readdresses: number;
  /** When the delivery may be tried again. */
  dueAt: number;
  /** Whether a retry happened after an error where the provider may already have accepted it. */
  ambiguous: boolean;
  /** Set when the recipient already got an earlier message of this alert (a follow-up run). */
  followUp?: FollowUp;
}

/** Turns a claimed ledger entry into a lane item. */
export function toItem(claimed: ClaimedDelivery): DeliveryItem {
  return {
    deliveryId: claimed.deliveryId,
    subscriberId: claimed.subscriberId,
    address: claimed.address,
    language: claimed.language,
    subscriberStatus: claimed.subscriberStatus,
    attempts: claimed.attempts,
    firstAttemptAt: 0,
    waits: 0,
    readdresses: 0,
    dueAt: 0,
    ambiguous: false,
  };
}

/** A binary min-heap of items by `dueAt`, for retries and deferred recipients. */
export class DueHeap {
  #items: DeliveryItem[] = [];

  get size(): number {
    return this.#items.length;
  }

  /** The earliest due time, or `Infinity` when empty. */
  get nextDueAt(): number {
    return this.#items[0]?.dueAt ?? Infinity;
  }

  push(item: DeliveryItem): void {
    const items = this.#items;
    items.push(item);
    let index = items.length - 1;
    while (index > 0) {
      const parent = (index - 1) >> 1;
      if (items[parent]!.dueAt <= item.dueAt) break;
      items[index] = items[parent]!;
      index = parent;
    }
    items[index] = item;
  }

  /** Removes and returns the earliest item if it is due at `now`. */
  popDue(now: number): DeliveryItem | undefined {
    const items = this.#items;
    if (items.length === 0 || items[0]!.dueAt > now) return undefined;
    const top = items[0]!;
    const last = items.pop()!;
    if (items.length > 0) {
      // Sift `last` down from the root.
      let index = 0;
      for (;;) {
        const left = 2 * index + 1;
        const right = left + 1;
        let smallest = -1;
        let smallestDue = last.dueAt;
        if (left < items.length && items[left]!.dueAt < smallestDue) {
          smallest = left;
          smallestDue = items[left]!.dueAt;
        }
        if (right < items.length && items[right]!.dueAt < smallestDue) smallest = right;
        if (smallest === -1) break;
        items[index] = items[smallest]!;
        index = smallest;
      }
      items[index] = last;
    }
    return top;
  }

  /** Removes and returns every item. */
  drain(): DeliveryItem[] {
    return this.#items.splice(0);
  }
}
