import { ChannelError, type ChannelErrorCode } from '@banditore/core';

/** What the HTTP client saw for one push request. */
export type PushExchange =
  | { kind: 'response'; status: number; retryAfter?: string | undefined }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'network-error' };

/** A classified push-service answer. */
export type PushOutcome = { ok: true } | { ok: false; error: ChannelError };

/** When a 429 comes without a usable `Retry-After`. */
export const DEFAULT_RETRY_AFTER_MS = 10_000;

/**
 * Maps one push-service answer to success or a {@link ChannelError}. Pure; branches on the status
 * only, since bodies differ by service (FCM text, Mozilla `errno` JSON, Apple `reason` JSON) and
 * may echo the endpoint. Messages are fixed sentences.
 *
 * | answer | code | broadcaster action |
 * |---|---|---|
 * | 201 (any 2xx) | ok | — |
 * | 404, 410 | `RECIPIENT_GONE` | drop the subscription |
 * | 413 | `MESSAGE_REJECTED` | fail the message |
 * | 429 | `RECIPIENT_RATE_LIMITED` + `retryAfterMs` | defer; the channel also pauses that origin |
 * | 401, 403 | `AUTH_FAILED` | stop (VAPID invalid or key mismatch) |
 * | 400 | `ACCOUNT_UNUSABLE` | stop (our headers are wrong for every message) |
 * | 5xx | `PROVIDER_UNAVAILABLE` | back off and retry |
 * | other | `UNKNOWN` | bounded retries |
 * | network error, abort | `NETWORK_ERROR` | retry |
 * | timeout | `TIMEOUT` | retry |
 *
 * @param exchange - What the client saw.
 * @param now - Epoch ms, to read an HTTP-date `Retry-After`.
 * @returns The outcome.
 * @example
 * ```ts
 * classifyPushResponse({ kind: 'response', status: 429, retryAfter: '30' }, Date.now())
 * // → RECIPIENT_RATE_LIMITED, retryAfterMs 30000
 * ```
 */
export function classifyPushResponse(exchange: PushExchange, now: number): PushOutcome {
  switch (exchange.kind) {
    case 'timeout':
      return fail('TIMEOUT', 'The push service did not answer in time; the message may have been accepted');
    case 'aborted':
      return fail('NETWORK_ERROR', 'The send was aborted');
    case 'network-error':
      return fail('NETWORK_ERROR', 'Could not reach the push service');
    case 'response':
      break;
  }
  const { status } = exchange;
  const providerCode = `${status}`;
  if (status >= 200 && status < 300) return { ok: true };
  if (status === 404 || status === 410)
    return fail('RECIPIENT_GONE', 'The push subscription expired or was unsubscribed', { providerCode });
  if (status === 413)
    return fail('MESSAGE_REJECTED', 'The push service rejected the payload as too large', { providerCode });
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(exchange.retryAfter, now) ?? DEFAULT_RETRY_AFTER_MS;
    return fail('RECIPIENT_RATE_LIMITED', `The push service asked to wait ${Math.ceil(retryAfterMs / 1000)} s`, {
      retryAfterMs,
      providerCode,
    });
  }
  if (status === 401 || status === 403)
    return fail(
      'AUTH_FAILED',
      `The push service rejected the VAPID authorization (${status}): check the keys and subject`,
      { providerCode },
    );
  if (status === 400)
    return fail('ACCOUNT_UNUSABLE', 'The push service rejected the request headers (400)', { providerCode });
  if (status >= 500)
    return fail('PROVIDER_UNAVAILABLE', `The push service is unavailable (${status})`, { providerCode });
  return fail('UNKNOWN', `The push service answered an unexpected status (${status})`, { providerCode });
}

/**
 * Reads `Retry-After` as delay-seconds or an HTTP-date.
 *
 * @param value - The header value.
 * @param now - Epoch ms.
 * @returns Milliseconds (at least 1,000), or `undefined` when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d{1,9}$/.test(trimmed)) return Math.max(1, Number(trimmed)) * 1000;
  const date = Date.parse(trimmed);
  return Number.isNaN(date) ? undefined : Math.max(1000, date - now);
}

function fail(
  code: ChannelErrorCode,
  message: string,
  options: ConstructorParameters<typeof ChannelError>[2] = {},
): { ok: false; error: ChannelError } {
  return { ok: false, error: new ChannelError(code, message, options) };
}
