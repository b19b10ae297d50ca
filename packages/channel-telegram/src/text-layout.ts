import { escapeAttribute, escapeHtml } from './html.js';

/** Inline formatting the renderer uses; each maps to one Telegram HTML tag. */
export type InlineStyle = 'plain' | 'bold' | 'italic';

/** A run of text with one style, or a link (which is never split). */
export interface Inline {
  text: string;
  style: InlineStyle;
  /** Makes the run a link; the label is kept whole. */
  href?: string;
}

/** A paragraph: runs of text. Newlines inside `text` are line breaks. */
export type Block = readonly Inline[];

/** How good a place to split is, before a unit: higher is better. */
const enum Break {
  None = 0,
  Word = 1,
  Sentence = 2,
  Line = 3,
  Paragraph = 4,
}

/** The smallest piece the splitter moves: a word, a link, or a fragment of an over-long word. */
interface Unit {
  /** Visible text, unescaped. */
  text: string;
  style: InlineStyle;
  href: string | undefined;
  /** Whitespace shown before the unit when it does not start a part. */
  separator: string;
  /** How good a split point the start of this unit is. */
  strength: Break;
}

const SENTENCE_END = /[.!?…;:]["'»”)\]]*$/;

/** Grapheme clusters: a flag, a ZWJ family or a letter with its accents is one unit of text. */
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

/**
 * Lays out paragraphs as Telegram HTML parts of at most `maxLength` visible characters.
 *
 * Length is counted in UTF-16 code units of the visible text (tags removed, entities decoded),
 * which is how Telegram counts and never less than the characters it sees. A text goes out in
 * as few parts as word breaks allow — each part is a request and, to one chat, a second — and
 * those parts are balanced: the smallest part size that still needs no more parts is searched
 * for, so a text just over the limit becomes two halves, not a full part and a scrap. Within
 * that, parts are cut at a paragraph break when one falls in the second half of the part, else
 * at a line break, a sentence end, a space; only a single word longer than a whole part is cut
 * inside, and never inside a grapheme cluster (`Intl.Segmenter`). Tags are opened and closed
 * within each part, so no part ever ends inside a tag or an entity.
 *
 * @param blocks - Paragraphs in order.
 * @param maxLength - Most visible UTF-16 units per part (4,096 for messages, 1,024 for captions).
 * @returns One HTML string per part; empty when there is no text.
 */
export function layoutParts(blocks: readonly Block[], maxLength: number): string[] {
  const fewest = layout(blocks, maxLength, false);
  const count = fewest.length;
  if (count <= 1) return fewest.map(toHtml);
  const total = visibleLength(toUnits(blocks, maxLength));
  // Prefer good breaks (paragraphs, sentences) if they still allow the fewest parts.
  for (const goodBreaks of [true, false]) {
    if (layout(blocks, maxLength, goodBreaks).length > count) continue;
    let low = Math.max(1, Math.ceil(total / count));
    let high = maxLength;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (layout(blocks, middle, goodBreaks).length <= count) high = middle;
      else low = middle + 1;
    }
    return layout(blocks, high, goodBreaks).map(toHtml);
  }
  return fewest.map(toHtml);
}

/** Fills parts of at most `maxLength` greedily, cutting at the best break (or the last word break). */
function layout(blocks: readonly Block[], maxLength: number, goodBreaks: boolean): Unit[][] {
  const units = toUnits(blocks, maxLength);
  const parts: Unit[][] = [];
  let current: Unit[] = [];
  let length = 0;
  for (const unit of units) {
    // Cutting at a good break may leave a tail that still cannot take this unit: cut again.
    while (current.length > 0 && length + unit.separator.length + unit.text.length > maxLength) {
      const cut = bestCut(current, maxLength, goodBreaks);
      parts.push(current.slice(0, cut));
      current = current.slice(cut);
      length = visibleLength(current);
    }
    current.push(unit);
    length = visibleLength(current);
  }
  if (current.length > 0) parts.push(current);
  return parts;
}

/**
 * Visible length of laid-out blocks as one part, to decide whether they fit.
 *
 * @param blocks - Paragraphs.
 * @returns UTF-16 units Telegram would count.
 */
export function measureBlocks(blocks: readonly Block[]): number {
  return visibleLength(toUnits(blocks, Number.MAX_SAFE_INTEGER));
}

