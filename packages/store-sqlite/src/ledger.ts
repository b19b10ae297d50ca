import type {
  ClaimedDelivery,
  DeliveryCounts,
  DeliveryOutcome,
  DeliveryStatus,
  PlanProgress,
  RunStore,
} from '@banditore/core';
import { parseRowId } from './codec.js';
import { settle, settleOnNextTurn, type StoreContext } from './context.js';
import type { RunKeys } from './runs.js';

type LedgerMethods = Pick<
  RunStore,
  'appendDeliveries' | 'claimDeliveries' | 'recordOutcomes' | 'releaseClaims' | 'closePending' | 'deliveryCounts'
>;

interface ClaimRow {
  id: number;
  subscriber_id: number;
  attempts: number;
  address: string | null;
  language: string | null;
  status: string | null;
}

const CODED: readonly DeliveryStatus[] = ['failed', 'dropped', 'cancelled', 'expired'];
const EMPTY_COUNTS: Record<DeliveryStatus, number> = {
  pending: 0,
  claimed: 0,
  sent: 0,
  failed: 0,
  dropped: 0,
  cancelled: 0,
  expired: 0,
};

/**
 * The delivery ledger: planning, claim-then-record, releases after a crash, closing and counts.
 * Every method that writes several rows does it in one immediate transaction (one commit per
 * batch, which is what keeps the ledger far faster than the providers).
 *
 * @param ctx - The shared store context.
 * @param keys - Run id → seq lookup.
 */
