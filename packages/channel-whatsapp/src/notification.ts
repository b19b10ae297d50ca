import { z } from 'zod';

/**
 * Meta's webhook envelope, checked loosely: every status and message inside is parsed on its
 * own later, so one malformed item never costs the rest of a batch.
 */
export const notificationSchema = z.object({
  object: z.literal('whatsapp_business_account'),
  entry: z
    .array(
      z.object({
        id: z.string().optional(),
        changes: z.array(z.object({ field: z.string(), value: z.unknown() })).max(1_000),
      }),
    )
    .max(1_000),
});

/** The `value` of a `messages` change: statuses and/or inbound messages of one phone number. */
export const messagesValueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string().optional() }).optional(),
  statuses: z.array(z.unknown()).max(10_000).optional(),
  messages: z.array(z.unknown()).max(10_000).optional(),
});

/** One status of a message the comune sent. */
export const statusSchema = z.object({
  id: z.string().min(1).max(512),
  status: z.string().max(32),
  timestamp: z.string().regex(/^\d{1,12}$/),
  /** The citizen's `wa_id`: personal data, only used to count undeliverable days. */
  recipient_id: z.string().max(64).optional(),
  biz_opaque_callback_data: z.string().max(4_096).optional(),
  errors: z
    .array(z.object({ code: z.number().int(), error_data: z.object({ details: z.string().optional() }).optional() }))
    .max(20)
    .optional(),
});

/** One inbound message from a citizen. */
export const inboundMessageSchema = z.object({
  /** The citizen's `wa_id` (digits). Personal data. */
  from: z.string().regex(/^\d{6,15}$/),
  id: z.string().min(1).max(512),
  timestamp: z.string().regex(/^\d{1,12}$/),
  type: z.string().max(32),
  text: z.object({ body: z.string().max(65_536) }).optional(),
  interactive: z
    .object({
      type: z.string().max(32),
      list_reply: z.object({ id: z.string().max(200) }).optional(),
      button_reply: z.object({ id: z.string().max(256) }).optional(),
    })
    .optional(),
  /** A quick-reply button of a template (e.g. a re-confirmation): its payload or text. */
  button: z.object({ payload: z.string().max(1_024).optional(), text: z.string().max(256).optional() }).optional(),
});

/** The `value` of a `template_category_update` change. */
export const templateCategoryValueSchema = z.object({
  message_template_name: z.string().min(1).max(512),
  message_template_language: z.string().max(35).optional(),
  new_category: z.enum(['MARKETING', 'UTILITY', 'AUTHENTICATION']),
});

/**
 * The `value` of a `user_preferences` change: a citizen stopped or resumed marketing messages
 * ("Stop promotions") for this number.
 */
export const userPreferencesValueSchema = z.object({
  metadata: z.object({ phone_number_id: z.string().optional() }).optional(),
  user_preferences: z
    .array(
      z.object({
        /** The citizen's `wa_id`. Personal data. */
        wa_id: z.string().regex(/^\d{6,15}$/),
        category: z.string().max(64),
        value: z.string().max(32),
        timestamp: z.union([z.string().regex(/^\d{1,12}$/), z.number().int().nonnegative()]),
      }),
    )
    .max(1_000),
});

/** A parsed status. */
export type WhatsAppStatus = z.output<typeof statusSchema>;
/** A parsed inbound message. */
export type WhatsAppInboundMessage = z.output<typeof inboundMessageSchema>;
