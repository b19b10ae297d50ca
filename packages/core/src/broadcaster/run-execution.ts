import { setMaxListeners } from 'node:events';
import type { AnyChannel } from '../channel/channel.js';
import type { RunRecord, Store } from '../store/run-store.js';
import type { Clock } from '../util/clock.js';
import type { ReceiptCounts } from '../store/receipt-store.js';
import type { BroadcastEvent } from './events.js';
import type { FeedSync } from './feed-sync.js';
import type { AccountPacing } from './account-pacing.js';
import type { Lane } from './lane.js';
import type { OutcomeWriter } from './outcome-writer.js';
import { ProgressFeed, ProgressTracker } from './progress.js';
import { followUpPlanFor, type FollowUpPlan } from './follow-up.js';
import { isParallel } from './parallel-channel.js';
import { planAudience } from './plan-audience.js';
import type { QueueAhead } from './queue-ahead.js';
import { buildReport } from './report.js';
import type { RunChannel } from './run-channel.js';
import { buildSources } from './run-sources.js';
import { startRunTimers } from './run-timers.js';
import { settleLedger } from './settle-ledger.js';
import { cancelStoredRun } from './stored-run.js';
import type { BroadcastRun, RunProgress, RunReport } from './types.js';

/** What a run needs from its broadcaster. */
export interface RunContext {
  store: Store;
  /** Wall clock: leases, expiry, stored times, event times. */
  clock: Clock;
  /** Interval clock (monotonic): rates inside this process. */
  pacing: Clock;
  lanes: ReadonlyMap<string, Lane>;
  channels: ReadonlyMap<string, AnyChannel>;
  /** Which sender accounts this process paces now (the others are sent on by other processes). */
  accounts: AccountPacing;
  writer: OutcomeWriter;
  /** This process's lease token (the instance id plus a random part). */
  leaseOwner: string;
  leaseTtlMs: number;
  progressIntervalMs: number;
  planPageSize: number;
  emit: (event: BroadcastEvent) => void;
  onStoreError: (where: string, error: unknown) => void;
  /** The announcement sink, kept in step with runs. */
  feed: FeedSync;
  /** The higher-priority work ahead of a run's channel in its lane. */
  queueAhead: (source: RunChannel) => QueueAhead | undefined;
  /** Called once the run is over, so the broadcaster forgets it. */
  onFinished: (runId: string) => void;
  /**
   * Cancels an earlier run of a follow-up's thread and waits until its outcomes are in the ledger
   * (a run of another process: cancelled through the store; that process stops at its next renewal).
   */
  supersede: (runId: string) => Promise<void>;
}

/** Why a run stops before it is done. */
type HaltState = 'cancelled' | 'expired' | 'lost-lease' | 'closed';

/**
 * One broadcast run being delivered by this process: plans the audience into the ledger page by
 * page while its lanes already deliver, keeps the lease, publishes progress, and writes the
 * final status and report.
 */
export class RunExecution implements BroadcastRun {
  readonly id: string;
  readonly announcementId: string;
  readonly created: boolean;
  readonly done: Promise<RunReport>;
  readonly #record: RunRecord;
  readonly #context: RunContext;
  readonly #abort = new AbortController();
  readonly #tracker = new ProgressTracker();
  #readingReceipts = false;
  #readingLedger = false;
  /** Channels other processes deliver too (see `#shared`). */
  readonly #sharedChannels = new Set<string>();
  readonly #feed = new ProgressFeed();
  readonly #startedAt: number;
  /** Monotonic start, for the report's duration. */
  readonly #startedMono: number;
  readonly #expiresAt: number;
  #sources: RunChannel[] = [];
  #skipped = new Map<string, string>();
  #stopTimers: () => void = () => undefined;
  #renewing: Promise<void> | undefined;
  #status: RunProgress['status'] = 'active';
  #finishing = false;
  /** Deliveries the ledger still holds after every channel finished (see `settleLedger`). */
  #leftovers = false;
  /** Set once halted, so channels set up later (still rendering) start halted too. */
  #haltedAs: HaltState | undefined;

