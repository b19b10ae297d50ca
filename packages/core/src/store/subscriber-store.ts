import type { AudienceQuery } from '../domain/audience.js';
import type {
  ConsentEvent,
  ConsentMethod,
  Subscriber,
  SubscriberInput,
  SubscriberPatch,
} from '../domain/subscriber.js';

/** How a consent change happened, recorded with it in the append-only consent ledger. */
export interface ConsentRecord {
  method: ConsentMethod;
  /** Version of the privacy notice shown to the citizen. */
  noticeVersion: string;
  /** ISO time; defaults to the store's clock. */
  at?: string;
}

/** One audience member as the planner needs it: an id, never the address. */
export interface AudienceMember {
  subscriberId: string;
}

/** One page of a streamed audience. `next` is an opaque cursor; `undefined` when done. */
export interface AudiencePage {
  members: AudienceMember[];
  next: string | undefined;
}

/** Everything a store holds about one subscriber, for a data-subject access request. */
export interface SubscriberExport {
  subscriber: Subscriber;
  consent: ConsentEvent[];
  /** Deliveries to this subscriber by status, without message text. */
  deliveries: Record<string, number>;
}

/**
 * Subscribers and their consent ledger.
 *
 * Implementations must stream audiences in pages (never load every subscriber) and keep
 * `(channel, address)` unique.
 */
export interface SubscriberStore {
  /**
   * Adds a subscriber, or re-activates and updates the existing one with the same channel and
   * address, and appends a `subscribed` consent event.
   */
  subscribe(input: SubscriberInput, consent: ConsentRecord): Promise<Subscriber>;
  /** Adds many subscribers at once (imports); existing (channel, address) pairs are updated. Returns how many were written. */
  importSubscribers(inputs: readonly SubscriberInput[], consent: ConsentRecord): Promise<number>;
  getSubscriber(id: string): Promise<Subscriber | undefined>;
  findSubscriber(channel: string, address: string): Promise<Subscriber | undefined>;
  /**
   * Changes a subscriber. With `consent`, appends the matching consent event
   * (`topics-changed` for topics, `unsubscribed` for status `unsubscribed`).
   *
   * @returns The updated subscriber, or `undefined` when it does not exist.
   */
  updateSubscriber(id: string, patch: SubscriberPatch, consent?: ConsentRecord): Promise<Subscriber | undefined>;
  listConsent(subscriberId: string): Promise<ConsentEvent[]>;
  /** Counts the audience without loading it. */
  countAudience(query: AudienceQuery): Promise<number>;
  /**
   * Returns the next page of the audience in a stable order, after `cursor`
   * (pass `undefined` first). Must agree with `matchesAudience`.
   */
  audiencePage(query: AudienceQuery, cursor: string | undefined, limit: number): Promise<AudiencePage>;
  /** Everything held about one subscriber, or `undefined`. */
  exportSubscriber(id: string): Promise<SubscriberExport | undefined>;
  /**
   * Erases the subscriber's personal data: the address and choices go, an `erased` consent event
   * stays, anonymous delivery counts stay. Returns whether the subscriber existed.
   */
  eraseSubscriber(id: string, consent: ConsentRecord): Promise<boolean>;
}
