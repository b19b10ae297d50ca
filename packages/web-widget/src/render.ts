import { formatDate, h } from './dom.js';
import { parts, t, type UiLanguage } from './i18n.js';
import { infoFor, type WidgetAlert } from './model.js';

/** How to draw alerts. */
export interface RenderContext {
  lang: UiLanguage;
  /** Level of alert headings (2–6). */
  headingLevel: number;
  compact: boolean;
  /** Whether to play the one-off arrival fade (new alerts only, never on first render). */
  fresh: boolean;
}

/**
 * Draws one alert as a list item: in `compact` mode a disclosure (`<details>`), otherwise a card
 * whose heading carries the visible severity label, so the level is never told by colour alone.
 * Every piece of feed text goes in as a text node.
 *
 * @param alert - The alert.
 * @param ctx - Language, heading level, layout.
 * @param dismissButton - The dismiss control, or `null` (critical alerts cannot be dismissed).
 */
export function renderAlert(
  alert: WidgetAlert,
  ctx: RenderContext,
  dismissButton: HTMLButtonElement | null,
): HTMLLIElement {
  const { lang } = ctx;
  const info = infoFor(alert, lang);
  // Text in another language than the widget's is marked so screen readers switch voice (WCAG 3.1.2):
  // the chosen info block has its language; the alert's own fields (event, area, sender, link
  // labels) are in the feed's default language, the one of its first info block.
  const other = (language: string): string | undefined => (language.split('-')[0] === lang ? undefined : language);
  const textLang = other(info.language);
  const feedLang = other(alert.info[0]!.language);
  const feedText = (text: string): HTMLSpanElement => h('span', { lang: feedLang }, text);
  const when = (iso: string): string => formatDate(iso, lang);
  const status = alert.status === 'Exercise' ? 'exercise' : alert.status === 'Test' ? 'test' : undefined;
  const title = [
    h(
      'span',
      { class: 'lab' },
      status && `${t(lang, status)} · `,
      t(lang, alert.level),
      alert.event && ' · ',
      alert.event && feedText(alert.event),
      h('span', { class: 'vh' }, ': '),
    ),
    h('span', { lang: textLang }, info.headline),
  ];
  const validity =
    alert.effective && alert.expires
      ? t(lang, 'range', when(alert.effective), when(alert.expires))
      : alert.expires
        ? t(lang, 'until', when(alert.expires))
        : alert.effective && t(lang, 'from', when(alert.effective));
  const paragraphs = (info.description ?? '').split(/\n\s*\n/).filter((p) => p.trim());
  const body = [
    paragraphs.length > 0 &&
      h('div', { class: 'bd', part: 'body', lang: textLang }, ...paragraphs.map((p) => h('p', null, p))),
    info.instruction &&
      h(
        'div',
        { class: 'todo' },
        h('p', { class: 'tt' }, t(lang, 'todo')),
        h('p', { lang: textLang }, info.instruction),
      ),
    h(
      'div',
      { class: 'meta', part: 'meta' },
      alert.area && h('p', null, ...parts(lang, 'where', [feedText(alert.area)])),
      validity && h('p', null, validity),
      alert.sender && h('p', null, ...parts(lang, 'source', [feedText(alert.sender)])),
    ),
    alert.links.length > 0 &&
      h(
        'ul',
        { class: 'lk' },
        ...alert.links.map((link) =>
          h(
            'li',
            null,
            h('a', { href: link.url, rel: 'noopener noreferrer', part: 'link', lang: feedLang }, link.label),
          ),
        ),
      ),
    dismissButton && h('div', { class: 'row' }, dismissButton),
  ];
  const attrs = {
    class: `a l-${alert.level}${ctx.fresh ? ' new' : ''}`,
    part: `alert alert-${alert.level}`,
    'data-id': alert.id,
  };
  return ctx.compact
    ? h('li', attrs, h('details', null, h('summary', { class: 'h' }, ...title), ...body))
    : h('li', attrs, h(`h${ctx.headingLevel}` as 'h2', { class: 'h', part: 'heading' }, ...title), ...body);
}
