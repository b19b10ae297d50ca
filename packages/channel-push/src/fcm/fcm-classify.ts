import { ChannelError, type ChannelErrorCode } from '@banditore/core';
import { z } from 'zod';
import { parseRetryAfter } from '../classify.js';

/** What the HTTP client saw for one FCM send. */
export type FcmExchange =
  | { kind: 'response'; status: number; body: string; retryAfter?: string | undefined }
  | { kind: 'timeout' }
  | { kind: 'aborted' }
  | { kind: 'network-error' };

/** A classified FCM answer; `refreshToken` asks the channel to renew its access token once and resend. */
export type FcmOutcome =
  { ok: true; providerMessageId: string } | { ok: false; error: ChannelError; refreshToken?: boolean };

/** When QUOTA_EXCEEDED comes without `Retry-After`: the project quota refills over a minute. */
export const FCM_QUOTA_WAIT_MS = 60_000;

const successSchema = z.object({ name: z.string().min(1) });
const errorSchema = z.object({
  error: z.object({
    code: z.number().optional(),
    message: z.string().optional(),
    status: z.string().optional(),
    details: z.array(z.object({ '@type': z.string().optional(), errorCode: z.string().optional() })).optional(),
  }),
});

/**
 * Maps one FCM HTTP v1 answer to success or a {@link ChannelError}, by the `FcmError` code in
 * `details[].errorCode` when there is one (several causes share an HTTP status), else by the
 * status. Messages are fixed sentences: FCM's own messages may quote the token.
 *
 * | answer | code | broadcaster action |
 * |---|---|---|
 * | 200 `{ name }` | ok, `providerMessageId` the message name | — |
 * | `UNREGISTERED` (404) | `RECIPIENT_GONE` | drop the subscriber |
 * | `INVALID_ARGUMENT` (400) about the registration token | `RECIPIENT_GONE` | drop the subscriber |
 * | `INVALID_ARGUMENT` (400), other | `MESSAGE_REJECTED` | fail the message |
 * | `QUOTA_EXCEEDED` (429), 429 | `RATE_LIMITED` + `Retry-After` (60 s without) | pause the channel (the quota is the project's) |
 * | `UNAVAILABLE` (503), `INTERNAL` (500), other 5xx | `PROVIDER_UNAVAILABLE` + `Retry-After` | back off and retry |
 * | `SENDER_ID_MISMATCH` (403) | `ACCOUNT_UNUSABLE` | stop (tokens of another Firebase project) |
 * | `THIRD_PARTY_AUTH_ERROR` (401) | `AUTH_FAILED` | stop (APNs key missing in the Firebase console) |
 * | 401 `UNAUTHENTICATED` | `AUTH_FAILED`, `refreshToken` | the channel renews the token and resends once, then stop |
 * | 403 `PERMISSION_DENIED`, 404 (no project) | `AUTH_FAILED`, `ACCOUNT_UNUSABLE` | stop |
 * | timeout, network error, abort | `TIMEOUT`, `NETWORK_ERROR` | retry |
 *
 * @param exchange - What the client saw.
 * @param now - Epoch ms, to read an HTTP-date `Retry-After`.
 * @returns The outcome.
 * @example
 * ```ts
 * classifyFcmResponse({ kind: 'response', status: 404, body: unregisteredBody }, Date.now())
 * // → RECIPIENT_GONE
 * ```
 */
export function classifyFcmResponse(exchange: FcmExchange, now: number): FcmOutcome {
  switch (exchange.kind) {
    case 'timeout':
      return fail('TIMEOUT', 'FCM did not answer in time; the message may have been accepted');
    case 'aborted':
      return fail('NETWORK_ERROR', 'The send was aborted');
    case 'network-error':
      return fail('NETWORK_ERROR', 'Could not reach FCM');
    case 'response':
      break;
  }
  const { status } = exchange;
  const body = parseJson(exchange.body);
  if (status >= 200 && status < 300) {
    const parsed = successSchema.safeParse(body);
    return parsed.success
      ? { ok: true, providerMessageId: parsed.data.name }
      : fail('PROVIDER_RESPONSE_INVALID', 'FCM accepted the message without naming it');
  }
  const parsed = errorSchema.safeParse(body);
  const error = parsed.success ? parsed.data.error : undefined;
  const fcmCode = error?.details?.find((detail) => detail.errorCode !== undefined)?.errorCode;
  const named = fcmCode ?? error?.status;
  // Only FCM's fixed SCREAMING_SNAKE vocabulary is kept, never free text.
  const providerCode = named !== undefined && /^[A-Z_]{1,40}$/.test(named) ? named : `${status}`;
  const retryAfterMs = parseRetryAfter(exchange.retryAfter, now);
  const wait = retryAfterMs === undefined ? {} : { retryAfterMs };
  switch (fcmCode) {
    case 'UNREGISTERED':
      return fail('RECIPIENT_GONE', 'The app instance is no longer registered', { providerCode });
    case 'INVALID_ARGUMENT':
      return /registration token/i.test(error?.message ?? '')
        ? fail('RECIPIENT_GONE', 'The registration token is not valid', { providerCode })
        : fail('MESSAGE_REJECTED', 'FCM rejected the message as invalid', { providerCode });
    case 'QUOTA_EXCEEDED':
      return fail('RATE_LIMITED', 'The Firebase project is over its sending quota', {
        providerCode,
        retryAfterMs: retryAfterMs ?? FCM_QUOTA_WAIT_MS,
      });
    case 'UNAVAILABLE':
    case 'INTERNAL':
      return fail('PROVIDER_UNAVAILABLE', `FCM is unavailable (${fcmCode})`, { providerCode, ...wait });
    case 'SENDER_ID_MISMATCH':
      return fail(
        'ACCOUNT_UNUSABLE',
        'The registration token belongs to another Firebase project: check the service account',
        { providerCode },
      );
    case 'THIRD_PARTY_AUTH_ERROR':
      return fail('AUTH_FAILED', 'The APNs or web push credentials in the Firebase console are missing or invalid', {
        providerCode,
      });
    default:
      break;
  }
  if (status === 401)
    return { ...fail('AUTH_FAILED', 'FCM refused the access token', { providerCode }), refreshToken: true };
  if (status === 403)
    return fail('AUTH_FAILED', 'The service account may not send with FCM (role or API disabled)', { providerCode });
  if (status === 404) return fail('ACCOUNT_UNUSABLE', 'FCM does not know the Firebase project', { providerCode });
  if (status === 429)
    return fail('RATE_LIMITED', 'FCM asked to slow down', {
      providerCode,
      retryAfterMs: retryAfterMs ?? FCM_QUOTA_WAIT_MS,
    });
  if (status === 400) return fail('MESSAGE_REJECTED', 'FCM rejected the message as invalid', { providerCode });
  if (status >= 500) return fail('PROVIDER_UNAVAILABLE', `FCM is unavailable (${status})`, { providerCode, ...wait });
  return fail('UNKNOWN', `FCM answered an unexpected status (${status})`, { providerCode });
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function fail(
  code: ChannelErrorCode,
  message: string,
  options: ConstructorParameters<typeof ChannelError>[2] = {},
): { ok: false; error: ChannelError } {
  return { ok: false, error: new ChannelError(code, message, options) };
}
