import type { FollowUp } from '../channel/channel.js';
import type { PriorSend, RunStore } from '../store/run-store.js';
import type { Clock } from '../util/clock.js';
import { ALWAYS, type PacingPermit } from './account-pacing.js';
import { DueHeap, toItem, type DeliveryItem } from './delivery-item.js';

/** Why a run's channel stopped handing out deliveries. */
export type RunChannelState = 'running' | 'cancelled' | 'expired' | 'stopped' | 'lost-lease' | 'closed' | 'done';

/** Counters of one run on one channel, in this process. */
export interface RunChannelCounters {
  planned: number;
  sent: number;
  failed: number;
  dropped: number;
  cancelled: number;
}

/** Options of {@link RunChannel}. */
export interface RunChannelOptions {
  runId: string;
  channel: string;
  priorityRank: number;
  createdAt: number;
  /** Wall-clock time the announcement expires, or `Infinity`. */
  expiresAt: number;
  /** The rendered message per language, plus the fallback for other languages. */
  rendered: ReadonlyMap<string, unknown>;
  /** Rate-limit cost per language, only when some language costs more than one grant. */
  costs?: ReadonlyMap<string, number> | undefined;
  fallbackLanguage: string;
  store: RunStore;
  /** Deliveries claimed per store call. */
  claimBatch: number;
  /** Aborts in-flight sends when the run is cancelled. */
  signal: AbortSignal;
  /** Wakes the lane's idle workers. */
  notify: () => void;
  /** Wall clock: the expiry check (the lanes' `now` is monotonic and would miss a clock step). */
  clock: Clock;
  /** Reports a failed store call. */
  onError: (where: string, error: unknown) => void;
  /** Set for a follow-up run: how to find each recipient's earlier message, and what to send them. */
  followUp?: RunFollowUp | undefined;
  /**
   * Whether this process may send on the channel now (it paces the sender account, see
   * `AccountPacing`); while not, nothing is claimed here. @defaultValue always
   */
  permit?: PacingPermit | undefined;
}

/** A follow-up run's side of a channel: the thread and the rendered follow-up per language. */
export interface RunFollowUp {
  kind: FollowUp['kind'];
  threadIds: readonly string[];
  rendered: ReadonlyMap<string, unknown>;
}

/**
 * One run's deliveries on one channel, as the channel's lane sees them: a buffer of claimed
 * deliveries refilled from the store in batches, a heap of retries, and the counters. The lane
 * pulls from the highest-priority RunChannel first, which is how an emergency overtakes a
 * routine broadcast without either being re-planned.
 */
export class RunChannel {
  readonly runId: string;
  readonly channel: string;
  readonly priorityRank: number;
  readonly createdAt: number;
  readonly signal: AbortSignal;
  readonly counters: RunChannelCounters = { planned: 0, sent: 0, failed: 0, dropped: 0, cancelled: 0 };
  state: RunChannelState = 'running';
  planningDone = false;
  inFlight = 0;
  /** Deliveries sent after a retry where the provider may already have accepted an earlier attempt. */
  ambiguousRetries = 0;
  /** Code of the error that stopped the channel, if it was stopped. */
  stoppedCode: string | undefined;
  /** The highest rate-limit cost of this run's messages on the channel (1 for most channels). */
  readonly maxCost: number;
  /** Deliveries per second over the last few seconds (set by the run's progress tracker). */
  recentRate = 0;
  /** While this says so, nothing is handed out (the store cannot take outcomes). */
  holdBack: () => boolean = () => false;
  /** Whether this process may send on the channel now (another process may pace the account). */
  readonly permit: PacingPermit;

  readonly #options: RunChannelOptions;
  #buffer: DeliveryItem[] = [];
  #head = 0;
  readonly #retries = new DueHeap();
  #refilling = false;
  /** The store had nothing more to claim (planning may still add some). */
  #exhausted = false;
  /** A claim failed: wait before the next one (not the same as exhausted: work may remain). */
  #claimBackoff = false;
  /** Releases to the ledger still running; the channel is not finished before they land. */
  #releasing = 0;
  #finished!: () => void;
  #finishedPromise!: Promise<void>;

  constructor(options: RunChannelOptions) {
    this.#options = options;
    this.runId = options.runId;
    this.channel = options.channel;
    this.priorityRank = options.priorityRank;
    this.createdAt = options.createdAt;
    this.signal = options.signal;
    this.maxCost = options.costs ? Math.max(1, ...options.costs.values()) : 1;
    this.permit = options.permit ?? ALWAYS;
    this.#arm();
  }

  /** Resolves when nothing of this run is left in flight or queued here. */
  get finished(): Promise<void> {
    return this.#finishedPromise;
  }

