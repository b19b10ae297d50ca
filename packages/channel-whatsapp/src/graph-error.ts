import { z } from 'zod';

/**
 * The Graph API error body: `{ error: { message, type, code, error_subcode?, error_data?, fbtrace_id } }`.
 * Only `code` and `error_data.details` are read for decisions, as Meta asks; titles and messages
 * are for humans and will change.
 */
export const graphErrorSchema = z.object({
  error: z
    .object({
      code: z.number().int(),
      error_subcode: z.number().int().optional(),
      error_data: z.object({ details: z.string().optional() }).loose().optional(),
    })
    .loose(),
});

/** A parsed Graph API error. */
export type GraphError = z.output<typeof graphErrorSchema>['error'];

/** The success body of `POST /{phone-number-id}/messages`. */
export const sendResponseSchema = z.object({
  messages: z.array(z.object({ id: z.string().min(1), message_status: z.string().optional() })).min(1),
  contacts: z.array(z.object({ wa_id: z.string().optional() }).loose()).optional(),
});
