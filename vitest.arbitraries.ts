import fc from 'fast-check';

/**
 * Generators shared by the property tests of every package: hostile text, and announcements that
 * are valid, nearly valid or plain wrong, as a publisher's JSON would bring them.
 */

/** Personal data and secrets planted in keys and values: no error message may ever contain them. */
export const CANARIES = ['SEKRET9431', '+393331234567', 'Mario Rossi'] as const;

/** Pieces of text that have broken parsers before, mixed into every generated string. */
const HOSTILE = [
  '\u0000',
  '\u0007',
  '\u001b',
  '\r',
  '\u007f',
  '\u0085',
  '\u009b',
  '\u202a',
  '\u202e',
  '\u2066',
  '\u2069',
  '\u200e',
  '\u061c',
  '\ud800',
  '\udc00',
  '\ufeff',
  '\u00a0',
  'e\u0301',
  '👨‍👩‍👧',
  '🇮🇹',
  '😀',
  ' ',
  '\n',
  '\t',
  '__proto__',
  'constructor',
  'toString',
  'javascript:',
  '$&',
  '<script>',
  ...CANARIES,
];

/** Any text: random code points (surrogate halves included) interleaved with the hostile pieces. */
export const hostileText = (maxParts = 8): fc.Arbitrary<string> =>
  fc
    .array(fc.oneof(fc.string({ unit: 'binary', maxLength: 6 }), fc.constantFrom(...HOSTILE)), { maxLength: maxParts })
    .map((parts) => parts.join(''));

/** Mostly-sensible text with a chance of being hostile, long, or blank. */
export const someText = (max: number): fc.Arbitrary<string> =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('Allerta meteo', 'Strada chiusa', 'طريق مغلق', 'Évacuation 🚧') },
    { weight: 4, arbitrary: hostileText() },
    { weight: 1, arbitrary: fc.constantFrom('x'.repeat(max), 'x'.repeat(max + 1), '😀'.repeat(max)) },
  );

/** Anything JSON can hold, including objects whose `toString` is not a function. */
export const jsonish: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  fc.constantFrom({ toString: null }, [{ toString: null }], { valueOf: {} }, Number.MAX_VALUE, -0, 1e308),
  hostileText(),
);

const languageKey = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom('it', 'en', 'de', 'fr', 'it-IT', 'sl') },
  { weight: 1, arbitrary: fc.constantFrom('__proto__', 'constructor', 'toString', ...CANARIES) },
  { weight: 1, arbitrary: hostileText(2) },
);

const content = fc.record(
  { headline: fc.oneof(someText(200), jsonish), body: someText(20_000), instruction: someText(5_000) },
  { requiredKeys: ['headline'] },
);

const url = fc.oneof(
  fc.webUrl({ validSchemes: ['https'] }),
  fc.constantFrom(
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'http://comune.example/',
    'tel:+390731538111',
    'mailto:urp@comune.example',
    'https://comune.example/\u202eevil',
    '/relative',
  ),
  hostileText(3),
);

const date = fc.oneof(
  fc
    .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
    .map((d) => d.toISOString()),
  fc.constantFrom('2025-06-01 (\u202eevil)', '2025-06-01T10:00:00+02:00', '2025-13-45T99:00:00Z', 'not a date'),
  hostileText(2),
);

const slug = fc.oneof(fc.constantFrom('meteo', 'viabilita', 'protezione-civile'), hostileText(2));

/** Visible text of the right length, with hostile pieces inside it (allowed there: readers strip them). */
const goodText = (max: number): fc.Arbitrary<string> =>
  fc
    .tuple(fc.constantFrom('Allerta meteo', 'Strada chiusa', 'طريق مغلق', 'Évacuation 🚧'), hostileText(4))
    .map(([visible, rest]) => `${visible}${rest}`.slice(0, max));

const goodContent = fc.record(
  { headline: goodText(200), body: someText(20_000), instruction: goodText(5_000) },
  { requiredKeys: ['headline'] },
);

/** An announcement the schema should accept (text may still hold controls a reader strips). */
const goodAnnouncement = fc.record(
  {
    id: fc.constantFrom('allerta-1', 'a:b.c_d-2', 'avviso-3'),
    revision: fc.integer({ min: 1, max: 1000 }),
    status: fc.constantFrom('actual', 'exercise', 'test'),
    severity: fc.constantFrom('extreme', 'severe', 'moderate', 'minor', 'unknown'),
    colorCode: fc.constantFrom('verde', 'gialla', 'arancione', 'rossa'),
    event: goodText(200),
    topics: fc.array(fc.constantFrom('meteo', 'viabilita', 'protezione-civile'), { maxLength: 3 }),
    areaDescription: goodText(500),
    content: fc.dictionary(fc.constantFrom('it', 'en', 'de', 'fr', 'it-IT', 'sl'), goodContent, {
      minKeys: 1,
      maxKeys: 3,
      noNullPrototype: true,
    }),
    links: fc.array(
      fc.record({ label: goodText(200), url: fc.constantFrom('https://comune.example/a', 'tel:+390731538111') }),
      { maxLength: 3 },
    ),
    sender: goodText(200),
    sent: fc
      .date({ min: new Date('2000-01-01'), max: new Date('2100-01-01'), noInvalidDate: true })
      .map((d) => d.toISOString()),
  },
  { requiredKeys: ['id', 'severity', 'content'] },
);

/** A wrong value for one field: of the wrong kind, hostile, or with hostile keys. */
const wrongValue: fc.Arbitrary<unknown> = fc.oneof(
  jsonish,
  someText(200),
  url,
  date,
  fc.array(slug, { maxLength: 3 }),
  fc.dictionary(languageKey, fc.oneof(content, jsonish), { maxKeys: 3, noNullPrototype: true }),
  fc.array(fc.record({ label: someText(200), url }), { maxLength: 3 }),
  fc.record({ url, alt: someText(500) }),
);

const FIELDS = [
  'id',
  'revision',
  'status',
  'type',
  'references',
  'severity',
  'colorCode',
  'urgency',
  'certainty',
  'event',
  'topics',
  'areas',
  'areaDescription',
  'content',
  'defaultLanguage',
  'links',
  'image',
  'sender',
  'sent',
  'effective',
  'expires',
] as const;

/**
 * Announcement input as a publisher's JSON would bring it: valid, valid but for one or two fields,
 * or anything at all; parsed from JSON text, so keys like `__proto__` arrive as own properties,
 * exactly as `JSON.parse` delivers them.
 */
export const announcementInput: fc.Arbitrary<unknown> = fc
  .oneof(
    { weight: 3, arbitrary: goodAnnouncement },
    {
      weight: 6,
      arbitrary: fc
        .tuple(
          goodAnnouncement,
          fc.array(fc.tuple(fc.constantFrom(...FIELDS), wrongValue), { minLength: 1, maxLength: 2 }),
        )
        .map(([good, wrong]) => ({ ...good, ...Object.fromEntries(wrong) })),
    },
    {
      weight: 2,
      arbitrary: fc
        .tuple(goodAnnouncement, fc.constantFrom('__proto__', 'constructor', ...CANARIES), fc.oneof(content, jsonish))
        .map(([good, key, text]) => ({ ...good, content: { ...good.content, [key]: text } })),
    },
    { weight: 1, arbitrary: jsonish },
  )
  .map((value): unknown => (value === undefined ? undefined : JSON.parse(JSON.stringify(value))));

/** Whether `text` contains any planted canary. */
export function containsCanary(text: string): boolean {
  return CANARIES.some((canary) => text.includes(canary));
}
