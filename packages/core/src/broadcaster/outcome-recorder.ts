import type { ChannelError } from '../channel/channel-error.js';
import type { ErrorAction } from '../channel/error-codes.js';
import type { DeliveryOutcome, Store } from '../store/run-store.js';
import type { Clock } from '../util/clock.js';
import type { DeliveryItem } from './delivery-item.js';
import type { BroadcastEvent } from './events.js';
import type { OutcomeWriter } from './outcome-writer.js';
import type { RunChannel } from './run-channel.js';

/** What the recorder needs. */
export interface OutcomeRecorderContext {
  store: Store;
  writer: OutcomeWriter;
  /** Wall clock: outcome rows and events carry wall time. */
  clock: Clock;
  emit: (event: BroadcastEvent) => void;
  onStoreError: (where: string, error: unknown) => void;
}

/** Writes final outcomes to the ledger and counts them on the run's channel. */
export interface OutcomeRecorder {
  record: (
    source: RunChannel,
    item: DeliveryItem,
    status: 'sent' | 'failed' | 'dropped' | 'cancelled',
    code?: string,
    providerMessageId?: string,
  ) => void;
  /** Records a final failure and tells the outside world (ids and codes only). */
  fail: (source: RunChannel, item: DeliveryItem, error: ChannelError, exhausted: boolean) => void;
  /** Drops a subscriber whose address no longer reaches them, and never sends to it again. */
  drop: (source: RunChannel, item: DeliveryItem, code: string) => void;
}

/**
 * Creates the outcome recorder: one ledger row per final outcome, through the batched writer.
 *
 * @param context - Store, writer, wall clock and event sink.
 * @returns The recorder.
 */
export function createOutcomeRecorder(context: OutcomeRecorderContext): OutcomeRecorder {
  const { writer, clock, emit } = context;

  const record: OutcomeRecorder['record'] = (source, item, status, code, providerMessageId) => {
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

  return {
    record,
    fail: (source, item, error, exhausted) =>
      recordFailure(source, item, 'failed', error.code, exhausted ? 'exhausted' : error.action),
    drop(source, item, code) {
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
    },
  };
}
