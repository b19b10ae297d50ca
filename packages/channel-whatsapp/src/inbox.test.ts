import { describe, expect, it } from 'vitest';
import { createMemoryStore, type Store } from '@banditore/core';
import { encodeCallbackData } from './callback-data.js';
import { ALL_TOPICS_ROW, LANGUAGE_ROW_PREFIX, TOPIC_ROW_PREFIX } from './inbox-handlers.js';
import { isConfigError } from '@banditore/core';
import { createWhatsAppInbox } from './inbox.js';
import { createMemoryMarketingPreferences } from './marketing.js';
import { createWhatsAppChannel } from './whatsapp-channel.js';
import { createMemoryUndeliverableLedger } from './undeliverable.js';
import { createStoreConversationWindow } from './window-store.js';
import {
  type SentReply,
  PHONE_NUMBER_ID,
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

describe('inbox: status notifications', () => {
  it('turns batched, duplicated, out-of-order statuses into monotonic receipts counted per run', async () => {
    const { inbox, store } = inboxRig();
    const cb = (delivery: string) => encodeCallbackData('run-jesi-1', delivery)!;
    await inbox.handleNotification(
      notification([
        statuses(
          status('wamid.1', 'read', { at: T0 + 5_000, callback: cb('1') }),
          status('wamid.1', 'delivered', { at: T0 + 2_000, callback: cb('1') }),
          status('wamid.2', 'sent', { callback: cb('2') }),
          status('wamid.3', 'failed', { code: 131049, callback: cb('3') }),
        ),
        statuses(status('wamid.2', 'delivered', { at: T0 + 1_000, callback: cb('2') })),
      ]),
    );
    await inbox.handleNotification(
      notification([
        statuses(
          status('wamid.1', 'sent', { callback: cb('1') }),
          status('wamid.2', 'delivered', { callback: cb('2') }),
        ),
      ]),
    );
    expect(await store.getReceipt('whatsapp', 'wamid.1')).toMatchObject({
      status: 'read',
      runId: 'run-jesi-1',
      deliveryId: '1',
    });
    expect(await store.receiptCounts('run-jesi-1')).toEqual([
      { channel: 'whatsapp', sent: 0, delivered: 2, read: 1, failed: 1, byCode: { '131049': 1 } },
    ]);
    expect(inbox.stats).toMatchObject({ receiptsApplied: 4, receiptsIgnored: 3 });
  });

  it('skips a garbled status and keeps the rest of the batch', async () => {
    const { inbox, store } = inboxRig();
    const outcome = await inbox.handleNotification(
      notification([
        statuses({ id: 'wamid.bad', status: 'read', timestamp: 'yesterday' }, status('wamid.ok', 'delivered'), {
          nonsense: true,
        }),
      ]),
    );
    expect(outcome).toBe('handled');
    expect((await store.getReceipt('whatsapp', 'wamid.ok'))?.status).toBe('delivered');
    expect(await store.getReceipt('whatsapp', 'wamid.bad')).toBeUndefined();
    expect(inbox.stats.skippedItems).toBe(2);
  });

  it('marks a number unreachable after asynchronous 131026 on three separate days, not before', async () => {
    const store = createMemoryStore();
    const { inbox } = inboxRig({ store, undeliverableLedger: createMemoryUndeliverableLedger() });
    await inbox.handleNotification(notification([inbound(textMessage(CITIZEN, 'ISCRIVIMI'))]));
    const fail = (id: string, at: number) =>
      inbox.handleNotification(notification([statuses(status(id, 'failed', { code: 131026, at }))]));
    await fail('wamid.a', T0);
    await fail('wamid.b', T0 + 3_600_000); // same day
    await fail('wamid.c', T0 + 86_400_000);
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.status).toBe('active');
    await fail('wamid.d', T0 + 2 * 86_400_000);
    expect((await store.findSubscriber('whatsapp', CITIZEN))?.status).toBe('unreachable');
    expect(inbox.stats.undeliverableDropped).toBe(1);
  });

  it('hands a template re-categorisation on', async () => {
    const updates: unknown[] = [];
    const { inbox } = inboxRig({ onTemplateCategory: (update) => updates.push(update) });
    await inbox.handleNotification(
      notification(
        [
          {
            message_template_id: 1,
            message_template_name: 'avviso_meteo',
            message_template_language: 'it',
            previous_category: 'UTILITY',
            new_category: 'MARKETING',
          },
        ],
        'template_category_update',
      ),
    );
    expect(updates).toEqual([{ name: 'avviso_meteo', language: 'it', category: 'MARKETING' }]);
  });

  /** A `user_preferences` value, as Meta posts it. */
  const preference = (
    wa_id: string,
    value: string,
    at: number,
    fields: { category?: string; number?: string } = {},
  ) => ({
    messaging_product: 'whatsapp',
    metadata: { display_phone_number: '390731538111', phone_number_id: fields.number ?? PHONE_NUMBER_ID },
    contacts: [{ profile: { name: 'Cittadino' }, wa_id }],
    user_preferences: [
      {
        wa_id,
        detail: 'User requested to stop marketing messages',
        category: fields.category ?? 'marketing_messages',
        value,
        timestamp: Math.floor(at / 1000),
      },
    ],
  });

  it('records "Stop promotions" and its resume from user_preferences; a late, older one does not undo a newer one', async () => {
    const marketingPreferences = createMemoryMarketingPreferences();
    const { inbox, events } = inboxRig({ marketingPreferences });
    const post = (value: object) => inbox.handleNotification(notification([value], 'user_preferences'));
    expect(await post(preference(CITIZEN, 'stop', T0))).toBe('handled');
    expect(await marketingPreferences.stopped(CITIZEN)).toBe(true);
    expect(await post(preference(CITIZEN, 'resume', T0 + 60_000))).toBe('handled');
    expect(await marketingPreferences.stopped(CITIZEN)).toBe(false);
    // Meta redelivers the stop a day later: it is older than the resume, so it changes nothing.
    await post(preference(CITIZEN, 'stop', T0));
    expect(await marketingPreferences.stopped(CITIZEN)).toBe(false);
    expect(inbox.stats).toMatchObject({ marketingStopped: 2, marketingResumed: 1 });
    expect(events.filter((event) => event.type === 'marketing-preference')).toHaveLength(3);
    expect(JSON.stringify(events)).not.toContain(CITIZEN);
  });

  it('ignores preferences for another number and skips unknown categories and malformed items', async () => {
    const marketingPreferences = createMemoryMarketingPreferences();
    const { inbox } = inboxRig({ marketingPreferences });
    const post = (value: object) => inbox.handleNotification(notification([value], 'user_preferences'));
    await post(preference(CITIZEN, 'stop', T0, { number: '999999999999' }));
    await post(preference(CITIZEN, 'stop', T0, { category: 'offers_and_announcements' }));
    await post(preference('not-a-number', 'stop', T0));
    expect(await marketingPreferences.stopped(CITIZEN)).toBe(false);
    expect(inbox.stats.skippedItems).toBe(2);
    expect(inbox.stats.marketingStopped).toBe(0);
  });

  it('takes an asynchronous 131050 (failed status) as a stop', async () => {
    const marketingPreferences = createMemoryMarketingPreferences();
    const { inbox } = inboxRig({ marketingPreferences });
    await inbox.handleNotification(
      notification([statuses(status('wamid.m1', 'failed', { code: 131050, recipient: CITIZEN }))]),
    );
    expect(await marketingPreferences.stopped(CITIZEN)).toBe(true);
  });

  it('given the channel, hands it re-categorisations and shares its marketing preferences and number', async () => {
    const channel = createWhatsAppChannel({
      accessToken: 'EAAG-test-token-0123456789abcdef',
      phoneNumberId: PHONE_NUMBER_ID,
      templates: [{ name: 'avviso_meteo', category: 'UTILITY', languages: ['it'] }],
    });
    const inbox = createWhatsAppInbox({
      store: createMemoryStore(),
      channel,
      comuneName: 'Comune di Jesi',
      privacyUrl: 'https://www.comune.jesi.an.it/privacy',
      noticeVersion: '2026-03',
    });
    await inbox.handleNotification(
      notification(
        [{ message_template_name: 'avviso_meteo', message_template_language: 'it', new_category: 'MARKETING' }],
        'template_category_update',
      ),
    );
    expect(channel.templateCategory('avviso_meteo')).toBe('MARKETING');
    await inbox.handleNotification(notification([preference(CITIZEN, 'stop', T0)], 'user_preferences'));
    expect(await channel.marketingPreferences.stopped(CITIZEN)).toBe(true);
    // Another number of the same business account: not this channel's citizen list.
    await inbox.handleNotification(
      notification([preference('393331112222', 'stop', T0, { number: '1234567' })], 'user_preferences'),
    );
    expect(await channel.marketingPreferences.stopped('393331112222')).toBe(false);
    expect(inbox.channel).toBe('whatsapp');
    await channel.close();
  });

  it('needs the channel or replies to answer with', () => {
    let error: unknown;
    try {
      createWhatsAppInbox({
        store: createMemoryStore(),
        comuneName: 'Comune di Jesi',
        privacyUrl: 'https://www.comune.jesi.an.it/privacy',
        noticeVersion: '2026-03',
      });
    } catch (caught) {
      error = caught;
    }
    expect(isConfigError(error)).toBe(true);
    expect((error as Error).message).toContain('channel');
  });

  it('answers failed when the store fails, and processes the redelivery', async () => {
    const real = createMemoryStore();
    let broken = true;
    const flaky = {
      ...real,
      subscribe: async (...args: Parameters<typeof real.subscribe>) => {
        if (broken) throw new Error('disk full');
        return real.subscribe(...args);
      },
    };
    const { inbox } = inboxRig({ store: flaky });
    const message = notification([inbound(textMessage(CITIZEN, 'ISCRIVIMI', T0, 'wamid.retry'))]);
    expect(await inbox.handleNotification(message)).toBe('failed');
    broken = false;
    expect(await inbox.handleNotification(message)).toBe('handled');
    expect((await real.findSubscriber('whatsapp', CITIZEN))?.status).toBe('active');
  });

  it('counts malformed notifications without throwing', async () => {
    const { inbox } = inboxRig();
    for (const input of [
      undefined,
      null,
      42,
      'x',
      {},
      { object: 'page', entry: [] },
      { object: 'whatsapp_business_account', entry: 'x' },
    ]) {
      expect(await inbox.handleNotification(input)).toBe('malformed');
    }
  });
});
