import type { SubscriberStore, Subscriber } from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { z } from 'zod';
import { telegramAddressSchema } from './address.js';
import type { TelegramChannelOptions } from './options.js';
import { createTelegramSender, type TelegramChannel } from './telegram-sender.js';

/** Telegram's documented pace for bulk notifications: ~30 messages/s overall, 1/s per chat. */
const FAN_OUT_LIMITS = { ratePerSecond: 30, concurrency: 30, perRecipientIntervalMs: 1000 };
/** With `allow_paid_broadcast`: up to 1,000/s; in flight ≈ latency in ms, as grammY measured. */
const PAID_LIMITS = { ratePerSecond: 1000, concurrency: 100, perRecipientIntervalMs: 1000 };
/** A channel behaves like a group: ~20 posts per minute. */
const CHANNEL_POST_LIMITS = { ratePerSecond: 1, concurrency: 1, perRecipientIntervalMs: 3000 };

/**
 * Creates the Telegram fan-out channel: one message from the bot to each subscriber's chat.
 *
 * @param options - See {@link TelegramChannelOptions}; only `token` is required.
 * @returns A channel named `"telegram"` (unless `name` is set) for the broadcaster.
 * @throws ConfigError naming the invalid fields (never their values).
 * @example
 * ```ts
 * const telegram = createTelegramChannel({ token: process.env.TELEGRAM_BOT_TOKEN! })
 * const broadcaster = createBroadcaster({ store, channels: [telegram] })
 * ```
 */
export function createTelegramChannel(options: TelegramChannelOptions): TelegramChannel {
  return createTelegramSender(options, {
    target: 'subscriber',
    defaultName: 'telegram',
    defaultLimits: FAN_OUT_LIMITS,
    paidLimits: PAID_LIMITS,
    subject: 'createTelegramChannel options',
  });
}

/**
 * Creates a channel that posts to the comune's public Telegram channel (the bot must be an
 * administrator allowed to post). The broadcaster fans out to subscribers, so the public channel
 * is modelled as this channel's single subscriber: register it once with
 * {@link registerChannelPostTarget}. "Chat not found" or "not a member" here stop the channel
 * (`ACCOUNT_UNUSABLE`) instead of dropping a subscriber.
 *
 * @param options - As {@link createTelegramChannel}; the default name is `"telegram-channel"`.
 * @returns The channel.
 * @throws ConfigError naming the invalid fields.
 * @example
 * ```ts
 * const post = createTelegramChannelPost({ token })
 * await registerChannelPostTarget(store, { address: '@comune_jesi', noticeVersion: '2026-03' })
 * createBroadcaster({ store, channels: [createTelegramChannel({ token }), post] })
 * ```
 */
export function createTelegramChannelPost(options: TelegramChannelOptions): TelegramChannel {
  return createTelegramSender(options, {
    target: 'public-channel',
    defaultName: 'telegram-channel',
    defaultLimits: CHANNEL_POST_LIMITS,
    paidLimits: CHANNEL_POST_LIMITS,
    subject: 'createTelegramChannelPost options',
  });
}

export const channelPostTargetSchema = z.object({
  address: telegramAddressSchema,
  channel: z.string().min(1).max(64).default('telegram-channel'),
  noticeVersion: z.string().min(1).max(64),
  topics: z
    .array(z.string().regex(/^[a-z0-9][a-z0-9-]*$/))
    .max(50)
    .default([]),
  language: z.string().min(2).max(35).default('it'),
});

/** Options of {@link registerChannelPostTarget}. */
export type ChannelPostTargetOptions = z.input<typeof channelPostTargetSchema>;

/**
 * Registers the comune's public channel as the single subscriber of a channel-post channel, with
 * an `operator` consent record. Idempotent: registering again re-activates the same entry.
 *
 * @param store - The subscriber store the broadcaster uses.
 * @param options - `address` (`@username` or `-100…` id), `channel` (default `"telegram-channel"`),
 *   `noticeVersion`, `topics` (default: every topic) and `language` (default `"it"`).
 * @returns The subscriber entry.
 * @throws ConfigError for an invalid address or option.
 * @example
 * ```ts
 * await registerChannelPostTarget(store, { address: '@comune_jesi', noticeVersion: '2026-03' })
 * ```
 */
export async function registerChannelPostTarget(
  store: Pick<SubscriberStore, 'subscribe'>,
  options: ChannelPostTargetOptions,
): Promise<Subscriber> {
  const target = parseOrThrow('registerChannelPostTarget options', channelPostTargetSchema, options);
  return store.subscribe(
    { channel: target.channel, address: target.address, topics: target.topics, areas: [], language: target.language },
    { method: 'operator', noticeVersion: target.noticeVersion },
  );
}
