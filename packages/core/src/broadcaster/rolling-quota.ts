import type { SharedBudget } from '../channel/channel.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import type { RateGate } from './rate-gate.js';

/** When the requests of a broadcast can go, given a rolling quota's current use. */
export interface QuotaForecast {
  /** How many of the requests fit in the quota now. */
  now: number;
  /** How many must wait for earlier grants to leave the moving window. */
  held: number;
  /** Wall time at which the last held request may go; `undefined` when none is held. */
  lastAt: number | undefined;
}

/**
 * A rolling quota: at most `limit` grants in any moving window of `windowMs` (WhatsApp's
 * messaging limit: unique recipients per moving 24 hours, shared by every number of a business
 * portfolio). Unlike a rate, it is not paced: requests go at once while the quota has room and
 * are **held** — not sent and failed — once it is used up, until the oldest grant leaves the
 * window. Counts every grant, which is an upper bound of the unique recipients a provider counts
 * (retries and citizens inside their service window are counted too), so it never lets more
 * through than the provider allows.
 */
export interface RollingQuota {
  readonly limit: number;
  readonly windowMs: number;
  /** Grants counted in the window ending at `now`. */
  used(now: number): number;
  /** When `count` more requests could go, from `now`. */
  forecast(count: number, now: number): QuotaForecast;
  /** Whether a sender is waiting for the quota right now ("held by the daily limit"). */
  holding(): boolean;
  /** A {@link RateGate} over this quota, for the broadcaster (one per broadcaster, one shared state). */
  gate(clock: Clock): RateGate;
}

/** Options of {@link createRollingQuota}. */
export interface RollingQuotaOptions {
  /** Grants per window. */
  limit: number;
  /** @defaultValue 86,400,000 (24 hours) */
  windowMs?: number;
  /**
   * Wall times of grants made before this process started (from the ledger), so a restart does
   * not forget what the last 24 hours already used. @defaultValue none
   */
  usedAt?: readonly number[];
}

/**
 * Creates a {@link RollingQuota}. The state is one ring of the last `limit` grant times (8 bytes
 * each: 800 kB at WhatsApp's 100,000 tier), in wall time because the window spans restarts.
 *
 * @param options - Limit, window and earlier use.
 * @returns The quota; share it through {@link rollingQuotaBudget}.
 * @example
 * ```ts
 * const portfolio = createRollingQuota({ limit: 10_000 })
 * const budget = rollingQuotaBudget('whatsapp-portfolio:1234', portfolio)
 * ```
 */
export function createRollingQuota(options: RollingQuotaOptions): RollingQuota {
  const limit = Math.max(1, Math.floor(options.limit));
  const windowMs = options.windowMs ?? 86_400_000;
  const times = new Float64Array(limit);
  let oldest = 0;
  let count = 0;
  const waiters: Array<{ cost: number; resolve: (ticket: number) => void }> = [];
  let ticket = 0;

  const push = (at: number): void => {
    if (count === limit) {
      times[oldest] = at;
      oldest = (oldest + 1) % limit;
    } else {
      times[(oldest + count) % limit] = at;
      count++;
    }
  };
  for (const at of [...(options.usedAt ?? [])].sort((a, b) => a - b).slice(-limit)) push(at);

  /** Drops grants that left the window; returns the free room. */
  const room = (now: number): number => {
    while (count > 0 && now - times[oldest]! >= windowMs) {
      oldest = (oldest + 1) % limit;
      count--;
    }
    return limit - count;
  };
  /** When the `n`-th next grant (1-based) becomes possible, ignoring later grants. */
  const freeAt = (n: number, now: number): number => {
    const free = room(now);
    if (n <= free) return now;
    const index = n - free - 1;
    return index < count ? times[(oldest + index) % limit]! + windowMs : Infinity;
  };

  const quota: RollingQuota = {
    limit,
    windowMs,
    used: (now) => limit - room(now),
    forecast(requests, now) {
      const free = room(now);
      const immediate = Math.min(free, requests);
      const held = requests - immediate;
      if (held === 0) return { now: immediate, held, lastAt: undefined };
      // Held requests go as earlier grants expire; beyond one window's worth they wait for
      // their own predecessors, one window later each round.
      const rounds = Math.floor((held - 1) / limit);
      const index = (held - 1) % limit;
      const base = index < count ? freeAt(free + index + 1, now) : now + windowMs;
      return { now: immediate, held, lastAt: base + rounds * windowMs };
    },
    holding: () => waiters.length > 0,
    gate(clock) {
      let timer: TimerHandle | undefined;
      let pausedUntil = 0;
      const release = (): void => {
        timer = undefined;
        const now = clock.now();
        while (waiters.length > 0 && now >= pausedUntil && room(now) >= waiters[0]!.cost) {
          const waiter = waiters.shift()!;
          for (let index = 0; index < waiter.cost; index++) push(now);
          waiter.resolve(++ticket);
        }
        arm();
      };
      const arm = (): void => {
        if (timer !== undefined || waiters.length === 0) return;
        const now = clock.now();
        const at = Math.max(pausedUntil, freeAt(waiters[0]!.cost, now));
        timer = clock.setTimeout(release, Math.max(0, Math.ceil(at - now)));
      };
      return {
        acquire(cost = 1) {
          const weight = Math.min(limit, Math.max(1, Math.ceil(cost)));
          const now = clock.now();
          if (waiters.length === 0 && now >= pausedUntil && room(now) >= weight) {
            for (let index = 0; index < weight; index++) push(now);
            return ++ticket;
          }
          return new Promise<number>((resolve) => {
            waiters.push({ cost: weight, resolve });
            arm();
          });
        },
        // Counted at grant: when the request ends does not matter to a daily quota.
        settle: () => undefined,
        refund(_ticket, cost = 1) {
          // The request never left: give its unit back (the newest grants are the refunded ones).
          const weight = Math.min(count, Math.max(1, Math.ceil(cost)));
          count -= weight;
          if (waiters.length > 0) {
            if (timer !== undefined) clock.clearTimeout(timer);
            timer = undefined;
            release();
          }
        },
        pauseUntil(time) {
          if (time <= pausedUntil) return;
          pausedUntil = time;
          if (timer !== undefined) clock.clearTimeout(timer);
          timer = undefined;
          arm();
        },
        get pausedUntil() {
          return pausedUntil > clock.now() ? pausedUntil : 0;
        },
        get waiting() {
          return waiters.length;
        },
        close() {
          if (timer !== undefined) clock.clearTimeout(timer);
          timer = undefined;
        },
      };
    },
  };
  return quota;
}

/**
 * The {@link SharedBudget} channels list to share a rolling quota: every channel with the same
 * key draws from it, a throughput error of one does not pause the others, and `estimate()` and
 * progress can see when recipients are held.
 *
 * @param key - The account the quota belongs to (e.g. `whatsapp-portfolio:<business id>`).
 * @param quota - From {@link createRollingQuota}.
 * @returns The budget for `limits.shared`.
 */
export function rollingQuotaBudget(key: string, quota: RollingQuota): SharedBudget {
  return { key, ratePerSecond: Infinity, sharePause: false, createGate: (clock) => quota.gate(clock), quota };
}
