/**
 * WhatsApp for Banditore: a channel that sends the comune's announcements one-to-one over the
 * WhatsApp Business Platform (Cloud API), with approved templates outside the 24-hour
 * customer-service window and free-form messages inside it.
 * The Cloud API sandbox lives at `@banditore/channel-whatsapp/sandbox`.
 *
 * @module
 */

// Sending
export { createWhatsAppChannel, type WhatsAppChannel } from './whatsapp-channel.js';
export {
  PARAMETER_SOURCES,
  TEMPLATE_CATEGORIES,
  priceTableSchema,
  templateSchema,
  whatsAppChannelOptionsSchema,
  type ParameterSource,
  type PriceTable,
  type TemplateCategory,
  type UndeliverableLedger,
  type WhatsAppChannelOptions,
  type WhatsAppTemplate,
} from './options.js';
export {
  classify,
  ruleFor,
  WHATSAPP_DETAILS_TABLE,
  WHATSAPP_ERROR_TABLE,
  type Classified,
  type ClassifyRule,
  type GraphExchange,
} from './classify.js';
export {
  CAPTION_MAX_LENGTH,
  PARAMETER_MAX_LENGTH,
  TEXT_MAX_LENGTH,
  renderWhatsAppMessage,
  type RenderedTemplate,
  type RenderOptions,
  type WhatsAppMessage,
} from './render.js';
export { whatsAppAddressSchema } from './address.js';
export { isWindowOpen, SERVICE_WINDOW_MS, WINDOW_MARGIN_MS, type ConversationWindow } from './window.js';
export { createMemoryUndeliverableLedger } from './undeliverable.js';
export { priceOf, type MessagePrice } from './pricing.js';
export {
  createWhatsAppPortfolio,
  MESSAGING_LIMITS,
  type MessagingLimit,
  type WhatsAppPortfolio,
  type WhatsAppPortfolioOptions,
} from './portfolio.js';
export { describeHeld, type DescribeHeldOptions } from './held-message.js';

// Receiving: webhook, citizen self-service, delivery receipts, the 24-hour window from the store
export { createWhatsAppWebhookHandler, whatsAppWebhookOptionsSchema, type WhatsAppWebhookOptions } from './webhook.js';
export { createWhatsAppInbox, type WhatsAppInbox } from './inbox.js';
export {
  whatsAppInboxOptionsSchema,
  type InboxStore,
  type TemplateCategoryUpdate,
  type WhatsAppInboxOptions,
} from './inbox-options.js';
export type { InboxAction, InboxEvent, InboxStats, NotificationOutcome } from './inbox-events.js';
export {
  DEFAULT_KEYWORDS,
  KEYWORD_ACTIONS,
  keywordsSchema,
  matchKeyword,
  type InboxLanguage,
  type KeywordAction,
  type MatchedKeyword,
  type WhatsAppKeywords,
} from './keywords.js';
export {
  createGraphReplies,
  type GraphRepliesOptions,
  type InteractiveList,
  type ListRow,
  type ReplyResult,
  type WhatsAppReplies,
} from './replies.js';
export { SIGNATURE_HEADER, signPayload, verifySignature } from './signature.js';
export { decodeCallbackData, encodeCallbackData, type CallbackData } from './callback-data.js';
export { receiptOf } from './statuses.js';
export type { WhatsAppInboundMessage, WhatsAppStatus } from './notification.js';
export { createStoreConversationWindow, type StoreConversationWindowOptions } from './window-store.js';

// Migration: importing the comune's existing list
export {
  importWhatsAppContacts,
  importWhatsAppContactsOptionsSchema,
  type ImportWhatsAppContactsOptions,
  type ImportWhatsAppContactsReport,
} from './import-contacts.js';
export {
  contactsCsvOptionsSchema,
  parseContactsCsv,
  type ContactsCsvOptions,
  type ParsedContact,
  type ParsedContacts,
  type RejectedContact,
} from './contacts-import.js';
export { normaliseWhatsAppNumber, type NormalisedNumber, type NumberRejection } from './phone-number.js';
