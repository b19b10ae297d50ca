/**
 * Telegram for Banditore: a channel that sends the comune's announcements one-to-one to each
 * subscriber's chat, a channel that posts them to the comune's public Telegram channel, and the
 * citizen-facing bot (`/start`, `/stop`, topics, language) over a webhook or long polling.
 * The Bot API sandbox lives at `@banditore/channel-telegram/sandbox`.
 *
 * @module
 */

// Sending
export {
  createTelegramChannel,
  createTelegramChannelPost,
  channelPostTargetSchema,
  registerChannelPostTarget,
  type ChannelPostTargetOptions,
} from './telegram-channel.js';
export type { TelegramChannel } from './telegram-sender.js';
export { telegramChannelOptionsSchema, type TelegramChannelOptions } from './options.js';
export { renderTelegramMessage, type RenderOptions, type TelegramMessage, type TelegramMessagePart } from './render.js';
export { telegramAddressSchema } from './address.js';
export type { Classified, TelegramTarget } from './classify.js';
export type { ApiExchange, BotApi, CallOptions } from './bot-api.js';

// Receiving: the citizen-facing bot
export { BOT_ALLOWED_UPDATES, createTelegramBot, type TelegramBot } from './telegram-bot.js';
export { telegramBotOptionsSchema, type TelegramBotOptions } from './bot-options.js';
export type { BotAction, TelegramBotEvent, TelegramBotStats, UpdateOutcome } from './bot-events.js';
export { createTelegramWebhookHandler, telegramWebhookOptionsSchema, type TelegramWebhookOptions } from './webhook.js';
export {
  startTelegramPolling,
  telegramPollingOptionsSchema,
  type PollingEvent,
  type TelegramPollingOptions,
} from './long-polling.js';
export { BOT_LANGUAGES, type BotLanguage } from './bot-texts.js';
export type { BotTopic, InlineKeyboard } from './keyboards.js';
