import { describe, expect, it, test } from 'vitest';
import { escapeAttribute, escapeHtml } from './html.js';
import { parseTelegramHtml } from './sandbox/telegram-html.js';
import { layoutParts, measureBlocks, type Block } from './text-layout.js';

/** Visible text of a part, checked with the sandbox's independent Telegram HTML parser. */
function visible(html: string): string {
  const parsed = parseTelegramHtml(html);
  if (!parsed.ok) throw new Error(`part does not parse: ${parsed.description}`);
  return parsed.text;
}

const words = (text: string): string[] => text.split(/\s+/).filter(Boolean);
const plain = (text: string): Block => [{ text, style: 'plain' }];

/** Every part parses, fits, and together they hold exactly the original words in order. */
function expectFaithfulSplit(blocks: Block[], limit: number): string[] {
  const parts = layoutParts(blocks, limit);
  const texts = parts.map(visible);
  for (const text of texts) expect(text.length).toBeLessThanOrEqual(limit);
  const original = blocks.flatMap((block) => block.map((inline) => inline.text)).join(' ');
  expect(texts.join(' ').replace(/\s+/g, ' ').trim()).toBe(original.replace(/\s+/g, ' ').trim());
  return texts;
}

describe('unit: escaping', () => {
  test.each([
    ['a < b', 'a &lt; b'],
    ['a > b', 'a &gt; b'],
    ['AT&T', 'AT&amp;T'],
    ['&amp;', '&amp;amp;'],
    ['<script>alert(1)</script>', '&lt;script&gt;alert(1)&lt;/script&gt;'],
    ['"quoted" \'single\'', '"quoted" \'single\''],
    ['niente da fare', 'niente da fare'],
  ])('escapeHtml(%j) → %j', (input, output) => {
    expect(escapeHtml(input)).toBe(output);
    expect(visible(escapeHtml(input))).toBe(input);
  });

  it('escapes quotes in attributes so an href cannot break out', () => {
    const url = 'https://example.org/?q="><b>x</b>&y=1';
    const html = `<a href="${escapeAttribute(url)}">link</a>`;
    expect(html).toBe('<a href="https://example.org/?q=&quot;&gt;&lt;b&gt;x&lt;/b&gt;&amp;y=1">link</a>');
    expect(visible(html)).toBe('link');
  });
});

