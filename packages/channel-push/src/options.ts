import type { Clock } from '@banditore/core';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import { MAX_PLAINTEXT_BYTES } from './ece.js';
import { isVapidKeyPair } from './vapid.js';

const base64url = (bytes: number, what: string) =>
  z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/, `must be base64url without padding (${what})`)
    .refine((value) => Buffer.from(value, 'base64url').length === bytes, `must decode to ${bytes} bytes (${what})`);

/** The VAPID key pair and contact; the private key is never echoed. */
export const vapidSchema = z
  .object({
    publicKey: base64url(65, 'uncompressed P-256 public key'),
    privateKey: base64url(32, 'P-256 private key'),
    subject: z
      .string()
      .max(500)
      .regex(/^(mailto:[^@\s]+@[^@\s]+\.[^@\s]+|https:\/\/[^\s]+)$/, 'must be a mailto: address or an https: URL')
      .refine((value) => !/@localhost\b|\/\/localhost\b/.test(value), 'must not point at localhost (Apple refuses it)'),
  })
  .superRefine((value, ctx) => {
    if (!isVapidKeyPair(value))
      ctx.addIssue({ code: 'custom', path: ['privateKey'], message: 'must be the private half of publicKey' });
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
const origin = z
  .string()
  .refine(
    (value) => URL.canParse(value) && new URL(value).origin === value,
    'must be an origin such as "https://push.example"',
  );

/** Options of `createPushChannel`. */
export const pushChannelOptionsSchema = z.object({
  vapid: vapidSchema,
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes, e.g. "push"')
    .optional(),
  /** Seconds a push service keeps an undelivered message; shortened to the announcement's expiry. */
  ttlSeconds: z.number().int().min(0).max(2_419_200).default(86_400),
  maxPayloadBytes: z.number().int().min(256).max(MAX_PLAINTEXT_BYTES).default(3072),
  limits: z
    .object({
      ratePerSecond: z.union([z.number().positive(), z.literal(Infinity)]).optional(),
      concurrency: z.number().int().min(1).max(10_000).optional(),
      burst: z.number().positive().optional(),
    })
    .optional(),
  /** Connections per push-service origin. */
  connectionsPerOrigin: z.number().int().min(1).max(1024).default(32),
  timeoutMs: z.number().int().positive().max(600_000).default(10_000),
  /** Further allowed endpoint origins (a sandbox, a self-hosted push service). */
  extraOrigins: z.array(origin).max(20).default([]),
  /**
   * Worker threads that encrypt (RFC 8291 costs ~150 µs of CPU per message); 0 encrypts on the
   * main thread.
   */
  encryptionThreads: z.number().int().min(0).max(64).optional(),
  dispatcher: dispatcherSchema.optional(),
  clock: clockSchema.optional(),
});

/**
 * Options of `createPushChannel`.
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `vapid` | — (required) | `{ publicKey, privateKey, subject }`; see `generateVapidKeys()` |
 * | `name` | `"push"` | the channel name, also the subscribers' `channel` |
 * | `ttlSeconds` | 86,400 | how long a push service keeps an undelivered message (capped by the announcement's `expires`) |
 * | `maxPayloadBytes` | 3,072 | largest plaintext JSON (at most 3,993) |
 * | `limits` | 500/s, 128 in flight | pacing the broadcaster applies |
 * | `connectionsPerOrigin` | 32 | size of each push service's undici Pool |
 * | `timeoutMs` | 10,000 | per-request timeout |
 * | `encryptionThreads` | every core, at most 4 (0 on one core) | worker threads for the per-message encryption; 0 encrypts on the main thread |
 * | `extraOrigins` | none | further endpoint origins to accept (plain http only on loopback) |
 * | `dispatcher` | one Pool per origin | an undici dispatcher to send every request through (MockAgent in tests) |
 * | `clock` | the system clock | VAPID `exp`, TTL and origin pauses |
 */
export type PushChannelOptions = z.input<typeof pushChannelOptionsSchema>;
