/**
 * The least time between two requests to the same recipient (Telegram: one a second per chat,
 * counted by the provider when a request arrives). Every attempt counts — success, failure,
 * timeout, a resend after `resume()` — because the provider counts every request it received,
 * whatever we made of its answer. The interval runs from when the previous request was over (its
 * answer or its timeout: the latest it can have arrived); while a request is in flight, the
 * recipient waits. Remembers only recipients sent to within one interval, so the map stays as
 * small as one interval of sends, not the audience.
 */
export class RecipientSpacing {
  readonly #intervalMs: number;
  /** When the last request to each recipient was over; `Infinity` while one is in flight. */
  readonly #lastSent = new Map<string, number>();

  /** @param intervalMs - Least time between two requests to one recipient; 0 for none. */
  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** The least time between two requests to one recipient, in ms. */
  get intervalMs(): number {
    return this.#intervalMs;
  }

  /** A request to the recipient starts: nobody else sends to them until it is over. */
  begin(subscriberId: string): void {
    if (this.#intervalMs > 0) this.#lastSent.set(subscriberId, Infinity);
  }

  /** The request to the recipient is over at `at` (answered, failed or timed out). */
  markSent(subscriberId: string, at: number): void {
    if (this.#intervalMs > 0) this.#lastSent.set(subscriberId, at);
  }

  /**
   * When the recipient may get the next request; 0 when at once. While a request is in flight,
   * one interval from now (the earliest it could be, checked again then).
   */
  until(subscriberId: string, now: number): number {
    if (this.#intervalMs <= 0) return 0;
    const last = this.#lastSent.get(subscriberId);
    if (last === undefined) return 0;
    if (last === Infinity) return now + this.#intervalMs;
    if (now - last >= this.#intervalMs) {
      this.#lastSent.delete(subscriberId);
      return 0;
    }
    return last + this.#intervalMs;
  }

  /** Forgets recipients whose interval has passed; cheap enough to call whenever the lane idles. */
  prune(now: number): void {
    if (this.#intervalMs <= 0 || this.#lastSent.size < 10_000) return;
    const cutoff = now - this.#intervalMs;
    for (const [id, at] of this.#lastSent) if (at < cutoff) this.#lastSent.delete(id);
  }
}
