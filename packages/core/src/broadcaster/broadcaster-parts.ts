import { cancelStoredRun } from './stored-run.js';
import type { AnyChannel } from '../channel/channel.js';
import { intervalClock, systemClock } from '../util/clock.js';
import type { BroadcastEvent } from './events.js';
import { AccountPacing } from './account-pacing.js';
import { createFeedSync } from './feed-sync.js';
import { Lane } from './lane.js';
import { createLaneGatesFactory } from './lane-gates.js';
import { LeaseWatch } from './lease-watch.js';
import type { BroadcasterTuning, ResolvedOptions } from './options.js';
import { createOutcomeHandler } from './outcome-handler.js';
import { createOutcomeWriter } from './outcome-writer.js';
import type { RunAssist } from './run-assist.js';
import type { RunContext, RunExecution } from './run-execution.js';
import { queueAhead } from './queue-ahead.js';
import { safeErrorCode } from './store-error.js';
import type { BroadcasterOptions } from './types.js';

/** Everything a broadcaster is made of, shared by its methods. */
export interface BroadcasterParts {
  resolved: ResolvedOptions;
  context: RunContext;
  /** Runs delivering in this process. */
  executions: Map<string, RunExecution>;
  /** Runs held by another process that this one helps deliver on their parallel channels. */
  assists: Map<string, RunAssist>;
  leaseWatch: LeaseWatch;
}

/**
 * Builds the broadcaster's parts: events, the batched ledger writer, the outcome handler, one
 * paced lane per channel, the lease token of this process and the run context. Lanes and their
 * rate gates measure on the monotonic clock (a wall-clock step must neither stall nor burst
 * them); everything stored or compared with other processes uses the wall clock.
 *
 * @param options - The broadcaster's options.
 * @param resolved - The same, validated, with defaults.
 */
export function createBroadcasterParts(
  options: BroadcasterOptions & BroadcasterTuning,
  resolved: ResolvedOptions,
): BroadcasterParts {
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const pacing = intervalClock(clock);
  const emit = (event: BroadcastEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's bug must not stop deliveries.
    }
  };
  const onStoreError = (where: string, error: unknown): void => {
    const code = safeErrorCode(error);
    const message = error instanceof Error ? error.name : 'Error';
    emit({ type: 'internal.error', at: clock.now(), where, message, ...(code === undefined ? {} : { code }) });
  };
  const executions = new Map<string, RunExecution>();
  const wakeAll = (): void => {
    for (const execution of executions.values()) for (const source of execution.sources) source.wake();
  };
  const writer = createOutcomeWriter({
    store,
    clock: pacing,
    onError: (error) => onStoreError('recordOutcomes', error),
    onRecovered: wakeAll,
  });
  const handler = createOutcomeHandler({
    store,
    writer,
    clock,
    pacing,
    policy: resolved.retry,
    random: options.random ?? Math.random,
    emit,
    onStoreError,
  });
  const gatesFor = createLaneGatesFactory(pacing);
  const lanes = new Map(resolved.channels.map((channel) => [channel.name, laneFor(channel)]));
  function laneFor(channel: AnyChannel): Lane {
    return new Lane({
      channel,
      clock: pacing,
      gates: gatesFor(channel),
      onOutcome: handler.onOutcome,
      onInactive: handler.onInactive,
      onSendThrew: () =>
        emit({ type: 'internal.error', at: clock.now(), where: `${channel.name}.send`, message: 'send() threw' }),
      emit,
    });
  }
  // One token per process incarnation: an operator's instanceId names it, never identifies it.
  const leaseOwner = `${resolved.instanceId}#${crypto.randomUUID()}`;
  const channels = new Map(resolved.channels.map((channel) => [channel.name, channel]));
  const accounts = new AccountPacing({
    store,
    clock,
    pacing,
    leaseOwner,
    leaseTtlMs: resolved.leaseTtlMs,
    channels,
    lanes,
    flush: () => writer.flush(),
    onError: onStoreError,
  });
  const context: RunContext = {
    store,
    clock,
    pacing,
    lanes,
    channels,
    accounts,
    writer,
    leaseOwner,
    leaseTtlMs: resolved.leaseTtlMs,
    progressIntervalMs: resolved.progressIntervalMs,
    planPageSize: resolved.planPageSize,
    emit,
    onStoreError,
    feed: createFeedSync(options.announcementSink, store, clock, onStoreError),
    queueAhead: (source) => queueAhead(source, executions.values()),
    onFinished: (runId) => executions.delete(runId),
    async supersede(runId) {
      const running = executions.get(runId);
      if (running) {
        await running.cancel();
        await running.done.catch(() => undefined);
        return;
      }
      await cancelStoredRun(store, runId, clock.now(), context.feed);
    },
  };
  return {
    resolved,
    context,
    executions,
    assists: new Map(),
    leaseWatch: new LeaseWatch(leaseOwner, resolved.leaseTtlMs, clock),
  };
}
