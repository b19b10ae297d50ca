import type { ApiExchange } from './bot-api.js';

/**
 * What an `editMessageText` refusal means for a follow-up:
 * - `not-modified`: the message already shows this text (an earlier attempt landed): done;
 * - `cannot-edit`: the message cannot be edited any more (deleted by the user, too old, a photo,
 *   an unknown id): send the follow-up as a new message instead;
 * - `undefined`: any other answer, classified like a send (429, blocked, 5xx, …).
 */
export type EditRefusal = 'not-modified' | 'cannot-edit' | undefined;

/** Lower-case phrases of Telegram's 400 descriptions for a message that cannot be edited. */
const CANNOT_EDIT = [
  'message to edit not found',
  "message can't be edited",
  'there is no text in the message to edit',
  'message_id_invalid',
  "message can't be found",
];

/**
 * Reads an `editMessageText` answer. Pure. Telegram has no error catalogue, so 400s are told
 * apart by phrases of the description, which is never repeated anywhere.
 *
 * @param exchange - What the edit came back with.
 * @returns What the refusal means, or `undefined`.
 */
export function editRefusal(exchange: ApiExchange): EditRefusal {
  if (exchange.kind !== 'response' || exchange.status !== 400) return undefined;
  const body = exchange.body as { description?: unknown } | undefined;
  const description = typeof body?.description === 'string' ? body.description.toLowerCase() : '';
  if (description.includes('message is not modified')) return 'not-modified';
  if (CANNOT_EDIT.some((phrase) => description.includes(phrase))) return 'cannot-edit';
  return undefined;
}
