import type { SendResult } from '../channel/channel.js';
import { ChannelError, isChannelError } from '../channel/channel-error.js';
import { CHANNEL_ERROR_ACTIONS } from '../channel/error-codes.js';

/** A send result checked against the channel contract. */
export interface CheckedSendResult {
  /** The result to act on: the channel's own when on contract, an `UNKNOWN` failure otherwise. */
  result: SendResult;
  /** Why the channel's answer was off contract (no data from the answer itself), if it was. */
  violation?: string;
}

/**
 * Checks what a channel's `send()` resolved to against its contract: `{ ok: true }` with an
 * optional string `providerMessageId`, or `{ ok: false, error }` where `error` is a
 * `ChannelError` with a code from the one table. Anything else — an unknown code, a plain
 * `Error`, `undefined` — becomes an `UNKNOWN` failure, which the table retries within the retry
 * budget and then records, so a misbehaving channel can never leave a delivery without an
 * outcome. The answer itself is not kept: it may hold an address or message text.
 *
 * @param value - What `send()` resolved to.
 * @returns The result to act on, and the violation if there was one.
 */
export function checkSendResult(value: unknown): CheckedSendResult {
  if (typeof value !== 'object' || value === null) return offContract('send() resolved to a non-object');
  const candidate = value as { ok?: unknown; error?: unknown; providerMessageId?: unknown };
  if (candidate.ok === true) {
    if (candidate.providerMessageId === undefined || typeof candidate.providerMessageId === 'string')
      return { result: value as SendResult };
    return offContract('send() returned a providerMessageId that is not a string');
  }
  if (candidate.ok !== false) return offContract('send() returned neither ok: true nor ok: false');
  if (!isChannelError(candidate.error)) return offContract('send() failed with something other than a ChannelError');
  if (!Object.hasOwn(CHANNEL_ERROR_ACTIONS, candidate.error.code))
    return offContract('send() failed with an error code outside the code table');
  return { result: value as SendResult };
}

/** The result for an answer off contract. */
export function offContract(violation: string): CheckedSendResult {
  return {
    result: { ok: false, error: new ChannelError('UNKNOWN', `The channel answered off its contract: ${violation}`) },
    violation,
  };
}
