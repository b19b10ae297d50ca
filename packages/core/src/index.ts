/**
 * Banditore core: announcements, subscribers, the channel contract, stores, the throttled
 * broadcaster and the public feed. Authors of channels and stores find their helpers in
 * `@banditore/core/authoring`; the test kit is `@banditore/core/testing`.
 *
 * @module
 */

// Errors
export { ConfigError, isConfigError } from './errors.js';
export { ChannelError, isChannelError, type ChannelErrorOptions } from './channel/channel-error.js';
export { CHANNEL_ERROR_CODES, type ChannelErrorCode } from './channel/error-codes.js';

// Domain
export {
  COLOR_CODES,
  SEVERITIES,
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
  EXERCISE_TOPIC,
  defaultPriority,
  isEmergency,
  matchesAudience,
  type AudienceQuery,
  type Priority,
} from './domain/audience.js';

// Channels
export type {
  AnnouncementChange,
  AnyChannel,
  Channel,
  ChannelLimits,
  FollowUp,
  FollowUpContext,
  FollowUpKind,
  SendOptions,
  SendResult,
  SharedBudget,
} from './channel/channel.js';
export { followUpMarker } from './broadcaster/follow-up.js';

// Stores
export type {
  AudienceMember,
  AudiencePage,
  ChannelStateStore,
  ClaimedDelivery,
  ConsentRecord,
  DeliveryCounts,
  DeliveryOutcome,
  DeliveryReceipt,
  DeliveryStatus,
  FinalDeliveryStatus,
  NewRun,
  PlanProgress,
  PriorSend,
  PriorSendsPage,
  PriorSendsQuery,
  ReceiptCounts,
  ReceiptRecord,
  ReceiptStatus,
  ReceiptStore,
  ReceiptWriteResult,
  RunLease,
  RunRecord,
  RunStatus,
  RunStore,
  Store,
  SubscriberChannelState,
  SubscriberExport,
  SubscriberStore,
} from './store/index.js';

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
export { systemClock, type Clock, type TimerHandle } from './util/clock.js';

// Broadcaster
export type {
  AnnouncementSink,
  Broadcaster,
  BroadcasterOptions,
  BroadcastRun,
  ChannelEstimate,
  ChannelProgress,
  ChannelReport,
  CloseReport,
  Estimate,
  PublishOptions,
  RetryPolicy,
  RunProgress,
  RunReport,
} from './broadcaster/types.js';
export type { BroadcastEvent, BroadcastEventType } from './broadcaster/events.js';

// Public feed (JSON + live stream)
export {
  createFeed,
  type CapCertainty,
  type CapMsgType,
  type CapSeverity,
  type CapStatus,
  type CapUrgency,
  type Feed,
  type FeedAlert,
  type FeedAlertInfo,
  type FeedChannels,
  type FeedDocument,
  type FeedOptions,
  type FeedTopic,
} from './feed/index.js';

// HTTP helpers (Fetch API handlers on node:http)
export {
  serve,
  toNodeListener,
  type FetchHandler,
  type NodeListenerOptions,
  type RunningServer,
  type ServeOptions,
} from './http/index.js';

// Broadcaster implementation and memory store
export { createBroadcaster } from './broadcaster/create-broadcaster.js';
export type { RateGate } from './broadcaster/rate-gate.js';
export type { BroadcasterTuning } from './broadcaster/options.js';
export {
  createRollingQuota,
  rollingQuotaBudget,
  type QuotaForecast,
  type RollingQuota,
  type RollingQuotaOptions,
} from './broadcaster/rolling-quota.js';
export { createMemoryStore, type MemoryStoreOptions } from './store/memory-store.js';
