/**
 * An exact sliding window counted on arrival: at most `limit` events in any window of `windowMs`.
 * A ring of the last `limit` accepted times; an arrival is refused when the oldest of them is
 * still inside the window. Nothing is rounded to whole seconds, so a client that bunches sends
 * at a second's boundary is caught, as Meta would.
 */
export class SlidingWindow {
  readonly #times: Float64Array;
  #next = 0;
  #count = 0;
  readonly #windowMs: number;
  constructor(
    readonly limit: number,
    windowMs: number,
  ) {
    this.#times = new Float64Array(Math.max(1, limit));
    this.#windowMs = windowMs;
  }

  /** Records an event at `now` when it fits; `false` when it would exceed the limit. */
  tryAdd(now: number): boolean {
    const limit = this.#times.length;
    if (this.#count === limit && now - this.#times[this.#next]! < this.#windowMs) return false;
    this.#times[this.#next] = now;
    this.#next = (this.#next + 1) % limit;
    if (this.#count < limit) this.#count++;
    return true;
  }
}

/**
 * The messaging limit: unique recipients reached by business-initiated messages in a moving
 * 24 hours, shared by every number of the portfolio. Time comes from the injectable clock so a
 * test can move a day forward.
 */
export class RollingTier {
  readonly #firstContact = new Map<string, number>();
  readonly #windowMs: number;

  constructor(
    public limit: number,
    windowMs = 24 * 3_600_000,
  ) {
    this.#windowMs = windowMs;
  }

  /** Counts `recipient` at `now` if it fits; `false` when a new recipient would exceed the limit. */
  tryReach(recipient: string, now: number): boolean {
    this.#evict(now);
    if (this.#firstContact.has(recipient)) return true;
    if (this.#firstContact.size >= this.limit) return false;
    this.#firstContact.set(recipient, now);
    return true;
  }

  /** Unique recipients counted in the moving window at `now`. */
  used(now: number): number {
    this.#evict(now);
    return this.#firstContact.size;
  }

  #evict(now: number): void {
    // Map iteration is insertion order, i.e. oldest first contact first.
    for (const [recipient, at] of this.#firstContact) {
      if (now - at < this.#windowMs) break;
      this.#firstContact.delete(recipient);
    }
  }
}
