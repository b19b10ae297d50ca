import { createHash, timingSafeEqual } from 'node:crypto';
import { parseOrThrow } from '@banditore/core/authoring';
import { z } from 'zod';
import type { TelegramBot } from './telegram-bot.js';

/** Telegram's header carrying the webhook secret. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';

export const telegramWebhookOptionsSchema = z.object({
  /** The `secret_token` given to `setWebhook`: 1–256 of `A-Z a-z 0-9 _ -`. */
  secretToken: z.string().regex(/^[A-Za-z0-9_-]{1,256}$/, 'must be 1–256 characters of A-Z, a-z, 0-9, "_" or "-"'),
  /** Largest body accepted, in bytes. @defaultValue 1 MiB (updates are a few kB) */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(1024 * 1024),
});

/** Options of {@link createTelegramWebhookHandler}. */
export type TelegramWebhookOptions = z.input<typeof telegramWebhookOptionsSchema>;

/**
 * Creates the webhook endpoint as a Fetch API handler, `(request) => Promise<Response>`, to mount
 * in any server (Hono, Next.js, Express through an adapter, plain `node:http`).
 *
 * - Only `POST`; other methods get 405.
 * - The `X-Telegram-Bot-Api-Secret-Token` header must equal the secret, compared in constant time
 *   (both sides hashed first, so neither the length nor a prefix leaks); otherwise 401.
 * - Bodies over `maxBodyBytes` get 413.
 * - Invalid JSON, unknown or malformed updates get **200** and are counted: any other answer makes
 *   Telegram retry the same bad update for hours.
 * - A store failure gets 500, so Telegram redelivers the update later.
 *
 * @param bot - The bot from `createTelegramBot`.
 * @param options - The secret and the body limit.
 * @returns The handler.
 * @throws ConfigError for a secret Telegram would not accept.
 * @example
 * ```ts
 * const handle = createTelegramWebhookHandler(bot, { secretToken: process.env.TELEGRAM_WEBHOOK_SECRET! })
 * await bot.setWebhook({ url: 'https://avvisi.comune.example.it/telegram', secretToken: process.env.TELEGRAM_WEBHOOK_SECRET! })
 * ```
 */
export function createTelegramWebhookHandler(
  bot: Pick<TelegramBot, 'handleUpdate'>,
  options: TelegramWebhookOptions,
): (request: Request) => Promise<Response> {
  const resolved = parseOrThrow('createTelegramWebhookHandler options', telegramWebhookOptionsSchema, options);
  const expected = digest(resolved.secretToken);

  return async (request) => {
    if (request.method !== 'POST') return new Response(null, { status: 405, headers: { allow: 'POST' } });
    const given = request.headers.get(SECRET_HEADER);
    if (given === null || !timingSafeEqual(digest(given), expected)) return new Response(null, { status: 401 });
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > resolved.maxBodyBytes) return new Response(null, { status: 413 });
    const text = await readLimited(request, resolved.maxBodyBytes);
    if (text === undefined) return new Response(null, { status: 413 });
    const outcome = await bot.handleUpdate(parseJson(text));
    return new Response(null, { status: outcome === 'failed' ? 500 : 200 });
  };
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Reads the body as text, giving up (undefined) past `limit` bytes even without a Content-Length. */
async function readLimited(request: Request, limit: number): Promise<string | undefined> {
  if (!request.body) return '';
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  return Buffer.concat(chunks).toString('utf8');
}
