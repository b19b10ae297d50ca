import {
  ChannelError,
  systemClock,
  type Announcement,
  type Channel,
  type ChannelLimits,
  type SendResult,
} from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { errors, Pool, type Dispatcher } from 'undici';
import { z } from 'zod';
import { classifyFcmResponse, type FcmExchange } from './fcm-classify.js';
import { createAccessTokens } from './fcm-oauth.js';
import { fcmChannelOptionsSchema, type FcmChannelOptions } from './fcm-options.js';
import { fcmRequestBody, renderFcmMessage, type FcmMessage } from './fcm-render.js';

/** An FCM HTTP v1 channel. */
export type FcmChannel = Channel<FcmMessage>;

/**
 * The project quota is 600,000 messages a minute (10,000/s); half of it leaves room for the
 * comune's other senders on the same project.
 */
const DEFAULT_LIMITS = { ratePerSecond: 5_000, concurrency: 64 };

/**
 * An FCM registration token: what the app gets from `getToken()`, e.g. `cXk…:APA91b…` (about
 * 160 characters of base64url and a colon). Never repeated in messages.
 */
export const fcmTokenSchema: z.ZodType<string> = z
  .string()
  .regex(/^[A-Za-z0-9_:-]{32,4096}$/, 'must be an FCM registration token');

/**
 * Creates the FCM HTTP v1 channel for the comune's native app: one request per registration
 * token (no topics, so the ledger knows who got what), `Authorization: Bearer` from the service
 * account's OAuth2 flow (cached, renewed 5 min early, renewed at once and the send retried once
 * when FCM answers 401), a notification with data, and for emergencies (extreme or severe)
 * Android `priority: HIGH` and APNs `apns-priority: 10` with a time-sensitive interruption level.
 * Errors follow `classifyFcmResponse`: UNREGISTERED and invalid tokens drop the subscriber,
 * QUOTA_EXCEEDED pauses the channel, UNAVAILABLE and INTERNAL back off, SENDER_ID_MISMATCH and
 * authentication errors stop the channel.
 *
 * @param options - See {@link FcmChannelOptions}; only `serviceAccount` is required.
 * @returns A channel named `"fcm"` (unless `name` is set).
 * @throws ConfigError naming the invalid fields (never their values, never the key).
 * @example
 * ```ts
 * const serviceAccount = JSON.parse(await readFile('firebase-service-account.json', 'utf8'))
 * const fcm = createFcmChannel({ serviceAccount, androidChannelId: 'avvisi' })
 * const broadcaster = createBroadcaster({ store, channels: [fcm] })
 * ```
 */
export function createFcmChannel(options: FcmChannelOptions): FcmChannel {
  const resolved = parseOrThrow('createFcmChannel options', fcmChannelOptionsSchema, options);
  const clock = resolved.clock ?? systemClock;
  const base = new URL(resolved.baseUrl);
  const tokenUrl = new URL(resolved.tokenUrl);
  const owned: Pool[] = [];
  const dispatcherFor = (origin: string, connections: number): Dispatcher => {
    if (resolved.dispatcher) return resolved.dispatcher;
    const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
    owned.push(pool);
    return pool;
  };
  const fcm = dispatcherFor(base.origin, resolved.connections);
  const tokens = createAccessTokens({
    account: resolved.serviceAccount,
    tokenUrl: resolved.tokenUrl,
    dispatcher: tokenUrl.origin === base.origin ? fcm : dispatcherFor(tokenUrl.origin, 2),
    clock,
    timeoutMs: resolved.timeoutMs,
  });
  const path = `${base.pathname.replace(/\/$/, '')}/v1/projects/${resolved.serviceAccount.project_id}/messages:send`;
  const limits = { ...DEFAULT_LIMITS, ...stripUndefined(resolved.limits ?? {}), shared: [] } as ChannelLimits;

  const post = async (body: string, token: string, signal: AbortSignal): Promise<FcmExchange> => {
    try {
      const response = await fcm.request({
        origin: base.origin,
        path,
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
        body,
        signal,
        headersTimeout: resolved.timeoutMs,
        bodyTimeout: resolved.timeoutMs,
      });
      const text = await response.body.text();
      const retryAfter = response.headers['retry-after'];
      return {
        kind: 'response',
        status: response.statusCode,
        body: text,
        retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
      };
    } catch (error) {
      if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError)
        return { kind: 'timeout' };
      if (error instanceof errors.RequestAbortedError || signal.aborted) return { kind: 'aborted' };
      return { kind: 'network-error' };
    }
  };

  return {
    name: resolved.name ?? 'fcm',
    limits,
    addressSchema: fcmTokenSchema,
    render: (announcement: Announcement, language: string) => renderFcmMessage(announcement, language),
    async send(address, rendered, { signal, nextRequest }): Promise<SendResult> {
      if (signal.aborted) return aborted();
      const now = clock.now();
      const body = fcmRequestBody(
        address,
        rendered,
        ttlFor(rendered, resolved.ttlSeconds, now),
        now,
        resolved.androidChannelId,
      );
      for (let attempt = 0; ; attempt++) {
        const access = await tokens.get();
        if (!access.ok) return access;
        if (signal.aborted) return aborted();
        const outcome = classifyFcmResponse(await post(body, access.token, signal), clock.now());
        if (outcome.ok) return { ok: true, providerMessageId: outcome.providerMessageId };
        // A token revoked or expired early: renew it and resend once, through the gate like any request.
        if (!outcome.refreshToken || attempt > 0) return { ok: false, error: outcome.error };
        tokens.invalidate(access.token);
        try {
          await nextRequest?.();
        } catch {
          return aborted();
        }
      }
    },
    async close() {
      await Promise.all(owned.map((pool) => pool.close()));
    },
  };
}

function ttlFor(message: FcmMessage, ttlSeconds: number, now: number): number {
  if (message.expiresAt === undefined) return ttlSeconds;
  return Math.max(0, Math.min(ttlSeconds, Math.floor((message.expiresAt - now) / 1000)));
}

function aborted(): SendResult {
  return { ok: false, error: new ChannelError('NETWORK_ERROR', 'The send was aborted') };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
