import { parseOrThrow } from '@banditore/core/authoring';
import { z } from 'zod';
import type { WhatsAppInbox } from './inbox.js';
import { SIGNATURE_HEADER, secretsEqual, verifySignature } from './signature.js';

/** Options of {@link createWhatsAppWebhookHandler}, validated once (→ `ConfigError` naming the field). */
export const whatsAppWebhookOptionsSchema = z.object({
  /** The Meta app's secret: the key of `X-Hub-Signature-256`. */
  appSecret: z.string().min(16, 'must be the app secret from the Meta app dashboard').max(256),
  /** The verify token typed into the webhook settings; echoed back by Meta at verification. */
  verifyToken: z.string().min(8).max(256),
  /** Largest body accepted, in bytes. @defaultValue 4 MiB (Meta's batches reach about 3 MB) */
  maxBodyBytes: z
    .number()
    .int()
    .min(1024)
    .max(50 * 1024 * 1024)
    .default(4 * 1024 * 1024),
});

/** Options of {@link createWhatsAppWebhookHandler}. */
export type WhatsAppWebhookOptions = z.input<typeof whatsAppWebhookOptionsSchema>;

const empty = (status: number, headers: Record<string, string> = {}): Response =>
  new Response(null, { status, headers });

/**
 * Creates the WhatsApp webhook endpoint as a Fetch API handler, `(request) => Promise<Response>`,
 * to mount in any server (Hono, Next.js, Express through an adapter, `serve()` from core).
 *
 * - `GET` is Meta's verification: with `hub.mode=subscribe` and the right `hub.verify_token`
 *   (compared in constant time) it answers 200 with `hub.challenge`; otherwise 403.
 * - `POST` must carry `X-Hub-Signature-256`, the HMAC-SHA256 of the **raw body bytes** with the app
 *   secret: the bytes are read first, verified, and only then parsed. Missing or wrong → 401 and
 *   nothing is processed. Bodies over `maxBodyBytes` → 413 (before reading them when declared).
 * - A signed body that is not JSON or not a WhatsApp notification → 400 (Meta never sends one, so
 *   it is not retried for hours); a store failure → 500, so Meta redelivers later.
 * - Other methods → 405.
 *
 * @param inbox - The inbox from {@link createWhatsAppInbox}.
 * @param options - The app secret, the verify token and the body limit.
 * @returns The handler.
 * @throws ConfigError for invalid options (naming the field, never echoing it).
 * @example
 * ```ts
 * const webhook = createWhatsAppWebhookHandler(inbox, { appSecret: process.env.META_APP_SECRET!, verifyToken: process.env.WA_VERIFY_TOKEN! })
 * await serve(webhook, { port: 8080 })
 * ```
 */
export function createWhatsAppWebhookHandler(
  inbox: Pick<WhatsAppInbox, 'handleNotification'>,
  options: WhatsAppWebhookOptions,
): (request: Request) => Promise<Response> {
  const resolved = parseOrThrow('createWhatsAppWebhookHandler options', whatsAppWebhookOptionsSchema, options);

  const verify = (request: Request): Response => {
    const query = new URL(request.url).searchParams;
    const token = query.get('hub.verify_token');
    const challenge = query.get('hub.challenge');
    if (query.get('hub.mode') !== 'subscribe' || token === null || challenge === null) return empty(403);
    if (!secretsEqual(token, resolved.verifyToken)) return empty(403);
    // Echo as plain text only: a challenge is a number, anything longer or stranger is refused.
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(challenge)) return empty(400);
    return new Response(challenge, { status: 200, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  };

  return async (request) => {
    if (request.method === 'GET') return verify(request);
    if (request.method !== 'POST') return empty(405, { allow: 'GET, POST' });
    const signature = request.headers.get(SIGNATURE_HEADER);
    if (signature === null) return empty(401);
    const declared = Number(request.headers.get('content-length') ?? '0');
    if (declared > resolved.maxBodyBytes) return empty(413);
    const raw = await readLimited(request, resolved.maxBodyBytes);
    if (raw === undefined) return empty(413);
    if (!verifySignature(raw, signature, resolved.appSecret)) return empty(401);
    let notification: unknown;
    try {
      notification = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(raw)) as unknown;
    } catch {
      return empty(400);
    }
    const outcome = await inbox.handleNotification(notification);
    return empty(outcome === 'failed' ? 500 : outcome === 'malformed' ? 400 : 200);
  };
}

/** Reads the raw body, giving up (undefined) past `limit` bytes even without a Content-Length. */
async function readLimited(request: Request, limit: number): Promise<Uint8Array | undefined> {
  if (!request.body) return new Uint8Array(0);
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
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
  } catch {
    // The client went away mid-body: treat as nothing to process.
    return undefined;
  }
  return Buffer.concat(chunks);
}
