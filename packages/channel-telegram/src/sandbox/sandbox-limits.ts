import type { Clock } from '@banditore/core';

/**
 * Telegram's limits on sends (`sendMessage`, `sendPhoto`) as the sandbox enforces them: exact
 * sliding windows counted when a request arrives, at the documented values, and a bot-wide
 * penalty for any breach. Stricter than Telegram at its most lenient on purpose: a client that
 * passes here stays inside the real limits however Telegram happens to count.
 */
export interface SandboxLimits {
  /** Sends arriving in any sliding second across all chats. @defaultValue 30 */
  messagesPerSecond: number;
  /** Least time between two sends arriving for one private chat, in ms. @defaultValue 1000 */
  privateChatIntervalMs: number;
  /** Sends arriving for one group, supergroup or channel in any sliding minute. @defaultValue 20 */
  groupMessagesPerMinute: number;
  /**
   * After any breach, the whole bot is refused every send for this long (429 with the remaining
   * `retry_after`); sends during it do not count, and do not extend it. @defaultValue 3000
   */
  penaltyMs: number;
  /**
   * How long after a seeded 429's answer left a send may still be read without counting as the
   * client's fault: requests the client wrote before the answer reached it. The sandbox reads
   * requests on the same event loop as an in-process client, so "read" can trail "written" by
   * tens of milliseconds on a busy machine. Breach penalties get no such grace. @defaultValue 100
   */
  reactionMs: number;
}

/** The default sandbox limits, Telegram's documented bulk pace. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  messagesPerSecond: 30,
  privateChatIntervalMs: 1000,
  groupMessagesPerMinute: 20,
  penaltyMs: 3000,
  reactionMs: 100,
};

/**
 * Why a send was refused: the limit it broke; `penalty` when the bot was waiting out a breach or
 * a 429 the client had already received; `seededWait` when it was on its way before the seeded
 * 429 that started the wait reached the client (see `reactionMs`).
 */
export type LimitScope = 'global' | 'chat' | 'group' | 'penalty' | 'seededWait';

/** A send's admission: accepted, or refused with the seconds to wait and which limit. */
export type Admission = { ok: true } | { ok: false; retryAfter: number; scope: LimitScope };

/** The kind of chat a send goes to; groups and channels share the per-minute limit. */
export type ChatKind = 'private' | 'group' | 'supergroup' | 'channel';

/** Tracks send arrivals and decides admissions. */
export interface SendLimiter {
  /**
   * Counts a send arriving now and decides it.
   *
   * @param readAt - When the request reached the server, before its inbound latency: when it left the client.
   */
  admit(chatId: number, kind: ChatKind, readAt: number): Admission;
  /** A seeded 429 was decided; until its answer leaves, sends in flight cannot know of it. */
  seededRefusal(): void;
  /** The seeded 429's answer left now: every send for the next `ms` is refused. */
  seededAnswered(ms: number): void;
  /** Most sends that arrived in any sliding 1,000 ms so far (all chats). */
  readonly maxPerSecond: number;
  /** Most sends that arrived for one private chat in any sliding 1,000 ms so far. */
  readonly maxPerChatPerSecond: number;
  /** Most sends that arrived for one group or channel in any sliding minute so far. */
  readonly maxPerGroupPerMinute: number;
  reset(): void;
}

/**
 * Creates the sandbox's limiter: a sliding log of arrivals for the global limit, the last arrival
 * per private chat, and a log of the last minute per group. `false` admits everything but still
 * measures.
 *
 * @param limits - The limits, or `false` for none.
 * @param clock - Time source.
 * @returns The limiter.
 */
export function createSendLimiter(limits: SandboxLimits | false, clock: Clock): SendLimiter {
  const global = createWindowLog(1000);
  const chats = new Map<number, number>();
  const groups = new Map<number, ReturnType<typeof createWindowLog>>();
  let maxPerChatPerSecond = 0;
  let penaltyUntil = 0;
  /** The current wait comes from a seeded 429, not from a breach. */
  let seededPenalty = false;
  let pendingSeeded = 0;
  let seededAnsweredAt = -Infinity;

  /** Records the arrival; returns the limit it broke, if any. */
  const arrive = (chatId: number, kind: ChatKind, now: number): LimitScope | undefined => {
    let broken: LimitScope | undefined;
    if (global.add(now) > (limits === false ? Infinity : limits.messagesPerSecond)) broken = 'global';
    if (kind === 'private') {
      const last = chats.get(chatId);
      const tooSoon = last !== undefined && now - last < 1000;
      maxPerChatPerSecond = Math.max(maxPerChatPerSecond, tooSoon ? 2 : 1);
      if (limits !== false && last !== undefined && now - last < limits.privateChatIntervalMs) broken ??= 'chat';
      chats.set(chatId, now);
      // Forget chats whose interval has passed, so memory follows active chats only.
      if (chats.size > 50_000) for (const [id, at] of chats) if (now - at >= 60_000) chats.delete(id);
    } else {
      let log = groups.get(chatId);
      if (log === undefined) groups.set(chatId, (log = createWindowLog(60_000)));
      if (log.add(now) > (limits === false ? Infinity : limits.groupMessagesPerMinute)) broken ??= 'group';
    }
    return broken;
  };

  return {
    admit(chatId, kind, readAt): Admission {
      const now = clock.now();
      if (limits !== false && now < penaltyUntil) {
        const unaware = seededPenalty && (pendingSeeded > 0 || readAt < seededAnsweredAt + limits.reactionMs);
        return {
          ok: false,
          retryAfter: Math.ceil((penaltyUntil - now) / 1000),
          scope: unaware ? 'seededWait' : 'penalty',
        };
      }
      const broken = arrive(chatId, kind, now);
      if (limits === false || broken === undefined) return { ok: true };
      penaltyUntil = now + limits.penaltyMs;
      seededPenalty = false;
      return { ok: false, retryAfter: Math.max(1, Math.ceil(limits.penaltyMs / 1000)), scope: broken };
    },
    seededRefusal() {
      pendingSeeded++;
    },
    seededAnswered(ms) {
      pendingSeeded = Math.max(0, pendingSeeded - 1);
      const now = clock.now();
      seededAnsweredAt = now;
      if (limits === false || now + ms <= penaltyUntil) return;
      penaltyUntil = now + ms;
      seededPenalty = true;
    },
    get maxPerSecond() {
      return global.max;
    },
    get maxPerChatPerSecond() {
      return maxPerChatPerSecond;
    },
    get maxPerGroupPerMinute() {
      let max = 0;
      for (const log of groups.values()) max = Math.max(max, log.max);
      return max;
    },
    reset() {
      global.clear();
      chats.clear();
      groups.clear();
      maxPerChatPerSecond = 0;
      penaltyUntil = 0;
      seededPenalty = false;
      pendingSeeded = 0;
      seededAnsweredAt = -Infinity;
    },
  };
}

/**
 * Arrival times within the last `windowMs`, oldest first (a queue without shifting), and the
 * most ever held at once: an exact sliding window, `(now − windowMs, now]`.
 */
function createWindowLog(windowMs: number): { add(now: number): number; readonly max: number; clear(): void } {
  let log: number[] = [];
  let head = 0;
  let max = 0;
  return {
    add(now) {
      while (head < log.length && log[head]! <= now - windowMs) head++;
      if (head > 1024 && head * 2 > log.length) {
        log = log.slice(head);
        head = 0;
      }
      log.push(now);
      const count = log.length - head;
      max = Math.max(max, count);
      return count;
    },
    get max() {
      return max;
    },
    clear() {
      log = [];
      head = 0;
      max = 0;
    },
  };
}
