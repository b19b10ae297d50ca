/**
 * What a provider says happened to a message after it accepted it, ranked so a later-arriving
 * older status never overwrites a newer one: `sent` < `failed` < `delivered` < `read`.
 *
 * `failed` ranks below `delivered` because a provider may report a failure and later deliver
 * (WhatsApp retries undeliverable messages for a while); nothing ranks above `read`.
 */
export const RECEIPT_STATUSES = ['sent', 'failed', 'delivered', 'read'] as const;

/** A receipt status. */
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

/** The rank of each receipt status; a receipt is applied only when its rank is higher. */
export const RECEIPT_RANK: Readonly<Record<ReceiptStatus, number>> = { sent: 1, failed: 2, delivered: 3, read: 4 };

/**
 * One delivery receipt as a channel's webhook reports it. Contains no personal data: the
 * provider message id identifies a message, not a person.
 */
export interface DeliveryReceipt {
  /** Channel name, e.g. `whatsapp`. */
  channel: string;
  /**
   * The provider's message id, as `send()` returned it (`wamid.…`). Receipts are only for
   * channels whose ids are unique within the channel (Telegram's per-chat ids are not).
   */
  providerMessageId: string;
  status: ReceiptStatus;
  /** When the provider says it happened, ms since the epoch. */
  at: number;
  /** The provider's error code for `failed` (e.g. `"131026"`). */
  code?: string;
  /** The run the message belongs to, when the provider echoes it back; counted per run. */
  runId?: string;
  /** The ledger's delivery id, when the provider echoes it back. */
  deliveryId?: string;
}

/** The latest known state of one message. */
export interface ReceiptRecord {
  channel: string;
  providerMessageId: string;
  status: ReceiptStatus;
  /** Time of the receipt that set `status`, ms since the epoch. */
  at: number;
  code?: string;
  runId?: string;
  deliveryId?: string;
}

/** What a batch of receipts changed. */
export interface ReceiptWriteResult {
  /** Receipts that moved a message to a higher status (or were its first). */
  applied: number;
  /** Duplicates and receipts older than what was already known. */
  ignored: number;
}

/**
 * Receipt counts of one channel of one run. Each message counts once, at its highest status, so
 * `delivered` includes the messages that were later read (WhatsApp skips `delivered` when a
 * message is delivered and read at once).
 */
export interface ReceiptCounts {
  channel: string;
  /** Messages whose latest news is `sent` (on the provider's servers, not yet on the phone). */
  sent: number;
  /** Messages that reached the phone: `delivered` or `read`. */
  delivered: number;
  /** Messages read (only where the citizen has read receipts on). */
  read: number;
  /** Messages the provider gave up on after accepting them. */
  failed: number;
  /** Failed messages by provider code. */
  byCode: Record<string, number>;
}

/**
 * Delivery receipts: what happened to a message after the provider accepted it, recorded by
 * provider message id. Writes are **monotonic** (a status never goes back), idempotent
 * (duplicates are ignored) and order-independent (a `read` arriving before `delivered` stays
 * `read`), because providers deliver webhooks late, twice and out of order.
 *
 * Backend notes: key by `(channel, providerMessageId)`; a receipt that knows the run fills it in
 * when the stored record does not know it yet, whatever the ranks. Receipts may arrive before the
 * ledger records the send (a fast webhook beats a batched ledger write), so they must not depend
 * on the ledger row existing.
 */
export interface ReceiptStore {
  /**
   * Records a batch of receipts (one webhook call may carry many) in one transaction.
   *
   * @param receipts - Receipts in any order, duplicates allowed.
   * @returns How many changed something and how many were ignored.
   */
  recordReceipts(receipts: readonly DeliveryReceipt[]): Promise<ReceiptWriteResult>;
  /** The latest known state of one message, or `undefined`. */
  getReceipt(channel: string, providerMessageId: string): Promise<ReceiptRecord | undefined>;
  /** Counts of receipts that carry `runId`, one entry per channel that has any. */
  receiptCounts(runId: string): Promise<ReceiptCounts[]>;
}
