import type { AnyChannel, SendResult } from '../channel/channel.js';
import { ChannelError } from '../channel/channel-error.js';
import type { Clock, TimerHandle } from '../util/clock.js';
import { ChannelPause } from './channel-pause.js';
import type { DeliveryItem } from './delivery-item.js';
import type { BroadcastEvent } from './events.js';
import type { LaneGates } from './lane-gates.js';
import { RecipientSpacing } from './recipient-spacing.js';
import { RequestPacer } from './request-pacer.js';
import type { RunChannel } from './run-channel.js';

/** Sends between two yields to the event loop (see `Lane.#yield`). */
const SENDS_PER_YIELD = 512;

/** What a lane does with a send result; implemented by the broadcaster (ledger, retries, events). */
export type OutcomeHandler = (lane: Lane, source: RunChannel, item: DeliveryItem, result: SendResult) => void;

/** Options of {@link Lane}. */
export interface LaneOptions {
  channel: AnyChannel;
  /** The channel's own gate and the gates of the budgets it shares (see `createLaneGatesFactory`). */
  gates: LaneGates;
  clock: Clock;
  onOutcome: OutcomeHandler;
  /** A subscriber who left after planning: recorded without sending. */
  onInactive: (source: RunChannel, item: DeliveryItem) => void;
  onSendThrew: () => void;
  /** Receives `channel.paused` and `channel.resumed`. */
  emit: (event: BroadcastEvent) => void;
}

/**
 * One channel's delivery lane: a fixed pool of workers (the concurrency limit) pulling from the
 * runs on this channel in priority order, each waiting at the rate gate first and only then
 * choosing what to send — so an emergency that arrives while workers wait is the next thing
 * sent. Every provider request passes the gates: the first before `send()`, the others (parts of
 * a split message) through `SendOptions.nextRequest`; each is settled when it is over, and every
 * attempt marks its recipient for the per-recipient spacing. A pool of pullers instead of a promise per recipient keeps memory flat for a million
 * recipients (p-limit over every recipient measured ~0.9 KB each and 0.84 of raw speed).
 */
export class Lane {
  readonly channel: AnyChannel;
  readonly gates: LaneGates;
  #sources: RunChannel[] = [];
  #workers = 0;
  #wake: { promise: Promise<void>; resolve: () => void } | undefined;
  #wakeTimer: TimerHandle | undefined;
  #closed = false;
  readonly #pause: ChannelPause;
  readonly #spacing: RecipientSpacing;
  /** The source `#take` last took from (saves an array per delivery on the hot path). */
  #takenFrom: RunChannel | undefined;
  /** Set when the channel cannot send at all (credentials); cleared by `restart()`. */
  stopped: { code: string; message: string } | undefined;
  #sendsSinceYield = 0;
  #yielding: Promise<void> | undefined;
  readonly #options: LaneOptions;

