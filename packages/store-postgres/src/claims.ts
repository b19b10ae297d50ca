import type { ClaimedDelivery, RunStore } from '@banditore/core';
import { lowerRowId, rowIds } from './codec.js';
import type { Queryable, StoreContext } from './context.js';
import type { RunKeys } from './runs.js';

type ClaimMethods = Pick<RunStore, 'claimDeliveries' | 'releaseClaims'>;

/**
 * How many claims in a row may find the cursor moved since their snapshot before one gives up.
 * Each waits for the claim that moved it, so more than a few means many processes claim one run.
 */
const MAX_STALE_CLAIMS = 100;

interface ClaimRow {
  id: string;
  subscriber_id: string;
  attempts: number;
  address: string | null;
  language: string | null;
  status: string | null;
}

/** A row of the claim statement: one per claimed delivery, or one without a delivery. */
type ClaimResultRow = { planned: boolean; fresh: boolean } & (ClaimRow | { [K in keyof ClaimRow]: null });

/**
 * Moves the claim cursor of `(run, channel)` back before the lowest subscriber that is pending
 * again or newly planned, inside the caller's transaction; a cursor already before it stays.
 *
 * An upsert, not an update: planning creates the cursor with its first page, and a claim only
 * reads an existing one (no cursor, nothing planned). When another process is creating it at this
 * moment, an update would find no row, not wait, and leave this page behind the cursor that
 * process moves on; the upsert waits for that insert and then moves it back. Nor does it test the
 * cursor in a WHERE clause, for the same reason: it must apply to the cursor a claim in progress
 * leaves, which the statement's snapshot cannot see.
 *
 * @param db - The transaction's connection.
 * @param s - The quoted schema.
 * @param run - The run's seq.
 * @param lowest - Per channel, the lowest subscriber id that became pending.
 */
export async function rewindCursors(
  db: Queryable,
  s: string,
  run: string,
  lowest: ReadonlyMap<string, string>,
): Promise<void> {
  if (lowest.size === 0) return;
  await db.query({
    name: `${s}.rewind`,
    text: `INSERT INTO ${s}.claim_cursors AS c (run, channel, after)
           SELECT $1, u.channel, u.low - 1 FROM unnest($2::text[], $3::bigint[]) AS u(channel, low)
           ON CONFLICT (run, channel) DO UPDATE SET after = LEAST(c.after, excluded.after), version = c.version + 1`,
    values: [run, [...lowest.keys()], [...lowest.values()]],
  });
}

/** The lowest subscriber id per channel among `rows`. */
function lowestByChannel(rows: readonly { channel: string; subscriber_id: string }[]): Map<string, string> {
  const lowest = new Map<string, string>();
  for (const row of rows) {
    const known = lowest.get(row.channel);
    lowest.set(row.channel, known === undefined ? row.subscriber_id : lowerRowId(known, row.subscriber_id));
  }
  return lowest;
}

/**
 * Claims through a cursor, so that the ledger's rows are updated in place.
 *
 * Each `(run, channel)` keeps the highest subscriber id claimed so far. A claim locks that cursor,
 * takes the next pending rows after it in the `(run, channel, subscriber_id)` index, and moves it
 * on; planning and releases move it back when they make rows pending behind it. The delivery
 * status is therefore in no index and in no index predicate, and a claim or an outcome is a HOT
 * update (the table keeps free room on each page for it): no index entry is written for the two
 * updates every delivery gets. With partial indexes on the status, each update wrote three or four
 * index entries, and claims and outcomes cost about twice as much.
 *
 * Claimers of one run and channel take turns on the cursor for the length of one statement, so
 * they need neither `SKIP LOCKED` nor row locks: the rows after the cursor are theirs. The update
 * tests the status again, so a row that a cancellation closes at that moment is read again once
 * it commits, and never claimed after it was closed (locking each row first would cost a WAL
 * record per row).
 *
 * @param ctx - The shared store context.
 * @param keys - Run id → seq lookup.
 */
