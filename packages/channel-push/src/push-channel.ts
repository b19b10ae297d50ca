import {
  ChannelError,
  systemClock,
  type Announcement,
  type Channel,
  type ChannelLimits,
  type SendResult,
} from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { parsePushAddress, pushAddressSchema } from './address.js';
import { classifyPushResponse } from './classify.js';
import { encryptPushPayload } from './ece.js';
import { createEncryptionPool, defaultEncryptionThreads, UnusableKeyError } from './encryption-pool.js';
import { createOriginPauses } from './origin-pauses.js';
import { createOriginPools } from './origin-pools.js';
import { pushChannelOptionsSchema, type PushChannelOptions } from './options.js';
import { renderPushMessage, type PushMessage } from './render.js';
import { sendPushRequest } from './send-request.js';
import { createVapidSigner } from './vapid.js';

/** A Web Push channel. */
export type PushChannel = Channel<PushMessage>;

/**
 * Push services publish no fixed rate; FCM and Mozilla answer 429 when pushed too hard (and a 429
 * pauses only that service, see `origin-pauses.ts`). 500/s is a cautious default; the encryption
 * runs on worker threads, so raising it with `limits` costs the event loop little.
 */
const DEFAULT_LIMITS = { ratePerSecond: 500, concurrency: 128 };

/**
 * Creates the Web Push channel (RFC 8030 delivery, RFC 8291 `aes128gcm`, RFC 8292 VAPID). The
 * subscriber address is the JSON of the browser's `PushSubscription`. Each send encrypts the
 * language's rendered JSON for the subscriber on a worker thread (`encryptionThreads`; the send
 * awaits its body, so the broadcaster's pacing, priorities and cancel apply unchanged, and a send
 * cancelled while queued is never encrypted) and POSTs it with `TTL` (capped by the
 * announcement's expiry), `Urgency` (`high` for extreme and severe) and a `Topic` shared by an
 * announcement and its updates, so an update replaces an undelivered older message.
 *
 * A 429 pauses only the push service that sent it (see `origin-pauses.ts`); 404/410 drop the
 * subscription; 413 fails the message; 5xx back off; 400/401/403 stop the channel.
 *
 * @param options - See {@link PushChannelOptions}; only `vapid` is required.
 * @returns A channel named `"push"` (unless `name` is set).
 * @throws ConfigError naming the invalid fields (never their values).
 * @example
 * ```ts
 * const push = createPushChannel({ vapid: { publicKey, privateKey, subject: 'mailto:urp@comune.jesi.an.it' } })
 * const broadcaster = createBroadcaster({ store, channels: [push] })
 * ```
 */
export function createPushChannel(options: PushChannelOptions): PushChannel {
  const resolved = parseOrThrow('createPushChannel options', pushChannelOptionsSchema, options);
  const clock = resolved.clock ?? systemClock;
  const signer = createVapidSigner(resolved.vapid, resolved.vapid.subject, clock);
  const pools = createOriginPools(resolved.connectionsPerOrigin, resolved.dispatcher);
  const pauses = createOriginPauses(clock);
  const encryption = createEncryptionPool(resolved.encryptionThreads ?? defaultEncryptionThreads());
  // Push services have no per-account limit: with `ratePerSecond: Infinity`, several broadcaster
  // processes sharing a store may deliver one run together (core's `limits.parallel`).
  const limits = {
    ...DEFAULT_LIMITS,
    ...stripUndefined(resolved.limits ?? {}),
    shared: [],
    parallel: true,
  } as ChannelLimits;

  return {
    name: resolved.name ?? 'push',
    limits,
    addressSchema: pushAddressSchema(resolved.extraOrigins),
    render: (announcement: Announcement, language: string) =>
      renderPushMessage(announcement, language, resolved.maxPayloadBytes),
    async send(address, rendered, { signal }): Promise<SendResult> {
      const target = parsePushAddress(address);
      if (target === undefined)
        return { ok: false, error: new ChannelError('RECIPIENT_GONE', 'The push subscription is not readable') };
      const waitMs = pauses.remaining(target.origin);
      if (waitMs > 0) {
        return {
          ok: false,
          error: new ChannelError('RECIPIENT_RATE_LIMITED', 'The push service asked to wait', { retryAfterMs: waitMs }),
        };
      }
      if (signal.aborted) return aborted();
      let body: Buffer;
      try {
        body = await encryption.encrypt(target, rendered.plaintext, signal);
      } catch (error) {
        if (signal.aborted) return aborted();
        // Only a p256dh that is not a P-256 point gets here (the address schema refuses it at the door).
        if (error instanceof UnusableKeyError) return unusableKeys();
        // The worker died under this job: encrypt here rather than lose the delivery.
        try {
          body = encryptPushPayload(target, rendered.plaintext);
        } catch {
          return unusableKeys();
        }
      }
      // Cancelled while the body was encrypted: nothing more goes out.
      if (signal.aborted) return aborted();
      const exchange = await sendPushRequest(pools.get(target.origin), target.endpoint, {
        body,
        authorization: signer.authorization(target.origin),
        ttlSeconds: ttlFor(rendered, resolved.ttlSeconds, clock.now()),
        urgency: rendered.urgency,
        topic: rendered.topic,
        timeoutMs: resolved.timeoutMs,
      });
      const outcome = classifyPushResponse(exchange, clock.now());
      if (outcome.ok) return { ok: true };
      if (outcome.error.code === 'RECIPIENT_RATE_LIMITED') pauses.pause(target.origin, outcome.error.retryAfterMs ?? 0);
      return outcome;
    },
    async close() {
      await Promise.all([pools.close(), encryption.close()]);
    },
  };
}

/** The TTL header: the configured TTL, shortened so an expired announcement is not shown late. */
function ttlFor(message: PushMessage, ttlSeconds: number, now: number): number {
  if (message.expiresAt === undefined) return ttlSeconds;
  return Math.max(0, Math.min(ttlSeconds, Math.floor((message.expiresAt - now) / 1000)));
}

function aborted(): SendResult {
  return { ok: false, error: new ChannelError('NETWORK_ERROR', 'The send was aborted') };
}

function unusableKeys(): SendResult {
  return { ok: false, error: new ChannelError('RECIPIENT_GONE', 'The push subscription keys are unusable') };
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as Partial<T>;
}
