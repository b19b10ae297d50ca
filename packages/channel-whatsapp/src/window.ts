/**
 * Tells the channel when a subscriber last wrote to the comune's number: the 24-hour customer
 * service window opens with each inbound message. Implemented by the receiving side over the
 * store's per-subscriber channel state.
 */
export interface ConversationWindow {
  /**
   * The last inbound message time of this address, in ms since the epoch; `undefined` when the
   * citizen never wrote (or it is unknown). Called once per send, so keep it cheap.
   */
  lastInboundAt(address: string): number | undefined | Promise<number | undefined>;
}

/** The customer service window Meta opens with each inbound message. */
export const SERVICE_WINDOW_MS = 24 * 3_600_000;

/**
 * Free-form is sent only when the window stays open this much longer, so a message that waits in
 * a queue or on the network never arrives just after the window closed (131047).
 */
export const WINDOW_MARGIN_MS = 5 * 60_000;

/**
 * Whether free-form may be sent now.
 *
 * @param lastInboundAt - From {@link ConversationWindow.lastInboundAt}.
 * @param now - Wall time.
 * @returns `true` when the window is open for at least the margin.
 */
export function isWindowOpen(lastInboundAt: number | undefined, now: number): boolean {
  return lastInboundAt !== undefined && now - lastInboundAt < SERVICE_WINDOW_MS - WINDOW_MARGIN_MS;
}
