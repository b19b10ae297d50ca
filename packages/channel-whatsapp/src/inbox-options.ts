import type { ChannelStateStore, ReceiptStore, SubscriberStore } from '@banditore/core';
import { z } from 'zod';
import { DEFAULT_KEYWORDS, keywordsSchema } from './keywords.js';
import type { InboxEvent } from './inbox-events.js';
import type { MarketingPreferences } from './marketing.js';
import type { UndeliverableLedger } from './options.js';
import type { WhatsAppReplies } from './replies.js';
import type { WhatsAppChannel } from './whatsapp-channel.js';

/** What the inbox takes from the channel of the same number. */
export type InboxChannel = Pick<
  WhatsAppChannel,
  'name' | 'phoneNumberId' | 'replies' | 'undeliverableLedger' | 'marketingPreferences' | 'updateTemplateCategory'
>;

/** What the inbox needs from a store. */
export type InboxStore = Pick<SubscriberStore, 'subscribe' | 'findSubscriber' | 'updateSubscriber'> &
  Pick<ReceiptStore, 'recordReceipts'> &
  Pick<ChannelStateStore, 'recordInbound'>;

const label = z.string().trim().min(1).max(22);
const topicSchema = z
  .object({
    /** The topic slug, as in announcements' `topics`. */
    id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,59}$/, 'must be a topic slug of at most 60 characters'),
    /** A label, or labels per language (`{ it: 'Meteo', en: 'Weather' }`; `it` required). Fits a list row. */
    label: z.union([label, z.record(z.enum(['it', 'en']), label)]),
  })
  .transform((topic): { id: string; label: Partial<Record<'it' | 'en', string>> } => ({
    id: topic.id,
    label: typeof topic.label === 'string' ? { it: topic.label } : topic.label,
  }))
  .refine((topic) => topic.label.it !== undefined, { message: 'label must include Italian (it)', path: ['label'] });

const fn = <T>(what: string) => z.custom<T>((value) => typeof value === 'function', `must be ${what}`);
const hasMethods = <T>(methods: string[], what: string) =>
  z.custom<T>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      methods.every((method) => typeof (value as Record<string, unknown>)[method] === 'function'),
    `must be ${what}`,
  );

/** Options of `createWhatsAppInbox`, validated once. */
export const whatsAppInboxOptionsSchema = z
  .object({
    store: hasMethods<InboxStore>(
      ['subscribe', 'findSubscriber', 'updateSubscriber', 'recordReceipts', 'recordInbound'],
      'a Store',
    ),
    /**
     * The channel of the same number (from `createWhatsAppChannel`): the inbox answers through its
     * paced replies, shares its 131026 ledger and marketing preferences, hands it template
     * re-categorisations and takes its name and phone number ID.
     */
    channel: z
      .custom<InboxChannel>(
        (value) =>
          typeof value === 'object' &&
          value !== null &&
          typeof (value as InboxChannel).updateTemplateCategory === 'function' &&
          typeof (value as InboxChannel).replies?.text === 'function',
        'must be the channel from createWhatsAppChannel',
      )
      .optional(),
    /** Overrides the channel's replies (required without `channel`). */
    replies: hasMethods<WhatsAppReplies>(['text', 'list'], 'an object with text() and list()').optional(),
    comuneName: z.string().trim().min(1).max(100),
    privacyUrl: z.url({ protocol: /^https$/ }),
    noticeVersion: z.string().trim().min(1).max(64),
    /** WhatsApp lists hold 10 rows: 9 topics and "all topics". */
    topics: z
      .array(topicSchema)
      .max(9)
      .refine((topics) => new Set(topics.map((topic) => topic.id)).size === topics.length, 'topic ids must be unique')
      .default([]),
    keywords: keywordsSchema.default(DEFAULT_KEYWORDS),
    phoneNumberId: z
      .string()
      .regex(/^\d{5,20}$/, 'must be the numeric phone number ID')
      .optional(),
    defaultLanguage: z.enum(['it', 'en']).default('it'),
    replyToOtherMessages: z.boolean().default(true),
    recentMessages: z.number().int().min(1).max(1_000_000).default(20_000),
    undeliverableLedger: hasMethods<UndeliverableLedger>(['record'], 'an object with record(address, at)').optional(),
    dropUndeliverableAfterDays: z.number().int().min(1).max(30).default(3),
    marketingPreferences: hasMethods<MarketingPreferences>(
      ['stopped', 'record'],
      'an object with stopped(address) and record(address, stopped, at)',
    ).optional(),
    onTemplateCategory: fn<(update: TemplateCategoryUpdate) => void>('a function').optional(),
    onEvent: fn<(event: InboxEvent) => void>('a function').optional(),
  })
  .refine((options) => options.replies !== undefined || options.channel !== undefined, {
    message: 'give the channel (or replies)',
    path: ['channel'],
  })
  .transform(({ channel: from, replies, ...options }) => ({
    ...options,
    /** The subscribers' channel name. */
    channel: from?.name ?? 'whatsapp',
    replies: (replies ?? from?.replies)!,
    phoneNumberId: options.phoneNumberId ?? from?.phoneNumberId,
    undeliverableLedger: options.undeliverableLedger ?? from?.undeliverableLedger,
    marketingPreferences: options.marketingPreferences ?? from?.marketingPreferences,
    categoryChanged: (update: TemplateCategoryUpdate): void => {
      from?.updateTemplateCategory(update.name, update.category);
      options.onTemplateCategory?.(update);
    },
  }));

/** A template re-categorised by Meta (`template_category_update`). */
export interface TemplateCategoryUpdate {
  name: string;
  language: string | undefined;
  category: 'MARKETING' | 'UTILITY' | 'AUTHENTICATION';
}

/**
 * Options of `createWhatsAppInbox`.
 *
 * | option | default | meaning |
 * |---|---|---|
 * | `store` | — | subscribers, consent, receipts and channel state |
 * | `channel` | — | the channel of the same number: replies, name, number, ledgers, categories |
 * | `replies` | the channel's | how to answer citizens (required without `channel`) |
 * | `comuneName`, `privacyUrl`, `noticeVersion` | — | shown in replies; the version is recorded with consent |
 * | `topics` | none | up to 9 `{ id, label }` offered in the topics list |
 * | `keywords` | `DEFAULT_KEYWORDS` | words per action, Italian and English |
 * | `phoneNumberId` | the channel's (else any) | ignore notifications for other numbers of the business account |
 * | `defaultLanguage` | `"it"` | for citizens whose language is unknown |
 * | `replyToOtherMessages` | `true` | answer other messages with a hint to the keywords |
 * | `recentMessages` | 20,000 | message ids remembered to drop Meta's redeliveries |
 * | `undeliverableLedger`, `dropUndeliverableAfterDays` | the channel's, 3 | asynchronous 131026 per number and day |
 * | `marketingPreferences` | the channel's | `user_preferences` stops and resumes, asynchronous 131050 |
 * | `onTemplateCategory` | none | also called for `template_category_update` (the channel is updated anyway) |
 * | `onEvent` | none | data-minimal events (no numbers, no texts) |
 */
export type WhatsAppInboxOptions = z.input<typeof whatsAppInboxOptionsSchema>;
/** Options after defaults. */
export type ResolvedInboxOptions = z.output<typeof whatsAppInboxOptionsSchema>;
