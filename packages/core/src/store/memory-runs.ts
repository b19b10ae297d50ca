import { runState, type MemoryRun, type MemoryState } from './memory-state.js';
import type { PlanProgress, RunRecord, RunStatus, RunStore } from './run-store.js';

const copyRun = (record: RunRecord): RunRecord => ({ ...record, plan: structuredClone(record.plan) });

/** A run as read back: a copy, with its lease when someone holds it. */
const readRun = (run: MemoryRun): RunRecord => {
  const record = copyRun(run.record);
  if (run.lease) record.lease = { ...run.lease };
  return record;
};

/**
 * Broadcast runs of the memory store: idempotent creation, status and leases. Records are copied
 * on the way in and out, as a real store would serialise them.
 *
 * @param state - The memory store's shared state.
 * @returns The run methods.
 */
export function createMemoryRunMethods(
  state: MemoryState,
): Pick<
  RunStore,
  'createRun' | 'getRun' | 'listActiveRuns' | 'listRuns' | 'setRunStatus' | 'acquireLease' | 'releaseLease'
> {
  const { runs, runsByKey } = state;
  return {
    async createRun(run) {
      const existing = runsByKey.get(run.idempotencyKey);
      if (existing !== undefined) return { run: copyRun(runState(state, existing).record), created: false };
      const plan: Record<string, PlanProgress> = {};
      for (const audience of run.audiences) plan[audience.channel] = { cursor: undefined, done: false };
      const record: RunRecord = { ...run, status: 'active', plan, finishedAt: undefined };
      runs.set(run.id, { record, ledgers: new Map(), lease: undefined });
      runsByKey.set(run.idempotencyKey, run.id);
      return { run: copyRun(record), created: true };
    },
    async getRun(id) {
      const found = runs.get(id);
      return found && readRun(found);
    },
    async listActiveRuns() {
      return [...runs.values()]
        .filter((run) => run.record.status === 'active')
        .sort((a, b) => a.record.createdAt - b.record.createdAt)
        .map(readRun);
    },
    async listRuns(filter) {
      return [...runs.values()]
        .filter((run) => filter.status.includes(run.record.status))
        .sort((a, b) => a.record.createdAt - b.record.createdAt)
        .map(readRun);
    },
    async setRunStatus(id, status: RunStatus, at) {
      const { record } = runState(state, id);
      record.status = status;
      record.finishedAt = status === 'active' ? undefined : at;
    },
    async acquireLease(runId, owner, ttlMs, now) {
      const run = runState(state, runId);
      // As in SQLite: a lease expiring exactly at `now` still holds.
      if (run.lease && run.lease.owner !== owner && run.lease.expiresAt >= now) return false;
      run.lease = { owner, expiresAt: now + ttlMs };
      return true;
    },
    async releaseLease(runId, owner) {
      const run = runs.get(runId);
      if (run?.lease?.owner === owner) run.lease = undefined;
    },
  };
}
