import type { SendResult } from '../channel/channel.js';
import { actionFor } from '../channel/error-codes.js';
import type { Store } from '../store/run-store.js';
import type { Clock } from '../util/clock.js';
import type { DeliveryItem } from './delivery-item.js';
import type { BroadcastEvent } from './events.js';
import type { Lane } from './lane.js';
import { createOutcomeActions } from './outcome-actions.js';
import { createOutcomeRecorder } from './outcome-recorder.js';
import type { OutcomeWriter } from './outcome-writer.js';
import { createReaddress } from './readdress.js';
import type { RunChannel } from './run-channel.js';
import { checkSendResult } from './send-result.js';
import type { RetryPolicy } from './types.js';

/** What the outcome handler needs from the broadcaster. */
export interface OutcomeContext {
  store: Store;
  writer: OutcomeWriter;
  /** Wall clock: ledger rows and events. */
  clock: Clock;
  /** Interval clock (the lanes' time): retry schedule and recipient spacing. @defaultValue `clock` */
  pacing?: Clock;
  policy: RetryPolicy;
  random: () => number;
  emit: (event: BroadcastEvent) => void;
  onStoreError: (where: string, error: unknown) => void;
}

/**
 * Applies the one error-code table to a send result: ledger write, retry with backoff, channel
 * pause, recipient deferral, subscriber drop, readdress or channel stop. A result off the
 * channel contract is an `UNKNOWN` failure (see `checkSendResult`). Every path ends in a
 * recorded outcome — nothing is dropped silently.
 *
 * @param context - Store, writer, clocks, retry policy and event sink.
 * @returns The handlers the lanes call.
 */
export function createOutcomeHandler(context: OutcomeContext): {
  onOutcome: (lane: Lane, source: RunChannel, item: DeliveryItem, result: SendResult) => void;
  onInactive: (source: RunChannel, item: DeliveryItem) => void;
} {
  const { clock, emit } = context;
  const pacing = context.pacing ?? clock;
  const recorder = createOutcomeRecorder(context);
  const actions = createOutcomeActions({ ...context, pacing, recorder });
  const readdress = createReaddress({
    store: context.store,
    clock: pacing,
    emit,
    onStoreError: context.onStoreError,
    drop: recorder.drop,
    fail: recorder.fail,
    requeue: actions.requeue,
  });

  const onOutcome = (lane: Lane, source: RunChannel, item: DeliveryItem, answer: SendResult): void => {
    const { result, violation } = checkSendResult(answer);
    if (violation !== undefined)
      emit({ type: 'internal.error', at: clock.now(), where: `${source.channel}.send`, message: violation });
    if (result.ok) {
      // The lane's request pacer has already marked the recipient for spacing (every attempt does).
      recorder.record(source, item, 'sent', undefined, result.providerMessageId);
      return;
    }
    const { error } = result;
    if (source.state === 'cancelled') {
      recorder.record(source, item, 'cancelled', 'CANCELLED');
      return;
    }
    switch (actionFor(error.code)) {
      case 'retry':
        return actions.retry(lane, source, item, error);
      case 'pause-channel':
        return actions.pauseChannel(lane, source, item, error);
      case 'defer-recipient':
        return actions.deferRecipient(lane, source, item, error);
      case 'drop-subscriber':
        return recorder.drop(source, item, error.code);
      case 'fail-message':
        return recorder.fail(source, item, error, false);
      case 'stop-channel':
        return actions.stopChannel(lane, source, item, error);
      case 'readdress':
        item.attempts--;
        return readdress(lane, source, item, error);
    }
  };

  const onInactive = (source: RunChannel, item: DeliveryItem): void => {
    recorder.record(source, item, 'cancelled', 'SUBSCRIBER_LEFT');
    source.checkFinished();
  };

  return { onOutcome, onInactive };
}
