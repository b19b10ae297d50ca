import { z } from 'zod';

/** Telegram chat ids have at most 52 significant bits, so every id is a safe JS integer. */
const MAX_CHAT_ID = 2 ** 52;

/** A public channel, supergroup or bot username: 5–32 characters, starting with a letter. */
const USERNAME = /^@[A-Za-z][A-Za-z0-9_]{3,31}$/;

/** An integer without leading zeros, optionally negative (groups and channels are negative). */
const INTEGER = /^-?[1-9]\d{0,15}$/;

/**
 * Whether `address` is a valid Telegram chat id given as a string.
 *
 * @param address - The candidate, e.g. `"123456789"` or `"-1001234567890"`.
 * @returns `true` for a non-zero integer of at most 52 bits.
 */
export function isChatId(address: string): boolean {
  if (!INTEGER.test(address)) return false;
  return Math.abs(Number(address)) < MAX_CHAT_ID;
}

/**
 * Whether `address` is a channel username such as `@comune_jesi`.
 *
 * @param address - The candidate.
 * @returns `true` for `@` followed by 5–32 letters, digits or underscores, starting with a letter.
 */
export function isChannelUsername(address: string): boolean {
  return USERNAME.test(address);
}

/**
 * Telegram addresses: a chat id as an integer string (may be negative, up to 52 bits) or the
 * `@username` of a public channel. The error message never repeats the value.
 *
 * @example
 * ```ts
 * telegramAddressSchema.parse('123456789') // ok
 * telegramAddressSchema.parse('@comune_jesi') // ok
 * ```
 */
export const telegramAddressSchema: z.ZodType<string> = z
  .string()
  .refine((value) => isChatId(value) || isChannelUsername(value), {
    message: 'must be a Telegram chat id (integer, up to 52 bits) or a @channelusername',
  });

/**
 * The `chat_id` parameter for an address: a number for chat ids (exact, as they fit in 52 bits),
 * the string itself for usernames.
 *
 * @param address - A valid address.
 * @returns The value to put in `chat_id`.
 */
export function chatIdParam(address: string): number | string {
  return isChatId(address) ? Number(address) : address;
}
