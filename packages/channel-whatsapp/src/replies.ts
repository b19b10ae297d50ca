import type { ChannelErrorCode, Clock, RateGate } from '@banditore/core';
import { classify } from './classify.js';
import type { GraphSender } from './sender.js';

/** One row of an interactive list (WhatsApp: title ≤ 24, description ≤ 72, id ≤ 200 characters). */
export interface ListRow {
  id: string;
  title: string;
  description?: string;
}

/** An interactive list message (WhatsApp: button label ≤ 20 characters, at most 10 rows). */
export interface InteractiveList {
  body: string;
  button: string;
  rows: ListRow[];
}

/** The outcome of one reply: sent, or the channel error code (never the provider's message). */
export type ReplyResult = { ok: true } | { ok: false; code: ChannelErrorCode };

/**
 * How the inbox answers a citizen. Replies are free-form messages: the citizen has just written,
 * so the 24-hour window is open. Implementations resolve, never reject.
 */
export interface WhatsAppReplies {
  text(to: string, body: string): Promise<ReplyResult>;
  list(to: string, list: InteractiveList): Promise<ReplyResult>;
  close?(): Promise<void>;
}

/** What the replies need from the channel: its Graph client, its number's gate and its clock. */
export interface RepliesContext {
  sender: GraphSender;
  /**
   * The number's throughput gate, shared with the broadcaster's lane (`undefined` when the rate
   * is unlimited): a reply waits for it like any broadcast request, and a 130429 pauses it.
   */
  readonly gate: RateGate | undefined;
  clock: Clock;
}

const cut = (value: string, max: number): string => (value.length <= max ? value : `${value.slice(0, max - 1)}…`);
/** A reply refused with 130429 waits for the gate's pause and is tried again, this many times at most. */
const THROTTLED_RETRIES = 3;

/**
 * The inbox's replies through the Cloud API on the channel's own Graph client (one pool, the
 * token confined to one function). Every reply passes the number's throughput gate — the one the
 * broadcaster's lane uses — so a storm of citizen messages during a broadcast never pushes the
 * number over its messages per second; a 130429 pauses that gate for broadcast and replies alike.
 * Texts longer than WhatsApp allows are shortened, not refused.
 *
 * @param context - The channel's sender, gate and clock.
 * @returns The replies.
 */
export function createChannelReplies(context: RepliesContext): WhatsAppReplies {
  const { sender, clock } = context;
  const post = async (to: string, tail: object): Promise<ReplyResult> => {
    // Read at each reply: the gate is made by whoever needs it first (see createNumberBudget).
    const gate = context.gate;
    const body = JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...tail });
    for (let attempt = 0; ; attempt++) {
      const ticket = gate === undefined ? 0 : await gate.acquire();
      const outcome = classify(await sender.postJson('messages', body));
      gate?.settle(ticket);
      if (outcome.ok) return { ok: true };
      if (outcome.error.code !== 'RATE_LIMITED' || attempt >= THROTTLED_RETRIES)
        return { ok: false, code: outcome.error.code };
      gate?.pauseUntil(clock.now() + (outcome.error.retryAfterMs ?? 1_000));
    }
  };
  return {
    text: (to, text) => post(to, { type: 'text', text: { body: cut(text, 4_096), preview_url: false } }),
    list: (to, list) =>
      post(to, {
        type: 'interactive',
        interactive: {
          type: 'list',
          body: { text: cut(list.body, 1_024) },
          action: {
            button: cut(list.button, 20),
            sections: [
              {
                rows: list.rows.slice(0, 10).map((row) => ({
                  id: row.id.slice(0, 200),
                  title: cut(row.title, 24),
                  ...(row.description === undefined ? {} : { description: cut(row.description, 72) }),
                })),
              },
            ],
          },
        },
      }),
  };
}
