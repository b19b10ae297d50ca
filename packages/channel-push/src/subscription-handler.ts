import type { FetchHandler, SubscriberStore } from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { z } from 'zod';

const slug = z.string().regex(/^[a-z0-9][a-z0-9-]*$/);

/** Options of {@link createPushSubscriptionHandler}. */
export const pushSubscriptionHandlerOptionsSchema = z.object({
  store: z.custom<Pick<SubscriberStore, 'subscribe' | 'findSubscriber' | 'updateSubscriber'>>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      ['subscribe', 'findSubscriber', 'updateSubscriber'].every(
        (method) => typeof (value as Record<string, unknown>)[method] === 'function',
      ),
    'must be a SubscriberStore',
  ),
  /** The push channel (its `name` and `addressSchema`). */
  channel: z.custom<{ name: string; addressSchema: z.ZodType<string> }>(
    (value) =>
      typeof value === 'object' &&
      value !== null &&
      typeof (value as { name?: unknown }).name === 'string' &&
      typeof (value as { addressSchema?: { safeParse?: unknown } }).addressSchema?.safeParse === 'function',
    'must be the push channel from createPushChannel()',
  ),
  /** The privacy notice version the widget showed, recorded with the consent. */
  noticeVersion: z.string().min(1).max(64),
  /** Topics a citizen may choose; others are refused. Empty: any slug. */
  topics: z.array(slug).max(200).default([]),
  /** Languages offered; others fall back to the first. */
  languages: z
    .array(z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/))
    .min(1)
    .default(['it']),
  maxBodyBytes: z.number().int().min(1024).max(65_536).default(8192),
});

/** Options of {@link createPushSubscriptionHandler}. */
export type PushSubscriptionHandlerOptions = z.input<typeof pushSubscriptionHandlerOptionsSchema>;

const subscriptionSchema = z.object({
  endpoint: z.string().max(2048),
  expirationTime: z.number().nullable().optional(),
  keys: z.object({ p256dh: z.string().max(100), auth: z.string().max(40) }),
});

/**
 * Makes the endpoint the widget calls after `pushManager.subscribe()`: a Fetch API handler
 * (mount it with `serve()` or `toNodeListener()` from `@banditore/core`).
 *
 * - `POST` `{ subscription, topics, language, consent: true }` → 201: subscribes (or re-activates
 *   and updates) the browser with a `web-form` consent record.
 * - `POST` `{ subscription, previous }` → 200: the service worker's `pushsubscriptionchange`
 *   (the push service rotated the subscription): moves the subscriber from `previous` to the new
 *   subscription, keeping topics, language and consent history; 404 when `previous` is not
 *   subscribed (holding its keys is the proof it is the same browser).
 * - `DELETE` `{ subscription }` → 204: unsubscribes it (also when it was not subscribed, so the
 *   answer says nothing about who is subscribed).
 *
 * The subscription is checked with the channel's `addressSchema` (https endpoint on a known push
 * service, keys of the right length) and stored as canonical JSON, so the same browser always maps
 * to one subscriber. Errors name fields, never values; the endpoint is never echoed.
 *
 * @param options - See {@link PushSubscriptionHandlerOptions}.
 * @returns The handler.
 * @throws ConfigError naming invalid options.
 * @example
 * ```ts
 * const handler = createPushSubscriptionHandler({ store, channel: push, noticeVersion: '2026-03', topics: ['meteo'] })
 * serve(handler, { port: 8080 })
 * ```
 */
export function createPushSubscriptionHandler(options: PushSubscriptionHandlerOptions): FetchHandler {
  const resolved = parseOrThrow('createPushSubscriptionHandler options', pushSubscriptionHandlerOptionsSchema, options);
  const allowed = new Set(resolved.topics);
  const bodySchema = z.object({
    subscription: subscriptionSchema,
    topics: z
      .array(slug.refine((topic) => allowed.size === 0 || allowed.has(topic), 'must be one of the offered topics'))
      .max(50)
      .default([]),
    language: z.string().max(35).optional(),
    consent: z.literal(true).optional(),
    /** `pushsubscriptionchange`: the subscription the browser replaced. */
    previous: subscriptionSchema.optional(),
  });
  const { store, channel } = resolved;

  return async (request: Request): Promise<Response> => {
    if (request.method !== 'POST' && request.method !== 'DELETE')
      return json(405, { error: 'method not allowed' }, { allow: 'POST, DELETE' });
    if (!(request.headers.get('content-type') ?? '').toLowerCase().startsWith('application/json'))
      return json(415, { error: 'send application/json' });
    const text = await readLimited(request, resolved.maxBodyBytes);
    if (text === undefined) return json(413, { error: 'body too large' });
    let raw: unknown;
    try {
      raw = JSON.parse(text);
    } catch {
      return json(400, { error: 'body is not JSON' });
    }
    const body = bodySchema.safeParse(raw);
    if (!body.success) return json(400, { error: 'invalid', fields: fieldsOf(body.error) });
    const { subscription } = body.data;
    const address = JSON.stringify({ endpoint: subscription.endpoint, keys: subscription.keys });
    if (!channel.addressSchema.safeParse(address).success)
      return json(400, { error: 'invalid', fields: ['subscription'] });

    if (request.method === 'DELETE') {
      const existing = await store.findSubscriber(channel.name, address);
      if (existing && existing.status === 'active') {
        await store.updateSubscriber(
          existing.id,
          { status: 'unsubscribed' },
          { method: 'web-form', noticeVersion: resolved.noticeVersion },
        );
      }
      return new Response(null, { status: 204 });
    }
    if (body.data.previous) {
      const old = body.data.previous;
      const oldAddress = JSON.stringify({ endpoint: old.endpoint, keys: old.keys });
      const existing = await store.findSubscriber(channel.name, oldAddress);
      if (!existing || existing.status === 'unsubscribed') return json(404, { error: 'previous subscription unknown' });
      const already = await store.findSubscriber(channel.name, address);
      const consent = { method: 'web-form' as const, noticeVersion: resolved.noticeVersion };
      let moved;
      if (already && already.id !== existing.id) {
        // The page subscribed the new one too: keep one subscriber, with the old one's choices.
        moved = await store.updateSubscriber(
          already.id,
          { topics: existing.topics, language: existing.language, status: 'active' },
          consent,
        );
        await store.updateSubscriber(existing.id, { status: 'unsubscribed' }, consent);
      } else {
        moved = await store.updateSubscriber(existing.id, { address, status: 'active' });
      }
      return json(200, { resubscribed: true, topics: moved?.topics ?? [], language: moved?.language });
    }
    if (body.data.consent !== true) return json(400, { error: 'invalid', fields: ['consent'] });
    const language = resolved.languages.includes(body.data.language ?? '')
      ? body.data.language!
      : resolved.languages[0]!;
    const subscriber = await store.subscribe(
      { channel: channel.name, address, topics: body.data.topics, areas: [], language },
      { method: 'web-form', noticeVersion: resolved.noticeVersion },
    );
    return json(201, { subscribed: true, topics: subscriber.topics, language: subscriber.language });
  };
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...headers },
  });
}

function fieldsOf(error: z.ZodError): string[] {
  return [...new Set(error.issues.map((issue) => issue.path.join('.') || 'body'))].slice(0, 10);
}

/** Reads the body as text, giving up (`undefined`) once it exceeds `limit` bytes. */
async function readLimited(request: Request, limit: number): Promise<string | undefined> {
  if (Number(request.headers.get('content-length') ?? 0) > limit) return undefined;
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
