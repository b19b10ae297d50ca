import { describe, expect, it, test } from 'vitest';
import { ConfigError, parseOrThrow } from '../errors.js';
import { announcementSchema } from './announcement.js';
import { hasVisibleText } from './visible-text.js';

const base = { id: 'a1', severity: 'minor', content: { it: { headline: 'Strada chiusa' } } };

const refusal = (input: unknown): ConfigError => {
  try {
    parseOrThrow('announcement', announcementSchema, input);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

describe('announcementSchema: visible text', () => {
  test.each([
    ['a lone bidi embedding', '\u202a'],
    ['a NUL', '\u0000'],
    ['C1 controls', '\u0085\u009b'],
    ['isolates and spaces', ' \u2066 \u2069 '],
    ['an unpaired surrogate', '\ud800'],
  ])('refuses a headline made only of %s (the widget would drop it)', (_name, headline) => {
    const error = refusal({ ...base, content: { it: { headline } } });
    expect(error.fields).toEqual(['content.it.headline']);
    expect(error.message).toContain('must contain visible text');
  });

  it('applies the same rule to link labels, event, area, sender and image alt', () => {
    const error = refusal({
      ...base,
      event: '\u0007',
      areaDescription: '\u202e',
      sender: '\u0000',
      links: [{ label: '\u2067', url: 'https://comune.example/' }],
      image: { url: 'https://comune.example/a.png', alt: '\u009f' },
    });
    expect([...error.fields].sort()).toEqual(['areaDescription', 'event', 'image.alt', 'links.0.label', 'sender']);
  });

  it('accepts right-to-left text wrapped in an isolate, and emoji', () => {
    expect(
      announcementSchema.safeParse({ ...base, content: { ar: { headline: '\u2067طريق مغلق\u2069 🚧' } } }).success,
    ).toBe(true);
  });

  test.each([
    ['visible', 'a', true],
    ['a paired surrogate', '😀', true],
    ['only whitespace', ' \t\n', false],
    ['controls around whitespace', '\u0001 \u0002', false],
  ])('hasVisibleText: %s', (_name, text, expected) => {
    expect(hasVisibleText(text)).toBe(expected);
  });
});

describe('announcementSchema: keys and links', () => {
  it('refuses a "__proto__" language instead of dropping it', () => {
    const input: unknown = JSON.parse(
      '{"id":"a1","severity":"minor","content":{"it":{"headline":"x"},"__proto__":{"headline":"y"}}}',
    );
    expect(refusal(input).message).toContain('must not use "__proto__" as a language');
    expect(({} as Record<string, unknown>).headline).toBeUndefined();
  });

  it('says which schemes a link may use', () => {
    const error = refusal({ ...base, links: [{ label: 'Clic', url: 'javascript:alert(1)' }] });
    expect(error.fields).toEqual(['links.0.url']);
    expect(error.message).toContain('must be an https:, tel: or mailto: URL');
    expect(error.message).not.toContain('alert(1)');
  });

  it('says an image must be https', () => {
    expect(refusal({ ...base, image: { url: 'http://comune.example/a.png', alt: 'Mappa' } }).message).toContain(
      'image.url: must be an https: URL',
    );
  });
});
