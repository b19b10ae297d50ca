import fc from 'fast-check';
import { describe, it } from 'vitest';
import { CANARIES, hostileText, jsonish } from '../../../vitest.arbitraries.js';
import { checkProperty, PROPERTY_TIMEOUT_MS } from '../../../vitest.property.js';
import { cleanText, LEVELS, levelOf, parseFeed } from './model.js';

const BOUNDARY = 'widget parser';
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\0-\b\v-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/u;
const LINK = /^(https:|tel:|mailto:)/;
// JSON text can say `1e999`, which parses to Infinity; JSON.stringify cannot, so a marker stands in.
const INFINITY = 'INFINITY-MARKER';

/** A value of the right kind most of the time, anything JSON can hold otherwise. */
const field = <T>(good: fc.Arbitrary<T>): fc.Arbitrary<unknown> =>
  fc.oneof({ weight: 4, arbitrary: good }, { weight: 1, arbitrary: jsonish });
const text = field(
  fc.oneof(
    { weight: 10, arbitrary: fc.oneof(hostileText(), fc.constant('Allerta')) },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(5000), '😀'.repeat(3000)) },
  ),
);
const prototypeName = fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf');
const url = field(
  fc.oneof(fc.webUrl(), hostileText(3), fc.constantFrom('javascript:alert(1)', 'tel:+39 0731\u202e', 'mailto:a@b.it')),
);

