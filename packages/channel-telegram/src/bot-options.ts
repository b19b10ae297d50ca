import type { SubscriberStore } from '@banditore/core';
import { z } from 'zod';
import { dispatcherSchema, tokenSchema } from './options.js';
import type { TelegramBotEvent } from './bot-events.js';

const topicId = z
  .string()
  .regex(
    /^[a-z0-9][a-z0-9-]{0,59}$/,
    'must be a topic slug of at most 60 characters (Telegram callback data is short)',
  );
const label = z.string().trim().min(1).max(40);

const topicSchema = z
  .object({
    /** The topic slug, as in announcements' `topics`. */
    id: topicId,
    /** A label, or labels per language (`{ it: 'Meteo', en: 'Weather' }`; `it` required). */
    label: z.union([label, z.record(z.enum(['it', 'en']), label)]),
  })
  .transform((topic) => ({
    id: topic.id,
    label: typeof topic.label === 'string' ? { it: topic.label } : topic.label,
  }))
  .refine((topic) => topic.label.it !== undefined, { message: 'label must include Italian (it)', path: ['label'] });

const storeSchema = z.custom<SubscriberStore>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    ['subscribe', 'findSubscriber', 'updateSubscriber'].every(
      (method) => typeof (value as Record<string, unknown>)[method] === 'function',
    ),
  'must be a SubscriberStore',
);

/** Options of `createTelegramBot`, validated once. */
export const telegramBotOptionsSchema = z.object({
  token: tokenSchema,
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://api.telegram.org'),
  dispatcher: dispatcherSchema.optional(),
  timeoutMs: z.number().int().positive().max(600_000).default(10_000),
  store: storeSchema,
  channel: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/)
    .default('telegram'),
  topics: z
    .array(topicSchema)
    .min(1)
    .max(40)
    .refine((topics) => new Set(topics.map((topic) => topic.id)).size === topics.length, 'topic ids must be unique'),
  noticeVersion: z.string().trim().min(1).max(64),
  privacyUrl: z.url({ protocol: /^https$/ }),
  comuneName: z.string().trim().min(1).max(100),
  defaultLanguage: z.enum(['it', 'en']).default('it'),
  recentUpdates: z.number().int().min(1).max(1_000_000).default(10_000),
  onEvent: z
    .custom<(event: TelegramBotEvent) => void>((value) => typeof value === 'function', 'must be a function')
    .optional(),
});

/**
 * Options of `createTelegramBot`.
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `token` | — | the bot token |
 * | `store` | — | where subscriptions and consent go |
 * | `topics` | — | the comune's topics: `{ id, label }`, label a string or `{ it, en }` |
 * | `noticeVersion` | — | the privacy notice version recorded with each consent |
 * | `privacyUrl` | — | https link to the privacy notice (`/privacy`) |
 * | `comuneName` | — | shown in replies, e.g. `"Comune di Jesi"` |
 * | `channel` | `"telegram"` | the subscribers' channel name (the fan-out channel's name) |
 * | `defaultLanguage` | `"it"` | for users whose Telegram language is neither it nor en |
 * | `recentUpdates` | 10,000 | update ids remembered to drop duplicates |
 * | `baseUrl`, `dispatcher`, `timeoutMs` | as the channel | Bot API connection |
 * | `onEvent` | none | data-minimal events (no chat ids, no text) |
 */
export type TelegramBotOptions = z.input<typeof telegramBotOptionsSchema>;
/** Options after defaults. */
export type ResolvedTelegramBotOptions = z.output<typeof telegramBotOptionsSchema>;
