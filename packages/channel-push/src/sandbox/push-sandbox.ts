import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { decryptPushPayload } from '../ece-decrypt.js';
import { createFakeSubscription, type FakeSubscription } from './fake-subscription.js';
import { checkVapid, type VapidProblem } from './vapid-check.js';

/** One message the sandbox accepted and decrypted. */
export interface ReceivedPush {
  subscriptionId: string;
  /** The decrypted plaintext parsed as JSON (the raw string when it is not JSON). */
  payload: unknown;
  ttl: number;
  urgency: string;
  topic: string | undefined;
  /** When the request arrived (`performance.now()` of the sandbox's process), to check pacing. */
  receivedAt: number;
}

/** Options of {@link createPushSandbox}. */
export interface PushSandboxOptions {
  /** Largest body accepted; larger gets 413. RFC 8030 lets a service stop at 4,096. @defaultValue 4096 */
  maxBodyBytes?: number;
  /** Time for VAPID `exp` checks, epoch ms. @defaultValue `Date.now` */
  now?: () => number;
  /**
   * Decrypt every body with the subscriber's key (400 when it does not decrypt). `false` checks
   * only the aes128gcm header and size, and keeps the raw body length: for a bench that measures
   * the sender, not the sandbox's own decryption (~150 µs of CPU per message). @defaultValue true
   */
  decrypt?: boolean;
  /** Keep accepted messages in `messages` (turn off for long benches). @defaultValue true */
  keepMessages?: boolean;
}

/** Counters of what the sandbox answered. */
export interface PushSandboxStats {
  requests: number;
  accepted: number;
  /** Answers other than 201, by status. */
  byStatus: Record<number, number>;
  /** VAPID refusals by reason. */
  vapid: Partial<Record<VapidProblem, number>>;
  /** Distinct VAPID tokens seen: stays small when the sender caches its JWT. */
  distinctTokens: number;
}

/** A local RFC 8030 push service. */
export interface PushSandbox {
  /** The origin, `http://127.0.0.1:<port>`; pass it to `extraOrigins`. */
  readonly url: string;
  /** Every accepted message, in arrival order. */
  readonly messages: readonly ReceivedPush[];
  readonly stats: PushSandboxStats;
  /**
   * Registers a fake browser subscription bound to `applicationServerKey` (the VAPID public key
   * the browser subscribed with); messages signed with another key get 403.
   */
  subscribe(applicationServerKey: string): FakeSubscription;
  /** Answers every later request for the subscription with `status` (404, 410, 413, …). */
  setStatus(subscriptionId: string, status: number): void;
  /** Answers the next `count` requests with 429 and `Retry-After: retryAfter`. */
  rateLimitNext(count: number, retryAfter?: string): void;
  /** Answers the next `count` requests with `status` (5xx). */
  failNext(count: number, status?: number): void;
  /** Messages waiting for the subscription, where a newer message with the same `Topic` replaced the older. */
  inbox(subscriptionId: string): ReceivedPush[];
  close(): Promise<void>;
}

interface Registered {
  fake: FakeSubscription;
  applicationServerKey: string;
  status: number | undefined;
}

const TOPIC = /^[A-Za-z0-9_-]{1,32}$/;
const URGENCIES = new Set(['very-low', 'low', 'normal', 'high']);

/**
 * Starts a push service on 127.0.0.1, port 0. It is as strict as the real ones: `TTL` required,
 * `Urgency` and `Topic` validated, exactly `Content-Encoding: aes128gcm`, a VAPID JWT checked for
 * signature, audience (this origin), expiry (future, at most 24 h) and subject, and its key must
 * be the one the subscription was made with. Every body is decrypted with the subscriber's
 * private key; one that does not decrypt gets 400.
 *
 * @param options - See {@link PushSandboxOptions}.
 * @returns The running sandbox.
 * @example
 * ```ts
 * const sandbox = await createPushSandbox()
 * const fake = sandbox.subscribe(vapid.publicKey)
 * const push = createPushChannel({ vapid, extraOrigins: [sandbox.url] })
 * ```
 */
