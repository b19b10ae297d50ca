import { actionFor, type ChannelErrorCode, type ErrorAction } from './error-codes.js';

const CHANNEL_ERROR = Symbol.for('banditore.ChannelError');

/** Options for {@link ChannelError}. */
export interface ChannelErrorOptions {
  /** How long the provider asked to wait before the next attempt, in milliseconds. */
  retryAfterMs?: number;
  /** For `RECIPIENT_MOVED`: the recipient's new address. Never shown in the message. */
  newAddress?: string;
  /** The provider's own error code or HTTP status, for the report (`"403"`, `"131026"`). */
  providerCode?: string;
  /** The underlying error. Adapters must make sure it holds no token or address. */
  cause?: unknown;
}

/**
 * A classified failure of one delivery, returned (not thrown) by `channel.send()`.
 *
 * The message is written by the adapter for an operator and must never contain an address,
 * a token or message text. `retryable` and `action` come from the one code table.
 *
 * @example
 * ```ts
 * return { ok: false, error: new ChannelError('RATE_LIMITED', 'Telegram asked to wait', { retryAfterMs: 3000 }) }
 * ```
 */
export class ChannelError extends Error {
  override readonly name = 'ChannelError';
  readonly code: ChannelErrorCode;
  readonly retryAfterMs: number | undefined;
  readonly providerCode: string | undefined;
  readonly [CHANNEL_ERROR] = true;
  /** Kept off the enumerable properties so serialising the error never leaks it. */
  declare readonly newAddress: string | undefined;

  constructor(code: ChannelErrorCode, message: string, options: ChannelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.retryAfterMs = options.retryAfterMs;
    this.providerCode = options.providerCode;
    Object.defineProperty(this, 'newAddress', { value: options.newAddress, enumerable: false });
  }

  /** What the broadcaster does with this error. */
  get action(): ErrorAction {
    return actionFor(this.code);
  }

  /** Whether the same delivery will be attempted again. */
  get retryable(): boolean {
    const action = this.action;
    return action === 'retry' || action === 'pause-channel' || action === 'defer-recipient' || action === 'readdress';
  }

  /** A data-minimal form for events and reports. */
  toJSON(): { name: string; code: ChannelErrorCode; message: string; providerCode?: string; retryAfterMs?: number } {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      ...(this.providerCode === undefined ? {} : { providerCode: this.providerCode }),
      ...(this.retryAfterMs === undefined ? {} : { retryAfterMs: this.retryAfterMs }),
    };
  }
}

/**
 * Tells whether a value is a {@link ChannelError}, even one made by another installed copy of core.
 *
 * @param value - Anything.
 * @returns `true` for channel errors.
 */
export function isChannelError(value: unknown): value is ChannelError {
  return typeof value === 'object' && value !== null && CHANNEL_ERROR in value;
}
