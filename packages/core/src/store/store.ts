import type { ChannelStateStore } from './channel-state-store.js';
import type { ReceiptStore } from './receipt-store.js';
import type { RunStore } from './run-store.js';
import type { SubscriberStore } from './subscriber-store.js';

/**
 * A complete store: subscribers, consent, runs, the delivery ledger, delivery receipts and
 * per-subscriber channel state. `createMemoryStore()` and `@banditore/store-sqlite` implement it;
 * `describeStoreContract` from `@banditore/core/conformance` checks an implementation.
 */
export interface Store extends SubscriberStore, RunStore, ReceiptStore, ChannelStateStore {
  /** Closes connections; the store is unusable afterwards. */
  close(): Promise<void>;
}
