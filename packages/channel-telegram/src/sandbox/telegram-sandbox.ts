import { systemClock, type Clock } from '@banditore/core';
import subsetJson from './bot-api-subset.json';
import { createChatRegistry } from './sandbox-chats.js';
import { createChatControls, type SandboxChatControls } from './sandbox-controls.js';
import { createSendLimiter, DEFAULT_SANDBOX_LIMITS, type SandboxLimits } from './sandbox-limits.js';
import type {
  MethodContext,
  SandboxBot,
  SandboxCallbackAnswer,
  SandboxEdit,
  SandboxMessage,
} from './sandbox-methods.js';
import { createSandboxNetwork, type SandboxFaults } from './sandbox-network.js';
import { createSandboxRecord, type SandboxStats } from './sandbox-record.js';
import { channelIdFor } from './sandbox-request.js';
import { startSandboxServer } from './sandbox-server.js';
import { createSandboxUsers, type SandboxUsers } from './sandbox-users.js';
import { createUpdateHub, type SandboxWebhook } from './sandbox-updates.js';
import type { SpecSubset } from './spec-subset.js';

/** Options of {@link createTelegramSandbox}. */
export interface TelegramSandboxOptions {
  /** Accept only this token (401 otherwise). @defaultValue any token of the BotFather format */
  token?: string;
  /**
   * Limits enforced on arrival with real 429 bodies and a bot-wide penalty, or `false` for none
   * (still measured). @defaultValue 30/s, 1/s per private chat, 20/min per group or channel, 3 s penalty
   */
  limits?: Partial<SandboxLimits> | false;
  /**
   * Latency of every request in ms: fixed, or `[least, most]` drawn per request (seeded); split
   * at random between before it arrives and before its answer leaves. @defaultValue 0
   */
  latencyMs?: number | readonly [number, number];
  /** Seeded faults on sends (500, 502, dropped connections, slow answers, stray 429s). @defaultValue none */
  faults?: SandboxFaults;
  /** Seed of latency jitter and faults; print it in tests so a failure can be replayed. @defaultValue 1 */
  seed?: number;
  /** Reject parameters the spec does not know (Telegram silently ignores them). @defaultValue true */
  strict?: boolean;
  /** Keep at least this many accepted messages in `messages`; 0 keeps none. @defaultValue 10000 */
  recordLimit?: number;
  /**
   * How long after sending the bot's messages can be edited; later edits are refused with
   * "message can't be edited". @defaultValue 48 hours
   */
  editWindowMs?: number;
  /** The bot the sandbox pretends to be. @defaultValue id 1000001, `@banditore_sandbox_bot` */
  bot?: Partial<SandboxBot>;
  /** Public channels the bot may post to, by `@username`. @defaultValue none */
  channels?: readonly string[];
  /** @defaultValue `"127.0.0.1"` */
  host?: string;
  /** @defaultValue 0 (any free port) */
  port?: number;
  /** Time of records, latency and limit windows. @defaultValue the system clock (monotonic for windows) */
  clock?: Clock;
}

/** A running sandbox. */
export interface TelegramSandbox extends SandboxUsers, SandboxChatControls {
  /** The base URL to give the channel (`baseUrl`). */
  readonly url: string;
  /** Accepted messages, oldest first (bounded by `recordLimit`); an edited one shows its new text. */
  readonly messages: readonly SandboxMessage[];
  /** Accepted `editMessageText` calls, oldest first (bounded by `recordLimit`). */
  readonly edits: readonly SandboxEdit[];
  readonly callbackAnswers: readonly SandboxCallbackAnswer[];
  readonly stats: SandboxStats;
  readonly webhook: SandboxWebhook | undefined;
  /** Messages accepted for one chat. */
  messagesTo(chatId: number | string): SandboxMessage[];
  /** Resolves once `predicate` holds for the recorded messages; rejects after `timeoutMs`. */
  waitForMessages(predicate: (messages: readonly SandboxMessage[]) => boolean, timeoutMs?: number): Promise<void>;
  /** Changes limits, latency or faults while running. */
  configure(options: Pick<TelegramSandboxOptions, 'limits' | 'latencyMs' | 'faults'>): void;
  /** Forgets messages, answers, stats and limit state (chats states stay). */
  reset(): void;
  close(): Promise<void>;
}

