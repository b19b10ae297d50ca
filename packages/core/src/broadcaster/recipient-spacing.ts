/**
 * The least time between two messages to the same recipient (Telegram: about one a second per
 * chat). Remembers only recipients sent to within one interval, so the map stays as small as
 * one interval of sends, not the audience.
 */
export class RecipientSpacing {
  readonly #intervalMs: number;
  readonly #lastSent = new Map<string, number>();

  /** @param intervalMs - Least time between two messages to one recipient; 0 for none. */
  constructor(intervalMs: number) {
    this.#intervalMs = intervalMs;
  }

  /** Records a send to a recipient. */
  markSent(subscriberId: string, at: number): void {
    if (this.#intervalMs > 0) this.#lastSent.set(subscriberId, at);
  }

  /** When the recipient may get the next message; 0 when at once. */
  until(subscriberId: string, now: number): number {
    if (this.#intervalMs <= 0) return 0;
    const last = this.#lastSent.get(subscriberId);
    if (last === undefined) return 0;
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
