import { SEVERITIES, type ChannelStateStore, type Clock } from '@banditore/core';
import type { Dispatcher } from 'undici';
import { z } from 'zod';
import type { MarketingPreferences } from './marketing.js';
import type { WhatsAppPortfolio } from './portfolio.js';
import type { ConversationWindow } from './window.js';

/** Template categories Meta assigns; MARKETING goes to `/marketing_messages`. */
export const TEMPLATE_CATEGORIES = ['UTILITY', 'MARKETING', 'AUTHENTICATION'] as const;
/** A template category. */
export type TemplateCategory = (typeof TEMPLATE_CATEGORIES)[number];

/** Where a template parameter's text comes from in the announcement. */
export const PARAMETER_SOURCES = [
  'headline',
  'body',
  'instruction',
  'area',
  'link',
  'severity',
  'event',
  'sender',
  'expires',
  'changes',
] as const;
/** A parameter source. */
export type ParameterSource = (typeof PARAMETER_SOURCES)[number];

const source = z.enum(PARAMETER_SOURCES);
const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be a topic slug such as "meteo"');

/** One approved template and when it is used. */
export const templateSchema = z.object({
  /** The template name as approved in WhatsApp Manager. */
  name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'must be lower-case letters, digits and underscores'),
  /** The category Meta approved it in; a later re-categorisation is applied with `updateTemplateCategory`. */
  category: z.enum(TEMPLATE_CATEGORIES),
  /** Languages it is approved in, as Meta spells them (`"it"`, `"en_US"`); the first is the fallback. */
  languages: z.array(z.string().regex(/^[a-z]{2,3}(_[A-Z]{2})?$/, 'must be a locale such as "it" or "en_US"')).min(1),
  /** Used only for these severities (any when unset). */
  severities: z.array(z.enum(SEVERITIES)).min(1).optional(),
  /** Used only for announcements with one of these topics (any when unset). */
  topics: z.array(slug).min(1).optional(),
  /**
   * A follow-up template, approved for corrections and cancellations of an alert the citizen
   * already got (e.g. "Aggiornamento dell'avviso: {{1}}. Cambia: {{2}}"): used only for
   * follow-ups of these kinds, outside the 24-hour window, and never for a first message. The
   * `changes` parameter source names what changed. Without one, a follow-up outside the window
   * uses the first-message template that fits. @defaultValue not a follow-up template
   */
  followUp: z
    .array(z.enum(['update', 'cancel']))
    .min(1)
    .optional(),
  /**
   * Body parameters: a list for positional `{{1}}`, `{{2}}` … or an object for named
   * parameters (`{ titolo: 'headline', zona: 'area' }`).
   */
  body: z
    .union([
      z.array(source).max(20),
      z.record(z.string().regex(/^[a-z0-9_]{1,64}$/, 'must be a parameter name such as "titolo"'), source),
    ])
    .default([]),
  /** `image`: the announcement's image is uploaded once and sent as the header. */
  header: z.enum(['none', 'image']).default('none'),
});

/** One template entry of the channel options. */
export type WhatsAppTemplate = z.input<typeof templateSchema>;
/** A template after defaults. */
export type ResolvedTemplate = z.output<typeof templateSchema>;

/** An undici dispatcher (Pool, Agent, MockAgent). */
const dispatcherSchema = z.custom<Dispatcher>(
  (value) => typeof value === 'object' && value !== null && typeof (value as Dispatcher).request === 'function',
  'must be an undici Dispatcher (Pool, Agent or MockAgent)',
);
const clockSchema = z.custom<Clock>(
  (value) => typeof value === 'object' && value !== null && typeof (value as Clock).now === 'function',
  'must be a Clock ({ now, setTimeout, clearTimeout })',
);
/** The store itself (its per-subscriber channel state), or any other source of the last inbound time. */
export type ConversationWindowSource = ConversationWindow | Pick<ChannelStateStore, 'channelState'>;
const windowSchema = z.custom<ConversationWindowSource>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    (typeof (value as ConversationWindow).lastInboundAt === 'function' ||
      typeof (value as ChannelStateStore).channelState === 'function'),
  'must be the store, or an object with lastInboundAt(address)',
);
const portfolioSchema = z.custom<WhatsAppPortfolio>(
  (value) =>
    typeof value === 'object' && value !== null && typeof (value as WhatsAppPortfolio).messagingLimit !== 'undefined',
  'must come from createWhatsAppPortfolio()',
);
const marketingPreferencesSchema = z.custom<MarketingPreferences>(
  (value) =>
    typeof value === 'object' &&
    value !== null &&
    typeof (value as MarketingPreferences).stopped === 'function' &&
    typeof (value as MarketingPreferences).record === 'function',
  'must be an object with stopped(address) and record(address, stopped, at)',
);
const undeliverableLedgerSchema = z.custom<UndeliverableLedger>(
  (value) => typeof value === 'object' && value !== null && typeof (value as UndeliverableLedger).record === 'function',
  'must be an object with record(address, at)',
);

/** Prices per delivered message, by category, for one country calling code. */
export const priceTableSchema = z.object({
  /** ISO 4217, e.g. `"EUR"`. */
  currency: z.string().regex(/^[A-Z]{3}$/, 'must be an ISO 4217 code such as "EUR"'),
  /** When the prices were read from Meta's rate card (they change): `"2026-12-01"`. */
  asOf: z.iso.date(),
  /** Price of one delivered template by category (free-form `SERVICE` messages when given). */
  perMessage: z.object({
    MARKETING: z.number().min(0),
    UTILITY: z.number().min(0),
    AUTHENTICATION: z.number().min(0).optional(),
    SERVICE: z.number().min(0).optional(),
  }),
});

