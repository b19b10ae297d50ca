import type { Clock, TimerHandle } from '../util/clock.js';
import type { BroadcastEvent } from './events.js';

/**
 * A channel-wide wait the provider asked for (Telegram 429, WhatsApp throughput error). The gate
 * holds every grant until it ends; this keeps the state operators see: one `channel.paused` per
 * pause, however many in-flight sends come back throttled, and one `channel.resumed` when the
 * wait is over — whether or not the next send succeeds.
 */
export class ChannelPause {
  #until = 0;
  #timer: TimerHandle | undefined;
  readonly #channel: string;
  readonly #gate: { pauseUntil(time: number): void };
  readonly #clock: Clock;
  readonly #emit: (event: BroadcastEvent) => void;
  readonly #onResumed: () => void;

  /**
   * @param channel - The channel name, for events.
   * @param gate - The lane's gates, which enforce the wait (with every budget that shares pauses).
   * @param clock - Time source.
   * @param emit - Receives `channel.paused` and `channel.resumed`.
   * @param onResumed - Wakes the lane when the wait is over.
   */
  constructor(
    channel: string,
    gate: { pauseUntil(time: number): void },
    clock: Clock,
    emit: (event: BroadcastEvent) => void,
    onResumed: () => void,
  ) {
    this.#channel = channel;
    this.#gate = gate;
    this.#clock = clock;
    this.#emit = emit;
    this.#onResumed = onResumed;
  }

  /** Until when the channel waits; 0 when it does not. */
  get until(): number {
    return this.#until > this.#clock.now() ? this.#until : 0;
  }

  /** Waits until `resumeAt` (or longer, if already waiting longer). */
  pause(code: string, resumeAt: number): void {
    this.#gate.pauseUntil(resumeAt);
    if (resumeAt <= this.#until) return;
    if (this.#until === 0)
      this.#emit({ type: 'channel.paused', at: this.#clock.now(), channel: this.#channel, code, resumeAt });
    this.#until = resumeAt;
    this.#arm();
  }

  /** Drops the timer (the lane shuts down). */
  close(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #arm(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = this.#clock.setTimeout(() => this.#end(), Math.ceil(this.#until - this.#clock.now()));
  }

  #end(): void {
    this.#timer = undefined;
    // Timers may fire a little early; wait out the rest rather than resume before the provider said.
    if (this.#until > this.#clock.now()) {
      this.#arm();
      return;
    }
    this.#until = 0;
    this.#emit({ type: 'channel.resumed', at: this.#clock.now(), channel: this.#channel });
    this.#onResumed();
  }
}
