import { z } from 'zod';

/**
 * The parts of Telegram updates the bot reads. Objects are not strict: Telegram adds fields in
 * every Bot API version, and unknown fields must never make an update "malformed".
 */
const userSchema = z.object({
  id: z.number().int(),
  is_bot: z.boolean().optional(),
  language_code: z.string().max(35).optional(),
});

const chatSchema = z.object({
  id: z
    .number()
    .int()
    .refine((id) => Number.isSafeInteger(id) && id !== 0),
  type: z.string(),
});

const messageSchema = z.object({
  message_id: z.number().int(),
  chat: chatSchema,
  from: userSchema.optional(),
  text: z.string().max(10_000).optional(),
});

const callbackQuerySchema = z.object({
  id: z.string().min(1).max(256),
  from: userSchema,
  message: z.object({ message_id: z.number().int(), chat: chatSchema }).optional(),
  data: z.string().max(256).optional(),
});

const chatMemberUpdatedSchema = z.object({
  chat: chatSchema,
  from: userSchema,
  new_chat_member: z.object({ status: z.string() }),
});

/** The first check: anything without an integer `update_id` is malformed. */
export const updateIdSchema = z.object({ update_id: z.number().int().nonnegative() });

/** An update as the bot understands it; the payload fields it does not handle are ignored. */
export const updateSchema = z.object({
  update_id: z.number().int().nonnegative(),
  message: messageSchema.optional(),
  callback_query: callbackQuerySchema.optional(),
  my_chat_member: chatMemberUpdatedSchema.optional(),
});

/** A parsed update. */
export type TelegramUpdate = z.output<typeof updateSchema>;
/** A parsed message. */
export type TelegramIncomingMessage = z.output<typeof messageSchema>;
/** A parsed callback query. */
export type TelegramCallbackQuery = z.output<typeof callbackQuerySchema>;
/** A parsed `my_chat_member` change. */
export type TelegramChatMemberUpdate = z.output<typeof chatMemberUpdatedSchema>;