  /**
   * Delivers again after `done`: the final check found deliveries left in the ledger (claims
   * orphaned by a process that lost the run, or work that appeared late).
   */
  reopen(): void {
    if (this.state !== 'done') return;
    this.state = 'running';
    this.#exhausted = false;
    this.#arm();
    this.#maybeRefill();
    this.#options.notify();
    // Paced elsewhere, it claims nothing: done again here once planning is.
    if (!this.permit.here) this.checkFinished();
  }

  /**
   * Another process paces the channel now: queued deliveries and retries go back to the ledger
   * as pending (never sent) for it to claim; the channel keeps running and claims again once
   * this process paces the account again.
   */
  standDown(): void {
    if (this.state !== 'running') return;
    const unsent = [...this.#buffer.slice(this.#head), ...this.#retries.drain()].map((item) => item.deliveryId);
    this.#buffer = [];
    this.#head = 0;
    this.#exhausted = false;
    this.#release(unsent);
    this.checkFinished();
  }

  /**
   * The run halted (cancelled, lost, closed) while this channel, done here, waited for another
   * process pacing the account to deliver what the ledger still held.
   */
  haltWhileWaiting(state: Exclude<RunChannelState, 'running' | 'done'>): void {
    if (this.state === 'done') this.state = state;
  }

  #arm(): void {
    this.#finishedPromise = new Promise((resolve) => (this.#finished = resolve));
  }