export type { SandboxStats };

const spec = subsetJson as SpecSubset;

/** Windows are measured on monotonic time, so a stepped wall clock cannot open or close one. */
const monotonicClock: Clock = {
  now: () => performance.now(),
  setTimeout: (callback, ms) => systemClock.setTimeout(callback, ms),
  clearTimeout: (handle) => systemClock.clearTimeout(handle),
};

/**
 * Starts a local Telegram Bot API look-alike on a real `node:http` server, for tests, the demo
 * and a comune's developers trying their setup without a bot token.
 *
 * It speaks getMe, sendMessage, sendPhoto, getUpdates, setWebhook, deleteWebhook,
 * answerCallbackQuery, editMessageReplyMarkup and editMessageText; validates every parameter against the Bot API
 * 10.1 spec; answers like Telegram for blocked, deleted, deactivated and migrated chats; records
 * accepted messages; and simulates citizens. It is as strict as Telegram at its worst: exact
 * sliding windows counted when a request arrives (30/s, 1/s per private chat, 20/min per group
 * or channel), a bot-wide penalty refusing every send after any breach, latency with jitter and
 * seeded faults.
 *
 * @param options - Limits, latency, faults, seed, token, bot identity.
 * @returns The running sandbox; call `close()` when done.
 * @example
 * ```ts
 * const sandbox = await createTelegramSandbox({ latencyMs: [5, 40], seed: 7 })
 * const channel = createTelegramChannel({ token: '123456:sandbox-token-0123456789abcdef', baseUrl: sandbox.url })
 * ```
 */
export async function createTelegramSandbox(options: TelegramSandboxOptions = {}): Promise<TelegramSandbox> {
  const clock = options.clock ?? systemClock;
  const windowClock = options.clock ?? monotonicClock;
  const bot: SandboxBot = {
    id: 1_000_001,
    username: 'banditore_sandbox_bot',
    firstName: 'Banditore Sandbox',
    ...options.bot,
  };
  const resolveLimits = (limits: TelegramSandboxOptions['limits']): SandboxLimits | false =>
    limits === false ? false : { ...DEFAULT_SANDBOX_LIMITS, ...limits };
  let limiter = createSendLimiter(resolveLimits(options.limits), windowClock);
  const network = createSandboxNetwork({
    seed: options.seed ?? 1,
    ...(options.latencyMs === undefined ? {} : { latencyMs: options.latencyMs }),
    ...(options.faults === undefined ? {} : { faults: options.faults }),
  });
  const chats = createChatRegistry();
  const hub = createUpdateHub(clock);
  const record = createSandboxRecord({ recordLimit: options.recordLimit ?? 10_000, clock });
  const openCallbacks = new Set<string>();
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
    callbackAnswers: record.callbackAnswers,
    record: (message) => record.record(message),
    recordEdit: (edit) => record.recordEdit(edit),
    editWindowMs: options.editWindowMs ?? 48 * 3_600_000,
    onRateLimited: (scope) => record.count(scope),
    fault: () => network.fault(),
    onFault: (kind) => record.count(kind),
  };
  const server = await startSandboxServer({
    context,
    network,
    record,
    token: options.token,
    host: options.host ?? '127.0.0.1',
    port: options.port ?? 0,
    clock,
    windowClock,
  });
  for (const username of options.channels ?? []) chats.addChannel(username, channelIdFor(username));
  const users = createSandboxUsers({ hub, chats, openCallbacks, clock });

  return {
    ...users,
    ...createChatControls(chats, users),
    url: server.url,
    get messages() {
      return record.messages;
    },
    get edits() {
      return record.edits;
    },
    callbackAnswers: record.callbackAnswers,
    get stats() {
      return record.stats(limiter);
    },
    get webhook() {
      return hub.webhook;
    },
    messagesTo: (chatId) => record.messagesTo(chatId),
    waitForMessages: (predicate, timeoutMs = 5_000) => record.waitForMessages(predicate, timeoutMs),
    configure(next) {
      network.configure(next);
      if (next.limits !== undefined) limiter = createSendLimiter(resolveLimits(next.limits), windowClock);
    },
    reset() {
      record.reset();
      openCallbacks.clear();
      limiter.reset();
    },
    async close() {
      hub.close();
      await server.close();
    },
  };
}
