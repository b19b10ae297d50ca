import type { AnyChannel } from '../channel/channel.js';
import type { ReceiptCounts } from '../store/receipt-store.js';
import type { DeliveryCounts } from '../store/run-store.js';
import type { QueueAhead } from './queue-ahead.js';
import type { RunChannel } from './run-channel.js';
import type { ChannelProgress, RunProgress } from './types.js';

interface Sample {
  at: number;
  done: number;
}

interface Counts {
  sent: number;
  failed: number;
  dropped: number;
  cancelled: number;
}

/** Seconds of history the delivery rate is averaged over. */
const RATE_WINDOW_MS = 5_000;

/** What a snapshot reads besides the run's own counters. */
export interface SnapshotInputs {
  channels: ReadonlyMap<string, AnyChannel>;
  /** When the channel's pause ends (0: not paused). */
  pausedUntil: (channel: string) => number;
  /** Whether outcomes are failing to reach the store. */
  storeStalled: boolean;
  /** Higher-priority work ahead of a run's channel. */
  queueAhead: (source: RunChannel) => QueueAhead | undefined;
}

/**
 * Keeps recent (time, delivered) samples per channel of a run and turns the run's counters into
 * progress snapshots with a rate and an ETA. Before the first samples, the ETA comes from the
 * channel's rate limit, which is what an operator wants to see at the start.
 */
export class ProgressTracker {
  readonly #samples = new Map<string, Sample[]>();
  readonly #receipts = new Map<string, ReceiptCounts>();
  /** What the ledger holds for channels other processes help to deliver (`limits.parallel`). */
  readonly #ledger = new Map<string, Counts>();