function visibleLength(units: readonly Unit[]): number {
  let total = 0;
  units.forEach((unit, index) => {
    total += (index === 0 ? 0 : unit.separator.length) + unit.text.length;
  });
  return total;
}

/**
 * Index to cut `units` at: the best break in the second half, else the best anywhere; with
 * `goodBreaks` off, simply the last break between words (the fewest parts).
 */
function bestCut(units: readonly Unit[], maxLength: number, goodBreaks: boolean): number {
  const offsets: number[] = [];
  let running = 0;
  units.forEach((unit, index) => {
    offsets.push(running);
    running += (index === 0 ? 0 : unit.separator.length) + unit.text.length;
  });
  for (const strength of goodBreaks ? [Break.Paragraph, Break.Line, Break.Sentence, Break.Word] : [Break.Word]) {
    const floor = strength === Break.Word ? 0 : maxLength / 2;
    for (let index = units.length - 1; index >= 1; index--) {
      if (units[index]!.strength >= strength && offsets[index]! >= floor) return index;
    }
  }
  // No break at all (one very long run of fragments): cut before the unit that overflowed.
  return units.length;
}

function toUnits(blocks: readonly Block[], maxLength: number): Unit[] {
  const units: Unit[] = [];
  blocks.forEach((block, blockIndex) => {
    let pending: { separator: string; strength: Break } =
      blockIndex === 0
        ? { separator: '', strength: Break.Paragraph }
        : { separator: '\n\n', strength: Break.Paragraph };
    for (const inline of block) {
      if (inline.href !== undefined) {
        units.push({ text: inline.text, style: inline.style, href: inline.href, ...pending });
        pending = { separator: '', strength: Break.None };
        continue;
      }
      for (const token of inline.text.split(/(\s+)/)) {
        if (token === '') continue;
        if (/^\s+$/.test(token)) {
          const previous = units[units.length - 1];
          const strength = token.includes('\n')
            ? Break.Line
            : previous && SENTENCE_END.test(previous.text)
              ? Break.Sentence
              : Break.Word;
          // Keep the stronger of two adjacent breaks (a paragraph break followed by indentation).
          pending = { separator: pending.separator + token, strength: Math.max(strength, pending.strength) };
          continue;
        }
        for (const [index, piece] of chunk(token, maxLength).entries()) {
          units.push({
            text: piece,
            style: inline.style,
            href: undefined,
            ...(index === 0 ? pending : { separator: '', strength: Break.None }),
          });
        }
        pending = { separator: '', strength: Break.None };
      }
    }
  });
  return units;
}

/**
 * Cuts a word longer than `size` UTF-16 units between grapheme clusters, so no flag, ZWJ
 * sequence or accented letter is torn apart; a single cluster longer than a part (a letter with
 * thousands of combining marks) is cut between code points, the least harm left.
 */
function chunk(word: string, size: number): string[] {
  if (word.length <= size) return [word];
  const pieces: string[] = [];
  let piece = '';
  for (const { segment } of graphemes.segment(word)) {
    for (const cluster of segment.length > size ? [...segment] : [segment]) {
      if (piece.length + cluster.length > size) {
        pieces.push(piece);
        piece = '';
      }
      piece += cluster;
    }
  }
  if (piece !== '') pieces.push(piece);
  return pieces;
}

const OPEN: Record<InlineStyle, string> = { plain: '', bold: '<b>', italic: '<i>' };
const CLOSE: Record<InlineStyle, string> = { plain: '', bold: '</b>', italic: '</i>' };

/** Serialises one part; consecutive units of one style share a tag, separators sit outside tags. */
function toHtml(units: readonly Unit[]): string {
  let html = '';
  let open: InlineStyle = 'plain';
  units.forEach((unit, index) => {
    const separator = index === 0 ? '' : unit.separator;
    if (unit.style !== open || separator.includes('\n')) {
      html += CLOSE[open];
      open = 'plain';
    }
    html += separator;
    if (unit.style !== open) {
      html += OPEN[unit.style];
      open = unit.style;
    }
    html +=
      unit.href === undefined
        ? escapeHtml(unit.text)
        : `<a href="${escapeAttribute(unit.href)}">${escapeHtml(unit.text)}</a>`;
  });
  return html + CLOSE[open];
}