/** A price table for `estimate()`. */
export type PriceTable = z.input<typeof priceTableSchema>;

/**
 * Counts 131026 ("undeliverable") per address on separate days. One failure is not proof that a
 * number is dead (an old client, a temporary hold), so the subscriber is dropped only when this
 * returns at least `dropUndeliverableAfterDays`.
 */
export interface UndeliverableLedger {
  /** Records a failure at `at` and returns on how many distinct days this address failed. */
  record(address: string, at: number): number | Promise<number>;
}

const rate = z.union([z.number().positive(), z.literal(Infinity)]);

/** Options of `createWhatsAppChannel`. */
export const whatsAppChannelOptionsSchema = z.object({
  accessToken: z
    .string()
    .regex(/^[A-Za-z0-9_\-.|]{20,4096}$/, 'must be a system-user access token (letters, digits, no spaces)'),
  phoneNumberId: z.string().regex(/^\d{5,20}$/, 'must be the numeric phone number ID from WhatsApp Manager'),
  apiVersion: z
    .string()
    .regex(/^v\d{2}\.\d$/, 'must be a Graph API version such as "v23.0"')
    .default('v23.0'),
  baseUrl: z.url({ protocol: /^https?$/ }).default('https://graph.facebook.com'),
  dispatcher: dispatcherSchema.optional(),
  /** Downloads the announcement image before its upload (the global dispatcher when unset). */
  mediaDispatcher: dispatcherSchema.optional(),
  /** Messages per second of this number: 80 by default, 1,000 after Meta's upgrade, 20 for coexistence numbers. */
  throughput: z.union([z.literal(20), z.literal(80), z.literal(1000)]).default(80),
  limits: z
    .object({
      ratePerSecond: rate.optional(),
      concurrency: z.number().int().min(1).max(10_000).optional(),
      burst: z.number().positive().optional(),
      perRecipientIntervalMs: z.number().min(0).max(3_600_000).optional(),
    })
    .optional(),
  /** The business portfolio whose messaging limit this number shares (from `createWhatsAppPortfolio`). */
  portfolio: portfolioSchema.optional(),
  templates: z.array(templateSchema).max(200).default([]),
  /**
   * When each citizen last wrote, for free-form inside the 24-hour window: the store (the inbox
   * records inbound messages in it) or your own {@link ConversationWindow}.
   */
  conversationWindow: windowSchema.optional(),
  /** Send free-form messages inside an open window (else always templates). */
  freeFormInWindow: z.boolean().default(true),
  undeliverableLedger: undeliverableLedgerSchema.optional(),
  dropUndeliverableAfterDays: z.number().int().min(1).max(30).default(3),
  /** Citizens who stopped marketing messages; MARKETING templates are not sent to them. */
  marketingPreferences: marketingPreferencesSchema.optional(),
  prices: priceTableSchema.optional(),
  name: z
    .string()
    .regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lower-case letters, digits and dashes, e.g. "whatsapp"')
    .default('whatsapp'),
  timeoutMs: z.number().int().positive().max(600_000).default(15_000),
  timeZone: z.string().min(1).max(64).default('Europe/Rome'),
  clock: clockSchema.optional(),
});

/**
 * Options of `createWhatsAppChannel`.
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `accessToken` | — (required) | a system-user token; only ever in the `Authorization` header |
 * | `phoneNumberId` | — (required) | the sending number's ID |
 * | `apiVersion` | `"v23.0"` | Graph API version |
 * | `baseUrl` | `https://graph.facebook.com` | the Graph root (a sandbox URL in tests) |
 * | `dispatcher` | a Pool per host | any undici dispatcher |
 * | `mediaDispatcher` | the global one | downloads the announcement image for its upload |
 * | `throughput` | `80` | the number's messages per second: 20, 80 or 1,000 |
 * | `limits` | from `throughput`, 6 s per recipient | overrides of the pacing |
 * | `portfolio` | none: no daily limit | the shared messaging limit of the business portfolio |
 * | `templates` | `[]` | approved templates by severity/topic/language; `followUp` ones for updates and cancels |
 * | `conversationWindow` | none: always templates | the store (or a `ConversationWindow`): when each citizen last wrote |
 * | `freeFormInWindow` | `true` | free-form text inside an open window |
 * | `undeliverableLedger` | in memory | counts 131026 per address and day |
 * | `dropUndeliverableAfterDays` | `3` | days of 131026 before a subscriber is dropped |
 * | `marketingPreferences` | in memory | who stopped marketing messages (no MARKETING template to them) |
 * | `prices` | none | price table for `estimate()` |
 * | `name` | `"whatsapp"` | channel name, also the subscribers' `channel` |
 * | `timeoutMs` | 15,000 | per request |
 * | `timeZone` | `"Europe/Rome"` | for dates in parameters |
 * | `clock` | the system clock | wall time for the window and the ledger |
 */
export type WhatsAppChannelOptions = z.input<typeof whatsAppChannelOptionsSchema>;

/** The options after defaults. */
export type ResolvedWhatsAppChannelOptions = z.output<typeof whatsAppChannelOptionsSchema>;
