import { ChannelError, type ChannelErrorCode } from '@banditore/core';
import { z } from 'zod';
import type { ApiExchange } from './bot-api.js';

/** Who the message was for: a citizen's chat, or the comune's own public channel. */
export type TelegramTarget = 'subscriber' | 'public-channel';

/** A classified Bot API answer: the `result` on success, or a typed error. */
export type Classified = { ok: true; result: unknown } | { ok: false; error: ChannelError };

const successSchema = z.object({ ok: z.literal(true), result: z.unknown() });
const failureSchema = z.object({
  ok: z.literal(false),
  error_code: z.number().int(),
  description: z.string().optional(),
  parameters: z
    .object({
      retry_after: z.number().nonnegative().optional(),
      migrate_to_chat_id: z.number().int().optional(),
    })
    .optional(),
});

/** When Telegram says 429 without `retry_after` (never seen, but cheap to survive). */
const DEFAULT_RETRY_AFTER_MS = 5_000;

/** Phrases of 400/403 descriptions meaning "this chat cannot be reached", lower-case. */
const GONE_PHRASES = [
  'blocked by the user',
  'user is deactivated',
  "can't initiate conversation",
  'bot was kicked',
  'not a member',
  'chat not found',
  'user not found',
  'peer_id_invalid',
  'group chat was deactivated',
  'chat was deleted',
  'have no rights',
  'not enough rights',
  "can't send messages to bots",
];

/** Known rejections, so an operator reads a fixed sentence and never the provider's echo. */
const REJECTIONS: ReadonlyArray<[phrase: string, message: string]> = [
  ["can't parse entities", 'Telegram could not parse the message HTML'],
  ['message is too long', 'Telegram rejected the message as too long'],
  ['caption is too long', 'Telegram rejected the photo caption as too long'],
  ['text is empty', 'Telegram rejected an empty message'],
  ['wrong file identifier', 'Telegram could not use the image (wrong file id or URL)'],
  ['wrong http url', 'Telegram could not use the image (wrong file id or URL)'],
  ['failed to get http url content', 'Telegram could not download the image'],
  ['wrong type of the web page content', 'Telegram could not download the image'],
];

/**
 * Maps one Bot API exchange to a result or a {@link ChannelError} from the core code table.
 *
 * Pure: no I/O, no clock. Telegram has no error catalogue, so 400/403 are told apart by
 * substrings of `description`; the error's message is always one of this module's fixed
 * sentences, so no chat id, token or message text from the provider's echo can leak.
 *
 * | answer | code |
 * |---|---|
 * | 429 with `retry_after` | `RATE_LIMITED` (`retryAfterMs`) — the whole lane pauses |
 * | 400 with `migrate_to_chat_id` | `RECIPIENT_MOVED` (`newAddress`) |
 * | 403, 400 chat not found (subscriber) | `RECIPIENT_GONE` |
 * | 403, 400 chat not found (public channel) | `ACCOUNT_UNUSABLE` |
 * | 401, 404 | `AUTH_FAILED` |
 * | 409 | `ACCOUNT_UNUSABLE` |
 * | other 400, 413 | `MESSAGE_REJECTED` |
 * | 5xx | `PROVIDER_UNAVAILABLE` |
 * | network error, abort | `NETWORK_ERROR` |
 * | timeout | `TIMEOUT` |
 * | not JSON, wrong shape | `PROVIDER_RESPONSE_INVALID` |
 *
 * @param exchange - What the client saw.
 * @param target - Whose chat it was. @defaultValue `"subscriber"`
 * @returns `{ ok: true, result }` or `{ ok: false, error }`.
 * @example
 * ```ts
 * classify({ kind: 'response', status: 429, body: { ok: false, error_code: 429, parameters: { retry_after: 3 } } })
 * // → { ok: false, error: ChannelError RATE_LIMITED, retryAfterMs 3000 }
 * ```
 */
export function classify(exchange: ApiExchange, target: TelegramTarget = 'subscriber'): Classified {
  switch (exchange.kind) {
    case 'timeout':
      return fail('TIMEOUT', 'Telegram did not answer in time; the message may have been sent');
    case 'aborted':
      return fail('NETWORK_ERROR', 'The send was aborted');
    case 'network-error':
      return fail('NETWORK_ERROR', 'Could not reach the Telegram Bot API', { cause: new Error(exchange.cause) });
    case 'response':
      return classifyResponse(exchange.status, exchange.body, target);
  }
}

