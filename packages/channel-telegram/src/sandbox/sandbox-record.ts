import type { Clock } from '@banditore/core';
import type { LimitScope, SendLimiter } from './sandbox-limits.js';
import type { SandboxCallbackAnswer, SandboxEdit, SandboxMessage } from './sandbox-methods.js';

/** Counters of what the sandbox answered. */
export interface SandboxStats {
  requests: number;
  /** Accepted sendMessage/sendPhoto calls (delivered, whatever the client then saw). */
  sent: number;
  /** Accepted editMessageText calls. */
  edited: number;
  /**
   * 429 answers by cause: a limit broken, the bot-wide penalty, a seeded fault, or a send that
   * was already on its way when a seeded 429 started the wait (`seededWait`).
   */
  rateLimited: Record<LimitScope | 'seeded', number>;
  /**
   * 429s the client caused: every breach, and every send during a wait the client already knew
   * of (seeded 429s and sends already in flight when one was answered are not counted).
   */
  clientRateLimited: number;
  /** Seeded faults served. */
  faults: { serverError: number; badGateway: number; drop: number; slow: number };
  /** Other 4xx answers. */
  rejected: number;
  byMethod: Record<string, number>;
  /** Most sends arriving in any sliding second, across all chats (arrivals, refused or not). */
  maxPerSecond: number;
  /** Most sends arriving for one private chat in any sliding second. */
  maxPerChatPerSecond: number;
  /** Most sends arriving for one group or channel in any sliding minute. */
  maxPerGroupPerMinute: number;
}

/** What the sandbox recorded: accepted messages, callback answers and counters. */
export interface SandboxRecord {
  readonly messages: readonly SandboxMessage[];
  /** Accepted edits, oldest first (bounded like `messages`). */
  readonly edits: readonly SandboxEdit[];
  readonly callbackAnswers: SandboxCallbackAnswer[];
  record(message: SandboxMessage): void;
  recordEdit(edit: SandboxEdit): void;
  count(event: 'request' | 'rejected' | LimitScope | 'seeded' | keyof SandboxStats['faults']): void;
  countMethod(method: string): void;
  stats(limiter: SendLimiter): SandboxStats;
  messagesTo(chatId: number | string): SandboxMessage[];
  waitForMessages(predicate: (messages: readonly SandboxMessage[]) => boolean, timeoutMs: number): Promise<void>;
  reset(): void;
}

const ZERO = {
  request: 0,
  rejected: 0,
  global: 0,
  chat: 0,
  group: 0,
  penalty: 0,
  seededWait: 0,
  seeded: 0,
  serverError: 0,
  badGateway: 0,
  drop: 0,
  slow: 0,
};

/**
 * Creates the sandbox's record.
 *
 * @param options - How many messages to keep (0 keeps none) and the clock for waits.
 * @returns The record.
 */
export function createSandboxRecord(options: { recordLimit: number; clock: Clock }): SandboxRecord {
  const { recordLimit, clock } = options;
  let messages: SandboxMessage[] = [];
  let edits: SandboxEdit[] = [];
  let sent = 0;
  let edited = 0;
  const callbackAnswers: SandboxCallbackAnswer[] = [];
  const counters = { ...ZERO };
  const byMethod: Record<string, number> = {};
  const listeners = new Set<() => void>();

  return {
    get messages() {
      return messages;
    },
    get edits() {
      return edits;
    },
    callbackAnswers,
    recordEdit(edit) {
      edited++;
      if (recordLimit > 0) {
        edits.push(edit);
        if (edits.length >= recordLimit * 2) edits = edits.slice(edits.length - recordLimit);
        // The recorded message shows what the chat shows now.
        for (let index = messages.length - 1; index >= 0; index--) {
          const message = messages[index]!;
          if (message.chatId !== edit.chatId || message.messageId !== edit.messageId) continue;
          message.text = edit.text;
          message.raw = edit.raw;
          message.editedAt = edit.at;
          break;
        }
      }
      for (const listener of listeners) listener();
    },
    record(message) {
      sent++;
      if (recordLimit > 0) {
        messages.push(message);
        // Trim in chunks so recording stays O(1) amortised.
        if (messages.length >= recordLimit * 2) messages = messages.slice(messages.length - recordLimit);
      }
      for (const listener of listeners) listener();
    },
    count(event) {
      counters[event]++;
    },
    countMethod(method) {
      byMethod[method] = (byMethod[method] ?? 0) + 1;
    },
    stats(limiter) {
      const { global, chat, group, penalty, seededWait, seeded } = counters;
      return {
        requests: counters.request,
        sent,
        edited,
        rateLimited: { global, chat, group, penalty, seededWait, seeded },
        clientRateLimited: global + chat + group + penalty,
        faults: {
          serverError: counters.serverError,
          badGateway: counters.badGateway,
          drop: counters.drop,
          slow: counters.slow,
        },
        rejected: counters.rejected,
        byMethod: { ...byMethod },
        maxPerSecond: limiter.maxPerSecond,
        maxPerChatPerSecond: limiter.maxPerChatPerSecond,
        maxPerGroupPerMinute: limiter.maxPerGroupPerMinute,
      };
    },
    messagesTo: (chatId) => messages.filter((message) => message.chatId === Number(chatId)),
    waitForMessages(predicate, timeoutMs) {
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
    reset() {
      messages = [];
      edits = [];
      sent = 0;
      edited = 0;
      callbackAnswers.length = 0;
      Object.assign(counters, ZERO);
      for (const key of Object.keys(byMethod)) delete byMethod[key];
    },
  };
}
