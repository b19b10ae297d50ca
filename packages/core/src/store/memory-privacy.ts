import { addressKey, consentTime, liveSubscriber, positionOf, ERASED, type MemoryState } from './memory-state.js';
import type { SubscriberExport, SubscriberStore } from './subscriber-store.js';

/** Delivery counts of one subscriber across every run, by status. */
function deliveriesOf(state: MemoryState, position: number): Record<string, number> {
  const deliveries: Record<string, number> = {};
  for (const run of state.runs.values()) {
    for (const ledger of run.ledgers.values()) {
      for (let index = 0; index < ledger.length; index++) {
        if (ledger.subscriberAt(index) !== position) continue;
        const status = ledger.statusAt(index);
        deliveries[status] = (deliveries[status] ?? 0) + 1;
      }
    }
  }
  return deliveries;
}

/**
 * Data-subject operations of the memory store: export everything held about a subscriber, and
 * erase it (the row becomes a tombstone, consent events lose their topics, counts stay).
 *
 * @param state - The memory store's shared state.
 * @returns The privacy methods.
 */
export function createMemoryPrivacyMethods(
  state: MemoryState,
): Pick<SubscriberStore, 'exportSubscriber' | 'eraseSubscriber'> {
  return {
    async exportSubscriber(id): Promise<SubscriberExport | undefined> {
      const subscriber = liveSubscriber(state, id);
      if (!subscriber) return undefined;
      const position = positionOf(state, id);
      return {
        subscriber: { ...subscriber },
        consent: (state.consent.get(position) ?? []).map((event) => ({ ...event })),
        deliveries: deliveriesOf(state, position),
      };
    },
    async eraseSubscriber(id, rawRecord) {
      const subscriber = liveSubscriber(state, id);
      if (!subscriber) return false;
      const record = state.guard.consent(rawRecord);
      const position = positionOf(state, id);
      state.byAddress.delete(addressKey(subscriber.channel, subscriber.address));
      state.rows[position] = ERASED;
      const kept = (state.consent.get(position) ?? []).map((event) => {
        const { topics: _dropped, ...rest } = event;
        return rest;
      });
      kept.push({
        subscriberId: id,
        kind: 'erased',
        at: consentTime(state, record),
        channel: subscriber.channel,
        method: record.method,
        noticeVersion: record.noticeVersion,
      });
      state.consent.set(position, kept);
      return true;
    },
  };
}
