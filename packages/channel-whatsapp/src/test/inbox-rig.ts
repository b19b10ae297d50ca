import { createMemoryStore, type Store } from '@banditore/core';
import { createWhatsAppInbox, type WhatsAppInbox } from '../inbox.js';
import type { InboxEvent } from '../inbox-events.js';
import type { WhatsAppInboxOptions } from '../inbox-options.js';
import type { InteractiveList, WhatsAppReplies } from '../replies.js';

/** A reply the inbox made, as a citizen's phone would show it. */
export type SentReply = { to: string; text: string } | { to: string; list: InteractiveList };

/** Replies that land in an array (the Graph client is tested separately against a fake server). */
export function recordingReplies(): WhatsAppReplies & { sent: SentReply[] } {
  const sent: SentReply[] = [];
  return {
    sent,
    text: async (to, text) => {
      sent.push({ to, text });
      return { ok: true };
    },
    list: async (to, list) => {
      sent.push({ to, list });
      return { ok: true };
    },
  };
}

export const PHONE_NUMBER_ID = '106540352242922';
export const T0 = Date.UTC(2026, 11, 6, 9, 0, 0);

/** An inbox over a memory store with recording replies; events collected. */
export function inboxRig(overrides: Partial<WhatsAppInboxOptions> = {}): {
  inbox: WhatsAppInbox;
  store: Store;
  replies: ReturnType<typeof recordingReplies>;
  events: InboxEvent[];
} {
  const store = (overrides.store as Store | undefined) ?? createMemoryStore();
  const replies = recordingReplies();
  const events: InboxEvent[] = [];
  const inbox = createWhatsAppInbox({
    store,
    replies,
    comuneName: 'Comune di Jesi',
    privacyUrl: 'https://www.comune.jesi.an.it/privacy',
    noticeVersion: '2026-03',
    topics: [
      { id: 'meteo', label: { it: 'Meteo', en: 'Weather' } },
      { id: 'viabilita', label: { it: 'Viabilità', en: 'Roads' } },
      { id: 'eventi', label: { it: 'Eventi', en: 'Events' } },
    ],
    phoneNumberId: PHONE_NUMBER_ID,
    onEvent: (event) => events.push(event),
    ...overrides,
  });
  return { inbox, store, replies, events };
}

let sequence = 0;

/** The envelope Meta posts, around `value`s of one field. */
export function notification(values: object[], field = 'messages'): object {
  return {
    object: 'whatsapp_business_account',
    entry: [{ id: '102290129340398', changes: values.map((value) => ({ field, value })) }],
  };
}

/** A `messages` value with inbound messages. */
export function inbound(...messages: object[]): object {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '390731538111', phone_number_id: PHONE_NUMBER_ID },
    contacts: [{ profile: { name: 'Cittadino' }, wa_id: '393357152219' }],
    messages,
  };
}

/** An inbound text message. */
export function textMessage(from: string, body: string, at = T0, id = `wamid.in-${++sequence}`): object {
  return { from, id, timestamp: String(Math.floor(at / 1000)), type: 'text', text: { body } };
}

/** An inbound list choice. */
export function listChoice(from: string, rowId: string, at = T0): object {
  return {
    from,
    id: `wamid.in-${++sequence}`,
    timestamp: String(Math.floor(at / 1000)),
    type: 'interactive',
    interactive: { type: 'list_reply', list_reply: { id: rowId, title: 'x' } },
  };
}

/** A `messages` value with statuses. */
export function statuses(...items: object[]): object {
  return {
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '390731538111', phone_number_id: PHONE_NUMBER_ID },
    statuses: items,
  };
}

/** One status item. */
export function status(
  id: string,
  value: 'sent' | 'delivered' | 'read' | 'failed',
  fields: { at?: number; code?: number; callback?: string; recipient?: string } = {},
): object {
  return {
    id,
    status: value,
    timestamp: String(Math.floor((fields.at ?? T0) / 1000)),
    recipient_id: fields.recipient ?? '393357152219',
    ...(fields.callback === undefined ? {} : { biz_opaque_callback_data: fields.callback }),
    ...(fields.code === undefined
      ? {}
      : { errors: [{ code: fields.code, title: 'Message undeliverable', error_data: { details: 'x' } }] }),
  };
}
