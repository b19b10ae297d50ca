import { z } from 'zod';

/**
 * A WhatsApp address: the international number in digits (E.164 without `+`), as Meta's `wa_id`
 * is spelt. A leading `+` is accepted and dropped. The value is never echoed in errors.
 */
export const whatsAppAddressSchema: z.ZodType<string> = z
  .string()
  .regex(/^\+?[1-9]\d{6,14}$/, 'must be an international number in digits, e.g. "393331234567"')
  .transform((value) => (value.startsWith('+') ? value.slice(1) : value));
