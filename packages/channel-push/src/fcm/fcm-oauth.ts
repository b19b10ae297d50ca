import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { ChannelError, type Clock } from '@banditore/core';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { parseRetryAfter } from '../classify.js';
import type { FcmServiceAccount } from './fcm-options.js';

/** The scope FCM HTTP v1 needs. */
export const FCM_SCOPE = 'https://www.googleapis.com/auth/firebase.messaging';
/** Lifetime of the signed assertion: Google accepts at most one hour. */
const ASSERTION_LIFETIME_S = 3600;
/** A cached access token is replaced this long before it expires (Google suggests ~5 min). */
export const TOKEN_RENEW_BEFORE_MS = 5 * 60_000;

const tokenResponseSchema = z.object({
  access_token: z.string().min(1),
  expires_in: z.number().positive(),
  token_type: z.string().optional(),
});

/** An access token, or the classified reason there is none. */
export type AccessTokenResult = { ok: true; token: string } | { ok: false; error: ChannelError };

/** Access tokens for FCM, cached for their lifetime and renewed early. */
export interface AccessTokens {
  /** The cached token, or a fresh one (one exchange at a time, shared by every waiting send). */
  get(): Promise<AccessTokenResult>;
  /** Forgets `token` after FCM refused it (401), so the next `get()` exchanges a new one. */
  invalidate(token: string): void;
}

/**
 * The OAuth2 service-account flow without a Google library: an RS256 JWT (`iss` the service
 * account, `scope` firebase.messaging, `aud` the token URL, one hour) exchanged at the token
 * endpoint for a bearer token, which is cached until {@link TOKEN_RENEW_BEFORE_MS} before it
 * expires. Errors never carry the key, the assertion or the token.
 *
 * | token endpoint answer | code |
 * |---|---|
 * | 200 with `access_token` | ok |
 * | 400, 401, 403 (`invalid_grant`: bad key, clock skew, deleted account) | `AUTH_FAILED` (stop) |
 * | 429, 5xx | `PROVIDER_UNAVAILABLE` (retry, honouring `Retry-After`) |
 * | timeout, network error | `TIMEOUT`, `NETWORK_ERROR` |
 * | 200 without a token | `PROVIDER_RESPONSE_INVALID` |
 *
 * @param options - The service account, token URL, dispatcher for the token URL's origin, clock.
 * @returns The token source.
 */
export function createAccessTokens(options: {
  account: FcmServiceAccount;
  tokenUrl: string;
  dispatcher: Dispatcher;
  clock: Clock;
  timeoutMs: number;
}): AccessTokens {
  const key = createPrivateKey(options.account.private_key);
  const url = new URL(options.tokenUrl);
  let cached: { token: string; renewAt: number } | undefined;
  let pending: Promise<AccessTokenResult> | undefined;

  const exchange = async (): Promise<AccessTokenResult> => {
    const assertion = signAssertion(options.account, key, options.tokenUrl, options.clock.now());
    let status: number;
    let text: string;
    let retryAfter: string | undefined;
    try {
      const response = await options.dispatcher.request({
        origin: url.origin,
        path: `${url.pathname}${url.search}`,
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          grant_type: 'urn:ietf:params:oauth:grant-type:jwt-bearer',
          assertion,
        }).toString(),
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      });
      status = response.statusCode;
      text = await response.body.text();
      const header = response.headers['retry-after'];
      retryAfter = Array.isArray(header) ? header[0] : header;
    } catch (error) {
      const timedOut = error instanceof Error && /Timeout/.test(error.name);
      return {
        ok: false,
        error: new ChannelError(
          timedOut ? 'TIMEOUT' : 'NETWORK_ERROR',
          timedOut ? 'The OAuth token endpoint did not answer in time' : 'Could not reach the OAuth token endpoint',
        ),
      };
    }
    if (status === 429 || status >= 500) {
      const retryAfterMs = parseRetryAfter(retryAfter, options.clock.now());
      return {
        ok: false,
        error: new ChannelError('PROVIDER_UNAVAILABLE', `The OAuth token endpoint is unavailable (${status})`, {
          providerCode: `${status}`,
          ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
        }),
      };
    }
    if (status < 200 || status >= 300) {
      return {
        ok: false,
        error: new ChannelError(
          'AUTH_FAILED',
          `The OAuth token endpoint refused the service account (${status}): check the key, the account and the server clock`,
          { providerCode: oauthErrorCode(text) ?? `${status}` },
        ),
      };
    }
    const parsed = tokenResponseSchema.safeParse(parseJson(text));
    if (!parsed.success)
      return {
        ok: false,
        error: new ChannelError('PROVIDER_RESPONSE_INVALID', 'The OAuth token endpoint answered without a token'),
      };
    const lifetimeMs = parsed.data.expires_in * 1000;
    // Renew 5 min early, or at half the lifetime for tokens shorter than 10 min.
    const renewAt = options.clock.now() + Math.max(lifetimeMs / 2, lifetimeMs - TOKEN_RENEW_BEFORE_MS);
    cached = { token: parsed.data.access_token, renewAt };
    return { ok: true, token: parsed.data.access_token };
  };

  return {
    get() {
      if (cached && options.clock.now() < cached.renewAt) return Promise.resolve({ ok: true, token: cached.token });
      pending ??= exchange().finally(() => {
        pending = undefined;
      });
      return pending;
    },
    invalidate(token) {
      if (cached?.token === token) cached = undefined;
    },
  };
}

/**
 * Signs the service-account assertion (RS256).
 *
 * @param account - The service account.
 * @param key - Its private key.
 * @param audience - The token URL.
 * @param nowMs - Epoch ms.
 * @returns The compact JWT.
 */
export function signAssertion(account: FcmServiceAccount, key: KeyObject, audience: string, nowMs: number): string {
  const iat = Math.floor(nowMs / 1000);
  const header = encode({
    alg: 'RS256',
    typ: 'JWT',
    ...(account.private_key_id === undefined ? {} : { kid: account.private_key_id }),
  });
  const claims = encode({
    iss: account.client_email,
    scope: FCM_SCOPE,
    aud: audience,
    iat,
    exp: iat + ASSERTION_LIFETIME_S,
  });
  const input = `${header}.${claims}`;
  return `${input}.${sign('sha256', Buffer.from(input), key).toString('base64url')}`;
}

function encode(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** `invalid_grant` and friends: a fixed vocabulary, safe to report. */
function oauthErrorCode(text: string): string | undefined {
  const body = parseJson(text) as { error?: unknown } | undefined;
  return typeof body?.error === 'string' && /^[a-z_]{1,40}$/.test(body.error) ? body.error : undefined;
}
