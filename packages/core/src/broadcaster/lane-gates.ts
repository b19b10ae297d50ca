import type { AnyChannel, SharedBudget } from '../channel/channel.js';
import type { Clock } from '../util/clock.js';
import { createRateGate, defaultBurst, type RateGate } from './rate-gate.js';

/**
 * The gates every request of one lane passes: the channel's own rate, then one gate per budget
 * it shares with other channels of the same sender account (made once per key, so the fan-out
 * and the channel posts of one bot meet at the same gate). A pause the provider asks for holds
 * the channel's own gate and every shared gate whose budget shares pauses.
 *
 * Gates are taken one after the other, own first and shared ones in key order (one order for
 * every lane, so no two lanes wait for each other in a cycle). That a request holds its own
 * grant while it waits for a shared one is safe because windows are anchored on when each
 * request is over, not on when it was granted.
 */
export class LaneGates {
  readonly #gates: readonly RateGate[];
  readonly #pausing: readonly RateGate[];

  /**
   * @param own - The channel's own gate.
   * @param shared - Shared gates in key order, with whether each shares pauses.
   */
  constructor(own: RateGate, shared: ReadonlyArray<{ gate: RateGate; sharePause: boolean }> = []) {
    this.#gates = [own, ...shared.map((entry) => entry.gate)];
    this.#pausing = [own, ...shared.filter((entry) => entry.sharePause).map((entry) => entry.gate)];
  }

  /** A ticket array for {@link acquire}: one per gate, reused by a worker for all its requests. */
  tickets(): number[] {
    return this.#gates.map(() => 0);
  }

  /**
   * Takes one request's grant from every gate, writing the tickets into `tickets`. Returns
   * `undefined` when every gate granted at once (no promise on the hot path).
   */
  acquire(tickets: number[]): Promise<void> | undefined {
    const gates = this.#gates;
    for (let index = 0; index < gates.length; index++) {
      const granted = gates[index]!.acquire();
      if (typeof granted !== 'number') return this.#rest(granted, index, tickets);
      tickets[index] = granted;
    }
    return undefined;
  }

  async #rest(waiting: Promise<number>, from: number, tickets: number[]): Promise<void> {
    tickets[from] = await waiting;
    for (let index = from + 1; index < this.#gates.length; index++)
      tickets[index] = await this.#gates[index]!.acquire();
  }

  /** The request of `tickets` is over (answered, failed or timed out) now. */
  settle(tickets: readonly number[]): void {
    for (let index = 0; index < this.#gates.length; index++) this.#gates[index]!.settle(tickets[index]!);
  }

  /** The request of `tickets` was never sent. */
  refund(tickets: readonly number[]): void {
    for (let index = 0; index < this.#gates.length; index++) this.#gates[index]!.refund(tickets[index]!);
  }

  /** No grants before `time` on this channel and on every budget that shares pauses. */
  pauseUntil(time: number): void {
    for (const gate of this.#pausing) gate.pauseUntil(time);
  }

  /** When grants resume on the gates this lane waits for, or 0 when none is paused. */
  get pausedUntil(): number {
    let until = 0;
    for (const gate of this.#pausing) until = Math.max(until, gate.pausedUntil);
    return until;
  }

  /** Releases no one (the broadcaster shuts down). */
  close(): void {
    for (const gate of this.#gates) gate.close();
  }
}

/**
 * Makes the gates of each lane of one broadcaster, sharing one gate per {@link SharedBudget} key.
 *
 * @param clock - The lanes' clock.
 * @returns A function from a channel to its lane's gates.
 * @example
 * ```ts
 * const gatesFor = createLaneGatesFactory(clock)
 * const lane = new Lane({ channel, gates: gatesFor(channel), ... })
 * ```
 */
export function createLaneGatesFactory(clock: Clock): (channel: AnyChannel) => LaneGates {
  const shared = new Map<string, RateGate>();
  const gateFor = (budget: SharedBudget): RateGate => {
    let gate = shared.get(budget.key);
    if (gate === undefined) {
      gate =
        budget.createGate?.(clock) ??
        createRateGate({
          ratePerSecond: budget.ratePerSecond,
          ...(budget.burst === undefined ? {} : { burst: budget.burst }),
          clock,
        });
      shared.set(budget.key, gate);
    }
    return gate;
  };
  return (channel) => {
    const { limits } = channel;
    const budgets = [...new Map((limits.shared ?? []).map((budget) => [budget.key, budget])).values()].sort((a, b) =>
      a.key < b.key ? -1 : a.key > b.key ? 1 : 0,
    );
    // A shared rate gate at most as fast (and as bursty) already paces every request of this
    // channel: a second gate at the same rate would only add its own timer's delay to each one.
    const covered = budgets.some(
      (budget) =>
        budget.createGate === undefined &&
        budget.ratePerSecond <= limits.ratePerSecond &&
        (budget.burst ?? defaultBurst(budget.ratePerSecond)) <= (limits.burst ?? defaultBurst(limits.ratePerSecond)),
    );
    const own = createRateGate({
      ratePerSecond: covered ? Infinity : limits.ratePerSecond,
      ...(limits.burst === undefined ? {} : { burst: limits.burst }),
      clock,
    });
    return new LaneGates(
      own,
      budgets.map((budget) => ({ gate: gateFor(budget), sharePause: budget.sharePause ?? true })),
    );
  };
}