export async function createPushSandbox(options: PushSandboxOptions = {}): Promise<PushSandbox> {
  const maxBody = options.maxBodyBytes ?? 4096;
  const now = options.now ?? Date.now;
  const decrypt = options.decrypt ?? true;
  const keep = options.keepMessages ?? true;
  const subscriptions = new Map<string, Registered>();
  const messages: ReceivedPush[] = [];
  const tokens = new Set<string>();
  const stats: PushSandboxStats = { requests: 0, accepted: 0, byStatus: {}, vapid: {}, distinctTokens: 0 };
  const scripted: { status: number; retryAfter?: string }[] = [];
  let origin = '';

  const answer = (response: ServerResponse, status: number, headers: Record<string, string> = {}): void => {
    if (status !== 201) stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    response.writeHead(status, { 'content-type': 'application/json', ...headers });
    response.end(status === 201 ? '' : JSON.stringify({ code: status, errno: status, message: 'refused' }));
  };

  const handle = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    stats.requests++;
    // Counted when the request arrives, as a provider's rate window counts it.
    const receivedAt = performance.now();
    const body = await readBody(request, 64 * 1024);
    const match = /^\/push\/([A-Za-z0-9_-]+)$/.exec(request.url ?? '');
    const registered = match ? subscriptions.get(match[1]!) : undefined;
    if (request.method !== 'POST' || !registered) return answer(response, 404);
    const next = scripted.shift();
    if (next)
      return answer(response, next.status, next.retryAfter === undefined ? {} : { 'retry-after': next.retryAfter });
    if (registered.status !== undefined) return answer(response, registered.status);
    const ttl = header(request, 'ttl');
    const urgency = header(request, 'urgency') ?? 'normal';
    const topic = header(request, 'topic');
    if (ttl === undefined || !/^\d{1,10}$/.test(ttl)) return answer(response, 400);
    if (!URGENCIES.has(urgency) || (topic !== undefined && !TOPIC.test(topic))) return answer(response, 400);
    if (header(request, 'content-encoding') !== 'aes128gcm') return answer(response, 400);
    const authorization = header(request, 'authorization');
    // Like a real service, a token whose signature verified once is not verified again (its
    // claims, expiry and key still are): ECDSA verification costs more than the request.
    const problem = checkVapid(
      authorization,
      origin,
      registered.applicationServerKey,
      Math.floor(now() / 1000),
      authorization !== undefined && tokens.has(authorization),
    );
    if (problem !== undefined) {
      stats.vapid[problem] = (stats.vapid[problem] ?? 0) + 1;
      return answer(response, problem === 'missing' ? 401 : 403);
    }
    tokens.add(authorization!);
    stats.distinctTokens = tokens.size;
    if (body === undefined || body.length > maxBody) return answer(response, 413);
    let plaintext: string;
    if (!decrypt) {
      // aes128gcm header: salt 16, rs 4, idlen 1 = 65, key id; then at least the delimiter and tag.
      if (body.length < 86 + 17 || body[20] !== 65) return answer(response, 400);
      plaintext = `${body.length} bytes, not decrypted`;
    } else {
      try {
        plaintext = decryptPushPayload(body, registered.fake.privateKey, registered.fake.auth).toString('utf8');
      } catch {
        return answer(response, 400);
      }
    }
    if (keep)
      messages.push({
        subscriptionId: registered.fake.id,
        payload: parseOrRaw(plaintext),
        ttl: Number(ttl),
        urgency,
        topic,
        receivedAt,
      });
    stats.accepted++;
    answer(response, 201, { location: `${origin}/message/${stats.accepted}`, ttl });
  };

  const server = createServer((request, response) => {
    handle(request, response).catch(() => {
      if (!response.headersSent) answer(response, 500);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: origin,
    messages,
    stats,
    subscribe(applicationServerKey) {
      const fake = createFakeSubscription(origin);
      subscriptions.set(fake.id, { fake, applicationServerKey, status: undefined });
      return fake;
    },
    setStatus(subscriptionId, status) {
      const registered = subscriptions.get(subscriptionId);
      if (registered) registered.status = status;
    },
    rateLimitNext(count, retryAfter = '1') {
      for (let index = 0; index < count; index++) scripted.push({ status: 429, retryAfter });
    },
    failNext(count, status = 503) {
      for (let index = 0; index < count; index++) scripted.push({ status });
    },
    inbox(subscriptionId) {
      const inbox: ReceivedPush[] = [];
      for (const message of messages) {
        if (message.subscriptionId !== subscriptionId) continue;
        const replaced = message.topic === undefined ? -1 : inbox.findIndex((old) => old.topic === message.topic);
        if (replaced >= 0) inbox.splice(replaced, 1);
        inbox.push(message);
      }
      return inbox;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function header(request: IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/** Reads the body; `undefined` when it exceeds `limit` (the rest is discarded). */
async function readBody(request: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= limit) chunks.push(chunk as Buffer);
  }
  return size > limit ? undefined : Buffer.concat(chunks);
}

function parseOrRaw(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
