import { announcementSchema, createFeed } from '@banditore/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { announcementInput, hostileText } from '../../../vitest.arbitraries.js';
import { checkProperty, PROPERTY_TIMEOUT_MS } from '../../../vitest.property.js';
import { cleanText, parseFeed } from './model.js';

const BOUNDARY = 'feed to widget';

const acceptsHeadline = (headline: string): boolean =>
  announcementSchema.safeParse({ id: 'a1', severity: 'minor', content: { it: { headline } } }).success;

describe('one text rule for the feed and the widget', () => {
  it('agrees on every code point of the basic plane, unpaired surrogates included, and on astral ones', () => {
    const disagreements: string[] = [];
    const check = (text: string): void => {
      if (acceptsHeadline(text) !== (cleanText(text, 200) !== undefined)) {
        disagreements.push([...text].map((c) => c.codePointAt(0)!.toString(16)).join(' '));
      }
    };
    for (let code = 0; code <= 0xffff; code++) check(String.fromCharCode(code));
    for (const code of [0x1f600, 0x1f1ee, 0xe0001, 0x10ffff]) check(String.fromCodePoint(code));
    expect(disagreements).toEqual([]);
  });

  it(
    'agrees on any text: the feed refuses exactly the headlines the widget would drop',
    async () => {
      await checkProperty(
        BOUNDARY,
        'same text rule',
        fc.property(hostileText(12), (text) => {
          fc.pre(text.trim().length <= 200);
          if (acceptsHeadline(text) !== (cleanText(text, 200) !== undefined)) throw new Error('the rules disagree');
        }),
        { test: 300, fuzz: 10_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('what the feed serves, the widget shows', () => {
  it(
    'keeps every alert the feed serves, with its headline',
    async () => {
      await checkProperty(
        BOUNDARY,
        'served alerts are shown',
        fc.asyncProperty(fc.array(announcementInput, { minLength: 1, maxLength: 4 }), async (inputs) => {
          const feed = createFeed({ comune: { name: 'Jesi' }, preview: true });
          try {
            for (const input of inputs) {
              try {
                feed.upsert(input as never);
              } catch {
                // Refusals are the schema's property; here only what is served matters.
              }
            }
            const body = await (await feed.handler(new Request('https://comune.example/avvisi.json?preview'))).text();
            const served = JSON.parse(body) as { alerts: { id: string; info: { headline: string }[] }[] };
            const shown = parseFeed(JSON.parse(body));
            if (!shown) throw new Error('the widget refused the whole feed');
            const ids = shown.alerts.map((alert) => alert.id);
            if (JSON.stringify(ids) !== JSON.stringify(served.alerts.map((alert) => alert.id))) {
              throw new Error('the widget dropped a served alert');
            }
            served.alerts.forEach((alert, index) => {
              if (shown.alerts[index]!.info[0]!.headline !== cleanText(alert.info[0]!.headline, 200)) {
                throw new Error('the headline changed on the way');
              }
            });
          } finally {
            feed.close();
          }
        }),
        { test: 150, fuzz: 10_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