export function createClaimMethods(ctx: StoreContext, keys: RunKeys): ClaimMethods {
  const { s } = ctx;
  // One statement, so the cursor is locked only while the server works (a claim that waited for
  // a client round trip would hold every other claimer back while that process is busy). Its
  // snapshot is taken before the lock: if another claim, a page or a release moved the cursor
  // in between, the snapshot may not show the rows they changed, so it claims nothing and says
  // so (`fresh` is false), and the next statement, with a snapshot taken after, claims.
  // The range from the cursor to the last of the next `limit` pending rows is updated directly on
  // the index: a join of picked ids back to the table would look up each row again.
  const claimSql = `
    WITH seen AS (
      SELECT version FROM ${s}.claim_cursors WHERE run = $1 AND channel = $2
    ), locked AS (
      SELECT after, version FROM ${s}.claim_cursors WHERE run = $1 AND channel = $2 FOR UPDATE
    ), cursor AS (
      SELECT locked.after FROM locked JOIN seen ON seen.version = locked.version
    ), bound AS (
      SELECT max(subscriber_id) AS upto FROM (
        SELECT subscriber_id FROM ${s}.deliveries
        WHERE run = $1 AND channel = $2 AND subscriber_id > (SELECT after FROM cursor) AND status = 'pending'
        ORDER BY subscriber_id LIMIT $3
      ) next
    ), claimed AS (
      UPDATE ${s}.deliveries d SET status = 'claimed', updated_at = $4, claimed_by = $5
      WHERE d.run = $1 AND d.channel = $2 AND d.subscriber_id > (SELECT after FROM cursor)
        AND d.subscriber_id <= (SELECT upto FROM bound) AND d.status = 'pending'
      RETURNING d.id, d.subscriber_id, d.attempts
    ), moved AS (
      UPDATE ${s}.claim_cursors c SET after = bound.upto, version = c.version + 1 FROM bound
      WHERE c.run = $1 AND c.channel = $2 AND bound.upto IS NOT NULL
    )
    SELECT EXISTS (SELECT 1 FROM locked) AS planned, EXISTS (SELECT 1 FROM cursor) AS fresh,
      c.id, c.subscriber_id, c.attempts, sub.address, sub.language, sub.status
    FROM (SELECT 1) one
    LEFT JOIN (claimed c LEFT JOIN ${s}.subscribers sub ON sub.id = c.subscriber_id) ON true
    ORDER BY c.subscriber_id`;

  const release = async (seq: string, where: string, values: unknown[], name: string): Promise<number> =>
    ctx.tx(async (db) => {
      const { rows } = await db.query<{ channel: string; subscriber_id: string }>({
        name: `${s}.${name}`,
        text: `UPDATE ${s}.deliveries SET status = 'pending', ambiguous = ambiguous OR $1, claimed_by = NULL
               WHERE run = $2 AND status = 'claimed' AND ($3::text IS NULL OR channel = $3) ${where}
               RETURNING channel, subscriber_id::text AS subscriber_id`,
        values,
      });
      await rewindCursors(db, s, seq, lowestByChannel(rows));
      return rows.length;
    });

  return {
    async claimDeliveries(runId, channel, limit) {
      const seq = await keys.seqOf(runId);
      if (seq === undefined || !(limit >= 1)) return [];
      let rows: ClaimRow[] = [];
      for (let attempt = 1; ; attempt++) {
        const result = await ctx.query<ClaimResultRow>(
          claimSql,
          [seq, channel, Math.floor(limit), Math.round(ctx.clock.now()), ctx.token],
          'claim',
        );
        const first = result[0];
        // No cursor: nothing was ever planned for this run and channel (planning creates it).
        if (!first?.planned) return [];
        if (first.fresh) {
          rows = result.filter((row): row is ClaimResultRow & ClaimRow => row.id !== null);
          break;
        }
        if (attempt >= MAX_STALE_CLAIMS) {
          throw new Error(`Claiming deliveries failed: the claim cursor kept moving (${attempt} attempts)`);
        }
      }
      return rows.map((row): ClaimedDelivery => {
        // A missing subscriber row is treated like an erased one: nothing to send to.
        const status = (row.status ?? 'erased') as ClaimedDelivery['subscriberStatus'];
        return {
          deliveryId: row.id,
          subscriberId: row.subscriber_id,
          address: status === 'erased' ? '' : (row.address ?? ''),
          language: row.language ?? '',
          subscriberStatus: status,
          attempts: row.attempts,
        };
      });
    },

    async releaseClaims(runId, options) {
      const seq = await keys.seqOf(runId);
      if (seq === undefined) return 0;
      const channel = options.channel ?? null;
      if (options.deliveryIds) {
        // Only this instance's own claims: a process that lost the run must not hand back what
        // the process that took it over has claimed since.
        return release(
          seq,
          'AND id = ANY($4::bigint[]) AND claimed_by = $5',
          [options.ambiguous, seq, channel, rowIds(options.deliveryIds), ctx.token],
          'release-ids',
        );
      }
      return release(seq, '', [options.ambiguous, seq, channel], 'release-all');
    },
  };
}