  constructor(record: RunRecord, created: boolean, context: RunContext) {
    this.#record = record;
    this.#context = context;
    this.id = record.id;
    this.announcementId = record.announcement.id;
    this.created = created;
    this.#startedAt = context.clock.now();
    this.#startedMono = context.pacing.now();
    const { expires } = record.announcement;
    this.#expiresAt = expires === undefined ? Infinity : Date.parse(expires);
    // Every in-flight send of the run listens on this one signal (undici adds a listener per request).
    setMaxListeners(0, this.#abort.signal);
    this.done = this.#execute().catch((error: unknown) => this.#abandon(error));
  }

  /** This run's channels as the lanes see them. */
  get sources(): readonly RunChannel[] {
    return this.#sources;
  }

  progress(): RunProgress {
    const { lanes, channels } = this.#context;
    return this.#tracker.snapshot(this.id, this.announcementId, this.#status, this.#sources, {
      channels,
      pausedUntil: (name) => lanes.get(name)?.pausedUntil ?? 0,
      storeStalled: this.#context.writer.stalled,
      queueAhead: this.#context.queueAhead,
    });
  }

  [Symbol.asyncIterator](): AsyncIterator<RunProgress> {
    return this.#feed.iterate();
  }

  async cancel(): Promise<void> {
    const { store, clock } = this.#context;
    if (this.#status === 'active' && !this.#finishing) {
      await store.setRunStatus(this.id, 'cancelled', clock.now());
      this.#halt('cancelled');
      return;
    }
    // Finishing or over: nothing more goes out here, but a run left for resume() must not resume.
    await this.done.catch(() => undefined);
    if (this.#status === 'incomplete') await cancelStoredRun(store, this.id, clock.now(), this.#context.feed);
  }

  /**
   * Stops the run here: the broadcaster closes (what is left stays pending for `resume()`), or
   * the store shows another live process holding its lease (as a failed renewal would).
   */
  halt(state: 'closed' | 'lost-lease'): void {
    this.#halt(state);
  }

  #halt(state: HaltState): void {
    this.#haltedAs ??= state;
    for (const source of this.#sources) source.halt(state);
    if (state === 'cancelled') this.#abort.abort(new Error('Broadcast cancelled'));
  }

  async #execute(): Promise<RunReport> {
    const { store, lanes } = this.#context;
    await Promise.resolve();
    const counts = await store.deliveryCounts(this.id);
    const followUp: FollowUpPlan | undefined = await followUpPlanFor(store, this.#record);
    // A correction stops the message it corrects: what that run sent is then all in the ledger.
    for (const runId of followUp?.activeRunIds ?? []) await this.#context.supersede(runId);
    const { sources, skipped } = await buildSources(this.#record, counts, this.#context, this.#abort.signal, followUp);
    this.#sources = sources;
    this.#skipped = skipped;
    // A store that cannot take outcomes holds the sending back instead of growing memory.
    for (const source of sources) source.holdBack = () => this.#context.writer.full;
    // Halt before the lanes see the channels, so a run cancelled, closed or expired while it
    // rendered claims nothing at all (the expiry timer below halts at once when already due).
    if (this.#haltedAs) this.#halt(this.#haltedAs);
    this.#startTimers();
    for (const source of this.#sources) lanes.get(source.channel)!.add(source);
    await Promise.all(
      this.#sources.map((source) =>
        planAudience(
          this.id,
          source,
          this.#record.audiences.find((audience) => audience.channel === source.channel)!,
          this.#record.plan[source.channel] ?? { cursor: undefined, done: false },
          this.#context,
          followUp,
        ),
      ),
    );
    this.#leftovers = await settleLedger(this.id, this.#sources, this.#context, () => this.#haltedAs);
    return this.#finish();
  }

  #startTimers(): void {
    const { clock, pacing, store, leaseOwner, leaseTtlMs, progressIntervalMs, emit } = this.#context;
    const renew = async (): Promise<void> => {
      try {
        const held = await store.acquireLease(this.id, leaseOwner, leaseTtlMs, clock.now());
        if (!held) this.#halt('lost-lease');
        const current = await store.getRun(this.id);
        if (current?.status === 'cancelled') this.#halt('cancelled');
      } catch (error) {
        this.#context.onStoreError('acquireLease', error);
      }
    };
    this.#tracker.sample(this.#sources, pacing.now());
    this.#stopTimers = startRunTimers(
      clock,
      { progressIntervalMs, leaseTtlMs, expiresAt: this.#expiresAt },
      {
        onProgress: () => {
          this.#tracker.sample(this.#sources, pacing.now());
          this.#refreshReceipts();
          this.#refreshLedger();
          const progress = this.progress();
          this.#feed.publish(progress);
          emit({ type: 'run.progress', at: clock.now(), progress });
        },
        onRenew: () => {
          this.#renewing = renew();
        },
        onExpired: () => this.#halt('expired'),
      },
    );
  }

  /** Whether a channel of this run reports delivery receipts. */
  #hasReceipts(): boolean {
    return this.#sources.some((source) => this.#context.channels.get(source.channel)?.receipts === true);
  }

  /** Receipt counts of the channels with receipts (zeros until the first arrive). */
  async #readReceipts(): Promise<ReceiptCounts[]> {
    if (!this.#hasReceipts()) return [];
    const stored = await this.#context.store.receiptCounts(this.id);
    return this.#sources
      .filter((source) => this.#context.channels.get(source.channel)?.receipts === true)
      .map(
        (source) =>
          stored.find((entry) => entry.channel === source.channel) ?? {
            channel: source.channel,
            sent: 0,
            delivered: 0,
            read: 0,
            failed: 0,
            byCode: {},
          },
      );
  }

  /**
   * Receipts come from the provider's webhook, not from the lanes: read them for the next
   * snapshot, one read at a time, only for runs on channels that have them.
   */
  #refreshReceipts(): void {
    if (this.#readingReceipts || !this.#hasReceipts()) return;
    this.#readingReceipts = true;
    this.#readReceipts()
      .then(
        (counts) => this.#tracker.setReceipts(counts),
        (error: unknown) => this.#context.onStoreError('receiptCounts', error),
      )
      .finally(() => {
        this.#readingReceipts = false;
      });
  }

  /**
   * The channels other processes deliver too: parallel ones, and those whose sender account
   * another process paced at some point of the run.
   */
  #shared(): Set<string> {
    const { channels } = this.#context;
    for (const source of this.#sources)
      if (isParallel(channels.get(source.channel)) || !source.permit.here) this.#sharedChannels.add(source.channel);
    return this.#sharedChannels;
  }

  /**
   * Other processes may deliver some of the run's channels: their sends reach this one only
   * through the ledger, read for the next snapshot (one read at a time).
   */
  #refreshLedger(): void {
    const { store } = this.#context;
    const parallel = this.#shared();
    if (this.#readingLedger || parallel.size === 0) return;
    this.#readingLedger = true;
    store
      .deliveryCounts(this.id)
      .then(
        (counts) => this.#tracker.setLedgerCounts(counts.filter((entry) => parallel.has(entry.channel))),
        (error: unknown) => this.#context.onStoreError('deliveryCounts', error),
      )
      .finally(() => {
        this.#readingLedger = false;
      });
  }

  async #finish(): Promise<RunReport> {
    const { store, clock, pacing, writer, lanes, emit, leaseOwner } = this.#context;
    this.#finishing = true;
    this.#stopTimers();
    for (const source of this.#sources) lanes.get(source.channel)?.remove(source);
    await writer.flush();
    const now = clock.now();
    const states = new Set(this.#sources.map((source) => source.state));
    let status: RunReport['status'];
    if (states.has('cancelled')) {
      await store.closePending(this.id, 'cancelled', 'CANCELLED', now);
      await store.setRunStatus(this.id, 'cancelled', now);
      status = 'cancelled';
    } else if (states.has('expired')) {
      await store.closePending(this.id, 'expired', 'EXPIRED', now);
      await store.setRunStatus(this.id, 'expired', now);
      status = 'expired';
    } else if (states.size !== 1 || !states.has('done') || this.#skipped.size > 0 || this.#leftovers) {
      status = 'incomplete';
    } else {
      await store.setRunStatus(this.id, 'completed', now);
      status = 'completed';
    }
    // A renewal already on its way would take the lease back after the release below.
    await this.#renewing;
    await store.releaseLease(this.id, leaseOwner);
    if (status === 'cancelled' || status === 'expired') await this.#context.feed.withdraw(this.#record);
    const receipts = await this.#readReceipts();
    this.#tracker.setReceipts(receipts);
    const counts = await store.deliveryCounts(this.id);
    const parallel = this.#shared();
    this.#tracker.setLedgerCounts(counts.filter((entry) => parallel.has(entry.channel)));
    const report = buildReport({
      record: this.#record,
      status,
      receipts,
      counts,
      sources: this.#sources,
      skipped: this.#skipped,
      startedAt: this.#startedAt,
      finishedAt: clock.now(),
      durationMs: pacing.now() - this.#startedMono,
    });
    this.#status = status;
    this.#tracker.sample(this.#sources, pacing.now());
    this.#feed.publish(this.progress(), true);
    emit({ type: 'run.finished', at: clock.now(), report });
    this.#context.onFinished(this.id);
    return report;
  }

  /**
   * The store failed where the run cannot go on (reading counts, writing the final status):
   * stop here, give the lease back so `resume()` can try again, end the progress stream, and
   * reject `done` with the store's error.
   */
  async #abandon(error: unknown): Promise<never> {
    const { store, lanes, leaseOwner } = this.#context;
    this.#context.onStoreError('run', error);
    this.#finishing = true;
    this.#stopTimers();
    this.#halt('closed');
    await Promise.all(this.#sources.map((source) => source.finished));
    for (const source of this.#sources) lanes.get(source.channel)?.remove(source);
    await this.#renewing?.catch(() => undefined);
    await store.releaseLease(this.id, leaseOwner).catch(() => undefined);
    this.#status = 'incomplete';
    this.#feed.publish(this.progress(), true);
    this.#context.onFinished(this.id);
    throw error;
  }
}
