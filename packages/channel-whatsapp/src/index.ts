/**
 * WhatsApp for Banditore: a channel that sends the comune's announcements one-to-one over the
 * WhatsApp Business Platform (Cloud API), with approved templates outside the 24-hour
 * customer-service window and free-form messages inside it; an inbox and a webhook handler for
 * citizens' keywords, delivery receipts and marketing preferences; and an import of the comune's
 * existing contact list. The Cloud API sandbox lives at `@banditore/channel-whatsapp/sandbox`.
 *
 * @module
 */

// Sending
export { createWhatsAppChannel, type WhatsAppChannel } from './whatsapp-channel.js';
export type {
  ConversationWindowSource,
  PriceTable,
  TemplateCategory,
  UndeliverableLedger,
  WhatsAppChannelOptions,
  WhatsAppTemplate,
} from './options.js';
export type { WhatsAppMessage } from './render.js';
export type { ConversationWindow } from './window.js';
export type { MarketingPreferences } from './marketing.js';
export type { MessagePrice } from './pricing.js';

// The business portfolio's messaging limit
export {
  createWhatsAppPortfolio,
  loadPortfolioUsage,
  type MessagingLimit,
  type PortfolioUsageOptions,
  type WhatsAppPortfolio,
  type WhatsAppPortfolioOptions,
} from './portfolio.js';
export { describeHeld, type DescribeHeldOptions } from './held-message.js';

// Receiving: webhook, citizen self-service, delivery receipts, marketing preferences
export { createWhatsAppWebhookHandler, type WhatsAppWebhookOptions } from './webhook.js';
export { createWhatsAppInbox, type WhatsAppInbox } from './inbox.js';
export type { InboxChannel, InboxStore, TemplateCategoryUpdate, WhatsAppInboxOptions } from './inbox-options.js';
export type { InboxAction, InboxEvent, InboxStats, NotificationOutcome } from './inbox-events.js';
export { DEFAULT_KEYWORDS, type WhatsAppKeywords } from './keywords.js';
export type { InteractiveList, ListRow, ReplyResult, WhatsAppReplies } from './replies.js';

// Migration: importing the comune's existing list
export {
  importWhatsAppContacts,
  type ImportWhatsAppContactsOptions,
  type ImportWhatsAppContactsReport,
} from './import-contacts.js';
export type { RejectedContact } from './contacts-import.js';
