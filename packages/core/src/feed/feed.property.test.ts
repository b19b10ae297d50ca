import fc from 'fast-check';
import { describe, expect, it, test } from 'vitest';
import { announcementInput, containsCanary, hostileText } from '../../../../vitest.arbitraries.js';
import { checkProperty, PROPERTY_TIMEOUT_MS } from '../../../../vitest.property.js';
import { hasVisibleText } from '../domain/visible-text.js';
import { isConfigError } from '../errors.js';
import { createFeed, type Feed } from './create-feed.js';
import type { FeedDocument } from './feed-format.js';
import { createManualClock } from '../testing/manual-clock.js';

const BOUNDARY = 'feed';
const START = Date.parse('2025-03-01T08:00:00Z');
const EPOCH = START.toString(36);
const ID = /^[A-Za-z0-9][A-Za-z0-9._:-]*$/;
const LINK = /^(https:|tel:|mailto:)/;

/** A request as any client (or attacker) could send it to either handler. */
const request = fc.record({
  stream: fc.boolean(),
  method: fc.constantFrom('GET', 'GET', 'GET', 'HEAD', 'OPTIONS', 'POST', 'PUT', 'DELETE', 'PATCH'),
  query: fc.array(fc.tuple(fc.oneof(fc.constantFrom('preview', 'lastEventId'), hostileText(2)), hostileText(2)), {
    maxLength: 3,
  }),
  headers: fc.array(
    fc.tuple(
      fc.constantFrom('if-none-match', 'last-event-id', 'origin', 'access-control-request-method', 'accept'),
      fc.oneof(
        fc.string({ unit: 'binary-ascii', maxLength: 40 }),
        fc.nat().map((n) => `${EPOCH}-${n % 8}`),
        fc.nat().map((n) => `"${EPOCH}-${n % 8}"`),
        fc.constantFrom('*', 'W/"x"', 'https://comune.example', `${EPOCH}-99999999999999999999`),
      ),
    ),
    { maxLength: 3 },
  ),
});

type GeneratedRequest = typeof request extends fc.Arbitrary<infer T> ? T : never;

/** Builds the Request, or `undefined` when the Fetch API itself refuses the header bytes. */
function toRequest(spec: GeneratedRequest, abort: AbortSignal): Request | undefined {
  const url = new URL(spec.stream ? 'https://comune.example/avvisi/stream' : 'https://comune.example/avvisi.json');
  for (const [key, value] of spec.query) url.searchParams.append(key, value);
  try {
    return new Request(url, { method: spec.method, headers: spec.headers, signal: abort });
  } catch {
    return undefined;
  }
}

/** Every alert the document serves must be one the widget can show. */
function assertServedDocument(text: string): void {
  const document = JSON.parse(text) as FeedDocument;
  if (document.version !== 1 || !Number.isSafeInteger(document.revision) || document.revision < 0) {
    throw new Error('bad document header');
  }
  for (const alert of document.alerts) {
    if (!ID.test(alert.id) || alert.info.length === 0) throw new Error(`bad alert ${alert.id}`);
    for (const info of alert.info)
      if (!hasVisibleText(info.headline)) throw new Error('an invisible headline is served');
    for (const link of alert.links) if (!LINK.test(link.url)) throw new Error('an unsafe link is served');
  }
}

async function exercise(feed: Feed, spec: GeneratedRequest): Promise<void> {
  const abort = new AbortController();
  const built = toRequest(spec, abort.signal);
  if (built === undefined) return fc.pre(false);
  const response = await (spec.stream ? feed.streamHandler : feed.handler)(built);
  if (response.status >= 500 && !(spec.stream && response.status === 503)) {
    throw new Error(`answered ${response.status}`);
  }
  if (!spec.stream && response.status === 200 && spec.method === 'GET') assertServedDocument(await response.text());
  if (spec.stream && response.status === 200) {
    // The first chunk is always the retry hint; whatever follows waits for changes, so stop here.
    const reader = response.body!.getReader();
    const first = await reader.read();
    if (!new TextDecoder().decode(first.value).startsWith('retry: ')) throw new Error('the stream did not start');
    abort.abort();
    await reader.cancel();
  } else {
    if (!response.bodyUsed) await response.body?.cancel();
  }
}

describe('feed under generated input', () => {
  it(
    'stores each announcement valid or refuses it with a ConfigError, and answers any request without a 5xx',
    async () => {
      await checkProperty(
        BOUNDARY,
        'publish and serve',
        fc.asyncProperty(
          fc.array(announcementInput, { minLength: 1, maxLength: 4 }),
          fc.array(request, { minLength: 1, maxLength: 3 }),
          async (announcements, requests) => {
            const clock = createManualClock(START);
            const feed = createFeed({
              comune: { name: 'Jesi' },
              clock,
              preview: true,
              live: { sse: '/avvisi/stream' },
            });
            try {
              for (const input of announcements) {
                try {
                  feed.upsert(input as never);
                } catch (error) {
                  if (!isConfigError(error)) throw error;
                  if (containsCanary(`${error.message}${error.fields.join()}`))
                    throw new Error('the error echoes input');
                }
              }
              for (const spec of requests) await exercise(feed, spec);
              const preview = await feed.handler(new Request('https://comune.example/avvisi.json?preview'));
              assertServedDocument(await preview.text());
            } finally {
              feed.close();
            }
          },
        ),
        { test: 150, fuzz: 15_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('feed: counterexamples found by generated input (regressions)', () => {
  test.each(['\u202a', '\u0000', ' \u2066\u2069 ', '\u0085'])(
    'refuses a headline of only %j instead of serving it',
    (headline) => {
      const feed = createFeed({ comune: { name: 'Jesi' } });
      try {
        const input = { id: 'a1', severity: 'severe' as const, content: { it: { headline } } };
        expect(() => feed.upsert(input)).toThrow(/content\.it\.headline: must contain visible text/);
        expect(feed.alerts()).toEqual([]);
      } finally {
        feed.close();
      }
    },
  );

  it('refuses a "__proto__" language instead of dropping it silently', () => {
    const feed = createFeed({ comune: { name: 'Jesi' } });
    try {
      const input: unknown = JSON.parse(
        '{"id":"a1","severity":"severe","content":{"it":{"headline":"Allerta"},"__proto__":{"headline":"x"}}}',
      );
      expect(() => feed.upsert(input as never)).toThrow(/"__proto__"/);
    } finally {
      feed.close();
    }
  });
});
