import { systemClock, type Announcement, type Channel, type ChannelLimits } from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { whatsAppAddressSchema } from './address.js';
import { createMemoryMarketingPreferences, type MarketingPreferences } from './marketing.js';
import { createMediaUploader } from './media.js';
import { createNumberBudget } from './number-gate.js';
import {
  whatsAppChannelOptionsSchema,
  type ConversationWindowSource,
  type TemplateCategory,
  type UndeliverableLedger,
  type WhatsAppChannelOptions,
} from './options.js';
import { priceOf, type MessagePrice } from './pricing.js';
import { renderWhatsAppMessage, type WhatsAppMessage } from './render.js';
import { createChannelReplies, type WhatsAppReplies } from './replies.js';
import { createSendMethod } from './send.js';
import type { ConversationWindow } from './window.js';
import { createStoreConversationWindow } from './window-store.js';
import { createGraphSender } from './sender.js';
import { createMemoryUndeliverableLedger } from './undeliverable.js';

/**
 * Pacing per throughput tier. In flight ≈ rate × response time, and the Cloud API answers in a
 * few hundred ms at its slowest: 1,000/s with 128 in flight would run at 128 ÷ 0.25 s ≈ 500/s.
 * 6 s between two messages to one citizen (pair rate).
 */
const LIMITS: Record<20 | 80 | 1000, ChannelLimits> = {
  20: { ratePerSecond: 20, concurrency: 16, perRecipientIntervalMs: 6_000 },
  80: { ratePerSecond: 80, concurrency: 64, perRecipientIntervalMs: 6_000 },
  1000: { ratePerSecond: 1000, concurrency: 512, perRecipientIntervalMs: 6_000 },
};

/** A WhatsApp channel: a {@link Channel} of {@link WhatsAppMessage}s with WhatsApp's own extras. */
export interface WhatsAppChannel extends Channel<WhatsAppMessage> {
  /** Renders synchronously: nothing is uploaded or fetched until the first send. */
  render(announcement: Announcement, language: string): WhatsAppMessage;
  close(): Promise<void>;
  /**
   * Applies a category change Meta announced (the `template_category_update` webhook): later
   * sends of the template are routed by it (MARKETING → `/marketing_messages`).
   */
  updateTemplateCategory(name: string, category: TemplateCategory): void;
  /** The latest known category of a configured template. */
  templateCategory(name: string): TemplateCategory | undefined;
  /**
   * The expected price of one delivery of this rendered message, from the `prices` table, by the
   * template's latest category; `estimate()` multiplies it by the recipients.
   */
  price(rendered: WhatsAppMessage): MessagePrice | undefined;
  /** The sending number's ID (the inbox ignores notifications for the business account's other numbers). */
  readonly phoneNumberId: string;
  /**
   * Free-form replies to citizens on this number, for `createWhatsAppInbox`: each one waits for
   * the number's throughput gate, the same one the broadcaster's requests pass.
   */
  readonly replies: WhatsAppReplies;
  /** Counts 131026 per number and day; the inbox adds the asynchronous ones. */
  readonly undeliverableLedger: UndeliverableLedger;
  /** Who stopped marketing messages; the inbox records `user_preferences` notifications here. */
  readonly marketingPreferences: MarketingPreferences;
}

/**
 * Creates the WhatsApp channel over the Cloud API: approved templates outside the 24-hour
 * customer service window, free-form inside it, paced at the number's throughput and the
 * pair rate, classified by Meta's error codes.
 *
 * @param options - See {@link WhatsAppChannelOptions}; `accessToken` and `phoneNumberId` are required.
 * @returns A channel named `"whatsapp"` (unless `name` is set).
 * @throws ConfigError naming the invalid fields (never their values).
 * @example
 * ```ts
 * const whatsapp = createWhatsAppChannel({
 *   accessToken: process.env.WHATSAPP_TOKEN!,
 *   phoneNumberId: '106540352242922',
 *   throughput: 1000,
 *   templates: [{ name: 'allerta_meteo', category: 'UTILITY', languages: ['it', 'en_US'], body: ['headline', 'area', 'link'] }],
 * })
 * ```
 */
export function createWhatsAppChannel(options: WhatsAppChannelOptions): WhatsAppChannel {
  const resolved = parseOrThrow('createWhatsAppChannel options', whatsAppChannelOptionsSchema, options);
  const base = LIMITS[resolved.throughput];
  const overrides = Object.fromEntries(
    Object.entries(resolved.limits ?? {}).filter(([, value]) => value !== undefined),
  );
  const clock = resolved.clock ?? systemClock;
  const paced: ChannelLimits = { ...base, ...overrides };
  const number = createNumberBudget(resolved.phoneNumberId, paced.ratePerSecond, clock);
  const shared = [number.budget, resolved.portfolio?.budget].filter((budget) => budget !== undefined);
  const limits: ChannelLimits = { ...paced, ...(shared.length > 0 ? { shared } : {}) };
  const sender = createGraphSender({
    accessToken: resolved.accessToken,
    baseUrl: resolved.baseUrl,
    apiVersion: resolved.apiVersion,
    phoneNumberId: resolved.phoneNumberId,
    dispatcher: resolved.dispatcher,
    timeoutMs: resolved.timeoutMs,
    connections: Math.min(limits.concurrency, 1024),
  });
  const categories = new Map(resolved.templates.map((template) => [template.name, template.category]));
  const undeliverable = resolved.undeliverableLedger ?? createMemoryUndeliverableLedger();
  const marketing = resolved.marketingPreferences ?? createMemoryMarketingPreferences();
  const renderOptions = { templates: resolved.templates, timeZone: resolved.timeZone };
  return {
    name: resolved.name,
    limits,
    addressSchema: whatsAppAddressSchema,
    // Status webhooks (the receiving side) turn into delivery receipts: progress shows delivered and read.
    receipts: true,
    render: (announcement: Announcement, language: string) =>
      renderWhatsAppMessage(announcement, language, renderOptions),
    // Follow-ups are short and name what changed; outside the window, a follow-up template if one fits.
    renderFollowUp: (announcement: Announcement, language: string, context) =>
      renderWhatsAppMessage(announcement, language, renderOptions, context),
    send: createSendMethod({
      sender,
      upload: createMediaUploader(sender, resolved.mediaDispatcher, resolved.timeoutMs),
      clock,
      window: windowFrom(resolved.conversationWindow, resolved.name),
      freeFormInWindow: resolved.freeFormInWindow,
      categoryOf: (name, approved) => categories.get(name) ?? approved,
      undeliverable,
      dropUndeliverableAfterDays: resolved.dropUndeliverableAfterDays,
      marketing,
    }),
    updateTemplateCategory(name, category) {
      if (categories.has(name)) categories.set(name, category);
    },
    templateCategory: (name) => categories.get(name),
    price: (rendered) =>
      rendered.template === undefined
        ? priceOf(resolved.prices, 'SERVICE')
        : priceOf(resolved.prices, categories.get(rendered.template.name) ?? rendered.template.category),
    phoneNumberId: resolved.phoneNumberId,
    replies: createChannelReplies({
      sender,
      clock,
      get gate() {
        return number.gate();
      },
    }),
    undeliverableLedger: undeliverable,
    marketingPreferences: marketing,
    close: async () => {
      number.close();
      await sender.close();
    },
  };
}

/** The window lookup: the store's channel state (under this channel's name), or the caller's own. */
function windowFrom(source: ConversationWindowSource | undefined, channel: string): ConversationWindow | undefined {
  if (source === undefined || 'lastInboundAt' in source) return source;
  return createStoreConversationWindow({ store: source, channel });
}
