/**
 * The one text rule the feed and the widget share: control characters (C0 but tab and newline,
 * DEL, C1), bidi embeddings, overrides and isolates, and unpaired surrogates never reach a reader.
 * The widget strips the same set without importing this module (it has no runtime dependencies);
 * its property tests check that both sides agree on every code point.
 */
// Bidi controls can make text read differently from what the comune wrote; the others render as
// nothing or as garbage. With the `u` flag, `\uD800-\uDFFF` matches only unpaired surrogates.
// eslint-disable-next-line no-control-regex
export const UNSAFE_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u202A-\u202E\u2066-\u2069\uD800-\uDFFF]/gu;

/**
 * Whether `text` still says something once the unsafe characters are gone and the ends trimmed:
 * the widget drops an alert whose headline fails this, so the feed refuses it first.
 *
 * @param text - The candidate text.
 * @returns `true` when something visible remains.
 */
export function hasVisibleText(text: string): boolean {
  return text.replace(UNSAFE_TEXT, '').trim().length > 0;
}
