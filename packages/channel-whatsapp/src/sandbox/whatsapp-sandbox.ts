import type { MessagingLimit } from '../portfolio.js';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { graphError, type SandboxAnswer } from './graph-errors.js';
import { createOpenApiValidators } from './openapi-validator.js';
import { seededRandom } from './random.js';
import { RollingTier, SlidingWindow } from './sandbox-limits.js';
import { handleMessage, type MessageContext, type NumberState, type SandboxMessage } from './sandbox-messages.js';
import { TemplateRegistry, type SandboxTemplate } from './sandbox-templates.js';
import { WebhookPoster, type SandboxWebhookOptions, type WebhookStats } from './sandbox-webhooks.js';

/** Options of {@link createWhatsAppSandbox}. */
export interface WhatsAppSandboxOptions {
  /** Accepted bearer token (190 otherwise). @defaultValue {@link SANDBOX_ACCESS_TOKEN} */
  accessToken?: string;
  /** The portfolio's numbers and their throughput. @defaultValue one number, {@link SANDBOX_PHONE_NUMBER_ID}, 80/s */
  phoneNumbers?: ReadonlyArray<{
    id: string;
    /** Messages per second: 20, 80 or 1,000 like Meta; any other number for benchmarks. */
    throughput?: number;
  }>;
  /** Unique recipients outside a window per moving 24 h, shared by all numbers. @defaultValue `"unlimited"` */
  messagingLimit?: MessagingLimit;
  /** Approved templates. @defaultValue none */
  templates?: readonly SandboxTemplate[];
  /** Least time between two accepted messages to one recipient (pair rate). @defaultValue 6000 */
  pairRateMs?: number;
  /** Answer delay, uniformly between the two, in ms. @defaultValue `[0, 2]` */
  latencyMs?: readonly [number, number];
  /** Share of requests answered with a transient 131000 (500). @defaultValue 0 */
  faultRate?: number;
  /** Seeds latency, faults and webhook order; print it in tests. @defaultValue 1 */
  seed?: number;
  /** Wall time for windows and the messaging limit; inject to move days. @defaultValue `Date.now` */
  now?: () => number;
  /** Time for throughput and pair rate, in ms (only differences matter). @defaultValue `performance.now` */
  monotonic?: () => number;
  /** Status and inbound webhooks. @defaultValue none posted */
  webhook?: SandboxWebhookOptions;
  /** Keep at most this many accepted messages in `messages`. @defaultValue 20000 */
  recordLimit?: number;
}

/** Counters of what the sandbox answered. */
export interface WhatsAppSandboxStats {
  requests: number;
  accepted: number;
  uploads: number;
  /** Answers by Meta error code. */
  errors: Record<number, number>;
}

/** A running sandbox. */
export interface WhatsAppSandbox {
  /** The Graph root to give the channel as `baseUrl`. */
  readonly url: string;
  readonly accessToken: string;
  readonly phoneNumberIds: readonly string[];
  readonly messages: readonly SandboxMessage[];
  readonly stats: WhatsAppSandboxStats;
  readonly webhookStats: WebhookStats | undefined;
  /** The citizen wrote to the business at `at` (opens the 24 h window); posts an inbound webhook when configured. */
  receiveInbound(from: string, text: string, options?: { at?: number; phoneNumberId?: string }): Promise<void>;
  /** Sends to this number fail: synchronously with `code`, or asynchronously in a `failed` status. */
  failRecipient(to: string, code: number, mode?: 'sync' | 'async'): void;
  /**
   * The citizen tapped "Stop promotions": marketing templates to them fail with 131050, and a
   * `user_preferences` webhook (stop) is posted when webhooks are configured.
   */
  stopMarketing(to: string, options?: { at?: number; phoneNumberId?: string }): Promise<void>;
  /** The citizen resumed marketing messages: posts `user_preferences` (resume). */
  resumeMarketing(to: string, options?: { at?: number; phoneNumberId?: string }): Promise<void>;
  /** Adds, pauses, disables or re-categorises templates (a category change posts `template_category_update`). */
  setTemplate(template: SandboxTemplate): void;
  updateTemplate(name: string, change: Partial<Pick<SandboxTemplate, 'status' | 'category'>>): Promise<void>;
  setMessagingLimit(limit: MessagingLimit): void;
  /** Unique recipients counted in the moving 24 h now. */
  messagingLimitUsed(): number;
  /** Resolves when every queued webhook was posted. */
  drainWebhooks(): Promise<void>;
  close(): Promise<void>;
}

/** The token the sandbox accepts by default. */
export const SANDBOX_ACCESS_TOKEN = 'EAASandboxAccessToken0000000000000000';
/** The default phone number ID. */
export const SANDBOX_PHONE_NUMBER_ID = '106540352242922';
const WABA_ID = '102290129340398';
const TIER_LIMITS: Record<Exclude<MessagingLimit, 'unlimited'>, number> = {
  250: 250,
  2_000: 2_000,
  10_000: 10_000,
  100_000: 100_000,
};

