import type { SendResult } from '../channel/channel.js';
import { AMBIGUOUS_CODES, actionFor, type ErrorAction } from '../channel/error-codes.js';
import type { ChannelError } from '../channel/channel-error.js';
import type { DeliveryOutcome, Store } from '../store/run-store.js';
import type { Clock } from '../util/clock.js';
import type { DeliveryItem } from './delivery-item.js';
import type { BroadcastEvent } from './events.js';
import type { Lane } from './lane.js';
import type { OutcomeWriter } from './outcome-writer.js';
import { createReaddress } from './readdress.js';
import { backoffDelay, recipientDeferDelay } from './retry-policy.js';
import type { RunChannel } from './run-channel.js';
import type { RetryPolicy } from './types.js';

/** Default channel-wide wait when a provider throttles without saying how long. */
const DEFAULT_PAUSE_MS = { RATE_LIMITED: 1_000, other: 60_000 } as const;

/** What the outcome handler needs from the broadcaster. */
export interface OutcomeContext {
  store: Store;
  writer: OutcomeWriter;
  clock: Clock;
  policy: RetryPolicy;
  random: () => number;
  emit: (event: BroadcastEvent) => void;
  onStoreError: (where: string, error: unknown) => void;
}

/**
 * Applies the one error-code table to a send result: ledger write, retry with backoff, channel
 * pause, recipient deferral, subscriber drop, readdress or channel stop. Rate-limit waits and
 * deferrals do not use up an attempt; every path is bounded by attempts or total time and ends in
 * a recorded outcome — nothing is dropped silently.
 *
 * @param context - Store, writer, clock, retry policy and event sink.
 * @returns The handlers the lanes call.
 */
