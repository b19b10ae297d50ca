import { createPrivateKey } from 'node:crypto';
import type { Clock } from '@banditore/core';
import type { Dispatcher } from 'undici';
import { z } from 'zod';

/** The fields of a Google service-account JSON key that the channel uses (others are ignored). */
export const fcmServiceAccountSchema = z.object({
  project_id: z.string().regex(/^[a-z][a-z0-9-]{4,61}[a-z0-9]$/, 'must be a Firebase project id'),
  client_email: z.string().regex(/^[^@\s]+@[^@\s]+$/, 'must be the service account e-mail'),
  private_key: z
    .string()
    .refine(isRsaPrivateKey, 'must be the PEM RSA private key of the service account (the "private_key" field)'),
  private_key_id: z
    .string()
    .regex(/^[A-Za-z0-9]{1,128}$/)
    .optional(),
});

const dispatcherSchema = z.custom<Dispatcher>(
  (value) => typeof value === 'object' && value !== null && typeof (value as Dispatcher).request === 'function',
  'must be an undici Dispatcher (Pool, Agent or MockAgent)',
);
const clockSchema = z.custom<Clock>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Clock).now === 'function' &&
    typeof (value as Clock).setTimeout === 'function',
  'must be a Clock ({ now, setTimeout, clearTimeout })',
);
const httpUrl = z
  .string()
  .refine(
    (value) => URL.canParse(value) && /^https?:$/.test(new URL(value).protocol),
    'must be an http(s) URL (https outside tests)',
  );

/** Options of `createFcmChannel`. */
export const fcmChannelOptionsSchema = z.object({
  serviceAccount: fcmServiceAccountSchema,
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes, e.g. "fcm"')
    .optional(),
  baseUrl: httpUrl.default('https://fcm.googleapis.com'),
  tokenUrl: httpUrl.default('https://oauth2.googleapis.com/token'),
  ttlSeconds: z.number().int().min(0).max(2_419_200).default(86_400),
  /** Android notification channel the app created for alerts (`android.notification.channel_id`). */
  androidChannelId: z.string().min(1).max(100).optional(),
  limits: z
    .object({
      ratePerSecond: z.union([z.number().positive(), z.literal(Infinity)]).optional(),
      concurrency: z.number().int().min(1).max(10_000).optional(),
      burst: z.number().positive().optional(),
    })
    .optional(),
  connections: z.number().int().min(1).max(1024).default(64),
  timeoutMs: z.number().int().positive().max(600_000).default(10_000),
  dispatcher: dispatcherSchema.optional(),
  clock: clockSchema.optional(),
});

/**
 * Options of `createFcmChannel`.
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `serviceAccount` | — (required) | the service-account JSON key (`project_id`, `client_email`, `private_key`, `private_key_id`) |
 * | `name` | `"fcm"` | the channel name, also the subscribers' `channel` |
 * | `baseUrl` | `https://fcm.googleapis.com` | FCM HTTP v1 base URL (a sandbox in tests) |
 * | `tokenUrl` | `https://oauth2.googleapis.com/token` | OAuth2 token endpoint; also the JWT's `aud` |
 * | `ttlSeconds` | 86,400 | how long FCM keeps an undelivered message (capped by the announcement's `expires`) |
 * | `androidChannelId` | none | the app's Android notification channel for alerts |
 * | `limits` | 5,000/s, 64 in flight | pacing (the project quota is 600,000 messages a minute) |
 * | `connections` | 64 | sockets to FCM |
 * | `timeoutMs` | 10,000 | per-request timeout |
 * | `dispatcher` | a Pool per origin | an undici dispatcher for every request (MockAgent in tests) |
 * | `clock` | the system clock | JWT times, token renewal, TTL |
 */
export type FcmChannelOptions = z.input<typeof fcmChannelOptionsSchema>;
/** The service-account fields the channel reads. */
export type FcmServiceAccount = z.output<typeof fcmServiceAccountSchema>;

function isRsaPrivateKey(pem: string): boolean {
  try {
    return createPrivateKey(pem).asymmetricKeyType === 'rsa';
  } catch {
    return false;
  }
}
