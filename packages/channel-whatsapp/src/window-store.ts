import type { ChannelStateStore } from '@banditore/core';
import type { ConversationWindow } from './window.js';

/** Options of {@link createStoreConversationWindow}. */
export interface StoreConversationWindowOptions {
  /** The store the inbox records inbound messages in. */
  store: Pick<ChannelStateStore, 'channelState'>;
  /** The subscribers' channel name. @defaultValue `"whatsapp"` */
  channel?: string;
}

/**
 * The channel's window lookup over the store's per-subscriber channel state: the inbox records
 * each inbound message, the channel asks here before each send whether free-form may go out. One
 * indexed store lookup per send; an unknown address has no window (templates only).
 *
 * @param options - The store and the channel name.
 * @returns A {@link ConversationWindow} for `createWhatsAppChannel({ conversationWindow })`.
 * @example
 * ```ts
 * const channel = createWhatsAppChannel({ ..., conversationWindow: createStoreConversationWindow({ store }) })
 * ```
 */
export function createStoreConversationWindow(options: StoreConversationWindowOptions): ConversationWindow {
  const channel = options.channel ?? 'whatsapp';
  return {
    async lastInboundAt(address) {
      return (await options.store.channelState(channel, address))?.lastInboundAt;
    },
  };
}
