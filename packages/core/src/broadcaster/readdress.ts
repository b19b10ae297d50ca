import type { ChannelError } from '../channel/channel-error.js';
import type { Store } from '../store/run-store.js';
import type { Clock } from '../util/clock.js';
import type { DeliveryItem } from './delivery-item.js';
import type { BroadcastEvent } from './events.js';
import type { Lane } from './lane.js';
import type { RunChannel } from './run-channel.js';

/** A recipient that keeps moving is a loop, not a migration. */
const MAX_READDRESSES = 3;

/** What the readdress step needs from the outcome handler. */
export interface ReaddressContext {
  store: Store;
  clock: Clock;
  emit: (event: BroadcastEvent) => void;
  onStoreError: (where: string, error: unknown) => void;
  drop: (source: RunChannel, item: DeliveryItem, code: string) => void;
  fail: (source: RunChannel, item: DeliveryItem, error: ChannelError, exhausted: boolean) => void;
  requeue: (source: RunChannel, item: DeliveryItem, dueAt: number) => void;
}

/**
 * Follows a recipient to its new address (a Telegram group that became a supergroup): the
 * subscriber's address is updated, then the delivery is retried at once. When another subscriber
 * of the channel already has the new address, that subscription is the recipient now: this one
 * is dropped instead of sending the same chat a second copy.
 *
 * Rare, so it may wait for the store; the run stays open meanwhile (counted as in flight).
 *
 * @param context - Store, clock, events and the handler's outcome writers.
 * @returns The step the outcome handler calls for `readdress` errors.
 */
export function createReaddress(
  context: ReaddressContext,
): (lane: Lane, source: RunChannel, item: DeliveryItem, error: ChannelError) => void {
  const { store, clock, emit, onStoreError } = context;

  const follow = async (source: RunChannel, item: DeliveryItem, error: ChannelError, newAddress: string) => {
    let owner: string | undefined;
    try {
      owner = (await store.findSubscriber(source.channel, newAddress))?.id;
    } catch (storeError) {
      onStoreError('findSubscriber', storeError);
    }
    if (owner !== undefined && owner !== item.subscriberId) {
      context.drop(source, item, error.code);
      return;
    }
    try {
      await store.updateSubscriber(item.subscriberId, { address: newAddress });
      emit({
        type: 'subscriber.readdressed',
        at: clock.now(),
        subscriberId: item.subscriberId,
        channel: source.channel,
      });
    } catch (storeError) {
      // The message still goes to where the recipient is now; the store catches up next time.
      onStoreError('updateSubscriber', storeError);
    }
    item.address = newAddress;
    context.requeue(source, item, clock.now());
  };

  return (lane, source, item, error) => {
    const newAddress = error.newAddress;
    if (newAddress === undefined || ++item.readdresses > MAX_READDRESSES) {
      context.fail(source, item, error, true);
      return;
    }
    source.inFlight++;
    void follow(source, item, error, newAddress).finally(() => {
      source.inFlight--;
      // The delivery is queued again (or recorded): wake the lane and let the run finish if done.
      lane.notify();
      source.checkFinished();
    });
  };
}
