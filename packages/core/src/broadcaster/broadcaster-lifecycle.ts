import { ConfigError } from '../errors.js';
import type { BroadcasterParts } from './broadcaster-parts.js';
import type { ClosingState, RunTaking } from './run-taking.js';
import { cancelStoredRun } from './stored-run.js';
import type { BroadcastRun, Broadcaster } from './types.js';

/**
 * Creates `cancel`, `resume`, `getRun` and `close`.
 *
 * @param parts - The broadcaster's parts.
 * @param taking - Takes runs to deliver.
 * @param state - Closing state, set by `close()`.
 */
export function createLifecycleMethods(
  parts: BroadcasterParts,
  taking: RunTaking,
  state: ClosingState,
): Pick<Broadcaster, 'cancel' | 'resume' | 'getRun' | 'close'> {
  const { context, executions } = parts;
  const { store, clock, lanes, writer, feed, emit } = context;

  return {
    async cancel(runId) {
      await taking.starting.get(runId);
      const running = executions.get(runId);
      if (running) return running.cancel();
      if (!(await cancelStoredRun(store, runId, clock.now(), feed)))
        throw new ConfigError(`Unknown run: ${runId}`, ['runId']);
    },

    async resume() {
      for (const lane of lanes.values()) lane.restart();
      await feed.restore();
      const runs: BroadcastRun[] = [];
      // Runs leased by another live process come back as watchers that take over if it dies.
      for (const record of await store.listActiveRuns())
        runs.push(await taking.take(record, false, !executions.has(record.id) && !taking.starting.has(record.id)));
      return runs;
    },

    getRun(runId) {
      return executions.get(runId);
    },

    async close() {
      state.closed = true;
      state.closing.abort();
      taking.adoption.stop();
      await Promise.allSettled(taking.starting.values());
      // Runs still rendering are halted too: they start halted and keep their deliveries pending.
      for (const execution of executions.values()) execution.halt('closed');
      await Promise.allSettled([...executions.values()].map((execution) => execution.done));
      await Promise.allSettled([...parts.assists.values()].map((assist) => assist.stop('closed')));
      for (const lane of lanes.values()) lane.close();
      await writer.flush();
      writer.close();
      const unwritten = writer.unwritten();
      if (unwritten.count > 0) {
        emit({
          type: 'internal.error',
          at: clock.now(),
          where: 'close',
          message: `${unwritten.count} delivery outcomes could not be stored`,
          ...(unwritten.errorCode === undefined ? {} : { code: unwritten.errorCode }),
        });
      }
      return {
        unpersistedOutcomes: unwritten.count,
        runIds: unwritten.runIds,
        ...(unwritten.errorCode === undefined ? {} : { errorCode: unwritten.errorCode }),
      };
    },
  };
}
