import type { Announcement } from '../domain/announcement.js';
import type { AudienceQuery, Priority } from '../domain/audience.js';

/** Where a broadcast run stands. `completed`, `cancelled` and `expired` are final. */
export type RunStatus = 'active' | 'completed' | 'cancelled' | 'expired';

/** A delivery's state in the ledger. `pending` and `claimed` are not final. */
export type DeliveryStatus = 'pending' | 'claimed' | 'sent' | 'failed' | 'dropped' | 'cancelled' | 'expired';

/** Final delivery states. */
export type FinalDeliveryStatus = Exclude<DeliveryStatus, 'pending' | 'claimed'>;

/** How far planning of one channel got: resumable from `cursor`. */
export interface PlanProgress {
  cursor: string | undefined;
  done: boolean;
}

/** What `createRun` needs. */
export interface NewRun {
  id: string;
  idempotencyKey: string;
  announcement: Announcement;
  priority: Priority;
  /** One audience per channel. */
  audiences: AudienceQuery[];
  /** ms since the epoch. */
  createdAt: number;
}

/** Who holds a run's lease, and until when (wall time, ms since the epoch). */
export interface RunLease {
  owner: string;
  expiresAt: number;
}

/** A stored broadcast run. */
export interface RunRecord extends NewRun {
  status: RunStatus;
  plan: Record<string, PlanProgress>;
  finishedAt: number | undefined;
  /**
   * The lease as last written, absent when nobody holds it. A process that wants to take a run
   * over watches it: only a lease that stays unchanged for a whole lease TTL is abandoned.
   */
  lease?: RunLease;
}

/** A delivery handed to a sender: pending → claimed. The address is joined in at claim time. */
export interface ClaimedDelivery {
  deliveryId: string;
  subscriberId: string;
  /** Personal data: used for the send only. */
  address: string;
  language: string;
  /** The subscriber's status now: a subscriber who left after planning is not sent to. */
  subscriberStatus: 'active' | 'unreachable' | 'unsubscribed' | 'erased';
  /** Attempts made before this claim (from earlier processes). */
  attempts: number;
}

/** The final outcome of one delivery, written in batches. */
export interface DeliveryOutcome {
  runId: string;
  channel: string;
  deliveryId: string;
  status: FinalDeliveryStatus;
  attempts: number;
  /** Channel error code for failures and drops. */
  code?: string;
  providerMessageId?: string;
  /** ms since the epoch. */
  at: number;
}

/**
 * Which earlier sends a follow-up looks for: the `sent` deliveries on one channel of the runs of
 * an alert's thread (the announcement ids given), except the follow-up's own run.
 */
export interface PriorSendsQuery {
  channel: string;
  /** The thread: runs whose announcement has one of these ids count. */
  announcementIds: readonly string[];
  /** The follow-up's own run, never counted. */
  excludeRunId: string;
  /** Only these subscribers (a claimed batch); when absent, every recipient, in pages. */
  subscriberIds?: readonly string[];
  /** Opaque cursor from the previous page; `undefined` first. */
  cursor?: string | undefined;
  /** Most rows to return. */
  limit: number;
}

/** One recipient's most recent `sent` delivery of a thread (from its most recently created run). */
export interface PriorSend {
  subscriberId: string;
  runId: string;
  announcementId: string;
  revision: number;
  providerMessageId?: string;
}

/** One page of prior sends, in a stable subscriber order. `next` is `undefined` when done. */
export interface PriorSendsPage {
  sends: PriorSend[];
  next: string | undefined;
}

/** Counts of one channel of one run. */
export interface DeliveryCounts {
  channel: string;
  byStatus: Record<DeliveryStatus, number>;
  /** Failures, drops, cancellations and expiries by code. */
  byCode: Record<string, number>;
  /** Deliveries that were claimed by a process that died: possibly sent twice. */
  ambiguous: number;
}

/**
 * Broadcast runs and the delivery ledger (one entry per recipient × channel).
 *
 * The protocol is claim-then-record: a sender claims a batch of pending deliveries, sends them,
 * then records outcomes in batches. After a crash, `releaseClaims` turns the claimed-but-unrecorded
 * entries back into pending and counts them as ambiguous.
 */
export interface RunStore {
  /** Creates a run, or returns the existing one with the same idempotency key. */
  createRun(run: NewRun): Promise<{ run: RunRecord; created: boolean }>;
  getRun(id: string): Promise<RunRecord | undefined>;
  /** Runs whose status is `active`, oldest first. */
  listActiveRuns(): Promise<RunRecord[]>;
  /**
   * Runs with one of the given statuses, oldest first (the broadcaster restores the public feed
   * from the active and completed ones after a restart).
   */
  listRuns(filter: { status: readonly RunStatus[] }): Promise<RunRecord[]>;
  /** Sets a run's status; final states also set `finishedAt`. */
  setRunStatus(id: string, status: RunStatus, at: number): Promise<void>;
  /**
   * Appends planned deliveries of one channel and, atomically with them, the planning progress.
   * Adding a subscriber twice to the same run and channel is ignored (planning may be replayed
   * after a crash).
   */
  appendDeliveries(
    runId: string,
    channel: string,
    subscriberIds: readonly string[],
    progress: PlanProgress,
  ): Promise<void>;
  /** Moves up to `limit` pending deliveries of the run's channel to `claimed` and returns them. */
  claimDeliveries(runId: string, channel: string, limit: number): Promise<ClaimedDelivery[]>;
  /** Writes final outcomes; one call per batch. */
  recordOutcomes(outcomes: readonly DeliveryOutcome[]): Promise<void>;
  /**
   * Returns claimed deliveries to pending. Without `deliveryIds`, every claimed delivery of the
   * run (used by resume after a crash, `ambiguous: true`). Returns how many moved.
   */
  releaseClaims(
    runId: string,
    options: { channel?: string; deliveryIds?: readonly string[]; ambiguous: boolean },
  ): Promise<number>;
  /** Marks every pending delivery of the run (optionally one channel) with a final status. Returns how many. */
  closePending(
    runId: string,
    status: 'cancelled' | 'expired',
    code: string,
    at: number,
    channel?: string,
  ): Promise<number>;
  deliveryCounts(runId: string): Promise<DeliveryCounts[]>;
  /**
   * The ledger's memory of who got an alert: per subscriber, the most recent `sent` delivery of
   * any run of the thread (the run created last wins), with its provider message id and the
   * revision it carried. Follow-ups (updates, cancels) are planned from it and told what to edit.
   * Pages are in a stable subscriber order; with `subscriberIds`, only those (one page).
   */
  priorSends(query: PriorSendsQuery): Promise<PriorSendsPage>;
  /**
   * Takes or renews the exclusive right to deliver a run. Succeeds when nobody holds it, the
   * holder is `owner`, or the holder's lease expired before `now`.
   */
  acquireLease(runId: string, owner: string, ttlMs: number, now: number): Promise<boolean>;
  releaseLease(runId: string, owner: string): Promise<void>;
}

// The complete store is defined in store.ts; re-exported here for the files that import it from here.
export type { Store } from './store.js';
