import { announcementSchema, type Announcement, type AnnouncementInput } from '../domain/announcement.js';
import { audienceFor, defaultPriority } from '../domain/audience.js';
import { ConfigError, parseOrThrow } from '../errors.js';
import type { RunRecord } from '../store/run-store.js';
import { systemClock } from '../util/clock.js';
import { estimateRun } from './estimate.js';
import type { BroadcastEvent } from './events.js';
import { Lane } from './lane.js';
import { resolveOptions, type BroadcasterTuning } from './options.js';
import { createOutcomeHandler } from './outcome-handler.js';
import { createOutcomeWriter } from './outcome-writer.js';
import { createRateGate } from './rate-gate.js';
import { RunExecution, type RunContext } from './run-execution.js';
import { cancelStoredRun } from './stored-run.js';
import { watchRun } from './watch-run.js';
import type { BroadcastRun, Broadcaster, BroadcasterOptions, PublishOptions } from './types.js';

/**
 * Creates the broadcaster: one paced lane per channel, a batched delivery ledger, retries by the
 * one error-code table, emergencies first, and crash recovery through the store.
 *
 * @param options - Store, channels and optional clock, events, retry policy and sink.
 * @returns The broadcaster.
 * @throws ConfigError when an option is invalid (the message names the field).
 * @example
 * ```ts
 * const broadcaster = createBroadcaster({ store, channels: [telegram], onEvent: (e) => log(e.type) })
 * const run = await broadcaster.publish(announcement)
 * for await (const progress of run) render(progress)
 * const report = await run.done
 * ```
 */
