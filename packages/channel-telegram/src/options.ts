import { SEVERITIES, type Clock, type Severity } from '@banditore/core';
import type { Dispatcher } from 'undici';
import { z } from 'zod';

/** A BotFather token: the bot id, a colon, then the secret. Checked loosely; the value is never echoed. */
export const TOKEN_PATTERN = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;

/** The token, validated without ever putting it in the error message. */
export const tokenSchema = z
  .string()
  .regex(TOKEN_PATTERN, 'must look like a BotFather token: digits, ":", then the secret');

/** An undici dispatcher (Pool, Agent, MockAgent). */
export const dispatcherSchema = z.custom<Dispatcher>(
  (value) => typeof value === 'object' && value !== null && typeof (value as Dispatcher).request === 'function',
  'must be an undici Dispatcher (Pool, Agent or MockAgent)',
);

/** A Clock from core. */
export const clockSchema = z.custom<Clock>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as Clock).now === 'function' &&
    typeof (value as Clock).setTimeout === 'function',
  'must be a Clock ({ now, setTimeout, clearTimeout })',
);

const rate = z.union([z.number().positive(), z.literal(Infinity)]);

/** Overrides of the channel's limits; unset fields keep the defaults. */
export const limitsSchema = z.object({
  /** Messages per second across all chats. */
  ratePerSecond: rate.optional(),
  /** Sends in flight at once. */
  concurrency: z.number().int().min(1).max(10_000).optional(),
  /** Sends that may go back to back before pacing spreads them. */
  burst: z.number().positive().optional(),
  /** Least time between two requests to one chat, in ms, from the end of the previous one; also between a split message's parts. */
  perRecipientIntervalMs: z.number().min(0).max(3_600_000).optional(),
});

/** A shared budget (see `SharedBudget` in core), or `false` to pace this channel on its own. */
export const sharedBudgetSchema = z.union([
  z.literal(false),
  z.object({
    key: z.string().min(1).max(200),
    ratePerSecond: rate,
    burst: z.number().positive().optional(),
    sharePause: z.boolean().optional(),
  }),
]);

const channelName = z
  .string()
  .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes, e.g. "telegram"');

/** Options shared by the fan-out channel and the channel-post channel. */
export const telegramChannelOptionsSchema = z.object({
  token: tokenSchema,
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
  dispatcher: dispatcherSchema.optional(),
  limits: limitsSchema.optional(),
  silentBelow: z.enum(SEVERITIES).default('moderate'),
  name: channelName.optional(),
  timeoutMs: z.number().int().positive().max(600_000).default(10_000),
  paidBroadcast: z.boolean().default(false),
  linkPreviews: z.boolean().default(false),
  timeZone: z
    .string()
    .refine((zone) => isTimeZone(zone), 'must be an IANA time zone such as "Europe/Rome"')
    .default('Europe/Rome'),
  clock: clockSchema.optional(),
  sharedBudget: sharedBudgetSchema.optional(),
});

/**
 * Options of `createTelegramChannel` and `createTelegramChannelPost`.
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `token` | — (required) | the bot token from BotFather |
 * | `baseUrl` | `https://api.telegram.org` | the Bot API root (a sandbox or a local Bot API server) |
 * | `dispatcher` | a Pool of 64 connections | an undici dispatcher to send through |
 * | `limits` | 30/s, 1 s per chat (fan-out); 1/s, 3 s (channel post); 1,000/s with `paidBroadcast` | pacing the broadcaster applies |
 * | `silentBelow` | `"moderate"` | severities below it go with `disable_notification`; `"unknown"` never silences |
 * | `name` | `"telegram"` / `"telegram-channel"` | the channel name, also the subscribers' `channel` |
 * | `timeoutMs` | 10,000 | per-request timeout |
 * | `paidBroadcast` | `false` | sets `allow_paid_broadcast` (0.1 Star per message, up to 1,000/s) |
 * | `linkPreviews` | `false` | lets Telegram show a preview of the first link |
 * | `timeZone` | `"Europe/Rome"` | for the "valid until" line |
 * | `clock` | the system clock | spaces the parts of a split message sent without a broadcaster |
 * | `sharedBudget` | the bot's: 30/s (1,000/s paid), keyed by the bot id | the budget this channel shares with the bot's other channels; `false` for none |
 */
export type TelegramChannelOptions = z.input<typeof telegramChannelOptionsSchema>;

/** The options after defaults. */
export type ResolvedTelegramChannelOptions = z.output<typeof telegramChannelOptionsSchema>;

/** A severity, re-exported for option typing. */
export type { Severity };

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
