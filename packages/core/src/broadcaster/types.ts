import type { Announcement, AnnouncementInput } from '../domain/announcement.js';
import type { Priority } from '../domain/audience.js';
import type { AnyChannel } from '../channel/channel.js';
import type { Store } from '../store/run-store.js';
import type { Clock } from '../util/clock.js';
import type { BroadcastEvent } from './events.js';

/** Retry policy for transient failures. Rate-limit waits never use up an attempt. */
export interface RetryPolicy {
  /** Attempts per delivery, the first included. @defaultValue 5 */
  maxAttempts: number;
  /** First backoff in ms; doubled each attempt, with full jitter. @defaultValue 1000 */
  baseDelayMs: number;
  /** Longest single backoff in ms. @defaultValue 60000 */
  maxDelayMs: number;
  /** After this long since the first attempt, a delivery fails instead of retrying. @defaultValue 900000 (15 min) */
  maxTotalMs: number;
}

/** Options of {@link createBroadcaster}. */
export interface BroadcasterOptions {
  /** Where subscribers, runs and the delivery ledger live. */
  store: Store;
  /** The channels to deliver on; names must be unique. */
  channels: readonly AnyChannel[];
  /** Time source. @defaultValue the system clock */
  clock?: Clock;
  /** Receives typed, data-minimal events (no addresses, tokens or message text). */
  onEvent?: (event: BroadcastEvent) => void;
  /** Retry policy overrides. */
  retry?: Partial<RetryPolicy>;
  /** Whether extreme/severe announcements go to every active subscriber regardless of topics. @defaultValue false */
  emergencyReachesAll?: boolean;
  /** Receives published, updated and cancelled announcements (e.g. the public feed). */
  announcementSink?: AnnouncementSink;
  /**
   * Names this process in run leases (shown to operators). Each broadcaster adds a random token
   * of its own, so two processes started with the same id are still two lease owners.
   * @defaultValue a random id
   */
  instanceId?: string;
  /** How long a run lease lasts without renewal, in ms. @defaultValue 30000 */
  leaseTtlMs?: number;
}

/** Something that wants to know about announcements as they are published (the public feed). */
export interface AnnouncementSink {
  upsert(announcement: Announcement): void | Promise<void>;
  remove(announcementId: string): void | Promise<void>;
}

/** Options of `publish` and `estimate`. */
export interface PublishOptions {
  /** Same key → same run, never a second send. @defaultValue `${announcement.id}#${announcement.revision}` */
  idempotencyKey?: string;
  /** Only these channels. @defaultValue every configured channel */
  channels?: readonly string[];
  /** Overrides the priority derived from severity. */
  priority?: Priority;
}

/** Per-channel progress of a run. */
export interface ChannelProgress {
  channel: string;
  /** Deliveries in the ledger so far (grows while planning). */
  planned: number;
  /** Whether planning has finished for this channel. */
  planningDone: boolean;
  sent: number;
  failed: number;
  dropped: number;
  /** Cancelled or expired before sending. */
  cancelled: number;
  /** Deliveries per second over the last few seconds. */
  rate: number;
  /**
   * Seconds until done at the current rate (or the channel limit before any send); while
   * `waiting`, the queue of the runs ahead counts too. `undefined` when unknown (a stalled store).
   */
  etaSeconds: number | undefined;
  /**
   * `paused` while the provider asked to wait; `held` while the channel's rolling quota
   * (WhatsApp's daily messaging limit) is used up (the rest goes out as earlier sends leave the
   * moving window, nothing is failed); `waiting` while a run of higher priority (an emergency)
   * goes first on this channel; `stalled` while the store cannot write outcomes (sending holds
   * back until it can); `stopped` when the channel cannot send at all.
   */
  state: 'running' | 'paused' | 'held' | 'waiting' | 'stalled' | 'stopped' | 'done';
  /** While `waiting`: the priority of the run ahead. */
  waitingBehind?: Priority;
  /**
   * Channels with delivery receipts only (`Channel.receipts`): messages that reached the phone
   * (delivered or read), as the provider's receipts have reported so far.
   */
  delivered?: number;
  /** Channels with delivery receipts only: messages read (where the citizen has read receipts on). */
  read?: number;
}

/** A snapshot of a run's progress. */
export interface RunProgress {
  runId: string;
  announcementId: string;
  status: 'active' | 'completed' | 'cancelled' | 'expired' | 'incomplete';
  channels: ChannelProgress[];
}

