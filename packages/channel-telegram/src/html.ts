/**
 * Escapes text for Telegram's HTML parse mode: `&`, `<` and `>` are the only characters its
 * parser treats specially outside attributes.
 *
 * @param text - Plain text from an announcement.
 * @returns Text safe to place between tags.
 * @example
 * ```ts
 * escapeHtml('a < b & c') // 'a &lt; b &amp; c'
 * ```
 */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>]/g, (char) => (char === '&' ? '&amp;' : char === '<' ? '&lt;' : '&gt;'));
}

/**
 * Escapes a value for a double-quoted attribute (`href`), adding `"` to the set.
 *
 * @param value - An attribute value such as a URL.
 * @returns The escaped value.
 */
export function escapeAttribute(value: string): string {
  return escapeHtml(value).replace(/"/g, '&quot;');
}
