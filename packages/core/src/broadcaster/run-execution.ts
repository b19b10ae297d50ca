import { setMaxListeners } from 'node:events';
import { contentFor, languagesOf } from '../domain/announcement.js';
import { PRIORITY_RANK, type AudienceQuery } from '../domain/audience.js';
import type { AnyChannel } from '../channel/channel.js';
import type { RunRecord, Store } from '../store/run-store.js';
import { sleep, type Clock, type TimerHandle } from '../util/clock.js';
import type { BroadcastEvent } from './events.js';
import type { Lane } from './lane.js';
import type { OutcomeWriter } from './outcome-writer.js';
import { ProgressFeed, ProgressTracker } from './progress.js';
import { buildReport } from './report.js';
import { RunChannel } from './run-channel.js';
import type { BroadcastRun, RunProgress, RunReport } from './types.js';

/** What a run needs from its broadcaster. */
export interface RunContext {
  store: Store;
  clock: Clock;
  lanes: ReadonlyMap<string, Lane>;
  channels: ReadonlyMap<string, AnyChannel>;
  writer: OutcomeWriter;
  instanceId: string;
  leaseTtlMs: number;
  progressIntervalMs: number;
  planPageSize: number;
  emit: (event: BroadcastEvent) => void;
  onStoreError: (where: string, error: unknown) => void;
  /** Called once the run is over, so the broadcaster forgets it. */
  onFinished: (runId: string) => void;
}

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
  readonly #feed = new ProgressFeed();
  readonly #startedAt: number;
  #sources: RunChannel[] = [];
  #timers: TimerHandle[] = [];
  #status: RunProgress['status'] = 'active';
  /** Set once halted, so channels set up later (still rendering) start halted too. */
  #haltedAs: 'cancelled' | 'expired' | 'lost-lease' | undefined;

  constructor(record: RunRecord, created: boolean, context: RunContext) {
    this.#record = record;
    this.#context = context;
    this.id = record.id;
    this.announcementId = record.announcement.id;
    this.created = created;
    this.#startedAt = context.clock.now();
    // Every in-flight send of the run listens on this one signal (undici adds a listener per request).
    setMaxListeners(0, this.#abort.signal);
    this.done = this.#execute();
  }

  /** This run's channels as the lanes see them. */
  get sources(): readonly RunChannel[] {
    return this.#sources;
  }

  progress(): RunProgress {
    const { lanes, channels } = this.#context;
    return this.#tracker.snapshot(
      this.id,
      this.announcementId,
      this.#status,
      this.#sources,
      channels,
      (name) => lanes.get(name)?.pausedUntil ?? 0,
    );
  }

  [Symbol.asyncIterator](): AsyncIterator<RunProgress> {
    return this.#feed.iterate();
  }

  async cancel(): Promise<void> {
    if (this.#status !== 'active') return;
    await this.#context.store.setRunStatus(this.id, 'cancelled', this.#context.clock.now());
    this.#halt('cancelled');
  }

  #halt(state: 'cancelled' | 'expired' | 'lost-lease'): void {
    this.#haltedAs ??= state;
    for (const source of this.#sources) source.halt(state);
    if (state === 'cancelled') this.#abort.abort(new Error('Broadcast cancelled'));
  }

  async #execute(): Promise<RunReport> {
    const { store, clock, lanes, channels } = this.#context;
    await Promise.resolve();
    const announcement = this.#record.announcement;
    const expiresAt = announcement.expires === undefined ? Infinity : Date.parse(announcement.expires);
    const counts = await store.deliveryCounts(this.id);
    for (const audience of this.#record.audiences) {
      const channel = channels.get(audience.channel);
      const lane = lanes.get(audience.channel);
      if (!channel || !lane) continue;
      const rendered = new Map<string, unknown>();
      for (const language of languagesOf(announcement))
        rendered.set(language, await channel.render(announcement, language));
      const source = new RunChannel({
        runId: this.id,
        channel: audience.channel,
        priorityRank: PRIORITY_RANK[this.#record.priority],
        createdAt: this.#record.createdAt,
        expiresAt,
        rendered,
        fallbackLanguage: contentFor(announcement, announcement.defaultLanguage ?? '').language,
        store,
        claimBatch: claimBatchFor(channel),
        signal: this.#abort.signal,
        clock,
        notify: () => lane.notify(),
        onError: this.#context.onStoreError,
      });
      const existing = counts.find((entry) => entry.channel === audience.channel);
      if (existing) {
        const { byStatus } = existing;
        source.counters.planned = Object.values(byStatus).reduce((sum, value) => sum + value, 0);
        source.counters.sent = byStatus.sent;
        source.counters.failed = byStatus.failed;
        source.counters.dropped = byStatus.dropped;
        source.counters.cancelled = byStatus.cancelled + byStatus.expired;
      }
      this.#sources.push(source);
    }
    this.#startTimers();
    for (const source of this.#sources) lanes.get(source.channel)!.add(source);
    if (this.#haltedAs) this.#halt(this.#haltedAs);
    const planners = this.#sources.map((source) =>
      this.#plan(
        source,
        this.#record.audiences.find((a) => a.channel === source.channel)!,
      ),
    );
    if (clock.now() >= expiresAt) this.#halt('expired');
    await Promise.all([...planners, ...this.#sources.map((source) => source.finished)]);
    return this.#finish();
  }

  async #plan(source: RunChannel, audience: AudienceQuery): Promise<void> {
    const { store, clock, planPageSize } = this.#context;
    const progress = this.#record.plan[audience.channel] ?? { cursor: undefined, done: false };
    let { cursor, done } = progress;
    while (!done && source.state === 'running') {
      try {
        const page = await store.audiencePage(audience, cursor, planPageSize);
        const ids = page.members.map((member) => member.subscriberId);
        await store.appendDeliveries(this.id, audience.channel, ids, {
          cursor: page.next,
          done: page.next === undefined,
        });
        cursor = page.next;
        done = page.next === undefined;
        source.onPlanned(ids.length, done);
      } catch (error) {
        this.#context.onStoreError('planning', error);
        await sleep(clock, 1000);
      }
    }
    if (done) {
      source.onPlanned(0, true);
      this.#context.emit({
        type: 'run.planned',
        at: clock.now(),
        runId: this.id,
        channel: audience.channel,
        planned: source.counters.planned,
      });
    }
    source.checkFinished();
  }

  #startTimers(): void {
    const { clock, store, instanceId, leaseTtlMs, progressIntervalMs, emit } = this.#context;
    const tick = (): void => {
      this.#tracker.sample(this.#sources, clock.now());
      const progress = this.progress();
      this.#feed.publish(progress);
      emit({ type: 'run.progress', at: clock.now(), progress });
      this.#timers[0] = clock.setTimeout(tick, progressIntervalMs);
    };
    const renew = (): void => {
      void (async () => {
        try {
          const held = await store.acquireLease(this.id, instanceId, leaseTtlMs, clock.now());
          if (!held) this.#halt('lost-lease');
          const current = await store.getRun(this.id);
          if (current?.status === 'cancelled') this.#halt('cancelled');
        } catch (error) {
          this.#context.onStoreError('acquireLease', error);
        }
      })();
      this.#timers[1] = clock.setTimeout(renew, leaseTtlMs / 3);
    };
    this.#tracker.sample(this.#sources, clock.now());
    this.#timers[0] = clock.setTimeout(tick, progressIntervalMs);
    this.#timers[1] = clock.setTimeout(renew, leaseTtlMs / 3);
  }

  async #finish(): Promise<RunReport> {
    const { store, clock, writer, lanes, emit, instanceId } = this.#context;
    for (const timer of this.#timers) clock.clearTimeout(timer);
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
    } else if (
      states.has('stopped') ||
      states.has('lost-lease') ||
      states.has('closed') ||
      this.#sources.length < this.#record.audiences.length
    ) {
      status = 'incomplete';
    } else {
      await store.setRunStatus(this.id, 'completed', now);
      status = 'completed';
    }
    await store.releaseLease(this.id, instanceId);
    const report = buildReport({
      record: this.#record,
      status,
      counts: await store.deliveryCounts(this.id),
      sources: this.#sources,
      startedAt: this.#startedAt,
      finishedAt: clock.now(),
    });
    this.#status = status;
    this.#tracker.sample(this.#sources, clock.now());
    this.#feed.publish(this.progress(), true);
    emit({ type: 'run.finished', at: clock.now(), report });
    this.#context.onFinished(this.id);
    return report;
  }
}

/**
 * How many deliveries a lane claims per store call: enough to keep the workers busy for about
 * half a second, no more, because claimed-but-unsent deliveries are what a crash makes ambiguous.
 */
function claimBatchFor(channel: AnyChannel): number {
  const { ratePerSecond, concurrency } = channel.limits;
  const perHalfSecond = Number.isFinite(ratePerSecond) ? Math.ceil(ratePerSecond / 2) : 1000;
  return Math.max(16, Math.min(1000, Math.max(perHalfSecond, concurrency * 2)));
}
