import type { NewRun, PlanProgress, RunRecord, RunStatus, RunStore } from '@banditore/core';
import { settle, type StoreContext } from './context.js';

interface RunRow {
  seq: number;
  id: string;
  idempotency_key: string;
  announcement: string;
  priority: string;
  audiences: string;
  status: string;
  created_at: number;
  finished_at: number | null;
  lease_owner: string | null;
  lease_expires_at: number | null;
}

interface PlanRow {
  channel: string;
  cursor: string | null;
  done: number;
}

/** Looks up a run's integer key, cached: runs are never deleted, so the mapping never changes. */
export interface RunKeys {
  seqOf(runId: string): number | undefined;
}

/** Builds the run-id → seq lookup. */
export function createRunKeys(ctx: StoreContext): RunKeys {
  const cache = new Map<string, number>();
  return {
    seqOf(runId) {
      const cached = cache.get(runId);
      if (cached !== undefined) return cached;
      const seq = ctx.statement(`SELECT seq FROM runs WHERE id = ?`).pluck().get(runId) as number | undefined;
      if (seq !== undefined) cache.set(runId, seq);
      return seq;
    },
  };
}

function toRecord(ctx: StoreContext, row: RunRow): RunRecord {
  const plan: Record<string, PlanProgress> = {};
  const plans = ctx.statement(`SELECT channel, cursor, done FROM run_plans WHERE run = ?`).all(row.seq) as PlanRow[];
  for (const entry of plans) plan[entry.channel] = { cursor: entry.cursor ?? undefined, done: entry.done === 1 };
  const record: RunRecord = {
    id: row.id,
    idempotencyKey: row.idempotency_key,
    announcement: JSON.parse(row.announcement) as RunRecord['announcement'],
    priority: row.priority as RunRecord['priority'],
    audiences: JSON.parse(row.audiences) as RunRecord['audiences'],
    createdAt: row.created_at,
    status: row.status as RunStatus,
    plan,
    finishedAt: row.finished_at ?? undefined,
  };
  if (row.lease_owner !== null && row.lease_expires_at !== null)
    record.lease = { owner: row.lease_owner, expiresAt: row.lease_expires_at };
  return record;
}

type RunMethods = Pick<
  RunStore,
  'createRun' | 'getRun' | 'listActiveRuns' | 'listRuns' | 'setRunStatus' | 'acquireLease' | 'releaseLease'
>;

/**
 * Runs and their leases. A lease is a row-level compare-and-set, atomic across processes that
 * share the file: only one owner can hold an unexpired lease on a run.
 *
 * @param ctx - The shared store context.
 */
export function createRunMethods(ctx: StoreContext): RunMethods {
  const byId = (id: string): RunRow | undefined =>
    ctx.statement(`SELECT * FROM runs WHERE id = ?`).get(id) as RunRow | undefined;

  const create = ctx.db.transaction((run: NewRun): { run: RunRecord; created: boolean } => {
    const existing = ctx.statement(`SELECT * FROM runs WHERE idempotency_key = ?`).get(run.idempotencyKey) as
      RunRow | undefined;
    if (existing) return { run: toRecord(ctx, existing), created: false };
    ctx
      .statement(
        `INSERT INTO runs (id, idempotency_key, announcement, priority, audiences, status, created_at)
         VALUES (?, ?, ?, ?, ?, 'active', ?)`,
      )
      .run(
        run.id,
        run.idempotencyKey,
        JSON.stringify(run.announcement),
        run.priority,
        JSON.stringify(run.audiences),
        run.createdAt,
      );
    return { run: toRecord(ctx, byId(run.id)!), created: true };
  });

  return {
    createRun(run) {
      return settle(() => {
        return create.immediate(run);
      });
    },
    getRun(id) {
      return settle(() => {
        const row = byId(id);
        return row ? toRecord(ctx, row) : undefined;
      });
    },
    listActiveRuns() {
      return settle(() => {
        const rows = ctx
          .statement(`SELECT * FROM runs WHERE status = 'active' ORDER BY created_at, seq`)
          .all() as RunRow[];
        return rows.map((row) => toRecord(ctx, row));
      });
    },
    listRuns(filter) {
      return settle(() => {
        if (filter.status.length === 0) return [];
        const marks = filter.status.map(() => '?').join(', ');
        const rows = ctx
          .statement(`SELECT * FROM runs WHERE status IN (${marks}) ORDER BY created_at, seq`)
          .all(...filter.status) as RunRow[];
        return rows.map((row) => toRecord(ctx, row));
      });
    },
    setRunStatus(id, status, at) {
      return settle(() => {
        ctx
          .statement(`UPDATE runs SET status = ?, finished_at = ? WHERE id = ?`)
          .run(status, status === 'active' ? null : at, id);
      });
    },
    acquireLease(runId, owner, ttlMs, now) {
      return settle(() => {
        const result = ctx
          .statement(
            `UPDATE runs SET lease_owner = ?, lease_expires_at = ?
             WHERE id = ? AND (lease_owner IS NULL OR lease_owner = ? OR lease_expires_at < ?)`,
          )
          .run(owner, now + ttlMs, runId, owner, now);
        return result.changes === 1;
      });
    },
    releaseLease(runId, owner) {
      return settle(() => {
        ctx
          .statement(`UPDATE runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = ? AND lease_owner = ?`)
          .run(runId, owner);
      });
    },
  };
}