export function createLedgerMethods(ctx: StoreContext, keys: RunKeys): LedgerMethods {
  const { db } = ctx;
  const channelsOf = (seq: number): string[] =>
    ctx.statement(`SELECT channel FROM run_plans WHERE run = ?`).pluck().all(seq) as string[];

  const append = db.transaction((seq: number, channel: string, ids: readonly string[], progress: PlanProgress) => {
    const insert = ctx.statement(
      `INSERT OR IGNORE INTO deliveries (run, channel, subscriber_id, status) VALUES (?, ?, ?, 'pending')`,
    );
    for (const id of ids) {
      const rowId = parseRowId(id);
      if (rowId !== undefined) insert.run(seq, channel, rowId);
    }
    ctx
      .statement(
        `INSERT INTO run_plans (run, channel, cursor, done) VALUES (?, ?, ?, ?)
         ON CONFLICT (run, channel) DO UPDATE SET cursor = excluded.cursor, done = excluded.done`,
      )
      .run(seq, channel, progress.cursor ?? null, progress.done ? 1 : 0);
  });

  const claim = db.transaction((seq: number, channel: string, limit: number, now: number): ClaimedDelivery[] => {
    // A missing subscriber row is treated like an erased one: nothing to send to.
    const rows = ctx
      .statement(
        `SELECT d.id, d.subscriber_id, d.attempts, s.address, s.language, s.status
         FROM deliveries d LEFT JOIN subscribers s ON s.id = d.subscriber_id
         WHERE d.run = ? AND d.channel = ? AND d.status = 'pending' ORDER BY d.id LIMIT ?`,
      )
      .all(seq, channel, limit) as ClaimRow[];
    const mark = ctx.statement(`UPDATE deliveries SET status = 'claimed', updated_at = ? WHERE id = ?`);
    return rows.map((row) => {
      mark.run(now, row.id);
      const status = (row.status ?? 'erased') as ClaimedDelivery['subscriberStatus'];
      return {
        deliveryId: String(row.id),
        subscriberId: String(row.subscriber_id),
        address: status === 'erased' ? '' : (row.address ?? ''),
        language: row.language ?? '',
        subscriberStatus: status,
        attempts: row.attempts,
      };
    });
  });

  const record = db.transaction((outcomes: readonly DeliveryOutcome[]) => {
    const update = ctx.statement(
      `UPDATE deliveries SET status = ?, attempts = ?, code = ?, provider_message_id = ?, updated_at = ?
       WHERE id = ? AND run = ?`,
    );
    for (const outcome of outcomes) {
      const seq = keys.seqOf(outcome.runId);
      const rowId = parseRowId(outcome.deliveryId);
      if (seq === undefined || rowId === undefined) continue;
      update.run(
        outcome.status,
        outcome.attempts,
        outcome.code ?? null,
        outcome.providerMessageId ?? null,
        Math.round(outcome.at),
        rowId,
        seq,
      );
    }
  });

  const release = db.transaction(
    (seq: number, options: { channel?: string; deliveryIds?: readonly string[]; ambiguous: boolean }): number => {
      const flag = options.ambiguous ? 1 : 0;
      let moved = 0;
      if (options.deliveryIds) {
        const one = ctx.statement(
          `UPDATE deliveries SET status = 'pending', ambiguous = max(ambiguous, ?)
           WHERE id = ? AND run = ? AND status = 'claimed' AND (? IS NULL OR channel = ?)`,
        );
        for (const id of options.deliveryIds) {
          const rowId = parseRowId(id);
          const channel = options.channel ?? null;
          if (rowId !== undefined) moved += one.run(flag, rowId, seq, channel, channel).changes;
        }
        return moved;
      }
      const all = ctx.statement(
        `UPDATE deliveries SET status = 'pending', ambiguous = max(ambiguous, ?)
         WHERE run = ? AND channel = ? AND status = 'claimed'`,
      );
      for (const channel of options.channel === undefined ? channelsOf(seq) : [options.channel]) {
        moved += all.run(flag, seq, channel).changes;
      }
      return moved;
    },
  );

  const close = db.transaction((seq: number, status: string, code: string, at: number, channel?: string): number => {
    const update = ctx.statement(
      `UPDATE deliveries SET status = ?, code = ?, updated_at = ? WHERE run = ? AND channel = ? AND status = 'pending'`,
    );
    let closed = 0;
    for (const name of channel === undefined ? channelsOf(seq) : [channel]) {
      closed += update.run(status, code, Math.round(at), seq, name).changes;
    }
    return closed;
  });

  return {
    appendDeliveries(runId, channel, subscriberIds, progress) {
      return settle(() => {
        const seq = keys.seqOf(runId);
        if (seq === undefined) throw new Error(`Unknown run "${runId}": create it before planning deliveries`);
        append.immediate(seq, channel, subscriberIds, progress);
      });
    },
    claimDeliveries(runId, channel, limit) {
      return settleOnNextTurn(() => {
        const seq = keys.seqOf(runId);
        if (seq === undefined || limit < 1) return [];
        return claim.immediate(seq, channel, Math.floor(limit), Math.round(ctx.clock.now()));
      });
    },
    recordOutcomes(outcomes) {
      return settle(() => {
        if (outcomes.length > 0) record.immediate(outcomes);
      });
    },
    releaseClaims(runId, options) {
      return settle(() => {
        const seq = keys.seqOf(runId);
        return seq === undefined ? 0 : release.immediate(seq, options);
      });
    },
    closePending(runId, status, code, at, channel) {
      return settle(() => {
        const seq = keys.seqOf(runId);
        return seq === undefined ? 0 : close.immediate(seq, status, code, at, channel);
      });
    },
    deliveryCounts(runId): Promise<DeliveryCounts[]> {
      return settle(() => {
        const seq = keys.seqOf(runId);
        if (seq === undefined) return [];
        return channelsOf(seq).map((channel) => {
          const byStatus = { ...EMPTY_COUNTS };
          const statuses = ctx
            .statement(`SELECT status, count(*) AS n FROM deliveries WHERE run = ? AND channel = ? GROUP BY status`)
            .all(seq, channel) as { status: DeliveryStatus; n: number }[];
          for (const { status, n } of statuses) byStatus[status] = n;
          const byCode: Record<string, number> = {};
          const codes = ctx
            .statement(
              `SELECT code, count(*) AS n FROM deliveries
               WHERE run = ? AND channel = ? AND status IN (${CODED.map(() => '?').join(', ')}) AND code IS NOT NULL
               GROUP BY code`,
            )
            .all(seq, channel, ...CODED) as { code: string; n: number }[];
          for (const { code, n } of codes) byCode[code] = n;
          const ambiguous = ctx
            .statement(`SELECT count(*) FROM deliveries WHERE run = ? AND channel = ? AND ambiguous = 1`)
            .pluck()
            .get(seq, channel) as number;
          return { channel, byStatus, byCode, ambiguous };
        });
      });
    },
  };
}