function classifyResponse(status: number, body: unknown, target: TelegramTarget): Classified {
  const success = successSchema.safeParse(body);
  if (success.success && 'result' in (body as object)) {
    if (status >= 200 && status < 300) return { ok: true, result: success.data.result };
    return fail('PROVIDER_RESPONSE_INVALID', `Telegram answered ok with HTTP ${status}`, { providerCode: `${status}` });
  }
  const failure = failureSchema.safeParse(body);
  if (!failure.success) {
    // A proxy's HTML error page or an empty body: only the HTTP status is meaningful.
    if (status >= 500)
      return fail('PROVIDER_UNAVAILABLE', `Telegram is unavailable (HTTP ${status})`, { providerCode: `${status}` });
    return fail(
      'PROVIDER_RESPONSE_INVALID',
      `Telegram answered something that is not a Bot API response (HTTP ${status})`,
      {
        providerCode: `${status}`,
      },
    );
  }
  const { error_code: code, parameters } = failure.data;
  const description = (failure.data.description ?? '').toLowerCase();
  const providerCode = `${code}`;

  if (code === 429) {
    const seconds = parameters?.retry_after ?? retryAfterFromText(description);
    const retryAfterMs = seconds === undefined ? DEFAULT_RETRY_AFTER_MS : Math.max(1, seconds) * 1000;
    return fail('RATE_LIMITED', `Telegram asked to slow down for ${retryAfterMs / 1000} s`, {
      retryAfterMs,
      providerCode,
    });
  }
  if (parameters?.migrate_to_chat_id !== undefined) {
    return fail('RECIPIENT_MOVED', 'The group chat was upgraded to a supergroup with a new id', {
      newAddress: `${parameters.migrate_to_chat_id}`,
      providerCode,
    });
  }
  if (code === 401)
    return fail('AUTH_FAILED', 'Telegram rejected the bot token (401): check it with BotFather', { providerCode });
  if (code === 404) {
    return fail(
      'AUTH_FAILED',
      'Telegram answered 404: the bot token is malformed or revoked, or the base URL is wrong',
      {
        providerCode,
      },
    );
  }
  if (code === 409) {
    return fail(
      'ACCOUNT_UNUSABLE',
      'Telegram reported a conflict: another instance polls updates or a webhook is set',
      {
        providerCode,
      },
    );
  }
  if (code === 403 || (code === 400 && GONE_PHRASES.some((phrase) => description.includes(phrase)))) {
    if (target === 'public-channel') {
      return fail(
        'ACCOUNT_UNUSABLE',
        `The bot cannot post to the configured channel (${code}): make it an administrator`,
        {
          providerCode,
        },
      );
    }
    return fail('RECIPIENT_GONE', goneMessage(description, code), { providerCode });
  }
  if (code === 400 || code === 413) {
    const known = REJECTIONS.find(([phrase]) => description.includes(phrase));
    return fail('MESSAGE_REJECTED', known ? known[1] : `Telegram rejected the request (${code})`, { providerCode });
  }
  if (code >= 500) return fail('PROVIDER_UNAVAILABLE', `Telegram is unavailable (${code})`, { providerCode });
  return fail('UNKNOWN', `Telegram answered an unexpected error (${code})`, { providerCode });
}

function goneMessage(description: string, code: number): string {
  if (description.includes('blocked')) return 'The user blocked the bot';
  if (description.includes('deactivated')) return 'The user deleted the account or the chat was deactivated';
  if (description.includes("can't initiate")) return 'The user never started the bot';
  if (description.includes('kicked') || description.includes('not a member'))
    return 'The bot was removed from the chat';
  if (description.includes('not found') || description.includes('peer_id_invalid')) return 'The chat does not exist';
  return `The chat cannot be reached (${code})`;
}

function retryAfterFromText(description: string): number | undefined {
  const match = /retry after (\d+)/.exec(description);
  return match ? Number(match[1]) : undefined;
}

function fail(
  code: ChannelErrorCode,
  message: string,
  options: ConstructorParameters<typeof ChannelError>[2] = {},
): { ok: false; error: ChannelError } {
  return { ok: false, error: new ChannelError(code, message, options) };
}
