import { mergeReceipt } from '@banditore/core/authoring';
import {
  RECEIPT_RANK,
  type DeliveryReceipt,
  type ReceiptCounts,
  type ReceiptRecord,
  type ReceiptStore,
} from '@banditore/core';
import type { StoreContext } from './context.js';

interface ReceiptRow {
  channel: string;
  provider_message_id: string;
  status: ReceiptRecord['status'];
  at: string;
  code: string | null;
  run_id: string | null;
  delivery_id: string | null;
}

function toRecord(row: ReceiptRow): ReceiptRecord {
  const record: ReceiptRecord = {
    channel: row.channel,
    providerMessageId: row.provider_message_id,
    status: row.status,
    at: Number(row.at),
  };
  if (row.code !== null) record.code = row.code;
  if (row.run_id !== null) record.runId = row.run_id;
  if (row.delivery_id !== null) record.deliveryId = row.delivery_id;
  return record;
}

/**
 * Folds a batch into the known states in arrival order, exactly as the contract counts it: a
 * receipt applies when it ranks higher than what is known (or is the first); a lower one only
 * fills in a run and delivery id the record does not know yet.
 */
function fold(
  known: Map<string, ReceiptRecord>,
  receipts: readonly DeliveryReceipt[],
): { applied: number; changed: Set<string> } {
  let applied = 0;
  const changed = new Set<string>();
  for (const receipt of receipts) {
    const key = `${receipt.channel}\u0000${receipt.providerMessageId}`;
    const merged = mergeReceipt(known.get(key), receipt);
    if (!merged) continue;
    const { next, higher } = merged;
    known.set(key, next);
    changed.add(key);
    if (higher) applied++;
  }
  return { applied, changed };
}

/**
 * Delivery receipts, keyed by `(channel, provider_message_id)`. A batch is one transaction: the
 * known rows are locked, the batch is folded in arrival order, and the changed rows are written
 * with one upsert whose `ON CONFLICT` keeps the higher rank, so even two webhooks racing on a new
 * message cannot move a status back.
 *
 * @param ctx - The shared store context.
 */
export function createReceiptMethods(ctx: StoreContext): ReceiptStore {
  const { s } = ctx;
  return {
    async recordReceipts(receipts) {
      if (receipts.length === 0) return { applied: 0, ignored: 0 };
      return ctx.tx(async (db) => {
        const { rows } = await db.query<ReceiptRow>({
          text: `SELECT r.* FROM ${s}.receipts r
                 JOIN unnest($1::text[], $2::text[]) AS k(channel, id) ON r.channel = k.channel AND r.provider_message_id = k.id
                 ORDER BY r.channel, r.provider_message_id FOR UPDATE OF r`,
          values: [receipts.map((r) => r.channel), receipts.map((r) => r.providerMessageId)],
        });
        const known = new Map(rows.map((row) => [`${row.channel}\u0000${row.provider_message_id}`, toRecord(row)]));
        const { applied, changed } = fold(known, receipts);
        const writes = [...changed].map((key) => known.get(key)!);
        if (writes.length > 0) {
          await db.query({
            text: `INSERT INTO ${s}.receipts AS t (channel, provider_message_id, status, rank, at, code, run_id, delivery_id)
                   SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::smallint[], $5::bigint[], $6::text[], $7::text[], $8::text[])
                   ON CONFLICT (channel, provider_message_id) DO UPDATE SET
                     status = CASE WHEN excluded.rank > t.rank THEN excluded.status ELSE t.status END,
                     at = CASE WHEN excluded.rank > t.rank THEN excluded.at ELSE t.at END,
                     code = CASE WHEN excluded.rank > t.rank THEN excluded.code ELSE t.code END,
                     rank = greatest(excluded.rank, t.rank),
                     run_id = coalesce(t.run_id, excluded.run_id),
                     delivery_id = coalesce(t.delivery_id, excluded.delivery_id)`,
            values: [
              writes.map((w) => w.channel),
              writes.map((w) => w.providerMessageId),
              writes.map((w) => w.status),
              writes.map((w) => RECEIPT_RANK[w.status]),
              writes.map((w) => Math.round(w.at)),
              writes.map((w) => w.code ?? null),
              writes.map((w) => w.runId ?? null),
              writes.map((w) => w.deliveryId ?? null),
            ],
          });
        }
        return { applied, ignored: receipts.length - applied };
      });
    },

    async getReceipt(channel, providerMessageId) {
      const rows = await ctx.query<ReceiptRow>(
        `SELECT * FROM ${s}.receipts WHERE channel = $1 AND provider_message_id = $2`,
        [channel, providerMessageId],
        'get-receipt',
      );
      return rows[0] ? toRecord(rows[0]) : undefined;
    },

    async receiptCounts(runId): Promise<ReceiptCounts[]> {
      const rows = await ctx.query<{
        channel: string;
        status: ReceiptRecord['status'];
        code: string | null;
        n: number;
      }>(
        `SELECT channel, status, code, count(*)::int AS n FROM ${s}.receipts WHERE run_id = $1
         GROUP BY channel, status, code ORDER BY channel`,
        [runId],
        'receipt-counts',
      );
      const byChannel = new Map<string, ReceiptCounts>();
      for (const row of rows) {
        let counts = byChannel.get(row.channel);
        if (!counts) {
          counts = { channel: row.channel, sent: 0, delivered: 0, read: 0, failed: 0, byCode: {} };
          byChannel.set(row.channel, counts);
        }
        if (row.status === 'sent') counts.sent += row.n;
        if (row.status === 'delivered' || row.status === 'read') counts.delivered += row.n;
        if (row.status === 'read') counts.read += row.n;
        if (row.status === 'failed') {
          counts.failed += row.n;
          if (row.code !== null) counts.byCode[row.code] = (counts.byCode[row.code] ?? 0) + row.n;
        }
      }
      return [...byChannel.values()];
    },
  };
}
