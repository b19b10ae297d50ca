import type { Clock } from '@banditore/core';

/** Telegram-like limits the sandbox enforces on sends (`sendMessage`, `sendPhoto`). */
export interface SandboxLimits {
  /** Sends accepted in any sliding second across all chats. @defaultValue 30 */
  messagesPerSecond: number;
  /** Sustained spacing per chat, in ms. @defaultValue 1000 */
  perChatIntervalMs: number;
  /** Sends one chat may take back to back before 429 ("short bursts are tolerated"). @defaultValue 3 */
  perChatBurst: number;
  /**
   * The global window is this much shorter than a second, so a client pacing at exactly the limit
   * is not punished for loopback jitter (arrivals bunching by a few ms). @defaultValue 50
   */
  jitterToleranceMs: number;
  /**
   * After a global 429, every send is refused until the wait is over, as Telegram does: clients
   * that ignore `retry_after` keep getting 429s. @defaultValue true
   */
  cooldown: boolean;
}

/** The default sandbox limits, Telegram's documented bulk pace. */
export const DEFAULT_SANDBOX_LIMITS: SandboxLimits = {
  messagesPerSecond: 30,
  perChatIntervalMs: 1000,
  perChatBurst: 3,
  jitterToleranceMs: 50,
  cooldown: true,
};

/** A send's admission: accepted, or refused with the seconds to wait and which limit. */
export type Admission = { ok: true } | { ok: false; retryAfter: number; scope: 'global' | 'chat' };

/** Tracks sends and decides admissions. */
export interface SendLimiter {
  admit(chatKey: string): Admission;
  /** Most sends accepted in any sliding 1,000 ms so far (for pacing checks). */
  readonly maxPerSecond: number;
  reset(): void;
}

/**
 * Creates the sandbox's limiter: a sliding log for the global limit (exact, unlike a fixed
 * window) and a token bucket per chat. `false` admits everything but still measures.
 *
 * @param limits - The limits, or `false` for none.
 * @param clock - Time source.
 * @returns The limiter.
 */
export function createSendLimiter(limits: SandboxLimits | false, clock: Clock): SendLimiter {
  // Accepted send times of the last second, oldest first, from `head` on (a queue without shifting).
  let log: number[] = [];
  let head = 0;
  let maxPerSecond = 0;
  let cooldownUntil = 0;
  const chats = new Map<string, { tokens: number; at: number }>();

  const measure = (now: number): void => {
    while (head < log.length && log[head]! <= now - 1000) head++;
    if (head > 1024 && head * 2 > log.length) {
      log = log.slice(head);
      head = 0;
    }
    log.push(now);
    maxPerSecond = Math.max(maxPerSecond, log.length - head);
  };

  /** Sends accepted after `since`, and the oldest of them (binary search: the log is sorted). */
  const countAfter = (since: number): { count: number; oldest: number | undefined } => {
    let low = head;
    let high = log.length;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (log[middle]! > since) high = middle;
      else low = middle + 1;
    }
    return { count: log.length - low, oldest: log[low] };
  };

  return {
    admit(chatKey): Admission {
      const now = clock.now();
      if (limits === false) {
        measure(now);
        return { ok: true };
      }
      if (limits.cooldown && now < cooldownUntil)
        return { ok: false, retryAfter: Math.ceil((cooldownUntil - now) / 1000), scope: 'global' };
      const window = 1000 - limits.jitterToleranceMs;
      const recent = countAfter(now - window);
      if (recent.count >= limits.messagesPerSecond) {
        const retryAfter = Math.max(1, Math.ceil((recent.oldest! + window - now) / 1000));
        if (limits.cooldown) cooldownUntil = now + retryAfter * 1000;
        return { ok: false, retryAfter, scope: 'global' };
      }
      const bucket = chats.get(chatKey) ?? { tokens: limits.perChatBurst, at: now };
      const refill = limits.perChatIntervalMs === 0 ? Infinity : (now - bucket.at) / limits.perChatIntervalMs;
      bucket.tokens = Math.min(limits.perChatBurst, bucket.tokens + refill);
      bucket.at = now;
      if (bucket.tokens < 1) {
        chats.set(chatKey, bucket);
        return {
          ok: false,
          retryAfter: Math.max(1, Math.ceil(((1 - bucket.tokens) * limits.perChatIntervalMs) / 1000)),
          scope: 'chat',
        };
      }
      bucket.tokens -= 1;
      chats.set(chatKey, bucket);
      // Forget chats whose bucket is full again, so memory follows active chats only.
      if (chats.size > 10_000) {
        for (const [key, value] of chats)
          if (value.tokens + (now - value.at) / Math.max(1, limits.perChatIntervalMs) >= limits.perChatBurst)
            chats.delete(key);
      }
      measure(now);
      return { ok: true };
    },
    get maxPerSecond() {
      return maxPerSecond;
    },
    reset() {
      log = [];
      head = 0;
      maxPerSecond = 0;
      cooldownUntil = 0;
      chats.clear();
    },
  };
}
