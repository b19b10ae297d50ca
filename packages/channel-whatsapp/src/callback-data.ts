/** Prefix of the callback data Banditore sets, so data set by other software is never misread. */
const PREFIX = 'bnd1:';
/** Meta echoes up to 512 characters of `biz_opaque_callback_data`. */
const MAX_LENGTH = 512;

/** What a message's callback data says about it. */
export interface CallbackData {
  runId: string;
  deliveryId: string;
}

/**
 * Encodes a delivery's run and id for `biz_opaque_callback_data`, which Meta echoes in every
 * status webhook of the message, so receipts are counted per run without looking the message
 * id up in the ledger (the webhook can even arrive before the ledger row is written).
 *
 * @param runId - The broadcast run.
 * @param deliveryId - The ledger's delivery id.
 * @returns The string to send, or `undefined` when it would exceed Meta's 512 characters.
 * @example
 * ```ts
 * encodeCallbackData('run-42', '1093') // 'bnd1:["run-42","1093"]'
 * ```
 */
export function encodeCallbackData(runId: string, deliveryId: string): string | undefined {
  const encoded = PREFIX + JSON.stringify([runId, deliveryId]);
  return encoded.length <= MAX_LENGTH ? encoded : undefined;
}

/**
 * Reads callback data written by {@link encodeCallbackData}. Anything else (absent, foreign,
 * damaged) gives `undefined`: the receipt is still recorded, just not counted for a run.
 *
 * @param value - `biz_opaque_callback_data` from a status webhook.
 * @returns The run and delivery ids, or `undefined`.
 */
export function decodeCallbackData(value: unknown): CallbackData | undefined {
  if (typeof value !== 'string' || !value.startsWith(PREFIX) || value.length > MAX_LENGTH) return undefined;
  try {
    const parsed: unknown = JSON.parse(value.slice(PREFIX.length));
    if (!Array.isArray(parsed) || parsed.length !== 2) return undefined;
    const [runId, deliveryId] = parsed as unknown[];
    if (typeof runId !== 'string' || typeof deliveryId !== 'string' || runId === '' || deliveryId === '')
      return undefined;
    return { runId, deliveryId };
  } catch {
    return undefined;
  }
}