export function createOutcomeHandler(context: OutcomeContext): {
  onOutcome: (lane: Lane, source: RunChannel, item: DeliveryItem, result: SendResult) => void;
  onInactive: (source: RunChannel, item: DeliveryItem) => void;
} {
  const { writer, clock, policy, emit } = context;

  const record = (
    source: RunChannel,
    item: DeliveryItem,
    status: 'sent' | 'failed' | 'dropped' | 'cancelled',
    code?: string,
    providerMessageId?: string,
  ): void => {
    // Built field by field: this runs once per delivery, and spreading temporary objects costs
    // two allocations each time.
    const outcome: DeliveryOutcome = {
      runId: source.runId,
      channel: source.channel,
      deliveryId: item.deliveryId,
      status,
      attempts: item.attempts,
      at: clock.now(),
    };
    if (code !== undefined) outcome.code = code;
    if (providerMessageId !== undefined) outcome.providerMessageId = providerMessageId;
    writer.add(outcome);
    if (status === 'sent') source.counters.sent++;
    else if (status === 'failed') source.counters.failed++;
    else if (status === 'dropped') source.counters.dropped++;
    else source.counters.cancelled++;
  };

  /** Records a final failure or drop and tells the outside world (ids and codes only). */
  const recordFailure = (
    source: RunChannel,
    item: DeliveryItem,
    status: 'failed' | 'dropped',
    code: string,
    action: ErrorAction | 'exhausted',
  ): void => {
    record(source, item, status, code);
    emit({
      type: 'delivery.failed',
      at: clock.now(),
      runId: source.runId,
      channel: source.channel,
      deliveryId: item.deliveryId,
      subscriberId: item.subscriberId,
      code,
      action,
      attempts: item.attempts,
    });
  };

  const fail = (source: RunChannel, item: DeliveryItem, error: ChannelError, exhausted: boolean): void =>
    recordFailure(source, item, 'failed', error.code, exhausted ? 'exhausted' : error.action);

  /** Drops a subscriber whose address no longer reaches them, and never sends to it again. */
  const drop = (source: RunChannel, item: DeliveryItem, code: string): void => {
    recordFailure(source, item, 'dropped', code, 'drop-subscriber');
    context.store
      .updateSubscriber(item.subscriberId, { status: 'unreachable' })
      .then(() =>
        emit({
          type: 'subscriber.unreachable',
          at: clock.now(),
          subscriberId: item.subscriberId,
          channel: source.channel,
          code,
        }),
      )
      .catch((storeError: unknown) => context.onStoreError('updateSubscriber', storeError));
  };

  /**
   * Whether a next attempt at `dueAt` still fits the total retry budget. Checked before waiting,
   * so a provider asking for an hour's wait cannot carry a delivery past the budget.
   */
  const fitsBudget = (item: DeliveryItem, dueAt: number): boolean => dueAt - item.firstAttemptAt <= policy.maxTotalMs;

  const requeue = (source: RunChannel, item: DeliveryItem, dueAt: number): void => {
    item.dueAt = dueAt;
    source.later(item);
  };

  const readdress = createReaddress({
    store: context.store,
    clock,
    emit,
    onStoreError: context.onStoreError,
    drop,
    fail,
    requeue,
  });

  const onOutcome = (lane: Lane, source: RunChannel, item: DeliveryItem, result: SendResult): void => {
    const now = clock.now();
    if (result.ok) {
      record(source, item, 'sent', undefined, result.providerMessageId);
      lane.markSent(item.subscriberId, now);
      if (item.ambiguous) source.ambiguousRetries++;
      return;
    }
    const { error } = result;
    if (source.state === 'cancelled') {
      record(source, item, 'cancelled', 'CANCELLED');
      return;
    }
    switch (actionFor(error.code)) {
      case 'retry': {
        if (AMBIGUOUS_CODES.has(error.code)) item.ambiguous = true;
        const delayMs = error.retryAfterMs ?? backoffDelay(policy, item.attempts, context.random);
        if (item.attempts >= policy.maxAttempts || !fitsBudget(item, now + delayMs)) {
          fail(source, item, error, true);
          return;
        }
        emit({
          type: 'delivery.retry',
          at: now,
          runId: source.runId,
          channel: source.channel,
          deliveryId: item.deliveryId,
          code: error.code,
          attempt: item.attempts,
          delayMs,
        });
        requeue(source, item, now + delayMs);
        return;
      }
      case 'pause-channel': {
        item.attempts--;
        item.waits++;
        const wait =
          error.retryAfterMs ??
          (error.code === 'RATE_LIMITED' ? DEFAULT_PAUSE_MS.RATE_LIMITED : DEFAULT_PAUSE_MS.other);
        // The whole sender must wait even when this delivery gives up.
        lane.pause(error.code, now + wait);
        if (!fitsBudget(item, now + wait)) fail(source, item, error, true);
        else requeue(source, item, now);
        return;
      }
      case 'defer-recipient': {
        item.attempts--;
        item.waits++;
        const dueAt = now + (error.retryAfterMs ?? recipientDeferDelay(item.waits - 1, policy));
        if (!fitsBudget(item, dueAt)) fail(source, item, error, true);
        else requeue(source, item, dueAt);
        return;
      }
      case 'drop-subscriber':
        drop(source, item, error.code);
        return;
      case 'fail-message':
        fail(source, item, error, false);
        return;
      case 'stop-channel': {
        item.attempts--;
        // Queue first, so the halt below returns this delivery to the ledger with the others.
        requeue(source, item, now);
        if (!lane.stopped) {
          emit({
            type: 'channel.stopped',
            at: now,
            channel: lane.channel.name,
            code: error.code,
            message: error.message,
          });
        }
        lane.stop(error.code, error.message);
        return;
      }
      case 'readdress':
        item.attempts--;
        readdress(lane, source, item, error);
        return;
    }
  };

  const onInactive = (source: RunChannel, item: DeliveryItem): void => {
    record(source, item, 'cancelled', 'SUBSCRIBER_LEFT');
    source.checkFinished();
  };

  return { onOutcome, onInactive };
}
