import type { Clock, RateGate, SharedBudget } from '@banditore/core';
import { createSlidingGate } from './sliding-gate.js';

/** The throughput budget of one phone number, shared by the broadcaster's lane and the inbox's replies. */
export interface NumberBudget {
  /** For `limits.shared`; `undefined` when the rate is unlimited. */
  readonly budget: SharedBudget | undefined;
  /** The gate replies wait for (the same one the lane waits for); `undefined` when unlimited. */
  gate(): RateGate | undefined;
  close(): void;
}

/**
 * One gate per phone number for every request the number makes: Meta counts a number's
 * throughput (80 or 1,000 messages a second) over everything it sends, broadcast or reply. The
 * broadcaster's lane takes it as a shared budget (and pauses it on 130429); the replies take the
 * very same gate. It is a sliding one-second window anchored, like the lane's own gate, on when
 * each request is over, so it is exact against arrivals; for a broadcast alone it repeats what the
 * lane's gate already ensures, and it makes room for replies by holding broadcast requests back.
 *
 * The gate is made on the first clock that asks (the broadcaster's, or the channel's for a reply
 * sent before any broadcast); in a process both are the system clock.
 *
 * @param phoneNumberId - The number (the budget's key).
 * @param ratePerSecond - The number's throughput.
 * @param channelClock - The channel's clock.
 * @returns The budget.
 */
export function createNumberBudget(phoneNumberId: string, ratePerSecond: number, channelClock: Clock): NumberBudget {
  if (!Number.isFinite(ratePerSecond)) return { budget: undefined, gate: () => undefined, close: () => undefined };
  const limit = Math.max(1, Math.floor(ratePerSecond));
  let shared: RateGate | undefined;
  const gateOn = (clock: Clock): RateGate => (shared ??= createSlidingGate(limit, 1_000, clock));
  return {
    budget: {
      key: `whatsapp-number:${phoneNumberId}`,
      ratePerSecond: Infinity,
      // A 130429 is the number's: broadcast and replies wait it out together.
      sharePause: true,
      createGate: (clock) => {
        const gate = gateOn(clock);
        // The channel owns the gate: a broadcaster that shuts down must not strand waiting replies.
        return {
          acquire: (cost) => gate.acquire(cost),
          settle: (ticket, cost) => gate.settle(ticket, cost),
          refund: (ticket, cost) => gate.refund(ticket, cost),
          pauseUntil: (time) => gate.pauseUntil(time),
          get pausedUntil() {
            return gate.pausedUntil;
          },
          get waiting() {
            return gate.waiting;
          },
          close: () => undefined,
        };
      },
    },
    gate: () => gateOn(channelClock),
    close: () => shared?.close(),
  };
}
