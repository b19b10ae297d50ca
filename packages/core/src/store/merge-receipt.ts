import { RECEIPT_RANK, type DeliveryReceipt, type ReceiptRecord } from './receipt-store.js';

/** What {@link mergeReceipt} decided for one receipt. */
export interface MergedReceipt {
  /** The record to keep. */
  next: ReceiptRecord;
  /** Whether the receipt moved the status forward (it counts as applied); otherwise it only filled in ids. */
  higher: boolean;
}

/**
 * The one rule every store applies to a delivery receipt: it applies when it ranks higher than
 * what is known (or is the first); a lower or equal one only fills in a run and delivery id the
 * record does not know yet. Statuses never move back, so receipts may arrive out of order,
 * duplicated or batched.
 *
 * @param current - What the store knows for this channel and provider message id, if anything.
 * @param receipt - The receipt that arrived.
 * @returns The record to keep, or `undefined` when the receipt changes nothing.
 */
export function mergeReceipt(current: ReceiptRecord | undefined, receipt: DeliveryReceipt): MergedReceipt | undefined {
  const higher = !current || RECEIPT_RANK[receipt.status] > RECEIPT_RANK[current.status];
  const learnsRun = current !== undefined && current.runId === undefined && receipt.runId !== undefined;
  if (!higher && !learnsRun) return undefined;
  const next: ReceiptRecord = higher
    ? { channel: receipt.channel, providerMessageId: receipt.providerMessageId, status: receipt.status, at: receipt.at }
    : { ...current };
  if (higher && receipt.code !== undefined) next.code = receipt.code;
  const runId = current?.runId ?? receipt.runId;
  const deliveryId = current?.deliveryId ?? receipt.deliveryId;
  if (runId !== undefined) next.runId = runId;
  if (deliveryId !== undefined) next.deliveryId = deliveryId;
  return { next, higher };
}
