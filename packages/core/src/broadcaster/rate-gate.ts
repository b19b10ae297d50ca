import type { Clock, TimerHandle } from '../util/clock.js';

/** Options of {@link createRateGate}. */
export interface RateGateOptions {
  /** Grants per second; `Infinity` disables the rate (pauses still hold). */
  ratePerSecond: number;
  /**
   * Grants that may go out back to back. The sliding window bounds every second whatever the
   * burst; a few grants of credit let pacing catch up after the window held a grant back (an
   * answer that came late), which a burst of 1 never does: at 30/s with 5–40 ms round trips, a
   * burst of 5 runs 2,000 sends in 1.023× their bound where a burst of 1 takes 1.030×.
   * @defaultValue `max(min(5, limit), ratePerSecond / 20)` (at least 50 ms of credit)
   */
  burst?: number;
  /**
   * What a request's place in the sliding window is measured from.
   *
   * - `"settle"`: from when the request is over ({@link RateGate.settle}: its response, error or
   *   timeout), the latest moment it can have arrived at the provider. Exact against a provider
   *   that counts arrivals, whatever the event-loop delay before the write or the network jitter;
   *   costs the mean response time per window (~2% at 20 ms).
   * - `"grant"`: from the grant, plus `marginMs`. Cheaper, but a send that leaves late or travels
   *   slowly can land inside the next window.
   *
   * @defaultValue `"settle"`
   */
  anchor?: 'settle' | 'grant';
  /** Added to the one-second window, in ms. @defaultValue 0 with `"settle"`, 5 with `"grant"` */
  marginMs?: number;
  /**
   * With `"settle"`: how long after its grant a request still unanswered is taken to have arrived,
   * in ms. An answer that is late (a slow provider, a timeout) says nothing of the arrival, which
   * came long before; waiting for it would hold the whole window for seconds. `"measured"`: three
   * times the median of the last 32 round trips plus 20 ms (1 s until there are any);
   * `Infinity`: wait for every answer. @defaultValue `"measured"`
   */
  inFlightBoundMs?: number | 'measured';
  /**
   * How far grants may fall behind their schedule and still be caught up, in ms. A timer that
   * fires late (a busy event loop) does not lose the time: the next grants follow sooner, up to
   * this much. The sliding window still bounds every second. @defaultValue 100
   */
  catchUpMs?: number;
  clock: Clock;
}

/**
 * Paces requests so that no sliding one-second window holds more than the limit, while using
 * nearly all of it.
 *
 * Two rules together: a sliding log of the last `limit` requests (request k waits until every
 * request up to k−limit has left the window, which bounds every window by construction) and
 * GCRA pacing with a small burst (spreads grants so the log never fills in one clump). One timer
 * wakes at the next due time and releases every waiter that has come due, so late wake-ups are
 * caught up instead of lost.
 *
 * Every grant is a ticket: the caller settles it when the request is over (or refunds it when
 * nothing was sent), so the window is anchored on the latest moment the request can have arrived.
 */
export interface RateGate {
  /**
   * Resolves to a ticket when `cost` requests may go at once; returns the ticket itself (no
   * promise) when granted at once. A cost above the per-second limit is charged the whole limit.
   */
  acquire(cost?: number): number | Promise<number>;
  /** The requests of `ticket` are over (response, error or timeout) now. */
  settle(ticket: number, cost?: number): void;
  /** The requests of `ticket` were never sent: they leave the window at once. */
  refund(ticket: number, cost?: number): void;
  /** No grants before `time` (a provider asked the whole sender to wait). */
  pauseUntil(time: number): void;
  /** The time grants resume, or 0 when not paused. */
  readonly pausedUntil: number;
  /** How many callers are waiting. */
  readonly waiting: number;
  /** Releases no one; waiters stay pending (used when the broadcaster shuts down). */
  close(): void;
}

/**
 * Creates a {@link RateGate}.
 *
 * @param options - Rate, burst, anchor, margin, catch-up and clock.
 * @returns The gate.
 * @example
 * ```ts
 * const gate = createRateGate({ ratePerSecond: 80, clock: systemClock })
 * const ticket = await gate.acquire()
 * try { await send() } finally { gate.settle(ticket) }
 * ```
 */
