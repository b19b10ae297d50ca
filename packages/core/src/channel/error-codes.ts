/**
 * What the broadcaster does with a delivery after its channel reported an error.
 *
 * - `retry`: transient; try again after the provider's wait or an exponential backoff.
 * - `pause-channel`: the whole sender is throttled; stop the lane for the wait, then continue.
 * - `defer-recipient`: only this recipient is throttled; try it later, others go on.
 * - `drop-subscriber`: the address is gone; mark the subscriber unreachable, never retry.
 * - `fail-message`: this message cannot be sent as it is; record a failure.
 * - `stop-channel`: credentials or account are broken; stop the lane and tell the operator.
 * - `readdress`: the recipient moved to a new address; update it and retry at once.
 */
export type ErrorAction =
  'retry' | 'pause-channel' | 'defer-recipient' | 'drop-subscriber' | 'fail-message' | 'stop-channel' | 'readdress';

/**
 * The single table of channel error codes. Every adapter maps a provider response to one of
 * these; the broadcaster reads only the action, so adding a provider never touches core logic.
 */
export const CHANNEL_ERROR_ACTIONS = {
  /** The sender as a whole hit the provider's rate limit (Telegram 429, WhatsApp 130429). */
  RATE_LIMITED: 'pause-channel',
  /** The provider throttles this one recipient (WhatsApp pair rate 131056). */
  RECIPIENT_RATE_LIMITED: 'defer-recipient',
  /** The provider is temporarily unavailable (5xx, maintenance). */
  PROVIDER_UNAVAILABLE: 'retry',
  /** The connection failed before a response arrived. */
  NETWORK_ERROR: 'retry',
  /** No response within the timeout; the message may or may not have been accepted. */
  TIMEOUT: 'retry',
  /** The provider answered something that does not match its documented shape. */
  PROVIDER_RESPONSE_INVALID: 'retry',
  /** An error the adapter could not classify; retried a bounded number of times. */
  UNKNOWN: 'retry',
  /** The account is restricted for quality or spam reasons (WhatsApp 131048). */
  ACCOUNT_THROTTLED: 'pause-channel',
  /** The recipient blocked the sender, deleted the account or never existed. */
  RECIPIENT_GONE: 'drop-subscriber',
  /** The recipient moved (a Telegram group migrated to a supergroup). */
  RECIPIENT_MOVED: 'readdress',
  /** The message or template is rejected as it is (bad parameters, too long, not approved). */
  MESSAGE_REJECTED: 'fail-message',
  /** The recipient cannot receive this kind of message now (WhatsApp 24-hour window). */
  RECIPIENT_NOT_ELIGIBLE: 'fail-message',
  /** Credentials are invalid or expired (Telegram 401, WhatsApp 190). */
  AUTH_FAILED: 'stop-channel',
  /** The account lacks permission, is locked, or has a billing problem. */
  ACCOUNT_UNUSABLE: 'stop-channel',
} as const satisfies Record<string, ErrorAction>;

/** A stable error code from {@link CHANNEL_ERROR_ACTIONS}. */
export type ChannelErrorCode = keyof typeof CHANNEL_ERROR_ACTIONS;

/** Every channel error code, in table order. */
export const CHANNEL_ERROR_CODES = Object.keys(CHANNEL_ERROR_ACTIONS) as ChannelErrorCode[];

/**
 * Looks up what the broadcaster does for an error code.
 *
 * @param code - A channel error code.
 * @returns The action from the table.
 */
export function actionFor(code: ChannelErrorCode): ErrorAction {
  return CHANNEL_ERROR_ACTIONS[code];
}

/**
 * Codes where the provider may already have accepted the message when the error was seen.
 * Retrying them risks a duplicate; the broadcaster retries anyway (a missed alert is worse than
 * a repeated one) and counts the retry as ambiguous in the report.
 */
export const AMBIGUOUS_CODES: ReadonlySet<ChannelErrorCode> = new Set([
  'TIMEOUT',
  'PROVIDER_RESPONSE_INVALID',
  'NETWORK_ERROR',
]);
