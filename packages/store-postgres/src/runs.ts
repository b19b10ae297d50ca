import type { PlanProgress, RunRecord, RunStatus, RunStore } from '@banditore/core';
import type { Queryable, StoreContext } from './context.js';

interface RunRow {
  seq: string;
  id: string;
  idempotency_key: string;
  announcement: RunRecord['announcement'];
  priority: string;
  audiences: RunRecord['audiences'];
  status: string;
  created_at: string;
  finished_at: string | null;
  lease_owner: string | null;
  lease_expires_at: string | null;
}

interface PlanRow {
  run: string;
  channel: string;
  cursor: string | null;
  done: boolean;
}

/** Looks up a run's `bigint` key, cached: runs are never deleted, so the mapping never changes. */
export interface RunKeys {
  seqOf(runId: string): Promise<string | undefined>;
}

/** Builds the run-id → seq lookup. */
export function createRunKeys(ctx: StoreContext): RunKeys {
  const cache = new Map<string, string>();
  return {
    async seqOf(runId) {
      const cached = cache.get(runId);
      if (cached !== undefined) return cached;
      if (typeof runId !== 'string') return undefined;
      const rows = await ctx.query<{ seq: string }>(`SELECT seq FROM ${ctx.s}.runs WHERE id = $1`, [runId], 'run-seq');
      const seq = rows[0]?.seq;
      if (seq !== undefined) cache.set(runId, seq);
      return seq;
    },
  };
}

/** Reads runs with their plans (one query for the plans of all of them). */
async function toRecords(ctx: StoreContext, db: Queryable, rows: RunRow[]): Promise<RunRecord[]> {
  if (rows.length === 0) return [];
  const { rows: plans } = await db.query<PlanRow>({
    text: `SELECT run, channel, cursor, done FROM ${ctx.s}.run_plans WHERE run = ANY($1::bigint[])`,
    values: [rows.map((row) => row.seq)],
  });
  return rows.map((row) => {
    const plan: Record<string, PlanProgress> = {};
    for (const entry of plans)
      if (entry.run === row.seq) plan[entry.channel] = { cursor: entry.cursor ?? undefined, done: entry.done };
    const record: RunRecord = {
      id: row.id,
      idempotencyKey: row.idempotency_key,
      announcement: row.announcement,
      priority: row.priority as RunRecord['priority'],
      audiences: row.audiences,
      createdAt: Number(row.created_at),
      status: row.status as RunStatus,
      plan,
      finishedAt: row.finished_at === null ? undefined : Number(row.finished_at),
    };
    if (row.lease_owner !== null && row.lease_expires_at !== null)
      record.lease = { owner: row.lease_owner, expiresAt: Number(row.lease_expires_at) };
    return record;
  });
}

type RunMethods = Pick<
  RunStore,
  'createRun' | 'getRun' | 'listActiveRuns' | 'listRuns' | 'setRunStatus' | 'acquireLease' | 'releaseLease'
>;

/**
 * Runs and their leases. A lease is a conditional `UPDATE` of the run's row: PostgreSQL locks
 * the row, so of several workers asking at once exactly one sees the condition hold.
 *
 * @param ctx - The shared store context.
 */
export function createRunMethods(ctx: StoreContext): RunMethods {
  const { s } = ctx;
  const columns = `seq, id, idempotency_key, announcement, priority, audiences, status, created_at, finished_at,
    lease_owner, lease_expires_at`;

  return {
    async createRun(run) {
      // ON CONFLICT DO NOTHING makes concurrent publishes of one key safe: one inserts, the others read.
      const inserted = await ctx.query<RunRow>(
        `INSERT INTO ${s}.runs (id, idempotency_key, announcement, priority, audiences, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'active', $6) ON CONFLICT DO NOTHING RETURNING ${columns}`,
        [
          run.id,
          run.idempotencyKey,
          JSON.stringify(run.announcement),
          run.priority,
          JSON.stringify(run.audiences),
          run.createdAt,
        ],
      );
      if (inserted[0]) return { run: (await toRecords(ctx, ctx.db, inserted))[0]!, created: true };
      const existing = await ctx.query<RunRow>(`SELECT ${columns} FROM ${s}.runs WHERE idempotency_key = $1`, [
        run.idempotencyKey,
      ]);
      if (!existing[0]) throw new Error(`A run with id "${run.id}" already exists under another idempotency key`);
      return { run: (await toRecords(ctx, ctx.db, existing))[0]!, created: false };
    },

    async getRun(id) {
      const rows = await ctx.query<RunRow>(`SELECT ${columns} FROM ${s}.runs WHERE id = $1`, [id], 'get-run');
      return (await toRecords(ctx, ctx.db, rows))[0];
    },

    async listActiveRuns() {
      const rows = await ctx.query<RunRow>(
        `SELECT ${columns} FROM ${s}.runs WHERE status = 'active' ORDER BY created_at, seq`,
      );
      return toRecords(ctx, ctx.db, rows);
    },

    async listRuns(filter) {
      const rows = await ctx.query<RunRow>(
        `SELECT ${columns} FROM ${s}.runs WHERE status = ANY($1::text[]) ORDER BY created_at, seq`,
        [[...filter.status]],
      );
      return toRecords(ctx, ctx.db, rows);
    },

    async setRunStatus(id, status, at) {
      await ctx.query(`UPDATE ${s}.runs SET status = $1, finished_at = $2 WHERE id = $3`, [
        status,
        status === 'active' ? null : Math.round(at),
        id,
      ]);
    },

    async acquireLease(runId, owner, ttlMs, now) {
      const rows = await ctx.query<{ id: string }>(
        `UPDATE ${s}.runs SET lease_owner = $2, lease_expires_at = $3
         WHERE id = $1 AND (lease_owner IS NULL OR lease_owner = $2 OR lease_expires_at < $4) RETURNING id`,
        [runId, owner, Math.round(now + ttlMs), Math.round(now)],
        'acquire-lease',
      );
      return rows.length === 1;
    },

    async releaseLease(runId, owner) {
      await ctx.query(
        `UPDATE ${s}.runs SET lease_owner = NULL, lease_expires_at = NULL WHERE id = $1 AND lease_owner = $2`,
        [runId, owner],
        'release-lease',
      );
    },
  };
}