  constructor(options: LaneOptions) {
    this.#options = options;
    this.channel = options.channel;
    this.gates = options.gates;
    this.#pause = new ChannelPause(options.channel.name, options.gates, options.clock, options.emit, () =>
      this.notify(),
    );
    this.#spacing = new RecipientSpacing(options.channel.limits.perRecipientIntervalMs ?? 0);
  }

  /** Adds a run to this lane and starts the workers on first use. */
  add(source: RunChannel): void {
    this.#sources.push(source);
    this.#sources.sort((a, b) => a.priorityRank - b.priorityRank || a.createdAt - b.createdAt);
    if (this.stopped) source.halt('stopped', this.stopped.code);
    while (this.#workers < this.channel.limits.concurrency) {
      this.#workers++;
      void this.#work();
    }
    this.notify();
  }

  remove(source: RunChannel): void {
    this.#sources = this.#sources.filter((candidate) => candidate !== source);
  }

  /**
   * Another process paces this channel now: every run on it gives its queued claims back and
   * waits (see `AccountPacing`); sends in flight finish.
   */
  standDown(): void {
    for (const source of this.#sources) source.standDown();
  }

  /** Wakes idle workers: new work, a refill, a resumed pause. */
  notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.resolve();
  }

  /** Until when the provider asked the whole channel to wait; 0 when not paused. */
  get pausedUntil(): number {
    return this.#pause.until;
  }

  /** Pauses the whole channel until `resumeAt` (see {@link ChannelPause}). */
  pause(code: string, resumeAt: number): void {
    this.#pause.pause(code, resumeAt);
  }

  /** Stops the channel: every run on it halts and keeps its deliveries pending for `resume()`. */
  stop(code: string, message: string): void {
    if (this.stopped) return;
    this.stopped = { code, message };
    for (const source of this.#sources) source.halt('stopped', code);
  }

  /** Lets a stopped lane send again (after the operator fixed the cause). */
  restart(): void {
    this.stopped = undefined;
  }

  /** Ends the workers after their current send. */
  close(): void {
    this.#closed = true;
    this.gates.close();
    if (this.#wakeTimer !== undefined) this.#options.clock.clearTimeout(this.#wakeTimer);
    this.#pause.close();
    this.notify();
  }

  async #work(): Promise<void> {
    const { clock } = this.#options;
    const pacer = new RequestPacer(this.gates, this.#spacing, clock);
    while (!this.#closed) {
      const first = this.#firstWithWork(clock.now());
      if (first === undefined) {
        await this.#idle();
        continue;
      }
      // The grant comes before choosing what to send, so an emergency that arrives during the
      // wait is what goes out.
      const wait = pacer.acquire();
      if (wait) await wait;
      if (this.#closed) break;
      const now = clock.now();
      const item = this.#take(now);
      const source = this.#takenFrom!;
      if (item === undefined) {
        pacer.refund();
        continue;
      }
      if (item.subscriberStatus !== 'active') {
        pacer.refund();
        this.#options.onInactive(source, item);
        continue;
      }
      const spacingUntil = this.#spacing.until(item.subscriberId, now);
      if (spacingUntil > now) {
        // Retries and resends wait for the recipient's spacing as well as their backoff.
        pacer.refund();
        item.dueAt = spacingUntil;
        source.later(item);
        continue;
      }
      await this.#send(source, item, now, pacer);
      if (++this.#sendsSinceYield >= SENDS_PER_YIELD) await this.#yield();
      else if (this.#yielding) await this.#yielding;
    }
  }

  /**
   * Lets timers and I/O run. A channel that answers without I/O (the sandbox, a cache) keeps the
   * workers in microtasks forever: progress events, the ledger's flush timer, lease renewal and
   * new publishes would starve. Every worker waits on the same macrotask, so the microtask queue
   * really drains.
   */
  #yield(): Promise<void> {
    this.#sendsSinceYield = 0;
    this.#yielding ??= new Promise<void>((resolve) =>
      setImmediate(() => {
        this.#yielding = undefined;
        resolve();
      }),
    );
    return this.#yielding;
  }

  async #send(source: RunChannel, item: DeliveryItem, now: number, pacer: RequestPacer): Promise<void> {
    source.inFlight++;
    item.attempts++;
    if (item.firstAttemptAt === 0) item.firstAttemptAt = now;
    if (item.ambiguous) {
      // This resends the request whose answer was lost (channels resume a split message at the
      // part that failed): one possible duplicate per resend, counted when it is made.
      source.ambiguousRetries++;
      item.ambiguous = false;
    }
    let result: SendResult;
    try {
      const options = pacer.begin(item.subscriberId, source.signal);
      options.runId = source.runId;
      options.deliveryId = item.deliveryId;
      // The options object is reused per worker: overwrite what the previous send set (assigning
      // keeps the object's shape; `delete` would turn it into a slow dictionary for every send).
      options.followUp = item.followUp;
      result = await this.channel.send(
        item.address,
        source.renderedFor(item.language, item.followUp !== undefined),
        options,
      );
    } catch {
      // The contract says send() resolves; a throw is a channel bug. Its error may hold personal
      // data, so only a generic code goes on.
      this.#options.onSendThrew();
      result = { ok: false, error: new ChannelError('UNKNOWN', 'The channel threw instead of returning a result') };
    } finally {
      pacer.finish();
    }
    source.inFlight--;
    this.#options.onOutcome(this, source, item, result);
    source.checkFinished();
  }

  #firstWithWork(now: number): RunChannel | undefined {
    for (const source of this.#sources) if (source.hasWork(now)) return source;
    return undefined;
  }

  #take(now: number): DeliveryItem | undefined {
    for (const source of this.#sources) {
      const item = source.next(now);
      if (item) {
        this.#takenFrom = source;
        return item;
      }
    }
    return undefined;
  }

  #idle(): Promise<void> {
    this.#wake ??= (() => {
      let resolve!: () => void;
      const promise = new Promise<void>((done) => (resolve = done));
      return { promise, resolve };
    })();
    this.#armRetryTimer();
    this.#spacing.prune(this.#options.clock.now());
    return this.#wake.promise;
  }

  /** Wakes the workers when the earliest retry of any run comes due. */
  #armRetryTimer(): void {
    const { clock } = this.#options;
    let next = Infinity;
    for (const source of this.#sources) if (source.state === 'running') next = Math.min(next, source.nextRetryAt);
    if (this.#wakeTimer !== undefined) clock.clearTimeout(this.#wakeTimer);
    this.#wakeTimer = undefined;
    if (next === Infinity) return;
    this.#wakeTimer = clock.setTimeout(
      () => {
        this.#wakeTimer = undefined;
        this.notify();
      },
      Math.max(0, Math.ceil(next - clock.now())),
    );
  }
}
