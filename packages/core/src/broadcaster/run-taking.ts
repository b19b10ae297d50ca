import type { RunRecord } from '../store/run-store.js';
import type { BroadcasterParts } from './broadcaster-parts.js';
import { createRunAdoption, type RunAdoption } from './account-guard.js';
import { RunAssist } from './run-assist.js';
import { RunExecution } from './run-execution.js';
import { watchRun } from './watch-run.js';
import type { BroadcastRun } from './types.js';

/** Whether the broadcaster is closing, shared by its methods. */
export interface ClosingState {
  closed: boolean;
  readonly closing: AbortController;
}

/** Taking runs to deliver here: one start per run, under the run's lease. */
export interface RunTaking {
  /** The run delivered here if possible, otherwise a handle that watches it (and takes it over if its owner dies). */
  take(record: RunRecord, created: boolean, afterCrash: boolean): Promise<BroadcastRun>;
  /** Runs being taken right now (lease, claims released): a second caller joins the first. */
  readonly starting: Map<string, Promise<RunExecution | undefined>>;
  /** Takes on runs nobody delivers while this process delivers some (stopped on close). */
  readonly adoption: RunAdoption;
}

/**
 * Creates the run-taking step. A run is delivered here only under its lease, held by this
 * process's own token; a lease held by another process is taken over only once it is abandoned
 * (see `LeaseWatch`), and then whatever the other process had claimed is released as ambiguous.
 * Whoever publishes a run takes it; on a sender account another process paces, that process
 * sends its deliveries (see `AccountPacing`, `RunAssist`), so an emergency published anywhere
 * overtakes the routine runs on every account it needs.
 *
 * @param parts - The broadcaster's parts.
 * @param state - Whether it is closing.
 */
export function createRunTaking(parts: BroadcasterParts, state: ClosingState): RunTaking {
  const { context, executions, assists, leaseWatch } = parts;
  const { store, clock, leaseOwner, leaseTtlMs, emit, accounts } = context;
  const starting = new Map<string, Promise<RunExecution | undefined>>();
  /** Runs of other processes this one helps on because it paces one of their accounts. */
  const helping = new Set<string>();

  const giveBack = async (runId: string): Promise<undefined> => {
    await store.releaseLease(runId, leaseOwner);
    return undefined;
  };

  /** Starts delivering a stored run here if this process can hold its lease; `undefined` if it cannot. */
  const startHere = async (
    record: RunRecord,
    created: boolean,
    afterCrash: boolean,
  ): Promise<RunExecution | undefined> => {
    if (state.closed) return undefined;
    const seen = await store.getRun(record.id);
    if (!seen || seen.status !== 'active' || !leaseWatch.mayTake(record.id, seen.lease)) return undefined;
    // Helping and holding do not mix: what the help claimed goes back (or out) first.
    if (assists.has(record.id)) await stopAssist(record.id);
    helping.delete(record.id);
    if (!(await store.acquireLease(record.id, leaseOwner, leaseTtlMs, clock.now()))) return undefined;
    leaseWatch.forget(record.id);
    // Which of its sender accounts this process paces, now that it holds the run. The loop
    // keeps that up to date, and stands down again if the run does not start after all.
    await accounts.update(await store.listActiveRuns());
    adoption.start();
    const current = await store.getRun(record.id);
    if (!current || current.status !== 'active' || state.closed) return giveBack(record.id);
    if (afterCrash) {
      // Whatever the previous owner had claimed may or may not have gone out: send again, count it.
      const ambiguous = await store.releaseClaims(record.id, { ambiguous: true });
      emit({
        type: 'run.resumed',
        at: clock.now(),
        runId: record.id,
        announcementId: record.announcement.id,
        ambiguous,
      });
    }
    if (state.closed) return giveBack(record.id);
    const execution = new RunExecution(current, created, context);
    executions.set(record.id, execution);
    adoption.start();
    return execution;
  };

  const stopAssist = async (runId: string): Promise<void> => {
    const assist = assists.get(runId);
    if (!assist) return;
    assists.delete(runId);
    await assist.stop('closed');
  };

  /** Starts helping on a run held elsewhere, or tells the help what the store says now. */
  const assist = async (current: RunRecord): Promise<void> => {
    if (state.closed || executions.has(current.id)) return;
    const running = assists.get(current.id);
    if (running) {
      running.refresh(current);
      return;
    }
    if (current.status !== 'active') return;
    const started = await RunAssist.start(current, context);
    if (!started) return;
    if (state.closed || assists.has(current.id)) await started.stop('closed');
    else assists.set(current.id, started);
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

  /** Whether another live process holds the run's lease (as stored: `acquireLease` would fail). */
  const heldElsewhere = (record: RunRecord | undefined, now: number): boolean =>
    record?.lease !== undefined && record.lease.owner !== leaseOwner && record.lease.expiresAt >= now;

  /**
   * Helps on the runs of other live processes that need an account this one paces; stops
   * helping on runs that are over.
   */
  const help = async (records: readonly RunRecord[]): Promise<void> => {
    const now = clock.now();
    for (const record of records) {
      const execution = executions.get(record.id);
      if (execution && heldElsewhere(record, now) && heldElsewhere(await store.getRun(record.id), now))
        // Taken over while this process stalled: stop before standing down gives its claims back.
        execution.halt('lost-lease');
    }
    await accounts.update(records);
    const active = new Set<string>();
    for (const record of records) {
      active.add(record.id);
      if (executions.has(record.id) || starting.has(record.id) || !heldElsewhere(record, now)) continue;
      const running = assists.has(record.id);
      if (!running && !accounts.pacesAccountOf(record)) continue;
      await assist(record);
      if (!running && assists.has(record.id)) helping.add(record.id);
    }
    for (const runId of helping)
      if (!active.has(runId) || !assists.has(runId)) {
        helping.delete(runId);
        if (!active.has(runId)) await stopAssist(runId);
      }
  };

  /** Nothing is delivered here any more: no account is paced here, no help goes on. */
  const idle = (): void => {
    accounts.standDownAll();
    for (const runId of helping)
      void stopAssist(runId).catch((error: unknown) => context.onStoreError('assist', error));
    helping.clear();
  };

  const adoption = createRunAdoption({
    store,
    clock,
    isHere: (runId) => executions.has(runId) || starting.has(runId),
    delivering: () => executions.size > 0 || starting.size > 0,
    onTurn: help,
    onIdle: idle,
    // A run that had a holder may have claims out: release them as after a crash.
    take: (record) => tryTake(record, false, record.lease !== undefined && record.lease.owner !== leaseOwner),
    onError: context.onStoreError,
  });

  return {
    starting,
    adoption,
    async take(record, created, afterCrash) {
      const execution = record.status === 'active' ? await tryTake(record, created, afterCrash) : undefined;
      if (execution) return execution.created === created ? execution : handleOf(execution, created);
      const watched = watchRun(record, created, context, {
        takeOver: () => tryTake(record, created, true),
        signal: state.closing.signal,
        assist,
        stopAssist: () => stopAssist(record.id),
      });
      void watched.done.finally(() => leaseWatch.forget(record.id)).catch(() => undefined);
      return watched;
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