/**
 * Starts a local look-alike of the WhatsApp Cloud API on `127.0.0.1`, as strict as Meta is at
 * worst: requests validated against Meta's OpenAPI (patched), an exact sliding throughput window
 * per number counted on arrival (130429), the pair rate (131056), the portfolio's rolling
 * messaging limit on an injectable clock, 131047 for free-form outside the 24 h window, a
 * template registry with Meta's 132xxx codes, media upload, seeded latency and faults, and signed
 * status webhooks posted out of order and duplicated, with asynchronous failures.
 *
 * @param options - See {@link WhatsAppSandboxOptions}.
 * @returns The running sandbox.
 * @example
 * ```ts
 * const sandbox = await createWhatsAppSandbox({ templates: [{ name: 'allerta', language: 'it', category: 'UTILITY', body: 1 }] })
 * const channel = createWhatsAppChannel({ accessToken: sandbox.accessToken, phoneNumberId: sandbox.phoneNumberIds[0]!, baseUrl: sandbox.url, … })
 * ```
 */
export async function createWhatsAppSandbox(options: WhatsAppSandboxOptions = {}): Promise<WhatsAppSandbox> {
  const random = seededRandom(options.seed ?? 1);
  const token = options.accessToken ?? SANDBOX_ACCESS_TOKEN;
  const wallNow = options.now ?? Date.now;
  const numbers = new Map<string, NumberState>(
    (options.phoneNumbers ?? [{ id: SANDBOX_PHONE_NUMBER_ID }]).map((number) => [
      number.id,
      { id: number.id, throughput: new SlidingWindow(number.throughput ?? 80, 1000) },
    ]),
  );
  const limitOf = (limit: MessagingLimit): number => (limit === 'unlimited' ? Infinity : TIER_LIMITS[limit]);
  const tier = new RollingTier(limitOf(options.messagingLimit ?? 'unlimited'));
  const templates = new TemplateRegistry(options.templates ?? []);
  const media = new Set<string>();
  const failures = new Map<string, { code: number; mode: 'sync' | 'async' }>();
  const messages: SandboxMessage[] = [];
  const stats: WhatsAppSandboxStats = { requests: 0, accepted: 0, uploads: 0, errors: {} };
  const [minLatency, maxLatency] = options.latencyMs ?? [0, 2];
  const recordLimit = options.recordLimit ?? 20_000;
  const poster = options.webhook
    ? new WebhookPoster(options.webhook, random, WABA_ID, (id) => `1555${id.slice(-7)}`)
    : undefined;
  let sequence = 0;
  const context: MessageContext = {
    validators: createOpenApiValidators(),
    templates,
    tier,
    monotonic: options.monotonic ?? (() => performance.now()),
    wallNow,
    pairRateMs: options.pairRateMs ?? 6_000,
    lastPair: new Map(),
    lastInbound: new Map(),
    knownMedia: (id) => media.has(id),
    syncFailure: (to) => (failures.get(to)?.mode === 'sync' ? failures.get(to)!.code : undefined),
    fault: () => (options.faultRate && random() < options.faultRate ? graphError(131000, 500) : undefined),
    nextId: () => `wamid.SANDBOX${(++sequence).toString(36).padStart(12, '0')}`,
    marketingStopped: new Set(),
  };

  const route = async (request: IncomingMessage, url: URL): Promise<SandboxAnswer> => {
    const match = /^\/v\d{2}\.\d\/(\d+)\/(messages|marketing_messages|media)$/.exec(url.pathname);
    if (request.headers.authorization !== `Bearer ${token}`) return graphError(190, 401);
    if (!match || request.method !== 'POST') return graphError(100, 400, 'Unsupported post request.');
    const number = numbers.get(match[1]!);
    if (!number) return graphError(100, 400, 'Unsupported post request. Object does not exist.');
    const raw = await readBody(request);
    if (match[2] === 'media') return upload(raw, request.headers['content-type'] ?? '');
    let body: unknown;
    try {
      body = JSON.parse(raw.toString('utf8'));
    } catch {
      return graphError(100, 400, 'The request body is not valid JSON');
    }
    const { answer, accepted } = handleMessage(context, number, match[2] as 'messages', body);
    if (accepted) record(accepted);
    return answer;
  };

  const upload = async (raw: Buffer, type: string): Promise<SandboxAnswer> => {
    let form: FormData;
    try {
      form = await new Response(new Uint8Array(raw), { headers: { 'content-type': type } }).formData();
    } catch {
      return graphError(100, 400, 'Media uploads must be multipart/form-data');
    }
    const file = form.get('file');
    if (form.get('messaging_product') !== 'whatsapp' || !(file instanceof Blob)) {
      return graphError(100, 400, 'messaging_product and file are required');
    }
    if (!['image/jpeg', 'image/png'].includes(file.type) || file.size === 0 || file.size > 5 * 1024 * 1024) {
      return graphError(131053, 400, 'Images must be JPEG or PNG of at most 5 MB');
    }
    const id = `${4_000_000_000_000 + ++stats.uploads}`;
    media.add(id);
    return { status: 200, body: { id } };
  };

  const record = (message: SandboxMessage): void => {
    stats.accepted++;
    if (recordLimit > 0) {
      messages.push(message);
      if (messages.length > recordLimit) messages.splice(0, messages.length - recordLimit);
    }
    const failure = failures.get(message.to);
    poster?.messageAccepted(
      {
        id: message.id,
        recipient: message.to,
        phoneNumberId: message.phoneNumberId,
        timestamp: wallNow(),
        callbackData: message.callbackData,
        category: message.category,
      },
      failure?.mode === 'async' ? failure.code : undefined,
    );
  };

  const postPreference = async (
    to: string,
    value: 'stop' | 'resume',
    preference: { at?: number; phoneNumberId?: string },
  ): Promise<void> => {
    const at = preference.at ?? wallNow();
    await poster?.post(
      poster.envelope(
        preference.phoneNumberId ?? [...numbers.keys()][0]!,
        {
          contacts: [{ profile: { name: 'Cittadino' }, wa_id: to }],
          user_preferences: [
            {
              wa_id: to,
              detail:
                value === 'stop' ? 'User requested to stop marketing messages' : 'User resumed marketing messages',
              category: 'marketing_messages',
              value,
              timestamp: Math.floor(at / 1000),
            },
          ],
        },
        'user_preferences',
      ),
    );
  };

  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    stats.requests++;
    void (async () => {
      const answer = await route(request, new URL(request.url ?? '/', 'http://sandbox')).catch(() =>
        graphError(1, 500, 'An unknown error occurred'),
      );
      const code = (answer.body as { error?: { code?: number } }).error?.code;
      if (code !== undefined) stats.errors[code] = (stats.errors[code] ?? 0) + 1;
      const delay = minLatency + random() * (maxLatency - minLatency);
      const send = (): void => {
        response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body));
      };
      if (delay >= 1) setTimeout(send, delay);
      else send();
    })();
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    accessToken: token,
    phoneNumberIds: [...numbers.keys()],
    messages,
    stats,
    get webhookStats() {
      return poster?.stats;
    },
    async receiveInbound(from, text, inbound = {}) {
      const at = inbound.at ?? wallNow();
      context.lastInbound.set(from, at);
      const phoneNumberId = inbound.phoneNumberId ?? [...numbers.keys()][0]!;
      await poster?.post(
        poster.envelope(phoneNumberId, {
          contacts: [{ profile: { name: 'Cittadino' }, wa_id: from }],
          messages: [
            {
              from,
              id: `wamid.IN${(++sequence).toString(36)}`,
              timestamp: String(Math.floor(at / 1000)),
              type: 'text',
              text: { body: text },
            },
          ],
        }),
      );
    },
    failRecipient(to, code, mode = 'async') {
      failures.set(to, { code, mode });
    },
    async stopMarketing(to, preference = {}) {
      context.marketingStopped.add(to);
      await postPreference(to, 'stop', preference);
    },
    async resumeMarketing(to, preference = {}) {
      context.marketingStopped.delete(to);
      await postPreference(to, 'resume', preference);
    },
    setTemplate: (template) => templates.set(template),
    async updateTemplate(name, change) {
      const before = templates.all().find((template) => template.name === name);
      templates.update(name, change);
      if (poster && before && change.category !== undefined && change.category !== before.category) {
        await poster.post({
          object: 'whatsapp_business_account',
          entry: [
            {
              id: WABA_ID,
              changes: [
                {
                  field: 'template_category_update',
                  value: {
                    message_template_id: 1_000_000 + Math.abs(hash(name)),
                    message_template_name: name,
                    message_template_language: before.language,
                    previous_category: before.category,
                    new_category: change.category,
                  },
                },
              ],
            },
          ],
        });
      }
    },
    setMessagingLimit(limit) {
      tier.limit = limitOf(limit);
    },
    messagingLimitUsed: () => tier.used(wallNow()),
    drainWebhooks: () => poster?.drain() ?? Promise.resolve(),
    async close() {
      await poster?.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of request as AsyncIterable<Buffer>) chunks.push(chunk);
  return Buffer.concat(chunks);
}

function hash(text: string): number {
  let value = 0;
  for (const char of text) value = (value * 31 + char.charCodeAt(0)) | 0;
  return value;
}
