import type { SendOptions } from '../channel/channel.js';
import { sleep, type Clock } from '../util/clock.js';
import type { LaneGates } from './lane-gates.js';
import type { RecipientSpacing } from './recipient-spacing.js';

/**
 * Paces the requests of one send: the lane grants the first before `send()`, the channel asks
 * for each further one through `SendOptions.nextRequest` (the parts of a split message). Every
 * request passes the same gates and pause, and waits for the recipient's spacing, so a
 * three-part message is three paced requests, not one grant and two free riders.
 *
 * One pacer per lane worker, reused for every send of that worker (a worker has one send in
 * flight at a time), so the hot path allocates nothing per delivery.
 */
export class RequestPacer {
  readonly #gates: LaneGates;
  readonly #spacing: RecipientSpacing;
  readonly #clock: Clock;
  #tickets: number[];
  /** A granted request has not been settled yet. */
  #open = false;
  #subscriberId = '';
  /** Handed to `send()`; valid for that send only. */
  readonly options: SendOptions;

  constructor(gates: LaneGates, spacing: RecipientSpacing, clock: Clock) {
    this.#gates = gates;
    this.#spacing = spacing;
    this.#clock = clock;
    this.#tickets = gates.tickets();
    // Every field a send may set is there from the start, so the reused object keeps one shape.
    this.options = {
      signal: new AbortController().signal,
      nextRequest: () => this.#next(),
      followUp: undefined,
    };
  }

  /** Takes the first request's grant (see {@link LaneGates.acquire}). */
  acquire(): Promise<void> | undefined {
    return this.#gates.acquire(this.#tickets);
  }

  /** The granted request will not be sent. */
  refund(): void {
    this.#gates.refund(this.#tickets);
  }

  /**
   * The lane sends the granted request to `subscriberId`.
   *
   * @returns The options for `send()`.
   */
  begin(subscriberId: string, signal: AbortSignal): SendOptions {
    this.#subscriberId = subscriberId;
    this.#open = true;
    this.#spacing.begin(subscriberId);
    this.options.signal = signal;
    return this.options;
  }

  /** `send()` returned: its last request is over. */
  finish(): void {
    this.#settle();
  }

  #settle(): void {
    if (!this.#open) return;
    this.#open = false;
    this.#gates.settle(this.#tickets);
    this.#spacing.markSent(this.#subscriberId, this.#clock.now());
  }

  async #next(): Promise<void> {
    this.#settle();
    const { signal } = this.options;
    signal.throwIfAborted();
    const now = this.#clock.now();
    const until = this.#spacing.until(this.#subscriberId, now);
    if (until > now) await sleep(this.#clock, until - now, signal);
    const tickets = this.#tickets;
    const waiting = this.#gates.acquire(tickets);
    if (waiting) {
      try {
        await abortable(waiting, signal);
      } catch (error) {
        // The grant still comes; these tickets belong to it now, the next send gets new ones.
        this.#tickets = this.#gates.tickets();
        void waiting.then(() => this.#gates.refund(tickets));
        throw error;
      }
    }
    if (signal.aborted) {
      this.#gates.refund(tickets);
      signal.throwIfAborted();
    }
    this.#spacing.begin(this.#subscriberId);
    this.#open = true;
  }
}

/** Rejects when `signal` aborts before `promise` resolves. */
function abortable(promise: Promise<void>, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    // Gate waits never reject.
    void promise.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}
