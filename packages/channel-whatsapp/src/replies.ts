import type { ChannelErrorCode } from '@banditore/core';
import type { Dispatcher } from 'undici';
import { classify } from './classify.js';
import { createGraphSender } from './sender.js';

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

/** Options of {@link createGraphReplies}: the same connection settings as the channel. */
export interface GraphRepliesOptions {
  accessToken: string;
  phoneNumberId: string;
  /** @defaultValue `"v23.0"` */
  apiVersion?: string;
  /** @defaultValue `"https://graph.facebook.com"` */
  baseUrl?: string;
  dispatcher?: Dispatcher;
  /** @defaultValue 15,000 */
  timeoutMs?: number;
}

const cut = (value: string, max: number): string => (value.length <= max ? value : `${value.slice(0, max - 1)}…`);

/**
 * The inbox's replies through the Cloud API, on the channel's own Graph client (one pool, the
 * token confined to one function). Texts longer than WhatsApp allows are shortened, not refused.
 *
 * @param options - Where and as whom to send.
 * @returns The replies.
 * @example
 * ```ts
 * const replies = createGraphReplies({ accessToken, phoneNumberId: '1234567890' })
 * ```
 */
export function createGraphReplies(options: GraphRepliesOptions): WhatsAppReplies {
  const sender = createGraphSender({
    accessToken: options.accessToken,
    phoneNumberId: options.phoneNumberId,
    apiVersion: options.apiVersion ?? 'v23.0',
    baseUrl: options.baseUrl ?? 'https://graph.facebook.com',
    dispatcher: options.dispatcher,
    timeoutMs: options.timeoutMs ?? 15_000,
    connections: 4,
  });
  const post = async (to: string, tail: object): Promise<ReplyResult> => {
    const body = JSON.stringify({ messaging_product: 'whatsapp', recipient_type: 'individual', to, ...tail });
    const outcome = classify(await sender.postJson('messages', body));
    return outcome.ok ? { ok: true } : { ok: false, code: outcome.error.code };
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
    close: () => sender.close(),
  };
}
