/** The outcome of parsing text in Telegram's HTML parse mode. */
export type HtmlParseResult = { ok: true; text: string } | { ok: false; description: string };

/** Tags Telegram's HTML mode accepts; anything else is an error. */
const TAGS = new Set([
  'b',
  'strong',
  'i',
  'em',
  'u',
  'ins',
  's',
  'strike',
  'del',
  'span',
  'tg-spoiler',
  'a',
  'tg-emoji',
  'code',
  'pre',
  'blockquote',
  'tg-time',
]);

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"' };

/**
 * Parses text the way Telegram's HTML mode does, closely enough to catch escaping bugs: only
 * the supported tags, properly nested and closed; `<` must start a tag; `&lt;` `&gt;` `&amp;`
 * `&quot;` and numeric entities are decoded. Errors use Telegram's wording
 * (`Bad Request: can't parse entities: …`).
 *
 * @param html - The `text` or `caption` parameter.
 * @returns The visible text (tags removed, entities decoded), or the error description.
 */
export function parseTelegramHtml(html: string): HtmlParseResult {
  const stack: string[] = [];
  let text = '';
  let index = 0;
  const fail = (reason: string): HtmlParseResult => ({
    ok: false,
    description: `Bad Request: can't parse entities: ${reason} at byte offset ${Buffer.byteLength(html.slice(0, index))}`,
  });
  while (index < html.length) {
    const char = html[index]!;
    if (char === '<') {
      const end = html.indexOf('>', index);
      if (end === -1) return fail('Unclosed start tag');
      const inner = html.slice(index + 1, end);
      if (inner.startsWith('/')) {
        const name = inner.slice(1).trim().toLowerCase();
        const open = stack.pop();
        if (open === undefined) return fail(`Unexpected end tag "${name}"`);
        if (open !== name) return fail(`Unmatched end tag, expected "</${open}>", found "</${name}>"`);
      } else {
        const match = /^([a-zA-Z][a-zA-Z0-9-]*)(\s[^]*)?$/.exec(inner);
        if (!match) return fail('Unexpected character in start tag');
        const name = match[1]!.toLowerCase();
        if (!TAGS.has(name)) return fail(`Unsupported start tag "${name}"`);
        if (name === 'a' && !/\shref\s*=\s*"[^"]*"/.test(match[2] ?? ''))
          return fail('Tag "a" must have an href attribute');
        stack.push(name);
      }
      index = end + 1;
      continue;
    }
    if (char === '>') return fail('Unexpected ">" outside of a tag');
    if (char === '&') {
      const entity = /^&(#x[0-9a-fA-F]{1,6}|#\d{1,7}|[a-zA-Z]+);/.exec(html.slice(index, index + 12));
      if (entity) {
        const name = entity[1]!;
        const decoded = name.startsWith('#x')
          ? safeCodePoint(parseInt(name.slice(2), 16))
          : name.startsWith('#')
            ? safeCodePoint(parseInt(name.slice(1), 10))
            : NAMED_ENTITIES[name];
        if (decoded !== undefined) {
          text += decoded;
          index += entity[0].length;
          continue;
        }
      }
      // An unknown or unterminated entity is kept as literal text, as Telegram does.
    }
    text += char;
    index++;
  }
  if (stack.length > 0) return fail(`Can't find end tag corresponding to start tag "${stack[stack.length - 1]!}"`);
  return { ok: true, text };
}

function safeCodePoint(code: number): string | undefined {
  return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : undefined;
}
