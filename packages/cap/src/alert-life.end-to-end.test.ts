import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTelegramChannel } from '@banditore/channel-telegram';
import { createTelegramSandbox } from '@banditore/channel-telegram/sandbox';
import { createWhatsAppChannel } from '@banditore/channel-whatsapp';
import { createWhatsAppSandbox } from '@banditore/channel-whatsapp/sandbox';
import {
  createBroadcaster,
  createFeed,
  createMemoryStore,
  type Announcement,
  type FeedDocument,
  type Store,
} from '@banditore/core';
import { afterEach, describe, expect, it } from 'vitest';
import { createDraftDesk } from './sources/desk.js';
import { createIngvSource } from './sources/ingv.js';
import { createSourcePoller } from './sources/poller.js';

const HEADER =
  '#EventID|Time|Latitude|Longitude|Depth/Km|Author|Catalog|Contributor|ContributorID|MagType|Magnitude|MagAuthor|EventLocationName|EventType';
// The recorded aftershock of 14 Nov 2022 moved to an hour ago (recent on the system clock), first
// as located, then with INGV's revised magnitude.
const ORIGIN = new Date(Date.now() - 3600_000).toISOString().replace('Z', '000');
const FIRST = `${HEADER}\n33378441|${ORIGIN}|43.9477|13.3335|7.4|SURVEY-INGV||||ML|3.5|--|Costa Marchigiana Pesarese (Pesaro-Urbino)|earthquake\n`;
const REVISED = FIRST.replace('|3.5|', '|3.9|');

const TOKEN = '123456:sandbox-token-0123456789abcdef';
const CONSENT = { method: 'import', noticeVersion: 'test-1' } as const;
const TELEGRAM_CHATS = ['930000001', '930000002'];
const WHATSAPP_NUMBERS = ['393334000001', '393334000002'];

const opened: Array<() => Promise<unknown> | void> = [];
afterEach(async () => {
  for (const close of opened.splice(0).reverse()) await close();
});

async function feedOf(feed: ReturnType<typeof createFeed>): Promise<FeedDocument> {
  return (await (await feed.handler(new Request('https://comune.example/avvisi.json'))).json()) as FeedDocument;
}

async function subscribe(store: Store, channel: string, address: string): Promise<void> {
  await store.subscribe({ channel, address, topics: ['protezione-civile'], areas: [], language: 'it' }, CONSENT);
}