describe('unit: layoutParts', () => {
  it('keeps a short text in one part with its formatting', () => {
    const parts = layoutParts([[{ text: 'Allerta meteo', style: 'bold' }], plain('Piogge intense.')], 4096);
    expect(parts).toEqual(['<b>Allerta meteo</b>\n\nPiogge intense.']);
  });

  it('returns no part for no text', () => {
    expect(layoutParts([], 4096)).toEqual([]);
  });

  it('cuts between paragraphs when one falls in the second half', () => {
    const paragraph = (n: number): Block => plain(`Paragrafo ${n}: ${'testo '.repeat(12).trim()}.`);
    const blocks = Array.from({ length: 10 }, (_, n) => paragraph(n));
    const texts = expectFaithfulSplit(blocks, 200);
    expect(texts.length).toBeGreaterThan(1);
    for (const text of texts) expect(text).toMatch(/^Paragrafo \d+:[^]*\.$/);
  });

  it('cuts after a sentence when a paragraph is longer than a part and that costs no extra part', () => {
    const sentences = Array.from({ length: 36 }, (_, n) => `Frase numero ${n} con qualche parola in più.`).join(' ');
    const texts = expectFaithfulSplit([plain(sentences)], 300);
    for (const text of texts) expect(text).toMatch(/^Frase numero \d+ [^]*\.$/);
  });

  it('cuts between words, never inside one, when there is no sentence end', () => {
    const text = Array.from({ length: 500 }, (_, n) => `parola${n}`).join(' ');
    const texts = expectFaithfulSplit([plain(text)], 256);
    for (const part of texts) for (const word of words(part)) expect(word).toMatch(/^parola\d+$/);
  });

  it('counts visible characters, not HTML: escaped markup may exceed the limit in bytes', () => {
    const hostile = '<&>'.repeat(2000); // 6,000 visible characters, 18,000 when escaped
    const parts = layoutParts([plain(`${hostile} fine`)], 4096);
    expect(parts.length).toBe(2);
    expect(parts[0]!.length).toBeGreaterThan(4096);
    for (const part of parts) expect(visible(part).length).toBeLessThanOrEqual(4096);
    expect(parts.map(visible).join('')).toBe(`${hostile} fine`);
  });

  it('balances a text just over the limit into two halves instead of a full part and a scrap', () => {
    const body = Array.from({ length: 700 }, (_, n) => `parola${n % 10}`).join(' '); // ~4,900 characters
    const texts = expectFaithfulSplit([plain(body)], 4096);
    expect(texts).toHaveLength(2);
    for (const text of texts) expect(text.length).toBeGreaterThan(body.length / 2 - 20);
  });

  it('uses no more parts than word breaks need, even when paragraph breaks fall badly', () => {
    // Paragraphs of 2,100 characters: cutting only at paragraphs would take four parts for 8,400.
    const paragraph = (n: number): Block => plain(`${`p${n} `.repeat(700).trim()}.`);
    const blocks = [paragraph(1), paragraph(2), paragraph(3), paragraph(4)];
    const texts = expectFaithfulSplit(blocks, 4096);
    expect(texts.length).toBe(Math.ceil(measureBlocks(blocks) / 4096));
  });

  test.each([
    ['flags', '🇮🇹'],
    ['a ZWJ family', '👨\u200d👩\u200d👧\u200d👦'],
    ['combining accents', 'e\u0301\u0300'],
    ['skin-tone emoji', '👍🏽'],
  ])('never splits a grapheme cluster (%s) when a long word must be cut', (_name, cluster) => {
    const word = cluster.repeat(Math.ceil(700 / cluster.length));
    const parts = layoutParts([plain(word)], 101).map(visible);
    const segmenter = new Intl.Segmenter(undefined, { granularity: 'grapheme' });
    expect(parts.join('')).toBe(word);
    for (const part of parts) {
      expect(part.length).toBeLessThanOrEqual(101);
      for (const { segment } of segmenter.segment(part)) expect(segment).toBe(cluster);
    }
  });

  it('cuts a single over-long word at the limit without splitting a surrogate pair', () => {
    const word = '🚨'.repeat(300) + 'x'; // 601 UTF-16 units, each emoji two
    const parts = layoutParts([plain(word)], 101);
    const texts = parts.map(visible);
    expect(texts.join('')).toBe(word);
    for (const text of texts) {
      expect(text.length).toBeLessThanOrEqual(101);
      expect(text).not.toMatch(/[\uD800-\uDBFF]$/);
      expect(text).not.toMatch(/^[\uDC00-\uDFFF]/);
    }
  });

  it('closes and reopens tags so a bold run split across parts stays balanced', () => {
    const bold = Array.from({ length: 60 }, (_, n) => `grassetto${n}`).join(' ');
    const parts = layoutParts([[{ text: bold, style: 'bold' }]], 120);
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) expect(part).toMatch(/^<b>[^<]*<\/b>$/);
    expectFaithfulSplit([[{ text: bold, style: 'bold' }]], 120);
  });

  it('keeps a link whole and escapes its label and URL', () => {
    const link: Block = [
      { text: 'x '.repeat(40).trim(), style: 'plain' },
      { text: ' ', style: 'plain' },
      { text: 'Sito <del> comune & co', style: 'plain', href: 'https://example.org/?a="1"&b=<2>' },
    ];
    const parts = layoutParts([link], 90);
    const withLink = parts.find((part) => part.includes('<a '));
    expect(withLink).toContain(
      '<a href="https://example.org/?a=&quot;1&quot;&amp;b=&lt;2&gt;">Sito &lt;del&gt; comune &amp; co</a>',
    );
    for (const part of parts) visible(part);
  });

  it('measures what Telegram counts', () => {
    expect(measureBlocks([[{ text: 'ab', style: 'bold' }], plain('c & d')])).toBe('ab\n\nc & d'.length);
  });

  test.each([4095, 4096, 4097, 8192, 8193, 20_000])(
    'a body of %i characters is split faithfully at 4,096',
    (length) => {
      const body = 'Lorem ipsum dolor sit amet. '
        .repeat(Math.ceil(length / 28))
        .slice(0, length)
        .trim();
      const texts = expectFaithfulSplit([plain(body)], 4096);
      // Each part but the last is at least half full (cuts fall in the second half of a part).
      expect(texts.length).toBeGreaterThanOrEqual(Math.ceil(body.length / 4096));
      expect(texts.length).toBeLessThanOrEqual(Math.ceil(body.length / 2048));
      for (const text of texts.slice(0, -1)) expect(text).toMatch(/\.$/);
    },
  );
});
