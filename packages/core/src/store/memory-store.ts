import { systemClock, type Clock } from '../util/clock.js';
import { createMemoryAudienceMethods } from './memory-audience.js';
import { createMemoryChannelStateMethods } from './memory-channel-state.js';
import { createMemoryDeliveryMethods } from './memory-deliveries.js';
import { createMemoryPrivacyMethods } from './memory-privacy.js';
import { createMemoryReceiptMethods } from './memory-receipts.js';
import { createMemoryRunMethods } from './memory-runs.js';
import { addressKey, createMemoryState, liveSubscriber } from './memory-state.js';
import { createMemorySubscriberMethods } from './memory-subscribers.js';
import type { Store } from './run-store.js';
import { createSubscriberGuard, type StoreChannel } from './subscriber-guard.js';

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions {
  /** Time source for consent events without their own time. @defaultValue the system clock */
  clock?: Clock;
  /**
   * The channels whose subscribers the store keeps (a `Channel` fits): addresses are checked with
   * each one's `addressSchema`, and a subscriber of any other channel is refused.
   * @defaultValue none: only the domain rules are checked
   */
  channels?: readonly StoreChannel[];
  /**
   * Keep each sent delivery's provider message id, so follow-ups (updates, cancels) know which
   * message a citizen has: Telegram edits it, WhatsApp quotes it. Off by default: the ledger then
   * stays at about 8 bytes per delivery (a million-recipient benchmark), and follow-ups still
   * reach everyone, as new messages. The SQLite and PostgreSQL stores always keep them.
   * @defaultValue false
   */
  keepMessageIds?: boolean;
}

/**
 * A complete {@link Store} in process memory: for tests, benchmarks and trying things out.
 * Nothing survives a restart; use `@banditore/store-sqlite` in production. It validates what it
 * is asked to write exactly as the SQLite store does.
 *
 * @param options - Clock and channels.
 * @returns The store.
 * @throws ConfigError from its methods when a subscriber, change or consent record is invalid.
 * @example
 * ```ts
 * const store = createMemoryStore({ channels: [telegram] })
 * await store.subscribe({ channel: 'telegram', address: '42', topics: ['meteo'], areas: [], language: 'it' }, consent)
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const state = createMemoryState(options.clock ?? systemClock, createSubscriberGuard(options.channels));
  return {
    ...createMemorySubscriberMethods(state),
    ...createMemoryAudienceMethods(state),
    ...createMemoryPrivacyMethods(state),
    ...createMemoryRunMethods(state),
    ...createMemoryDeliveryMethods(state, options.keepMessageIds ?? false),
    ...createMemoryReceiptMethods(),
    ...createMemoryChannelStateMethods({
      exists: (id) => liveSubscriber(state, id) !== undefined,
      idOf: (channel, address) => {
        const position = state.byAddress.get(addressKey(channel, address));
        return position === undefined ? undefined : String(position + 1);
      },
    }),
    async close() {
      state.runs.clear();
    },
  };
}
