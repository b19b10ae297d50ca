/** Whether the UTF-16 unit at `index` starts a character XML 1.0 can carry; returns its length (1 or 2), or 0 when it cannot. */
function xmlCharLength(text: string, index: number): number {
  const code = text.charCodeAt(index);
  if (code < 0x20) return code === 0x09 || code === 0x0a || code === 0x0d ? 1 : 0;
  if (code === 0xfffe || code === 0xffff) return 0;
  if (code >= 0xd800 && code <= 0xdbff) {
    const next = text.charCodeAt(index + 1);
    return next >= 0xdc00 && next <= 0xdfff ? 2 : 0;
  }
  return code >= 0xdc00 && code <= 0xdfff ? 0 : 1;
}

/** Where the first character XML 1.0 cannot carry is, or -1. */
export function firstNonXmlChar(text: string): number {
  for (let index = 0; index < text.length;) {
    const length = xmlCharLength(text, index);
    if (length === 0) return index;
    index += length;
  }
  return -1;
}

/** Whether the text holds a character XML 1.0 cannot carry at all, even escaped (controls, lone surrogates). */
export function hasNonXmlChar(text: string): boolean {
  return firstNonXmlChar(text) >= 0;
}

/** The text with each character XML 1.0 cannot carry replaced by U+FFFD. */
export function replaceNonXmlChars(text: string): string {
  if (!hasNonXmlChar(text)) return text;
  let out = '';
  for (let index = 0; index < text.length;) {
    const length = xmlCharLength(text, index);
    out += length === 0 ? '\uFFFD' : text.slice(index, index + length);
    index += Math.max(1, length);
  }
  return out;
}