export function createBroadcaster(options: BroadcasterOptions & BroadcasterTuning): Broadcaster {
  const resolved = resolveOptions(options);
  const { store } = options;
  const clock = options.clock ?? systemClock;
  const random = options.random ?? Math.random;
  const emit = (event: BroadcastEvent): void => {
    try {
      options.onEvent?.(event);
    } catch {
      // A listener's bug must not stop deliveries.
    }
  };
  const onStoreError = (where: string, error: unknown): void => {
    emit({ type: 'internal.error', at: clock.now(), where, message: error instanceof Error ? error.name : 'Error' });
  };
  const writer = createOutcomeWriter({ store, clock, onError: (error) => onStoreError('recordOutcomes', error) });
  const handler = createOutcomeHandler({ store, writer, clock, policy: resolved.retry, random, emit, onStoreError });
  const channels = new Map(resolved.channels.map((channel) => [channel.name, channel]));
  const lanes = new Map(
    resolved.channels.map((channel) => [
      channel.name,
      new Lane({
        channel,
        clock,
        gate: createRateGate({
          ratePerSecond: channel.limits.ratePerSecond,
          ...(channel.limits.burst === undefined ? {} : { burst: channel.limits.burst }),
          clock,
        }),
        onOutcome: handler.onOutcome,
        onInactive: handler.onInactive,
        onSendThrew: () =>
          emit({ type: 'internal.error', at: clock.now(), where: `${channel.name}.send`, message: 'send() threw' }),
        emit,
      }),
    ]),
  );
  const executions = new Map<string, RunExecution>();
  /** Runs being taken (lease, claims released) right now: a second caller joins the first. */
  const starting = new Map<string, Promise<RunExecution | undefined>>();
  let closed = false;
  const closing = new AbortController();

  const context: RunContext = {
    store,
    clock,
    lanes,
    channels,
    writer,
    instanceId: resolved.instanceId,
    leaseTtlMs: resolved.leaseTtlMs,
    progressIntervalMs: resolved.progressIntervalMs,
    planPageSize: resolved.planPageSize,
    emit,
    onStoreError,
    onFinished: (runId) => executions.delete(runId),
  };

  const prepare = (input: AnnouncementInput, publishOptions: PublishOptions) => {
    const announcement: Announcement = parseOrThrow('announcement', announcementSchema, input);
    const names = publishOptions.channels ?? [...channels.keys()];
    const unknown = names.filter((name) => !channels.has(name));
    if (unknown.length > 0)
      throw new ConfigError(`Unknown channel(s) in publish options: ${unknown.join(', ')}`, ['channels']);
    const priority = publishOptions.priority ?? defaultPriority(announcement);
    const audiences = names.map((name) => audienceFor(announcement, name, resolved.emergencyReachesAll));
    return { announcement, priority, audiences };
  };

  /** Starts delivering a stored run here if this process can hold its lease; `undefined` if it cannot. */
  const startHere = async (
    record: RunRecord,
    created: boolean,
    afterCrash: boolean,
  ): Promise<RunExecution | undefined> => {
    if (closed) return undefined;
    const held = await store.acquireLease(record.id, resolved.instanceId, resolved.leaseTtlMs, clock.now());
    if (!held) return undefined;
    const current = await store.getRun(record.id);
    if (!current || current.status !== 'active' || closed) {
      await store.releaseLease(record.id, resolved.instanceId);
      return undefined;
    }
    if (afterCrash) {
      // Whatever the dead process had claimed may or may not have gone out: send again, count it.
      const ambiguous = await store.releaseClaims(record.id, { ambiguous: true });
      emit({
        type: 'run.resumed',
        at: clock.now(),
        runId: record.id,
        announcementId: record.announcement.id,
        ambiguous,
      });
    }
    if (closed) {
      await store.releaseLease(record.id, resolved.instanceId);
      return undefined;
    }
    const execution = new RunExecution(current, created, context);
    executions.set(record.id, execution);
    return execution;
  };

  /** One start per run at a time: two publishes of one key must not deliver it twice. */
  const tryTake = (record: RunRecord, created: boolean, afterCrash: boolean): Promise<RunExecution | undefined> => {
    const running = executions.get(record.id);
    if (running) return Promise.resolve(running);
    const pending = starting.get(record.id);
    if (pending) return pending;
    const attempt = startHere(record, created, afterCrash).finally(() => starting.delete(record.id));
    starting.set(record.id, attempt);
    return attempt;
  };

  /** The run delivered here if possible, otherwise a handle that watches it (and takes it over if its owner dies). */
  const take = async (record: RunRecord, created: boolean, afterCrash: boolean): Promise<BroadcastRun> => {
    const execution = record.status === 'active' ? await tryTake(record, created, afterCrash) : undefined;
    if (execution) return execution.created === created ? execution : handleOf(execution, created);
    return watchRun(record, created, context, {
      takeOver: () => tryTake(record, created, true),
      signal: closing.signal,
    });
  };

  return {
    async publish(input, publishOptions = {}) {
      if (closed) throw new ConfigError('The broadcaster is closed', []);
      const { announcement, priority, audiences } = prepare(input, publishOptions);
      const idempotencyKey = publishOptions.idempotencyKey ?? `${announcement.id}#${announcement.revision}`;
      const { run, created } = await store.createRun({
        id: `run-${crypto.randomUUID()}`,
        idempotencyKey,
        announcement,
        priority,
        audiences,
        createdAt: clock.now(),
      });
      if (created) {
        emit({
          type: 'run.created',
          at: clock.now(),
          runId: run.id,
          announcementId: announcement.id,
          priority,
          channels: audiences.map((a) => a.channel),
        });
        try {
          await options.announcementSink?.upsert(announcement);
        } catch (error) {
          onStoreError('announcementSink', error);
        }
      }
      // A run with this key that is active but not running here was left by a crash.
      return take(run, created, !created && !executions.has(run.id) && !starting.has(run.id));
    },

    async estimate(input, publishOptions = {}) {
      const { announcement, priority, audiences } = prepare(input, publishOptions);
      return estimateRun(announcement, priority, audiences, channels, store, clock.now());
    },

    async cancel(runId) {
      await starting.get(runId);
      const running = executions.get(runId);
      if (running) return running.cancel();
      if (!(await cancelStoredRun(store, runId, clock.now())))
        throw new ConfigError(`Unknown run: ${runId}`, ['runId']);
    },

    async resume() {
      for (const lane of lanes.values()) lane.restart();
      const runs: BroadcastRun[] = [];
      // Runs leased by another live process come back as watchers that take over if it dies.
      for (const record of await store.listActiveRuns())
        runs.push(await take(record, false, !executions.has(record.id) && !starting.has(record.id)));
      return runs;
    },

    getRun(runId) {
      return executions.get(runId);
    },

    async close() {
      closed = true;
      closing.abort();
      await Promise.allSettled(starting.values());
      // Runs still rendering are halted too: they start halted and keep their deliveries pending.
      for (const execution of executions.values()) execution.halt('closed');
      await Promise.allSettled([...executions.values()].map((execution) => execution.done));
      for (const lane of lanes.values()) lane.close();
      await writer.flush();
    },
  };
}

/** The same run seen by a caller whose publish did not create it (`created: false`). */
function handleOf(run: BroadcastRun, created: boolean): BroadcastRun {
  return {
    id: run.id,
    announcementId: run.announcementId,
    created,
    done: run.done,
    progress: () => run.progress(),
    cancel: () => run.cancel(),
    [Symbol.asyncIterator]: () => run[Symbol.asyncIterator](),
  };
}
