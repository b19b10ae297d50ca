import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createBroadcaster, createFeed, createMemoryStore, serve, type Announcement } from '@banditore/core';
import { createSandboxChannel } from '@banditore/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createCapFeed } from './cap-feed.js';
import { parseCap } from './parse-cap.js';
import { createDraftDesk } from './sources/desk.js';
import { createIngvSource } from './sources/ingv.js';
import { createSourcePoller } from './sources/poller.js';
import { xmllintSchema } from './test-support/xmllint.js';
import { parseXmlTree } from './xml-tree.js';

const HEADER =
  '#EventID|Time|Latitude|Longitude|Depth/Km|Author|Catalog|Contributor|ContributorID|MagType|Magnitude|MagAuthor|EventLocationName|EventType';
// The recorded aftershock of 14 Nov 2022 (ingv/quakeml/marche-2022-11-aftershocks.fanolug.xml) moved
// to an hour ago, so that it is recent for every part on the system clock; first as located, then revised.
const ORIGIN = new Date(Date.now() - 3600_000).toISOString().replace('Z', '000');
const FIRST = `${HEADER}\n33378441|${ORIGIN}|43.9477|13.3335|7.4|SURVEY-INGV||||ML|3.5|--|Costa Marchigiana Pesarese (Pesaro-Urbino)|earthquake\n`;
const REVISED = FIRST.replace('|3.5|', '|3.9|');

let ingvServer: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (ingvServer ? ingvServer.close(() => resolve()) : resolve()));
});

describe('from an INGV report to the citizens and the CAP feed', () => {
  it('drafts, waits for approval, goes out on two channels, then the revision goes out as an update to the same people', async () => {
    let answer = FIRST;
    ingvServer = createServer((_request, response) =>
      response.writeHead(200, { 'content-type': 'text/plain' }).end(answer),
    );
    await new Promise<void>((resolve) => ingvServer!.listen(0, '127.0.0.1', resolve));
    const ingvUrl = `http://127.0.0.1:${(ingvServer.address() as AddressInfo).port}/fdsnws/event/1/query`;

    const telegram = createSandboxChannel({ name: 'telegram' });
    const whatsapp = createSandboxChannel({ name: 'whatsapp' });
    const store = createMemoryStore();
    for (const [channel, address] of [
      ['telegram', 'tg-1'],
      ['telegram', 'tg-2'],
      ['whatsapp', 'wa-1'],
    ] as const) {
      await store.subscribe(
        { channel, address, topics: ['protezione-civile'], areas: [], language: 'it' },
        { method: 'import', noticeVersion: 'test-1' },
      );
    }
    const feed = createFeed({ comune: { name: 'Jesi', istat: '042021' } });
    const broadcaster = createBroadcaster({ store, channels: [telegram, whatsapp], announcementSink: feed });
    const capFeed = createCapFeed({ feed, sender: 'protezione.civile@comune.jesi.an.it' });
    const web = await serve(capFeed.handler);
    const publish = async (announcement: Announcement): Promise<void> => {
      const run = await broadcaster.publish(announcement);
      await run.done;
    };
    const desk = createDraftDesk({ publish });
    const poller = createSourcePoller({
      source: createIngvSource({ comune: { name: 'Jesi', lat: 43.5236, lon: 13.2439 }, baseUrl: ingvUrl }),
      onDrafts: (drafts) => desk.receive(drafts),
    });
    try {
      await poller.poll();
      expect(telegram.deliveries).toEqual([]);
      const [draft] = desk.pending();
      expect(draft?.announcement.content.it?.headline).toBe('Terremoto di magnitudo 3.5 a 48 km da Jesi');

      await desk.approve(draft!.id);
      const reached = (channel: typeof telegram, id: string) =>
        channel.deliveries
          .filter((delivery) => delivery.announcementId === id)
          .map((delivery) => delivery.address)
          .sort();
      expect(reached(telegram, 'ingv-33378441')).toEqual(['tg-1', 'tg-2']);
      expect(reached(whatsapp, 'ingv-33378441')).toEqual(['wa-1']);

      answer = REVISED;
      await poller.poll();
      const [update] = desk.pending();
      expect(update?.announcement).toMatchObject({
        id: 'ingv-33378441.2',
        type: 'update',
        references: ['ingv-33378441'],
      });
      await desk.approve(update!.id);
      expect(reached(telegram, 'ingv-33378441.2')).toEqual(['tg-1', 'tg-2']);
      expect(reached(whatsapp, 'ingv-33378441.2')).toEqual(['wa-1']);

      // The public CAP feed shows the update in place of the alert, as valid CAP that references it.
      const index = parseXmlTree(await (await fetch(`${web.url}/avvisi/cap`)).text());
      const entries = index.children.filter((child) => child.local === 'entry');
      expect(entries).toHaveLength(1);
      const xml = await (await fetch(`${web.url}/avvisi/cap/ingv-33378441.2.xml`)).text();
      expect(xmllintSchema(xml).valid).toBe(true);
      const cap = parseCap(xml);
      expect(cap.msgType).toBe('Update');
      expect(cap.references.map((reference) => reference.identifier)).toEqual(['ingv-33378441']);
      expect(cap.info[0]?.headline).toBe('Terremoto di magnitudo 3.9 a 48 km da Jesi');
    } finally {
      poller.stop();
      await broadcaster.close();
      feed.close();
      await web.close();
    }
  });
});
