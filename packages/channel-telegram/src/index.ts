/**
 * Telegram for Banditore: a channel that sends the comune's announcements one-to-one to each
 * subscriber's chat, a channel that posts them to the comune's public Telegram channel, and the
 * citizen-facing bot (`/start`, `/stop`, topics, language) over a webhook or long polling.
 * The Bot API sandbox lives at `@banditore/channel-telegram/sandbox`.
 *
 * @module
 */

// Sending
export { createTelegramChannel, createTelegramChannelPost, registerChannelPostTarget, type ChannelPostTargetOptions } from './telegram-channel.js';
export type { TelegramChannel } from './telegram-sender.js';
export type { TelegramChannelOptions } from './options.js';
export { classify, type Classified, type TelegramTarget } from './classify.js';
export { CAPTION_MAX_LENGTH, MESSAGE_MAX_LENGTH, renderTelegramMessage, type RenderOptions, type TelegramMessage, type TelegramMessagePart } from './render.js';
export { escapeAttribute, escapeHtml } from './html.js';
export { chatIdParam, isChannelUsername, isChatId, telegramAddressSchema } from './address.js';

// Bot API client
export { createBotApi, type ApiExchange, type BotApi, type BotApiOptions, type CallOptions } from './bot-api.js';