/** Final counts of one channel of a run. */
export interface ChannelReport {
  channel: string;
  planned: number;
  sent: number;
  failed: number;
  dropped: number;
  cancelled: number;
  expired: number;
  /** Deliveries possibly sent twice (claimed by a process that died, or retried after a timeout). */
  ambiguous: number;
  /** Failures, drops, cancellations and expiries by error code. */
  byCode: Record<string, number>;
  /** Set when the channel was stopped (credentials, account); deliveries stay pending for `resume()`. */
  stoppedCode?: string;
  /**
   * Channels with delivery receipts only: messages that reached the phone by the time of the
   * report. Receipts keep arriving afterwards: `store.receiptCounts(runId)` has the latest.
   */
  delivered?: number;
  /** Channels with delivery receipts only: messages read by the time of the report. */
  read?: number;
  /** Channels with delivery receipts only: messages the provider accepted, then reported failed. */
  failedAfterSend?: number;
}

/** The final report of a run. Ids and counts only. */
export interface RunReport {
  runId: string;
  announcementId: string;
  /** `incomplete` when a channel was stopped and deliveries remain for `resume()`. */
  status: 'completed' | 'cancelled' | 'expired' | 'incomplete';
  priority: Priority;
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  channels: ChannelReport[];
}

/** A broadcast in progress. Iterate it for progress snapshots; await `done` for the report. */
export interface BroadcastRun extends AsyncIterable<RunProgress> {
  readonly id: string;
  readonly announcementId: string;
  /** `false` when the idempotency key matched an earlier run. */
  readonly created: boolean;
  /** Resolves with the final report (never rejects for delivery failures). */
  readonly done: Promise<RunReport>;
  /** The current progress. */
  progress(): RunProgress;
  /**
   * Stops the run: nothing more goes out, including deliveries not yet planned. On a run that
   * ended `incomplete` (a stopped channel, a closed broadcaster) it cancels what was left, so
   * `resume()` will not deliver it; a run that completed keeps its outcome.
   */
  cancel(): Promise<void>;
}

/**
 * What `close()` could not persist. Deliveries whose outcome is unwritten were made, but the
 * store still holds them as claimed: `resume()` sends them again and counts them as ambiguous.
 */
export interface CloseReport {
  /** Delivery outcomes the store did not take before closing. */
  unpersistedOutcomes: number;
  /** The runs they belong to. */
  runIds: string[];
  /** The safe code of the store's last write error (`SQLITE_FULL`), when it had one. */
  errorCode?: string;
}

/** Per-channel estimate. */
export interface ChannelEstimate {
  channel: string;
  recipients: number;
  /**
   * Least seconds the channel's rate limit allows: recipients × cost ÷ rate; `0` when the
   * channel has no rate limit.
   */
  seconds: number;
  ratePerSecond: number;
  /** Requests one message costs against the rate limit (parts of a split message); usually 1. */
  cost: number;
  /**
   * Set when a rolling quota (WhatsApp's daily messaging limit) cannot take every recipient now:
   * how many must wait, and the wall time after which the last of them goes out (11,000 at
   * tier 10,000: the last 1,000 go out tomorrow after 09:14). `seconds` includes the wait.
   */
  held?: { recipients: number; lastAt: number };
  /**
   * The expected bill of the run on this channel, for channels given a price table
   * (`Channel.price`): recipients × the dearest language's price per message. An upper bound.
   */
  expectedCost?: { amount: number; currency: string; asOf?: string };
}

/** What a publish would do, computed before anything is sent. */
export interface Estimate {
  priority: Priority;
  recipients: number;
  /** The slowest channel's seconds (channels run in parallel). */
  seconds: number;
  channels: ChannelEstimate[];
}

/** The broadcaster. */
export interface Broadcaster {
  /**
   * Plans and delivers an announcement; returns the run at once. Publishing the same id and
   * revision again returns the existing run (`created: false`).
   * @throws ConfigError for an invalid announcement or option, and when the same id and revision
   * (or idempotency key) was already published with different content: publish a new revision.
   */
  publish(announcement: AnnouncementInput, options?: PublishOptions): Promise<BroadcastRun>;
  /** Recipients and least time per channel, from the store and the limits. */
  estimate(announcement: AnnouncementInput, options?: PublishOptions): Promise<Estimate>;
  /**
   * Cancels a run by id (in this process or, through the store, another).
   * @throws ConfigError for an unknown run id.
   */
  cancel(runId: string): Promise<void>;
  /**
   * Continues every unfinished run found in the store, and shows the current announcements
   * (active or completed runs, newest revision, not expired) in the announcement sink again.
   */
  resume(): Promise<BroadcastRun[]>;
  /** A run started by this broadcaster, if still known. */
  getRun(runId: string): BroadcastRun | undefined;
  /**
   * Stops all lanes, waits for in-flight sends and flushes the ledger.
   * @returns What could not be persisted: `unpersistedOutcomes` is 0 when everything was stored.
   */
  close(): Promise<CloseReport>;
}
