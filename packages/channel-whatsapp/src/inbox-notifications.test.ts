import { describe, expect, it } from 'vitest';
import { createMemoryStore, isConfigError } from '@banditore/core';
import { encodeCallbackData } from './callback-data.js';
import { createWhatsAppInbox } from './inbox.js';
import { createMemoryMarketingPreferences } from './marketing.js';
import { createWhatsAppChannel } from './whatsapp-channel.js';
import { createMemoryUndeliverableLedger } from './undeliverable.js';
import {
  PHONE_NUMBER_ID,
  T0,
  inboxRig,
  inbound,
  notification,
  status,
  statuses,
  textMessage,
} from './test/inbox-rig.js';

const CITIZEN = '393357152219';

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
