import type { DeliveryReceipt, ReceiptStatus } from '@banditore/core';
import { decodeCallbackData } from './callback-data.js';
import type { WhatsAppStatus } from './notification.js';

const KNOWN: ReadonlySet<string> = new Set<ReceiptStatus>(['sent', 'delivered', 'read', 'failed']);

/**
 * Turns one status webhook item into a delivery receipt: the wamid, the status, Meta's time, the
 * first error code of a failure, and the run and delivery from `biz_opaque_callback_data`.
 *
 * Statuses Meta may add (`deleted`, `warning`, …) give `undefined` and are only counted.
 *
 * @param status - A parsed status.
 * @param channel - The channel name.
 * @returns The receipt, or `undefined` for a status that is not a receipt.
 */
export function receiptOf(status: WhatsAppStatus, channel: string): DeliveryReceipt | undefined {
  if (!KNOWN.has(status.status)) return undefined;
  const receipt: DeliveryReceipt = {
    channel,
    providerMessageId: status.id,
    status: status.status as ReceiptStatus,
    at: Number(status.timestamp) * 1_000,
  };
  const code = status.errors?.[0]?.code;
  if (status.status === 'failed' && code !== undefined) receipt.code = String(code);
  const callback = decodeCallbackData(status.biz_opaque_callback_data);
  if (callback) {
    receipt.runId = callback.runId;
    receipt.deliveryId = callback.deliveryId;
  }
  return receipt;
}
