/**
 * What a channel knows about one subscriber beyond the subscription itself. Today: when the
 * citizen last wrote to the comune, which opens WhatsApp's 24-hour customer-service window.
 */
export interface SubscriberChannelState {
  subscriberId: string;
  channel: string;
  /** Last inbound message from the citizen, ms since the epoch; `undefined` when none is known. */
  lastInboundAt: number | undefined;
}

/**
 * Per-subscriber channel state.
 *
 * Backend notes: one row per subscriber (keyed by subscriber id); `recordInbound` only ever moves
 * the time forward (webhooks arrive late and twice); erasing a subscriber removes its state, and
 * `channelState` finds nothing for an erased or unknown address.
 */
export interface ChannelStateStore {
  /**
   * Records an inbound message from a subscriber. Older times than the stored one are ignored.
   *
   * @param subscriberId - The subscriber (never the address).
   * @param at - When the citizen wrote, ms since the epoch.
   * @returns Whether the subscriber exists.
   */
  recordInbound(subscriberId: string, at: number): Promise<boolean>;
  /**
   * The state of the subscriber at `(channel, address)`, or `undefined` when there is no such
   * subscriber. Called once per send by channels with a customer-service window: keep it to one
   * indexed lookup.
   */
  channelState(channel: string, address: string): Promise<SubscriberChannelState | undefined>;
}