  /**
   * Keeps the ledger's counts of channels that other processes help deliver: this process's own
   * counters see only its share, so snapshots show whichever is further along.
   */
  setLedgerCounts(counts: readonly DeliveryCounts[]): void {
    for (const { channel, byStatus } of counts)
      this.#ledger.set(channel, {
        sent: byStatus.sent,
        failed: byStatus.failed,
        dropped: byStatus.dropped,
        cancelled: byStatus.cancelled + byStatus.expired,
      });
  }

  /** The run's counts on a channel: its own, or the ledger's where that is further along. */
  #counts(source: RunChannel): Counts & { planned: number } {
    const own = source.counters;
    const ledger = this.#ledger.get(source.channel);
    if (ledger === undefined) return own;
    return {
      planned: own.planned,
      sent: Math.max(own.sent, ledger.sent),
      failed: Math.max(own.failed, ledger.failed),
      dropped: Math.max(own.dropped, ledger.dropped),
      cancelled: Math.max(own.cancelled, ledger.cancelled),
    };
  }

  /** Keeps the latest receipt counts of the run, shown by the next snapshots. */
  setReceipts(counts: readonly ReceiptCounts[]): void {
    for (const entry of counts) this.#receipts.set(entry.channel, entry);
  }

  /** Records the current counters; call at each progress tick (monotonic time). */
  sample(sources: readonly RunChannel[], now: number): void {
    for (const source of sources) {
      const samples = this.#samples.get(source.channel) ?? [];
      const { sent, failed, dropped } = this.#counts(source);
      samples.push({ at: now, done: sent + failed + dropped });
      while (samples.length > 2 && now - samples[0]!.at > RATE_WINDOW_MS) samples.shift();
      this.#samples.set(source.channel, samples);
      source.recentRate = this.#rate(source.channel);
    }
  }

  /** A snapshot of the run. */
  snapshot(
    runId: string,
    announcementId: string,
    status: RunProgress['status'],
    sources: readonly RunChannel[],
    inputs: SnapshotInputs,
  ): RunProgress {
    return {
      runId,
      announcementId,
      status,
      channels: sources.map((source): ChannelProgress => {
        const { planned, sent, failed, dropped, cancelled } = this.#counts(source);
        const rate = this.#rate(source.channel);
        const remaining = Math.max(0, planned - sent - failed - dropped - cancelled);
        const limit = inputs.channels.get(source.channel)?.limits.ratePerSecond ?? Infinity;
        // Before any send, the limit says how fast it can go: messages of several requests go slower.
        const limitRate = Number.isFinite(limit) ? limit / source.maxCost : 0;
        const running = source.state === 'running';
        const ahead = running && remaining > 0 ? inputs.queueAhead(source) : undefined;
        let etaSeconds: number | undefined;
        if (remaining === 0) etaSeconds = 0;
        else if (ahead) {
          // The lane serves the runs ahead first, at the lane's pace: their queue counts too. The
          // pace is what the lane sent lately for all of them (this run sent too, before they came).
          const pace = ahead.rate + rate;
          const basis = pace > 0 ? (limitRate > 0 ? Math.min(pace, limitRate) : pace) : limitRate;
          etaSeconds = basis > 0 ? (ahead.remaining + remaining) / basis : undefined;
        } else {
          const basis = rate > 0 ? rate : limitRate;
          etaSeconds = basis > 0 ? remaining / basis : undefined;
        }
        let state: ChannelProgress['state'];
        if (source.state === 'done') state = 'done';
        else if (!running) state = source.state === 'cancelled' || source.state === 'expired' ? 'running' : 'stopped';
        else if (inputs.storeStalled || source.claimStalled) state = 'stalled';
        else if (inputs.pausedUntil(source.channel) > 0) state = 'paused';
        else if (heldByQuota(inputs.channels.get(source.channel))) state = 'held';
        else if (ahead) state = 'waiting';
        else state = 'running';
        // A stalled store sends nothing until it recovers: no honest ETA.
        if (state === 'stalled' && remaining > 0) etaSeconds = undefined;
        const progress: ChannelProgress = {
          channel: source.channel,
          planned,
          planningDone: source.planningDone,
          sent,
          failed,
          dropped,
          cancelled,
          rate: Math.round(rate * 10) / 10,
          etaSeconds: etaSeconds === undefined ? undefined : Math.round(etaSeconds * 10) / 10,
          state,
        };
        if (state === 'waiting' && ahead) progress.waitingBehind = ahead.priority;
        const receipts = this.#receipts.get(source.channel);
        if (receipts || inputs.channels.get(source.channel)?.receipts) {
          progress.delivered = receipts?.delivered ?? 0;
          progress.read = receipts?.read ?? 0;
        }
        return progress;
      }),
    };
  }

  #rate(channel: string): number {
    const samples = this.#samples.get(channel);
    if (!samples || samples.length < 2) return 0;
    const first = samples[0]!;
    const last = samples[samples.length - 1]!;
    const seconds = (last.at - first.at) / 1000;
    return seconds > 0 ? (last.done - first.done) / seconds : 0;
  }
}

/**
 * Turns a stream of snapshots into an async iterator: each `next()` yields the newest snapshot
 * not yet seen (intermediate ones are coalesced, so a slow consumer never builds a backlog), and
 * the iterator ends after the final snapshot.
 */
export class ProgressFeed {
  #latest: RunProgress | undefined;
  #version = 0;
  #ended = false;
  #waiters: Array<() => void> = [];

  publish(progress: RunProgress, final = false): void {
    this.#latest = progress;
    this.#version++;
    if (final) this.#ended = true;
    for (const wake of this.#waiters.splice(0)) wake();
  }

  iterate(): AsyncIterableIterator<RunProgress> {
    let seen = 0;
    const next = async (): Promise<IteratorResult<RunProgress>> => {
      while (seen === this.#version && !this.#ended) {
        await new Promise<void>((resolve) => this.#waiters.push(resolve));
      }
      if (seen === this.#version) return { done: true, value: undefined };
      seen = this.#version;
      return { done: false, value: this.#latest! };
    };
    const iterator: AsyncIterableIterator<RunProgress> = {
      next,
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }
}

/** Whether a rolling quota the channel shares (a daily messaging limit) is holding sends now. */
function heldByQuota(channel: AnyChannel | undefined): boolean {
  return channel?.limits.shared?.some((budget) => budget.quota?.holding() === true) ?? false;
}
