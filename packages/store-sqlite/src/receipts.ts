import {
  RECEIPT_RANK,
  type DeliveryReceipt,
  type ReceiptCounts,
  type ReceiptRecord,
  type ReceiptStore,
} from '@banditore/core';
import { settle, type StoreContext } from './context.js';

interface ReceiptRow {
  channel: string;
  provider_message_id: string;
  rank: number;
  status: ReceiptRecord['status'];
  at: number;
  code: string | null;
  run_id: string | null;
  delivery_id: string | null;
}

function toRecord(row: ReceiptRow): ReceiptRecord {
  const record: ReceiptRecord = {
    channel: row.channel,
    providerMessageId: row.provider_message_id,
    status: row.status,
    at: row.at,
  };
  if (row.code !== null) record.code = row.code;
  if (row.run_id !== null) record.runId = row.run_id;
  if (row.delivery_id !== null) record.deliveryId = row.delivery_id;
  return record;
}

/**
 * Delivery receipts: one row per provider message id holding its highest status. A batch is one
 * immediate transaction; each receipt is a keyed read and at most one write, so the ranks are
 * compared in code (clearer than an upsert full of `CASE`s, and just as atomic here).
 *
 * @param ctx - The shared store context.
 */
export function createReceiptMethods(ctx: StoreContext): ReceiptStore {
  const find = (channel: string, id: string): ReceiptRow | undefined =>
    ctx.statement(`SELECT * FROM receipts WHERE channel = ? AND provider_message_id = ?`).get(channel, id) as
      ReceiptRow | undefined;

  const record = ctx.db.transaction((receipts: readonly DeliveryReceipt[]): number => {
    let applied = 0;
    for (const receipt of receipts) {
      const current = find(receipt.channel, receipt.providerMessageId);
      const rank = RECEIPT_RANK[receipt.status];
      if (!current) {
        ctx
          .statement(
            `INSERT INTO receipts (channel, provider_message_id, rank, status, at, code, run_id, delivery_id)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
          )
          .run(
            receipt.channel,
            receipt.providerMessageId,
            rank,
            receipt.status,
            Math.round(receipt.at),
            receipt.code ?? null,
            receipt.runId ?? null,
            receipt.deliveryId ?? null,
          );
        applied++;
        continue;
      }
      const higher = rank > current.rank;
      const learnsRun = current.run_id === null && receipt.runId !== undefined;
      if (!higher && !learnsRun) continue;
      ctx
        .statement(
          `UPDATE receipts SET rank = ?, status = ?, at = ?, code = ?, run_id = ?, delivery_id = ?
           WHERE channel = ? AND provider_message_id = ?`,
        )
        .run(
          higher ? rank : current.rank,
          higher ? receipt.status : current.status,
          higher ? Math.round(receipt.at) : current.at,
          higher ? (receipt.code ?? null) : current.code,
          current.run_id ?? receipt.runId ?? null,
          current.delivery_id ?? receipt.deliveryId ?? null,
          receipt.channel,
          receipt.providerMessageId,
        );
      if (higher) applied++;
    }
    return applied;
  });

  return {
    recordReceipts(receipts) {
      return settle(() => {
        if (receipts.length === 0) return { applied: 0, ignored: 0 };
        const applied = record.immediate(receipts);
        return { applied, ignored: receipts.length - applied };
      });
    },
    getReceipt(channel, providerMessageId) {
      return settle(() => {
        const row = find(channel, providerMessageId);
        return row && toRecord(row);
      });
    },
    receiptCounts(runId) {
      return settle(() => {
        const rows = ctx
          .statement(
            `SELECT channel, status, code, count(*) AS n FROM receipts WHERE run_id = ?
             GROUP BY channel, status, code ORDER BY channel`,
          )
          .all(runId) as { channel: string; status: ReceiptRecord['status']; code: string | null; n: number }[];
        const byChannel = new Map<string, ReceiptCounts>();
        for (const { channel, status, code, n } of rows) {
          let counts = byChannel.get(channel);
          if (!counts) {
            counts = { channel, sent: 0, delivered: 0, read: 0, failed: 0, byCode: {} };
            byChannel.set(channel, counts);
          }
          if (status === 'sent') counts.sent += n;
          if (status === 'delivered' || status === 'read') counts.delivered += n;
          if (status === 'read') counts.read += n;
          if (status === 'failed') {
            counts.failed += n;
            if (code !== null) counts.byCode[code] = (counts.byCode[code] ?? 0) + n;
          }
        }
        return [...byChannel.values()];
      });
    },
  };
}
