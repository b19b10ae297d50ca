import { setMaxListeners } from 'node:events';
import type { RunRecord } from '../store/run-store.js';
import type { RunContext } from './run-execution.js';
import type { RunChannel } from './run-channel.js';
import { isParallel } from './parallel-channel.js';
import { followUpPlanFor } from './follow-up.js';
import { buildSources } from './run-sources.js';

/**
 * This process helping to deliver a run that another process holds: on the run's parallel
 * channels (see `isParallel`), and on the channels whose sender account this process paces
 * (see `AccountPacing`; on the others its run channels wait, claiming nothing). It claims
 * batches from the same ledger and sends them through its own lanes, in priority order with its
 * own runs. The holder keeps everything else — planning, the channels it paces, the final status
 * — and waits for the helpers' claims before calling the run done (`settleLedger`: claims that
 * keep moving belong to a live process).
 *
 * Claims are the whole protocol, so a helper that dies leaves only its claimed deliveries
 * behind; the holder returns them to pending, counted as ambiguous, once they have stood still
 * for a lease TTL. A helper stops before it takes the run over itself, and when the run is
 * cancelled or over.
 */
export class RunAssist {
  readonly runId: string;
  readonly #context: RunContext;
  readonly #sources: RunChannel[];
  readonly #abort: AbortController;
  #stopped = false;

  private constructor(runId: string, sources: RunChannel[], abort: AbortController, context: RunContext) {
    this.runId = runId;
    this.#sources = sources;
    this.#abort = abort;
    this.#context = context;
  }

  /**
   * Starts helping on the run's channels configured here, or returns `undefined` when it has
   * none that another process may share (only paced channels, and this process paces none).
   *
   * @param record - The run as stored now.
   * @param context - The broadcaster's context.
   */
  static async start(record: RunRecord, context: RunContext): Promise<RunAssist | undefined> {
    const audiences = record.audiences.filter((audience) => context.channels.has(audience.channel));
    const useful = audiences.some(
      (audience) => isParallel(context.channels.get(audience.channel)) || context.accounts.pacesHere(audience.channel),
    );
    if (!useful) return undefined;
    const abort = new AbortController();
    setMaxListeners(0, abort.signal);
    // Counters start at zero: they count this helper's share, the ledger counts the run.
    // A helper sends follow-ups as the holder does: same thread, same rendering, same lookups.
    const followUp = await followUpPlanFor(context.store, record);
    const { sources } = await buildSources({ ...record, audiences }, [], context, abort.signal, followUp);
    const assist = new RunAssist(record.id, sources, abort, context);
    for (const source of sources) {
      source.holdBack = () => context.writer.full;
      context.lanes.get(source.channel)!.add(source);
    }
    assist.refresh(record);
    return assist;
  }

  /**
   * Takes in the run as stored now: claims again where planning has added deliveries since,
   * stops when the run is no longer active.
   *
   * @param current - The run as just read from the store.
   */
  refresh(current: RunRecord): void {
    if (this.#stopped) return;
    if (current.status !== 'active') {
      void this.stop(current.status === 'cancelled' ? 'cancelled' : 'closed');
      return;
    }
    for (const source of this.#sources) {
      if (source.state === 'done') source.reopen();
      // Planning goes on in the holder: each look may find more to claim.
      source.onPlanned(0, current.plan[source.channel]?.done ?? false);
    }
  }

  /**
   * Stops helping: queued deliveries go back to pending (never sent), sends in flight finish and
   * their outcomes are stored before this resolves.
   *
   * @param state - `cancelled` also aborts the sends in flight.
   */
  async stop(state: 'cancelled' | 'closed'): Promise<void> {
    if (!this.#stopped) {
      this.#stopped = true;
      for (const source of this.#sources) source.halt(state);
      if (state === 'cancelled') this.#abort.abort(new Error('Broadcast cancelled'));
    }
    await Promise.all(this.#sources.map((source) => source.finished));
    for (const source of this.#sources) this.#context.lanes.get(source.channel)?.remove(source);
    await this.#context.writer.flush();
  }
}
