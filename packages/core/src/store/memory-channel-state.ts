import type { ChannelStateStore } from './channel-state-store.js';

/** How the channel-state methods see the memory store's subscribers. */
export interface MemorySubscriberIndex {
  /** Whether a live (not erased) subscriber has this id. */
  exists(subscriberId: string): boolean;
  /** The id of the live subscriber at `(channel, address)`. */
  idOf(channel: string, address: string): string | undefined;
}

/**
 * Per-subscriber channel state in process memory, on top of the memory store's own subscriber
 * index (so an erased subscriber has no state to find).
 *
 * @param subscribers - The memory store's subscriber index.
 * @returns The channel-state methods of the memory store.
 */
export function createMemoryChannelStateMethods(subscribers: MemorySubscriberIndex): ChannelStateStore {
  const lastInbound = new Map<string, number>();
  return {
    async recordInbound(subscriberId, at) {
      if (!subscribers.exists(subscriberId)) {
        lastInbound.delete(subscriberId);
        return false;
      }
      if (Number.isFinite(at) && at > (lastInbound.get(subscriberId) ?? -Infinity)) lastInbound.set(subscriberId, at);
      return true;
    },
    async channelState(channel, address) {
      const subscriberId = subscribers.idOf(channel, address);
      if (subscriberId === undefined) return undefined;
      return { subscriberId, channel, lastInboundAt: lastInbound.get(subscriberId) };
    },
  };
}
