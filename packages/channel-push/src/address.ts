import { ECDH } from 'node:crypto';
import { z } from 'zod';

/**
 * Hosts of the push services browsers use (Chrome/Edge-on-Android/Opera via FCM, Firefox via
 * Mozilla autopush, Safari via Apple, Edge on Windows via WNS). An endpoint elsewhere is refused:
 * the server would otherwise POST to any URL a visitor supplies.
 */
export const KNOWN_PUSH_SERVICES: readonly (string | RegExp)[] = [
  'fcm.googleapis.com',
  'updates.push.services.mozilla.com',
  'web.push.apple.com',
  /^[a-z0-9-]+\.notify\.windows\.com$/,
];

/** A decoded subscription, ready to send to. */
export interface PushTarget {
  endpoint: string;
  /** The endpoint's origin: the VAPID audience and the pool key. */
  origin: string;
  p256dh: Buffer;
  auth: Buffer;
}

const LOOPBACK = new Set(['127.0.0.1', '[::1]', 'localhost']);

/**
 * Builds the schema of push addresses: the JSON of a browser `PushSubscription`
 * (`{ endpoint, expirationTime?, keys: { p256dh, auth } }`) whose endpoint is https on a known
 * push service (or one of `extraOrigins`), `p256dh` a 65-byte point on P-256 and `auth` 16 bytes.
 * Messages never repeat the value.
 *
 * @param extraOrigins - Further allowed origins, e.g. a sandbox's `http://127.0.0.1:port` (plain
 *   http only on loopback).
 * @returns The schema of the address string.
 */
export function pushAddressSchema(extraOrigins: readonly string[] = []): z.ZodType<string> {
  const extra = new Set(extraOrigins);
  return z.string().superRefine((value, ctx) => {
    const problem = addressProblem(value, extra);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  });
}

/** The address schema with only the known push services. */
export const webPushAddressSchema: z.ZodType<string> = pushAddressSchema();

/**
 * Decodes an address already validated by {@link pushAddressSchema}.
 *
 * @param address - The subscription JSON.
 * @returns The target, or `undefined` when it does not decode.
 */
export function parsePushAddress(address: string): PushTarget | undefined {
  const subscription = parseJson(address);
  if (subscription === undefined) return undefined;
  const url = safeUrl(subscription.endpoint);
  if (url === undefined) return undefined;
  return {
    endpoint: url.href,
    origin: url.origin,
    p256dh: Buffer.from(subscription.keys.p256dh, 'base64url'),
    auth: Buffer.from(subscription.keys.auth, 'base64url'),
  };
}

const base64url = z.string().regex(/^[A-Za-z0-9_-]+={0,2}$/);
const subscriptionSchema = z.object({
  endpoint: z.string().max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: base64url.max(100), auth: base64url.max(40) }),
});

function parseJson(address: string): z.output<typeof subscriptionSchema> | undefined {
  if (address.length > 4096) return undefined;
  try {
    const parsed = subscriptionSchema.safeParse(JSON.parse(address));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function addressProblem(value: string, extra: ReadonlySet<string>): string | undefined {
  const subscription = parseJson(value);
  if (subscription === undefined)
    return 'must be the JSON of a PushSubscription ({ endpoint, keys: { p256dh, auth } })';
  const url = safeUrl(subscription.endpoint);
  if (url === undefined) return 'endpoint must be a URL';
  if (!extra.has(url.origin)) {
    if (url.protocol !== 'https:' || url.port !== '') return 'endpoint must be https on the default port';
    if (
      !KNOWN_PUSH_SERVICES.some((host) => (typeof host === 'string' ? host === url.hostname : host.test(url.hostname)))
    )
      return 'endpoint must belong to a known push service';
  } else if (url.protocol !== 'https:' && !LOOPBACK.has(url.hostname)) {
    return 'endpoint must be https (plain http only on loopback)';
  }
  if (url.username !== '' || url.password !== '') return 'endpoint must not carry credentials';
  const p256dh = Buffer.from(subscription.keys.p256dh, 'base64url');
  if (p256dh.length !== 65 || p256dh[0] !== 4 || !isOnCurve(p256dh)) return 'keys.p256dh must be a 65-byte P-256 point';
  if (Buffer.from(subscription.keys.auth, 'base64url').length !== 16) return 'keys.auth must be 16 bytes';
  return undefined;
}

function isOnCurve(point: Buffer): boolean {
  try {
    ECDH.convertKey(point, 'prime256v1');
    return true;
  } catch {
    return false;
  }
}

function safeUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}
