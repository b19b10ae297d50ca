/**
 * Banditore core: announcements, subscribers, the channel contract, stores, the throttled
 * broadcaster and the public feed.
 *
 * @module
 */

// Errors
export { ConfigError, isConfigError, parseOrThrow } from './errors.js';
export { ChannelError, isChannelError, type ChannelErrorOptions } from './channel/channel-error.js';
export {
  AMBIGUOUS_CODES,
  CHANNEL_ERROR_ACTIONS,
  CHANNEL_ERROR_CODES,
  actionFor,
  type ChannelErrorCode,
  type ErrorAction,
} from './channel/error-codes.js';

// Domain
export {
  COLOR_CODES,
  SEVERITIES,
  announcementContentSchema,
  announcementLinkSchema,
  announcementSchema,
  contentFor,
  isExpired,
  languagesOf,
  type Announcement,
  type AnnouncementContent,
  type AnnouncementInput,
  type ColorCode,
  type Severity,
} from './domain/announcement.js';
export {
  CONSENT_KINDS,
  CONSENT_METHODS,
  SUBSCRIBER_STATUSES,
  subscriberInputSchema,
  type ConsentEvent,
  type ConsentKind,
  type ConsentMethod,
  type Subscriber,
  type SubscriberInput,
  type SubscriberPatch,
  type SubscriberStatus,
} from './domain/subscriber.js';
export {
  PRIORITY_RANK,
  audienceFor,
  defaultPriority,
  isEmergency,
  matchesAudience,
  type AudienceQuery,
  type Priority,
} from './domain/audience.js';

// Channels
export type { AnyChannel, Channel, ChannelLimits, SendOptions, SendResult, SharedBudget } from './channel/channel.js';

// Stores
export type * from './store/index.js';

export { RECEIPT_RANK, RECEIPT_STATUSES } from './store/receipt-store.js';
export { StoreError, isStoreError } from './store/store-error.js';
export {
  SubscriberImportError,
  createSubscriberGuard,
  isSubscriberImportError,
  type RejectedRow,
  type StoreChannel,
  type SubscriberGuard,
} from './store/subscriber-guard.js';

// Time
export { sleep, systemClock, type Clock, type TimerHandle } from './util/clock.js';

// Broadcaster
export type * from './broadcaster/types.js';
export type { BroadcastEvent, BroadcastEventType } from './broadcaster/events.js';

// Public feed (JSON + live stream)
export * from './feed/index.js';

// HTTP helpers (Fetch API handlers on node:http)
export * from './http/index.js';

// Broadcaster implementation and memory store
export { createBroadcaster } from './broadcaster/create-broadcaster.js';
export type { BroadcasterTuning } from './broadcaster/options.js';
export { createRateGate, type RateGate, type RateGateOptions } from './broadcaster/rate-gate.js';
export {
  createRollingQuota,
  rollingQuotaBudget,
  type QuotaForecast,
  type RollingQuota,
  type RollingQuotaOptions,
} from './broadcaster/rolling-quota.js';
export { DEFAULT_RETRY_POLICY, backoffDelay } from './broadcaster/retry-policy.js';
export { createMemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