export function createRateGate(options: RateGateOptions): RateGate {
  const { ratePerSecond, clock } = options;
  // Pause still matters without a rate limit (a provider can always say 429).
  if (!Number.isFinite(ratePerSecond)) return createPauseOnlyGate(clock);
  const limit = Math.max(1, Math.floor(ratePerSecond));
  const onSettle = (options.anchor ?? 'settle') === 'settle';
  const windowMs = 1000 + (options.marginMs ?? (onSettle ? 0 : 5));
  const interval = 1000 / ratePerSecond;
  const burst = Math.max(1, Math.floor(options.burst ?? defaultBurst(ratePerSecond)));
  const tolerance = (burst - 1) * interval;
  const catchUp = Math.max(0, options.catchUpMs ?? 100);

  // When each of the last `limit` tickets left (or will leave) the provider's view: NaN while in
  // flight, -Infinity once refunded. Ticket t lives in slot t % limit; ticket t + limit cannot be
  // granted before slot t is settled, so a slot is never reused while in flight.
  const stamps = new Float64Array(limit).fill(-Infinity);
  /** When each ticket of the ring was granted. */
  const granted = new Float64Array(limit);
  const fixedBound = options.inFlightBoundMs === 'measured' ? undefined : options.inFlightBoundMs;
  const roundTrips = new Float64Array(32);
  let roundTripCount = 0;
  let inFlightBound = fixedBound ?? 1000;

  /** Where a ticket's slot sits in the window: its end, or its grant plus the in-flight bound. */
  const stampOf = (slot: number): number => {
    const stamp = stamps[slot]!;
    return Number.isNaN(stamp) ? granted[slot]! + inFlightBound : stamp;
  };

  const observe = (roundTrip: number): void => {
    if (fixedBound !== undefined) return;
    roundTrips[roundTripCount++ % roundTrips.length] = roundTrip;
    if (roundTripCount % 8 !== 0) return;
    const sorted = roundTrips.slice(0, Math.min(roundTripCount, roundTrips.length)).sort();
    inFlightBound = 3 * sorted[sorted.length >> 1]! + 20;
  };
  let nextTicket = 0;
  /** The latest stamp of every ticket that has left the ring (they all bound the window). */
  let frontier = -Infinity;
  let theoreticalArrival = -Infinity;
  let pausedUntil = 0;
  // Two parallel queues instead of an object per waiter: the hot path allocates nothing more.
  const waiters: Array<(ticket: number) => void> = [];
  const costs: number[] = [];
  let timer: TimerHandle | undefined;
  /** When the armed timer is due. */
  let armedAt = Infinity;
  let closed = false;

  // `!(cost > 1)` also turns NaN into 1: a broken cost must not stall or unpace the lane.
  const clamp = (cost: number): number => (!(cost > 1) ? 1 : Math.min(limit, Math.ceil(cost)));

  /** When `cost` more tickets may go (Infinity while a ticket they displace waits for its answer). */
  const nextAllowedAt = (cost: number): number => {
    let latest = frontier;
    for (let ticket = nextTicket - limit; ticket < nextTicket - limit + cost; ticket++) {
      if (ticket < 0) continue;
      const stamp = stampOf(ticket % limit);
      if (stamp > latest) latest = stamp;
    }
    // GCRA checks the first grant only and `grant` advances by the whole cost: a request worth
    // `cost` is spaced `cost` intervals from the next, without first waiting out its own size.
    return Math.max(theoreticalArrival - tolerance, pausedUntil, latest + windowMs);
  };

  const grant = (now: number, cost: number): number => {
    const ticket = nextTicket;
    for (let index = 0; index < cost; index++) {
      const slot = (nextTicket + index) % limit;
      if (nextTicket + index >= limit) frontier = Math.max(frontier, stampOf(slot));
      stamps[slot] = onSettle ? NaN : now;
      granted[slot] = now;
    }
    nextTicket += cost;
    // Behind schedule by less than `catchUp` (a late timer): keep the schedule and catch up.
    // Further behind (the lane was idle): start afresh, or the idle time would become a burst.
    theoreticalArrival = (theoreticalArrival < now - catchUp ? now : theoreticalArrival) + cost * interval;
    return ticket;
  };

  const release = (): void => {
    timer = undefined;
    if (closed) return;
    let now = clock.now();
    while (waiters.length > 0 && now >= nextAllowedAt(costs[0]!)) {
      const ticket = grant(now, costs.shift()!);
      waiters.shift()!(ticket);
      now = clock.now();
    }
    arm();
  };

  const arm = (): void => {
    if (timer !== undefined || waiters.length === 0 || closed) return;
    const at = nextAllowedAt(costs[0]!);
    // Waiting for an answer without a bound: settle() wakes the queue, no timer can know when.
    if (at === Infinity) return;
    // Timers fire in whole milliseconds; rounding up never wakes early, catching up covers late.
    armedAt = at;
    timer = clock.setTimeout(release, Math.max(0, Math.ceil(at - clock.now())));
  };

  const rearm = (): void => {
    if (timer !== undefined) clock.clearTimeout(timer);
    timer = undefined;
    arm();
  };

  /** Sets the stamps of a ticket still in the ring; returns whether it was. */
  const stamp = (ticket: number, cost: number, value: number): boolean => {
    if (ticket < nextTicket - limit || ticket >= nextTicket) return false;
    const count = Math.min(clamp(cost), nextTicket - ticket);
    for (let index = 0; index < count; index++) stamps[(ticket + index) % limit] = value;
    return true;
  };

  return {
    acquire(cost = 1) {
      const weight = clamp(cost);
      const now = clock.now();
      if (waiters.length === 0 && now >= nextAllowedAt(weight)) return grant(now, weight);
      return new Promise<number>((resolve) => {
        waiters.push(resolve);
        costs.push(weight);
        arm();
      });
    },
    settle(ticket, cost = 1) {
      if (!onSettle || ticket < nextTicket - limit || ticket >= nextTicket) return;
      const now = clock.now();
      observe(now - granted[ticket % limit]!);
      if (!stamp(ticket, cost, now) || waiters.length === 0) return;
      // An answer before the bound can move the next waiter's time earlier; re-arm only then, or
      // a settle every millisecond would keep pushing the timer back.
      if (timer === undefined) arm();
      else if (nextAllowedAt(costs[0]!) < armedAt - 1) rearm();
    },
    refund(ticket, cost = 1) {
      if (!stamp(ticket, cost, -Infinity)) return;
      theoreticalArrival -= clamp(cost) * interval;
      if (waiters.length > 0) rearm();
    },
    pauseUntil(time) {
      if (time <= pausedUntil) return;
      pausedUntil = time;
      rearm();
    },
    get pausedUntil() {
      return pausedUntil > clock.now() ? pausedUntil : 0;
    },
    get waiting() {
      return waiters.length;
    },
    close() {
      closed = true;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = undefined;
    },
  };
}

