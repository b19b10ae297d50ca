import { describe, expect, it } from 'vitest';
import type { Store } from '@banditore/core';
import { ALL_TOPICS_ROW, LANGUAGE_ROW_PREFIX, TOPIC_ROW_PREFIX } from './inbox-handlers.js';
import { createStoreConversationWindow } from './window-store.js';
import {
  type SentReply,
  T0,
  inboxRig,
  inbound,
  listChoice,
  notification,
  status,
  statuses,
  textMessage,
} from './test/inbox-rig.js';

const CITIZEN = '393357152219';

/** Imports the citizen as an old list would have them. */
const importFirst = (store: Store) =>
  store.importSubscribers([{ channel: 'whatsapp', address: CITIZEN, topics: [], areas: [], language: 'it' }], {
    method: 'import',
    noticeVersion: '2023-01',
    at: '2023-03-01T00:00:00.000Z',
  });

/** The text of a text reply ('' for a list). */
const textOf = (reply: SentReply | undefined): string => (reply && 'text' in reply ? reply.text : '');

describe('inbox: citizen self-service', () => {
  it('subscribes on ISCRIVIMI with keyword consent at the message time, then offers the topics list', async () => {
    const { inbox, store, replies } = inboxRig();
    expect(await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'Iscrivimi'))]))).toBe('handled');
    const subscriber = await store.findSubscriber('whatsapp', CITIZEN);
    expect(subscriber).toMatchObject({ status: 'active', language: 'it', topics: [] });
    const consent = await store.listConsent(subscriber!.id);
    expect(consent).toHaveLength(1);
    expect(consent[0]).toMatchObject({
      kind: 'subscribed',
      method: 'keyword',
      noticeVersion: '2026-03',
      at: new Date(T0).toISOString(),
    });
    expect(replies.sent).toHaveLength(2);
    expect(replies.sent[0]?.to).toBe(CITIZEN);
    expect(textOf(replies.sent[0])).toContain('Sei iscritto agli avvisi del *Comune di Jesi*');
    expect(textOf(replies.sent[0])).toContain('https://www.comune.jesi.an.it/privacy');
    const list = replies.sent[1]!;
    expect('list' in list && list.list.rows.map((row) => row.id)).toEqual([
      ALL_TOPICS_ROW,
      `${TOPIC_ROW_PREFIX}meteo`,
      `${TOPIC_ROW_PREFIX}viabilita`,
      `${TOPIC_ROW_PREFIX}eventi`,
    ]);
  });

  it.each([['ATTIVA'], ['attiva'], ['Iscrivimi!'], ['START'], ['start please']])('"%s" subscribes', async (text) => {
    const { inbox, store } = inboxRig();
    await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, text))]));
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.status).toBe('active');
  });

  it('answers in English to START from a new citizen', async () => {
    const { inbox, store, replies } = inboxRig();
    await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'START'))]));
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.language).toBe('en');
    expect(textOf(replies.sent[0])).toContain('You are subscribed');
  });

  it.each([['STOP'], ['Stop.'], ['annulla'], ['CANCELLA'], ['stòp']])(
    '"%s" unsubscribes at once with a confirmation and a consent event',
    async (text) => {
      const { inbox, store, replies } = inboxRig();
      await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'ISCRIVIMI', T0))]));
      await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, text, T0 + 60_000))]));
      const subscriber = await store.findSubscriber('whatsapp', CITIZEN);
      expect(subscriber?.status).toBe('unsubscribed');
      const kinds = (await store.listConsent(subscriber!.id)).map((event) => [event.kind, event.method]);
      expect(kinds).toEqual([
        ['subscribed', 'keyword'],
        ['unsubscribed', 'keyword'],
      ]);
      expect(replies.sent.at(-1)?.to).toBe(CITIZEN);
      expect(textOf(replies.sent.at(-1))).toContain('Non riceverai più avvisi');
    },
  );

  it('does not treat a long sentence starting with a keyword as one', async () => {
    const { inbox, store } = inboxRig();
    await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'ISCRIVIMI'))]));
    await inbox.handleNotification(
      notification([inbound(textMessage(CITIZEN, 'stop ai lavori in via Roma quando finiscono?'))]),
    );
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.status).toBe('active');
  });

  it('toggles topics from the list, refuses an empty choice, and resets to all topics', async () => {
    const { inbox, store, replies } = inboxRig();
    const send = (message: object) => inbox.handleNotification(notification([inbound(message)]));
    await send(textMessage(CITIZEN, 'ISCRIVIMI'));
    await send(listChoice(CITIZEN, `${TOPIC_ROW_PREFIX}eventi`)); // off, from "everything"
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.topics).toEqual(['meteo', 'viabilita']);
    expect(replies.sent.at(-1)).toMatchObject({ text: 'Eventi disattivato. Ora: Meteo, Viabilità.' });
    await send(listChoice(CITIZEN, `${TOPIC_ROW_PREFIX}meteo`));
    await send(listChoice(CITIZEN, `${TOPIC_ROW_PREFIX}viabilita`)); // would leave nothing
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.topics).toEqual(['viabilita']);
    expect(textOf(replies.sent.at(-1))).toContain('almeno un argomento');
    await send(listChoice(CITIZEN, ALL_TOPICS_ROW));
    const subscriber = await store.findSubscriber('whatsapp', CITIZEN);
    expect(subscriber?.topics).toEqual([]);
    expect((await store.listConsent(subscriber!.id)).filter((event) => event.kind === 'topics-changed')).toHaveLength(
      3,
    );
  });

  it('shows the language list and switches the language', async () => {
    const { inbox, store, replies } = inboxRig();
    const send = (message: object) => inbox.handleNotification(notification([inbound(message)]));
    await send(textMessage(CITIZEN, 'ISCRIVIMI'));
    await send(textMessage(CITIZEN, 'lingua'));
    expect(replies.sent.at(-1)).toMatchObject({ list: { rows: [{ title: 'Italiano' }, { title: 'English' }] } });
    await send(listChoice(CITIZEN, `${LANGUAGE_ROW_PREFIX}en`));
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.language).toBe('en');
    expect(replies.sent.at(-1)).toMatchObject({ text: 'Language set: English.' });
  });

  it('answers HELP and PRIVACY to anyone, and other texts with a hint', async () => {
    const { inbox, replies, store } = inboxRig();
    const send = (text: string) => inbox.handleNotification(notification([inbound(textMessage(CITIZEN, text))]));
    await send('AIUTO');
    expect(textOf(replies.sent.at(-1))).toContain('*ISCRIVIMI* iscriviti');
    await send('privacy');
    expect(textOf(replies.sent.at(-1))).toContain('versione 2026-03');
    await send('buongiorno, a che ora apre il comune?');
    expect(textOf(replies.sent.at(-1))).toContain('Non sei iscritto');
    await send('STOP');
    expect(textOf(replies.sent.at(-1))).toContain('Non sei iscritto');
    expect(await store.findSubscriber('whatsapp', CITIZEN)).toBeUndefined();
  });

  it('uses configured keywords', async () => {
    const { inbox, store } = inboxRig({
      keywords: {
        subscribe: { it: ['AVVISI'], en: ['ALERTS'] },
        unsubscribe: { it: ['BASTA'], en: ['STOP'] },
        topics: { it: ['TEMI'], en: ['TOPICS'] },
        language: { it: ['LINGUA'], en: ['LANGUAGE'] },
        help: { it: ['AIUTO'], en: ['HELP'] },
        privacy: { it: ['PRIVACY'], en: ['DATA'] },
      },
    });
    await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'ISCRIVIMI'))]));
    expect(await store.findSubscriber('whatsapp', CITIZEN)).toBeUndefined();
    await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'avvisi'))]));
    await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'basta'))]));
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.status).toBe('unsubscribed');
  });

  it('refuses keywords where one word belongs to two actions, naming the field', () => {
    expect(() =>
      inboxRig({
        keywords: {
          subscribe: { it: ['ISCRIVIMI'], en: ['START'] },
          unsubscribe: { it: ['STOP'], en: ['Stop!'.slice(0, 4)] },
          topics: { it: ['TEMI'], en: ['TOPICS'] },
          language: { it: ['LINGUA'], en: ['LANGUAGE'] },
          help: { it: ['AIUTO'], en: ['stòp'] },
          privacy: { it: ['PRIVACY'], en: ['DATA'] },
        },
      }),
    ).toThrowError(/keywords/);
  });

  it('takes a re-confirmation template’s quick-reply payload as a keyword', async () => {
    const { inbox, store } = inboxRig();
    await importFirst(store);
    const tap = (payload: string, text: string) =>
      inbox.handleNotification(
        notification([
          inbound({
            from: CITIZEN,
            id: `wamid.tap-${payload}`,
            timestamp: String(Math.floor(T0 / 1000)),
            type: 'button',
            button: { payload, text },
          }),
        ]),
      );
    await tap('ISCRIVIMI', 'Continua');
    const subscriber = await store.findSubscriber('whatsapp', CITIZEN);
    // The imported consent is confirmed by the citizen under today's notice version.
    expect(
      (await store.listConsent(subscriber!.id)).map((event) => [event.kind, event.method, event.noticeVersion]),
    ).toEqual([
      ['subscribed', 'import', '2023-01'],
      ['subscribed', 'keyword', '2026-03'],
    ]);
    await tap('STOP', 'Stop');
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.status).toBe('unsubscribed');
    expect((await store.listConsent(subscriber!.id)).at(-1)).toMatchObject({ kind: 'unsubscribed', method: 'keyword' });
  });

  it('processes a redelivered message once and serialises one citizen\u2019s messages', async () => {
    const { inbox, store, replies } = inboxRig();
    const subscribe = textMessage(CITIZEN, 'ISCRIVIMI', T0, 'wamid.same');
    const stop = textMessage(CITIZEN, 'STOP', T0 + 1_000);
    // Both arrive at once: the stop must see the subscription.
    await Promise.all([
      inbox.handleNotification(notification([inbound(subscribe)])),
      inbox.handleNotification(notification([inbound(stop)])),
    ]);
    await inbox.handleNotification(notification([inbound(subscribe)]));
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.status).toBe('unsubscribed');
    expect(inbox.stats).toMatchObject({ messages: 2, duplicateMessages: 1, subscribed: 1, unsubscribed: 1 });
    expect(replies.sent.filter((reply) => 'text' in reply && reply.text.includes('Sei iscritto'))).toHaveLength(1);
  });

  it('records each message of a subscriber as the opening of its 24-hour window', async () => {
    const { inbox, store } = inboxRig();
    const window = createStoreConversationWindow({ store });
    expect(await window.lastInboundAt(CITIZEN)).toBeUndefined();
    await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'ISCRIVIMI', T0))]));
    expect(await window.lastInboundAt(CITIZEN)).toBe(T0);
    await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'grazie', T0 + 3_600_000))]));
    // A late redelivery of an older message does not move the window back.
    await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'ciao', T0 + 1_000))]));
    expect(await window.lastInboundAt(CITIZEN)).toBe(T0 + 3_600_000);
    expect(await window.lastInboundAt('393330000000')).toBeUndefined();
  });

  it('ignores notifications for another number of the business account', async () => {
    const { inbox, store } = inboxRig();
    const other = {
      ...(inbound(textMessage(CITIZEN, 'ISCRIVIMI')) as Record<string, unknown>),
      metadata: { phone_number_id: '999999999' },
    };
    expect(await inbox.handleNotification(notification([other]))).toBe('handled');
    expect(await store.findSubscriber('whatsapp', CITIZEN)).toBeUndefined();
  });

  it('never puts a number or a message text in its events', async () => {
    const { inbox, events } = inboxRig();
    await inbox.handleNotification(
      notification([inbound(textMessage(CITIZEN, 'ISCRIVIMI'), textMessage(CITIZEN, 'segreto-42'))]),
    );
    await inbox.handleNotification(notification([statuses(status('wamid.x', 'failed', { code: 131026 }))]));
    const text = JSON.stringify(events);
    expect(events.length).toBeGreaterThan(3);
    expect(text).not.toContain('3357152219');
    expect(text).not.toContain('segreto');
  });
});