describe("an alert's life on every channel: from an INGV report to an update and a cancel", () => {
  it('the draft is approved and goes out on Telegram and WhatsApp; the update and the cancel reach the same people (Telegram edits, WhatsApp follow-ups) and the feed shows each state', async () => {
    let answer = FIRST;
    const ingv: Server = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'text/plain' }).end(answer),
    );
    await new Promise<void>((resolve) => ingv.listen(0, '127.0.0.1', resolve));
    opened.push(() => new Promise<void>((resolve) => ingv.close(() => resolve())));
    const ingvUrl = `http://127.0.0.1:${(ingv.address() as AddressInfo).port}/fdsnws/event/1/query`;

    const telegramSandbox = await createTelegramSandbox();
    opened.push(() => telegramSandbox.close());
    const whatsappSandbox = await createWhatsAppSandbox({
      seed: 14,
      templates: [
        { name: 'avviso_protezione_civile', language: 'it', category: 'UTILITY', body: ['titolo', 'zona'] },
        { name: 'aggiornamento_avviso', language: 'it', category: 'UTILITY', body: 2 },
      ],
    });
    opened.push(() => whatsappSandbox.close());
    const telegram = createTelegramChannel({ token: TOKEN, baseUrl: telegramSandbox.url });
    opened.push(() => telegram.close?.());
    const whatsapp = createWhatsAppChannel({
      accessToken: whatsappSandbox.accessToken,
      phoneNumberId: whatsappSandbox.phoneNumberIds[0]!,
      baseUrl: whatsappSandbox.url,
      templates: [
        {
          name: 'avviso_protezione_civile',
          category: 'UTILITY',
          languages: ['it'],
          topics: ['protezione-civile'],
          body: { titolo: 'headline', zona: 'area' },
        },
        {
          name: 'aggiornamento_avviso',
          category: 'UTILITY',
          languages: ['it'],
          followUp: ['update', 'cancel'],
          body: ['headline', 'changes'],
        },
      ],
    });
    opened.push(() => whatsapp.close?.());

    const store = createMemoryStore({ keepMessageIds: true });
    for (const chat of TELEGRAM_CHATS) await subscribe(store, 'telegram', chat);
    for (const number of WHATSAPP_NUMBERS) await subscribe(store, 'whatsapp', number);
    const feed = createFeed({ comune: { name: 'Jesi', istat: '042021' } });
    opened.push(() => feed.close());
    const broadcaster = createBroadcaster({ store, channels: [telegram, whatsapp], announcementSink: feed });
    opened.push(() => broadcaster.close());
    const publish = async (announcement: Announcement): Promise<void> => {
      const report = await (await broadcaster.publish(announcement)).done;
      expect(report.status).toBe('completed');
    };
    const desk = createDraftDesk({ publish });
    const poller = createSourcePoller({
      source: createIngvSource({ comune: { name: 'Jesi', lat: 43.5236, lon: 13.2439 }, baseUrl: ingvUrl }),
      onDrafts: (drafts) => desk.receive(drafts),
    });
    opened.push(() => poller.stop());

    // 1. The report becomes a draft; nothing goes out before an operator approves it.
    await poller.poll();
    const [draft] = desk.pending();
    expect(draft?.announcement.content.it?.headline).toBe('Terremoto di magnitudo 3.5 a 48 km da Jesi');
    expect(telegramSandbox.messages).toHaveLength(0);
    expect(whatsappSandbox.messages).toHaveLength(0);

    // 2. Approved: one message per citizen on each channel; the feed shows the alert.
    await desk.approve(draft!.id);
    expect(telegramSandbox.messages.map((message) => String(message.chatId)).sort()).toEqual(TELEGRAM_CHATS);
    expect(whatsappSandbox.messages.map((message) => message.to).sort()).toEqual(WHATSAPP_NUMBERS);
    const whatsappFirst = new Map(whatsappSandbox.messages.map((message) => [message.to, message.id]));
    let document = await feedOf(feed);
    expect(document.alerts.map((alert) => [alert.id, alert.msgType, alert.info[0]!.headline])).toEqual([
      ['ingv-33378441', 'Alert', 'Terremoto di magnitudo 3.5 a 48 km da Jesi'],
    ]);

    // 3. INGV revises the magnitude: an update draft, approved. Telegram edits each message in
    //    place; WhatsApp sends a short follow-up (a follow-up template: no window is open) that
    //    names what changed and quotes the first message.
    answer = REVISED;
    await poller.poll();
    const [update] = desk.pending();
    expect(update?.announcement).toMatchObject({ type: 'update', references: ['ingv-33378441'] });
    await desk.approve(update!.id);
    expect(telegramSandbox.messages).toHaveLength(2);
    expect(telegramSandbox.edits.map((edit) => String(edit.chatId)).sort()).toEqual(TELEGRAM_CHATS);
    for (const message of telegramSandbox.messages) {
      expect(message.text).toContain('AGGIORNAMENTO');
      expect(message.text).toContain('magnitudo 3.9');
    }
    const whatsappUpdates = whatsappSandbox.messages.slice(2);
    expect(whatsappUpdates.map((message) => message.to).sort()).toEqual(WHATSAPP_NUMBERS);
    for (const message of whatsappUpdates) {
      expect(message.template).toBe('aggiornamento_avviso');
      expect(JSON.stringify(message.body.template)).toContain('magnitudo 3.9');
      expect(JSON.stringify(message.body.template)).toContain('titolo');
      expect(message.body.context).toEqual({ message_id: whatsappFirst.get(message.to) });
    }
    document = await feedOf(feed);
    expect(document.alerts.map((alert) => [alert.id, alert.msgType, alert.info[0]!.headline])).toEqual([
      ['ingv-33378441.2', 'Update', 'Terremoto di magnitudo 3.9 a 48 km da Jesi'],
    ]);

    // 4. The operator calls the alert off: the same people, Telegram edits again, WhatsApp a
    //    follow-up quoting the update; the feed shows it as ended.
    const whatsappSecond = new Map(whatsappUpdates.map((message) => [message.to, message.id]));
    await publish({
      ...update!.announcement,
      id: 'ingv-33378441-revoca',
      revision: 1,
      type: 'cancel',
      references: ['ingv-33378441'],
      severity: 'minor',
      content: { it: { headline: 'Terremoto vicino a Jesi: nessun danno, avviso revocato' } },
    });
    expect(telegramSandbox.messages).toHaveLength(2);
    expect(telegramSandbox.edits).toHaveLength(4);
    for (const message of telegramSandbox.messages) {
      expect(message.text).toContain('ANNULLATO');
      expect(message.text).toContain('avviso revocato');
    }
    const whatsappCancels = whatsappSandbox.messages.slice(4);
    expect(whatsappCancels.map((message) => message.to).sort()).toEqual(WHATSAPP_NUMBERS);
    for (const message of whatsappCancels) {
      expect(message.template).toBe('aggiornamento_avviso');
      expect(JSON.stringify(message.body.template)).toContain('Revocata');
      expect(message.body.context).toEqual({ message_id: whatsappSecond.get(message.to) });
    }
    document = await feedOf(feed);
    expect(document.alerts.map((alert) => [alert.id, alert.msgType])).toEqual([['ingv-33378441-revoca', 'Cancel']]);

    // Nobody else got anything, and the providers never refused a request for pace.
    expect(telegramSandbox.stats.clientRateLimited).toBe(0);
    expect(whatsappSandbox.messages).toHaveLength(6);
  });
});
