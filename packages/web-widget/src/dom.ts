/** Attribute values: `false`/`undefined` leave the attribute out, `true` sets it empty. */
export type Attrs = Record<string, string | number | boolean | undefined>;
/** Children: strings become text nodes (never parsed as HTML). */
export type Child = Node | string | false | null | undefined;

/**
 * Creates an element. Text is only ever added as text nodes, so feed content cannot become markup.
 *
 * @param tag - Tag name.
 * @param attrs - Attributes.
 * @param children - Child nodes and strings.
 */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs | null = null,
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const element = document.createElement(tag);
  if (attrs) {
    for (const [name, value] of Object.entries(attrs)) {
      if (value !== false && value !== undefined) element.setAttribute(name, value === true ? '' : String(value));
    }
  }
  for (const child of children) if (child) element.append(child);
  return element;
}

/**
 * Formats a date for the UI language: date and time ("3 mar 2025, 14:00"), or the time only.
 *
 * @param date - A date or an ISO string.
 * @param lang - UI language.
 * @param timeOnly - Only hours and minutes.
 */
export function formatDate(date: Date | string, lang: string, timeOnly = false): string {
  return new Intl.DateTimeFormat(
    lang === 'en' ? 'en-GB' : 'it-IT',
    timeOnly ? { timeStyle: 'short' } : { dateStyle: 'medium', timeStyle: 'short' },
  ).format(new Date(date));
}