  /** The rendered message for a subscriber's language: the follow-up form for a follow-up delivery. */
  renderedFor(language: string, followUp = false): unknown {
    const rendered = followUp ? (this.#options.followUp?.rendered ?? this.#options.rendered) : this.#options.rendered;
    return rendered.get(language) ?? rendered.get(primaryOf(language)) ?? rendered.get(this.#options.fallbackLanguage);
  }

  /** Attaches each claimed recipient's earlier message of the thread (a follow-up run only). */
  async #withFollowUps(items: DeliveryItem[]): Promise<DeliveryItem[]> {
    const followUp = this.#options.followUp;
    if (followUp === undefined || items.length === 0) return items;
    const page = await this.#options.store.priorSends({
      channel: this.channel,
      announcementIds: followUp.threadIds,
      excludeRunId: this.runId,
      subscriberIds: items.map((item) => item.subscriberId),
      limit: items.length,
    });
    const bySubscriber = new Map<string, PriorSend>(page.sends.map((send) => [send.subscriberId, send]));
    for (const item of items) {
      const prior = bySubscriber.get(item.subscriberId);
      if (prior === undefined) continue;
      item.followUp = {
        kind: followUp.kind,
        previousAnnouncementId: prior.announcementId,
        previousRevision: prior.revision,
        ...(prior.providerMessageId === undefined ? {} : { previousMessageId: prior.providerMessageId }),
      };
    }
    return items;
  }

  /** Rate-limit grants a send in `language` costs. */
  costFor(language: string): number {
    const costs = this.#options.costs;
    if (costs === undefined) return 1;
    return costs.get(language) ?? costs.get(primaryOf(language)) ?? costs.get(this.#options.fallbackLanguage) ?? 1;
  }

  /** Whether the last claim failed and the next waits (the store is failing). */
  get claimStalled(): boolean {
    return this.#claimBackoff;
  }

  get queued(): number {
    return this.#buffer.length - this.#head + this.#retries.size;
  }

  get nextRetryAt(): number {
    return this.#retries.nextDueAt;
  }

  /** Wakes the lane's idle workers (the store takes outcomes again). */
  wake(): void {
    this.#options.notify();
  }

  /** Whether a delivery is ready at `now`. */
  hasWork(now: number): boolean {
    if (this.state !== 'running' || !this.permit.here || this.holdBack()) return false;
    if (this.#head < this.#buffer.length || this.#retries.nextDueAt <= now) return true;
    this.#maybeRefill();
    return false;
  }

  /** Takes the next ready delivery, or `undefined`. Expires the run when its time has passed. */
  next(now: number): DeliveryItem | undefined {
    if (this.state !== 'running' || !this.permit.here || this.holdBack()) return undefined;
    if (this.#options.expiresAt !== Infinity && this.#options.clock.now() >= this.#options.expiresAt) {
      this.halt('expired');
      return undefined;
    }
    const retry = this.#retries.popDue(now);
    if (retry) return retry;
    if (this.#head < this.#buffer.length) {
      const item = this.#buffer[this.#head++]!;
      this.#maybeRefill();
      return item;
    }
    this.#maybeRefill();
    return undefined;
  }

  /** Puts a delivery back to be tried at `item.dueAt`; after a halt, it goes back to the ledger instead. */
  later(item: DeliveryItem): void {
    if (this.state === 'running' && this.permit.here) {
      this.#retries.push(item);
      return;
    }
    this.#release([item.deliveryId]);
  }

  /** Planning appended `count` deliveries; `done` once the audience is fully planned. */
  onPlanned(count: number, done: boolean): void {
    this.counters.planned += count;
    if (done) this.planningDone = true;
    this.#exhausted = false;
    this.#maybeRefill();
    if (!this.permit.here) this.checkFinished();
  }

  /**
   * Stops handing out deliveries. Queued ones go back to the ledger as pending (they were never
   * sent), so `resume()` or the final close-out can account for them — except after a lost
   * lease: the process that took the run over has already released them and may hold them now.
   */
  halt(state: Exclude<RunChannelState, 'running' | 'done'>, code?: string): void {
    if (this.state !== 'running') return;
    this.state = state;
    this.stoppedCode = code;
    const unsent = [...this.#buffer.slice(this.#head), ...this.#retries.drain()].map((item) => item.deliveryId);
    this.#buffer = [];
    this.#head = 0;
    this.#release(unsent);
    this.checkFinished();
    this.#options.notify();
  }

  /**
   * Resolves `finished` once nothing is queued, in flight or on its way to or from the store,
   * and — while running — the audience is fully planned and delivered.
   */
  checkFinished(): void {
    if (this.inFlight > 0 || this.#refilling || this.#releasing > 0) return;
    if (this.state === 'running') {
      if (!this.planningDone || this.queued > 0) return;
      // Paced elsewhere: what the ledger holds is another process's to send (see settleLedger).
      if (this.permit.here && (!this.#exhausted || this.#claimBackoff)) return;
      this.state = 'done';
    }
    this.#finished();
  }

  /** Returns unsent claims to the ledger; `finished` waits until the store has them back. */
  #release(deliveryIds: string[]): void {
    if (deliveryIds.length === 0 || this.state === 'lost-lease') return;
    this.#releasing++;
    this.#options.store
      .releaseClaims(this.runId, { channel: this.channel, deliveryIds, ambiguous: false })
      .catch((error: unknown) => this.#options.onError('releaseClaims', error))
      .finally(() => {
        this.#releasing--;
        this.checkFinished();
      });
  }

  #maybeRefill(): void {
    if (this.#refilling || this.#exhausted || this.#claimBackoff || this.state !== 'running' || !this.permit.here)
      return;
    // Keep at most about one batch in memory: claimed-but-unsent deliveries cost memory and are
    // exactly what a crash turns into ambiguous deliveries.
    if (this.#buffer.length - this.#head >= this.#options.claimBatch / 2) return;
    this.#refilling = true;
    const planningDoneBefore = this.planningDone;
    const limit = this.#options.claimBatch;
    this.#options.store
      .claimDeliveries(this.runId, this.channel, limit)
      .then(async (claimedRows) => {
        let items: DeliveryItem[];
        try {
          items = await this.#withFollowUps(claimedRows.map(toItem));
        } catch (error) {
          // Without knowing who had the alert, a follow-up would go out as a first message.
          this.#release(claimedRows.map((delivery) => delivery.deliveryId));
          throw error;
        }
        const claimed = items;
        if (this.state !== 'running') {
          // Halted while the claim was on its way: these were never queued, give them back.
          this.#release(claimed.map((delivery) => delivery.deliveryId));
          return;
        }
        // Drop the items already handed out: kept in the array, they would outlive young-generation
        // collections and be promoted (measured ~360 B per delivery of old-space garbage at 1M).
        if (this.#head > 0) {
          this.#buffer = this.#buffer.slice(this.#head);
          this.#head = 0;
        }
        for (const item of claimed) this.#buffer.push(item);
        if (claimed.length < limit) {
          // Empty for good if planning had finished before this claim; while planning goes on,
          // wait for the planner's next onPlanned() — unless it finished during the claim.
          this.#exhausted = planningDoneBefore || !this.planningDone;
        }
      })
      .catch((error: unknown) => {
        this.#options.onError('claimDeliveries', error);
        // Do not spin on a failing store: try again in a second. Deliveries may remain, so this
        // must not count as exhausted (the channel would finish with them pending).
        this.#claimBackoff = true;
        this.#options.clock.setTimeout(() => {
          this.#claimBackoff = false;
          this.#options.notify();
          this.checkFinished();
        }, 1000);
      })
      .finally(() => {
        this.#refilling = false;
        this.#options.notify();
        this.checkFinished();
      });
  }
}

/** The language of a tag without its region or script (`en-GB` → `en`): the next best text. */
function primaryOf(language: string): string {
  const dash = language.indexOf('-');
  return dash === -1 ? language : language.slice(0, dash);
}
