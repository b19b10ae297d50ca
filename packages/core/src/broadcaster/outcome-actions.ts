import type { ChannelError } from '../channel/channel-error.js';
import { AMBIGUOUS_CODES } from '../channel/error-codes.js';
import type { Clock } from '../util/clock.js';
import type { DeliveryItem } from './delivery-item.js';
import type { BroadcastEvent } from './events.js';
import type { Lane } from './lane.js';
import type { OutcomeRecorder } from './outcome-recorder.js';
import { backoffDelay, recipientDeferDelay } from './retry-policy.js';
import type { RunChannel } from './run-channel.js';
import type { RetryPolicy } from './types.js';

/** Default channel-wide wait when a provider throttles without saying how long. */
const DEFAULT_PAUSE_MS = { RATE_LIMITED: 1_000, other: 60_000 } as const;

/** What the retrying actions need. */
export interface OutcomeActionContext {
  /** Interval clock (monotonic): retry times are compared with the lanes' time, never stored. */
  pacing: Clock;
  /** Wall clock, for event times. */
  clock: Clock;
  policy: RetryPolicy;
  random: () => number;
  emit: (event: BroadcastEvent) => void;
  recorder: OutcomeRecorder;
}

/** One step of the error table that may try a delivery again. */
export type OutcomeAction = (lane: Lane, source: RunChannel, item: DeliveryItem, error: ChannelError) => void;

/** The steps of the error table that wait and try again, or stop the channel. */
export interface OutcomeActions {
  retry: OutcomeAction;
  pauseChannel: OutcomeAction;
  deferRecipient: OutcomeAction;
  stopChannel: OutcomeAction;
  /** Puts a delivery back to be tried at `dueAt` (interval-clock time). */
  requeue: (source: RunChannel, item: DeliveryItem, dueAt: number) => void;
}

/**
 * Creates the waiting steps of the error table. Rate-limit waits and deferrals do not use up an
 * attempt; every path is bounded by attempts or the total retry time and ends in a recorded
 * outcome.
 *
 * @param context - Clocks, retry policy, events and the recorder.
 * @returns The steps.
 */
export function createOutcomeActions(context: OutcomeActionContext): OutcomeActions {
  const { pacing, policy, emit, recorder } = context;

  /**
   * Whether a next attempt at `dueAt` still fits the total retry budget. Checked before waiting,
   * so a provider asking for an hour's wait cannot carry a delivery past the budget.
   */
  const fitsBudget = (item: DeliveryItem, dueAt: number): boolean => dueAt - item.firstAttemptAt <= policy.maxTotalMs;

  const requeue = (source: RunChannel, item: DeliveryItem, dueAt: number): void => {
    item.dueAt = dueAt;
    source.later(item);
  };

  return {
    requeue,
    retry(_lane, source, item, error) {
      const now = pacing.now();
      if (AMBIGUOUS_CODES.has(error.code)) item.ambiguous = true;
      const delayMs = error.retryAfterMs ?? backoffDelay(policy, item.attempts, context.random);
      if (item.attempts >= policy.maxAttempts || !fitsBudget(item, now + delayMs)) {
        recorder.fail(source, item, error, true);
        return;
      }
      emit({
        type: 'delivery.retry',
        at: context.clock.now(),
        runId: source.runId,
        channel: source.channel,
        deliveryId: item.deliveryId,
        code: error.code,
        attempt: item.attempts,
        delayMs,
      });
      requeue(source, item, now + delayMs);
    },
    pauseChannel(lane, source, item, error) {
      const now = pacing.now();
      item.attempts--;
      item.waits++;
      const wait =
        error.retryAfterMs ?? (error.code === 'RATE_LIMITED' ? DEFAULT_PAUSE_MS.RATE_LIMITED : DEFAULT_PAUSE_MS.other);
      // The whole sender must wait even when this delivery gives up.
      lane.pause(error.code, now + wait);
      if (!fitsBudget(item, now + wait)) recorder.fail(source, item, error, true);
      else requeue(source, item, now);
    },
    deferRecipient(_lane, source, item, error) {
      item.attempts--;
      item.waits++;
      const dueAt = pacing.now() + (error.retryAfterMs ?? recipientDeferDelay(item.waits - 1, policy));
      if (!fitsBudget(item, dueAt)) recorder.fail(source, item, error, true);
      else requeue(source, item, dueAt);
    },
    stopChannel(lane, source, item, error) {
      item.attempts--;
      // Queue first, so the halt below returns this delivery to the ledger with the others.
      requeue(source, item, pacing.now());
      if (!lane.stopped) {
        emit({
          type: 'channel.stopped',
          at: context.clock.now(),
          channel: lane.channel.name,
          code: error.code,
          message: error.message,
        });
      }
      lane.stop(error.code, error.message);
    },
  };
}