const alertLike = fc.record(
  {
    id: text,
    revision: field(fc.oneof(fc.integer(), fc.double(), fc.constantFrom(INFINITY, -1))),
    status: field(fc.oneof(fc.constantFrom('Actual', 'Exercise'), hostileText(2))),
    msgType: field(fc.oneof(fc.constantFrom('Alert', 'Cancel'), prototypeName)),
    severity: field(fc.oneof(fc.constantFrom('Extreme', 'Severe', 'Moderate'), prototypeName, hostileText(2))),
    allerta: field(fc.oneof(fc.constantFrom('rossa', 'arancione', 'gialla', 'verde'), prototypeName)),
    references: field(fc.array(text, { maxLength: 3 })),
    topics: field(fc.array(text, { maxLength: 3 })),
    info: field(
      fc.array(
        fc.record(
          {
            language: field(fc.oneof(fc.constantFrom('it', 'en-GB'), hostileText(1))),
            headline: text,
            description: text,
            instruction: text,
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
    ),
    links: field(fc.array(fc.record({ label: text, url }, { requiredKeys: [] }), { maxLength: 3 })),
    area: field(fc.record({ desc: text })),
    event: text,
    sender: text,
    sent: field(fc.oneof(fc.constantFrom('2025-06-01T10:00:00Z', '2025-06-01 (\u202eevil)'), hostileText(2))),
    expires: field(fc.constantFrom('2099-06-01T10:00:00+02:00', '2025-13-01T10:00:00Z')),
  },
  { requiredKeys: [] },
);

/** Feed documents: well-formed, nearly, or not at all; through JSON text, as `fetch` delivers them. */
const feedLike: fc.Arbitrary<unknown> = fc
  .oneof(
    {
      weight: 5,
      arbitrary: fc.record(
        {
          version: field(fc.constant(1)),
          revision: field(fc.oneof(fc.integer(), fc.constantFrom(INFINITY, -5))),
          comune: field(fc.record({ name: text })),
          topics: field(
            fc.array(
              fc.record({
                id: field(fc.oneof(fc.constantFrom('meteo'), hostileText(1), prototypeName)),
                label: field(
                  fc.dictionary(fc.oneof(fc.constantFrom('it', 'en'), prototypeName, hostileText(1)), text, {
                    noNullPrototype: true,
                  }),
                ),
              }),
              { maxLength: 3 },
            ),
          ),
          channels: field(
            fc.record(
              {
                telegram: field(fc.record({ bot: text, channel: field(fc.constantFrom('comune_jesi')) })),
                whatsapp: field(
                  fc.record({ number: field(fc.oneof(fc.constantFrom('393331234567'), fc.nat())), optinKeyword: text }),
                ),
                page: url,
                __proto__: field(fc.record({ polluted: fc.constant(true) })),
              },
              { requiredKeys: [] },
            ),
          ),
          live: field(fc.record({ sse: field(fc.oneof(fc.constantFrom('/avvisi/stream'), hostileText(2))) })),
          alerts: field(fc.array(alertLike, { maxLength: 4 })),
        },
        { requiredKeys: ['version', 'alerts'] },
      ),
    },
    { weight: 1, arbitrary: jsonish },
  )
  .map((value): unknown =>
    value === undefined ? undefined : JSON.parse(JSON.stringify(value).replaceAll(`"${INFINITY}"`, '1e999')),
  );

/** Every string reachable from `value`, keys included. */
function* strings(value: unknown): Generator<string> {
  if (typeof value === 'string') yield value;
  else if (Array.isArray(value)) for (const item of value) yield* strings(item);
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      yield key;
      yield* strings(item);
    }
  }
}

const graphemeEnds = (text: string): Set<number> => {
  const ends = new Set<number>([0]);
  for (const { index, segment } of new Intl.Segmenter().segment(text)) ends.add(index + segment.length);
  return ends;
};

describe('widget feed parser under generated input', () => {
  it(
    'never throws, and returns only clean, bounded strings, safe links and sane revisions',
    async () => {
      const prototypeNames = Object.getOwnPropertyNames(Object.prototype).join();
      await checkProperty(
        BOUNDARY,
        'any document',
        fc.property(feedLike, (raw) => {
          const feed = parseFeed(raw);
          if (Object.getOwnPropertyNames(Object.prototype).join() !== prototypeNames)
            throw new Error('Object.prototype changed');
          if (({} as Record<string, unknown>).polluted !== undefined) throw new Error('Object.prototype was polluted');
          if (!feed) return;
          for (const value of strings(feed)) {
            if (UNSAFE.test(value)) throw new Error(`an unsafe character in ${JSON.stringify(value.slice(0, 80))}`);
            if (value.length > 4096) throw new Error('an unbounded string');
            if (CANARIES.some((canary) => value === canary)) continue;
          }
          if (!Number.isSafeInteger(feed.meta.revision) || feed.meta.revision < 0) throw new Error('bad feed revision');
          for (const alert of feed.alerts) {
            if (!Number.isSafeInteger(alert.revision) || alert.revision < 1) throw new Error('bad alert revision');
            if (!LEVELS.includes(alert.level)) throw new Error(`bad level ${String(alert.level)}`);
            if (alert.links.some((link) => !LINK.test(link.url))) throw new Error('an unsafe link');
          }
          const { whatsapp } = feed.meta.channels;
          if (whatsapp && typeof whatsapp.number !== 'string') throw new Error('an unvalidated channel');
        }),
        { test: 400, fuzz: 30_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'cleans any text into at most `max` units, cut only between grapheme clusters',
    async () => {
      await checkProperty(
        BOUNDARY,
        'cleanText',
        fc.property(hostileText(40), fc.integer({ min: 2, max: 60 }), (input, max) => {
          const full = input.replace(new RegExp(UNSAFE.source, 'gu'), '').trim();
          const result = cleanText(input, max);
          if (!full) {
            if (result !== undefined) throw new Error('kept invisible text');
            return;
          }
          if (result === undefined || result.length > max || UNSAFE.test(result))
            throw new Error(`bad result ${result}`);
          if (result === full) return;
          if (!result.endsWith('…')) throw new Error('a cut without an ellipsis');
          const kept = result.slice(0, -1);
          if (!full.startsWith(kept) || !graphemeEnds(full).has(kept.length)) throw new Error('a cluster was split');
        }),
        { test: 300, fuzz: 20_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'maps any colour code and severity, prototype names included, to a level',
    async () => {
      await checkProperty(
        BOUNDARY,
        'levelOf',
        fc.property(fc.oneof(prototypeName, jsonish), fc.oneof(prototypeName, jsonish), (allerta, severity) => {
          if (!LEVELS.includes(levelOf({ allerta, severity }))) throw new Error('not a level');
        }),
        { test: 200, fuzz: 5_000 },
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});