/**
 * The burst a gate at `ratePerSecond` gets when none is given: 5 (or the whole limit, if lower),
 * or 50 ms of credit at high rates.
 */
export function defaultBurst(ratePerSecond: number): number {
  return Math.max(Math.min(5, Math.max(1, Math.floor(ratePerSecond))), ratePerSecond / 20);
}

/** A gate that grants at once unless paused. */
function createPauseOnlyGate(clock: Clock): RateGate {
  let pausedUntil = 0;
  const waiters: Array<(ticket: number) => void> = [];
  let timer: TimerHandle | undefined;
  const release = (): void => {
    timer = undefined;
    if (clock.now() < pausedUntil) {
      timer = clock.setTimeout(release, Math.ceil(pausedUntil - clock.now()));
      return;
    }
    for (const resolve of waiters.splice(0)) resolve(0);
  };
  return {
    acquire() {
      if (pausedUntil === 0 || clock.now() >= pausedUntil) return 0;
      return new Promise<number>((resolve) => {
        waiters.push(resolve);
        timer ??= clock.setTimeout(release, Math.ceil(pausedUntil - clock.now()));
      });
    },
    settle: () => undefined,
    refund: () => undefined,
    pauseUntil(time) {
      if (time <= pausedUntil) return;
      pausedUntil = time;
      if (timer !== undefined) clock.clearTimeout(timer);
      timer = waiters.length > 0 ? clock.setTimeout(release, Math.ceil(time - clock.now())) : undefined;
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
}
