import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { sleep, systemClock, type Clock } from '@banditore/core';
import subsetJson from './bot-api-subset.json';
import { createChatRegistry } from './sandbox-chats.js';
import { createSendLimiter, DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './sandbox-limits.js';
import {
  runMethod,
  type MethodContext,
  type SandboxBot,
  type SandboxCallbackAnswer,
  type SandboxMessage,
} from './sandbox-methods.js';
import { createSandboxUsers, type SandboxUsers } from './sandbox-users.js';
import { channelIdFor, notFound, readParams, type SandboxAnswer } from './sandbox-request.js';
import { createUpdateHub, type SandboxWebhook } from './sandbox-updates.js';
import { SANDBOX_METHODS, type SpecSubset } from './spec-subset.js';

/** Options of {@link createTelegramSandbox}. */
export interface TelegramSandboxOptions {
  /** Accept only this token (401 otherwise). @defaultValue any token of the BotFather format */
  token?: string;
  /** Limits enforced with real 429 bodies, or `false` for none (still measured). @defaultValue 30/s, 1/s per chat, bursts of 3 */
  limits?: Partial<SandboxLimits> | false;
  /** Delay before every answer, in ms. @defaultValue 0 */
  latencyMs?: number;
  /** Reject parameters the spec does not know (Telegram silently ignores them). @defaultValue true */
  strict?: boolean;
  /** Keep at least this many accepted messages in `messages`; 0 keeps none. @defaultValue 10000 */
  recordLimit?: number;
  /** The bot the sandbox pretends to be. @defaultValue id 1000001, `@banditore_sandbox_bot` */
  bot?: Partial<SandboxBot>;
  /** Public channels the bot may post to, by `@username`. @defaultValue none */
  channels?: readonly string[];
  /** @defaultValue `"127.0.0.1"` */
  host?: string;
  /** @defaultValue 0 (any free port) */
  port?: number;
  clock?: Clock;
}

/** Counters of what the sandbox answered. */
export interface SandboxStats {
  requests: number;
  /** Accepted sendMessage/sendPhoto calls. */
  sent: number;
  /** 429 answers, by limit. */
  rateLimited: { global: number; chat: number };
  /** Other 4xx answers. */
  rejected: number;
  byMethod: Record<string, number>;
  /** Most sends accepted in any sliding second. */
  maxPerSecond: number;
}

/** A running sandbox. */
export interface TelegramSandbox extends SandboxUsers {
  /** The base URL to give the channel (`baseUrl`). */
  readonly url: string;
  /** Accepted messages, oldest first (bounded by `recordLimit`). */
  readonly messages: readonly SandboxMessage[];
  readonly callbackAnswers: readonly SandboxCallbackAnswer[];
  readonly stats: SandboxStats;
  readonly webhook: SandboxWebhook | undefined;
  /** Messages accepted for one chat. */
  messagesTo(chatId: number | string): SandboxMessage[];
  /** The current inline keyboard of a message, or `undefined`. */
  replyMarkupOf(chatId: number | string, messageId: number): unknown;
  /** Resolves once `predicate` holds for the recorded messages; rejects after `timeoutMs`. */
  waitForMessages(predicate: (messages: readonly SandboxMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  /** The chat answers as if the user blocked the bot (403). `notify` also queues a `my_chat_member` update. */
  blockBot(chatId: number, options?: { notify?: boolean }): Promise<void>;
  /** The user deleted the account (403 "user is deactivated"). */
  deactivateUser(chatId: number): void;
  /** The chat no longer exists (400 "chat not found"). */
  deleteChat(chatId: number): void;
  /** The group became a supergroup (400 with `migrate_to_chat_id`). */
  migrateChat(chatId: number, newChatId: number): void;
  /** Makes a chat reachable again. */
  restoreChat(chatId: number): void;
  /** Registers a public channel the bot can post to; returns its `-100…` id. */
  addChannel(username: string): number;
  /** The bot was removed from the channel (403 "not a member"). */
  removeBotFromChannel(username: string): void;
  /** Changes limits or latency while running. */
  configure(options: Pick<TelegramSandboxOptions, 'limits' | 'latencyMs'>): void;
  /** Forgets messages, answers, stats and limit state (chats states stay). */
  reset(): void;
  close(): Promise<void>;
}

const TOKEN_FORMAT = /^\d{1,20}:[A-Za-z0-9_-]{20,100}$/;
const CANONICAL = new Map<string, string>(SANDBOX_METHODS.map((method) => [method.toLowerCase(), method]));
const spec = subsetJson as SpecSubset;

/**
 * Starts a local Telegram Bot API look-alike on a real `node:http` server, for tests, the demo
 * and a comune's developers trying their setup without a bot token.
 *
 * It speaks getMe, sendMessage, sendPhoto, getUpdates, setWebhook, deleteWebhook,
 * answerCallbackQuery and editMessageReplyMarkup; validates every parameter against the Bot API
 * 10.1 spec; enforces the limits with Telegram's 429 bodies; answers like Telegram for blocked,
 * deleted, deactivated and migrated chats; records accepted messages; and simulates citizens
 * (messages, button presses) delivered to the webhook or queued for getUpdates.
 *
 * @param options - Limits, latency, token, bot identity.
 * @returns The running sandbox; call `close()` when done.
 * @example
 * ```ts
 * const sandbox = await createTelegramSandbox()
 * const channel = createTelegramChannel({ token: '123456:sandbox-token-0123456789abcdef', baseUrl: sandbox.url })
 * ```
 */
export async function createTelegramSandbox(options: TelegramSandboxOptions = {}): Promise<TelegramSandbox> {
  const clock = options.clock ?? systemClock;
  let latencyMs = options.latencyMs ?? 0;
  const recordLimit = options.recordLimit ?? 10_000;
  const bot: SandboxBot = {
    id: 1_000_001,
    username: 'banditore_sandbox_bot',
    firstName: 'Banditore Sandbox',
    ...options.bot,
  };
  const resolveLimits = (limits: TelegramSandboxOptions['limits']): SandboxLimits | false =>
    limits === false ? false : { ...DEFAULT_SANDBOX_LIMITS, ...limits };
  let limiter = createSendLimiter(resolveLimits(options.limits), clock);
  const chats = createChatRegistry();
  const hub = createUpdateHub(clock);
  let messages: SandboxMessage[] = [];
  const callbackAnswers: SandboxCallbackAnswer[] = [];
  const openCallbacks = new Set<string>();
  const listeners = new Set<() => void>();
  const counters = { requests: 0, sent: 0, rejected: 0, global: 0, chat: 0 };
  const byMethod: Record<string, number> = {};

  const context: MethodContext = {
    spec,
    strict: options.strict ?? true,
    chats,
    get limiter() {
      return limiter;
    },
    hub,
    clock,
    bot,
    openCallbacks,
    callbackAnswers,
    record(message) {
      counters.sent++;
      if (recordLimit > 0) {
        messages.push(message);
        // Trim in chunks so recording stays O(1) amortised.
        if (messages.length >= recordLimit * 2) messages = messages.slice(messages.length - recordLimit);
      }
      for (const listener of listeners) listener();
    },
    onRateLimited(scope) {
      counters[scope]++;
    },
  };

  const server = createServer((request, response) => {
    void handle(request, response);
  });
  server.keepAliveTimeout = 30_000;

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    counters.requests++;
    let answer: SandboxAnswer;
    try {
      answer = await answerFor(request, response);
    } catch {
      // A broken request stream; a real server answers 500 and keeps running.
      answer = { status: 500, body: { ok: false, error_code: 500, description: 'Internal Server Error' } };
    }
    if (latencyMs > 0) await sleep(clock, latencyMs);
    if (answer.status >= 400 && answer.status !== 429) counters.rejected++;
    const payload = JSON.stringify(answer.body);
    if (response.destroyed) return;
    response.writeHead(answer.status, {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(payload),
    });
    response.end(payload);
  }

  async function answerFor(
    request: IncomingMessage,
    response: ServerResponse,
  ): Promise<{ status: number; body: object }> {
    const url = new URL(request.url ?? '/', 'http://sandbox');
    const match = /^\/bot([^/]+)\/([A-Za-z0-9_]+)$/.exec(url.pathname);
    if (!match) return notFound();
    const token = decodeURIComponent(match[1]!);
    if (!TOKEN_FORMAT.test(token)) return notFound();
    if (options.token !== undefined && token !== options.token) {
      return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    }
    const method = CANONICAL.get(match[2]!.toLowerCase());
    if (method === undefined) return notFound();
    byMethod[method] = (byMethod[method] ?? 0) + 1;
    const input = await readParams(request, url);
    if ('status' in input) return input;
    return runMethod(context, method, input.params, (abort) => response.on('close', abort));
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolve());
  });
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;

  for (const username of options.channels ?? []) chats.addChannel(username, channelIdFor(username));

  const users = createSandboxUsers({ hub, chats, openCallbacks, clock });

  return {
    ...users,
    url: `http://${host}:${address.port}`,
    get messages() {
      return messages;
    },
    callbackAnswers,
    get stats(): SandboxStats {
      return {
        requests: counters.requests,
        sent: counters.sent,
        rateLimited: { global: counters.global, chat: counters.chat },
        rejected: counters.rejected,
        byMethod: { ...byMethod },
        maxPerSecond: limiter.maxPerSecond,
      };
    },
    get webhook() {
      return hub.webhook;
    },
    messagesTo: (chatId) => messages.filter((message) => message.chatId === Number(chatId)),
    replyMarkupOf(chatId, messageId) {
      const markup = chats.markups.get(`${Number(chatId)}:${messageId}`);
      return markup === undefined ? undefined : (JSON.parse(markup) as unknown);
    },
    waitForMessages(predicate, timeoutMs = 5_000) {
      return new Promise<void>((resolve, reject) => {
        const check = (): void => {
          if (!predicate(messages)) return;
          listeners.delete(check);
          clock.clearTimeout(timer);
          resolve();
        };
        const timer = clock.setTimeout(() => {
          listeners.delete(check);
          reject(new Error(`The sandbox did not record the expected messages within ${timeoutMs} ms`));
        }, timeoutMs);
        listeners.add(check);
        check();
      });
    },
    async blockBot(chatId, blockOptions = {}) {
      chats.setState(chatId, { kind: 'blocked' });
      if (blockOptions.notify) await users.pushUpdate(users.chatMemberUpdate(chatId, 'member', 'kicked'));
    },
    deactivateUser: (chatId) => chats.setState(chatId, { kind: 'deactivated' }),
    deleteChat: (chatId) => chats.setState(chatId, { kind: 'deleted' }),
    migrateChat: (chatId, newChatId) => chats.setState(chatId, { kind: 'migrated', to: newChatId }),
    restoreChat: (chatId) => chats.setState(chatId, undefined),
    addChannel(username) {
      const id = channelIdFor(username);
      chats.addChannel(username, id);
      chats.setState(id, undefined);
      return id;
    },
    removeBotFromChannel(username) {
      const id = chats.channelId(username);
      if (id !== undefined) chats.setState(id, { kind: 'kicked' });
    },
    configure(next) {
      if (next.latencyMs !== undefined) latencyMs = next.latencyMs;
      if (next.limits !== undefined) limiter = createSendLimiter(resolveLimits(next.limits), clock);
    },
    reset() {
      messages = [];
      callbackAnswers.length = 0;
      openCallbacks.clear();
      limiter.reset();
      Object.assign(counters, { requests: 0, sent: 0, rejected: 0, global: 0, chat: 0 });
      for (const key of Object.keys(byMethod)) delete byMethod[key];
    },
    async close() {
      hub.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}
