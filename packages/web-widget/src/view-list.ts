import type { WidgetConfig } from './config.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import { infoFor, type WidgetAlert } from './model.js';
import { renderAlert, type RenderContext } from './render.js';

/** The list of alert cards. */
export interface AlertList {
  /** Shows `items` in order, redrawing only cards whose alert, layout or language changed. */
  draw(items: WidgetAlert[], config: WidgetConfig, fresh: Set<string> | undefined): void;
  /** Moves focus to the first control of alert `id`, or to `fallback` when it is not shown. */
  focus(id: string | undefined, fallback: HTMLElement): void;
}

/**
 * Creates the card list. Cards are kept between renders (keyed by id, revision, layout, language
 * and heading level), so a citizen tabbing through the list keeps their focus while updates arrive.
 *
 * @param list - The `<ul>` in the shadow root.
 * @param onDismiss - Called when a card's dismiss button is pressed.
 */
export function createAlertList(list: HTMLUListElement, onDismiss: (alert: WidgetAlert) => void): AlertList {
  const rendered = new Map<string, { key: string; element: HTMLLIElement }>();

  const dismissButton = (alert: WidgetAlert, lang: WidgetConfig['lang']): HTMLButtonElement => {
    const button = h(
      'button',
      { type: 'button', part: 'dismiss', 'aria-label': t(lang, 'dismissName', infoFor(alert, lang).headline) },
      t(lang, 'dismiss'),
    );
    button.addEventListener('click', () => onDismiss(alert));
    return button;
  };

  const focus = (id: string | undefined, fallback: HTMLElement): void => {
    const card = id ? list.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"]`) : null;
    (card?.querySelector<HTMLElement>('button,a,summary') ?? fallback).focus();
  };

  const draw = (items: WidgetAlert[], config: WidgetConfig, fresh: Set<string> | undefined): void => {
    const ctx: RenderContext = {
      lang: config.lang,
      headingLevel: Math.min(6, config.headingLevel + 1),
      compact: config.layout === 'compact',
      fresh: false,
    };
    const seen = new Set<string>();
    items.forEach((alert, index) => {
      const key = `${alert.id}@${alert.revision}|${config.layout}|${ctx.lang}|${ctx.headingLevel}`;
      let entry = rendered.get(alert.id);
      if (entry?.key !== key) {
        const element = renderAlert(
          alert,
          { ...ctx, fresh: fresh?.has(alert.id) ?? false },
          alert.level === 'critical' ? null : dismissButton(alert, ctx.lang),
        );
        entry?.element.remove();
        entry = { key, element };
        rendered.set(alert.id, entry);
      }
      seen.add(alert.id);
      if (list.children[index] !== entry.element) list.insertBefore(entry.element, list.children[index] ?? null);
    });
    for (const [id, entry] of rendered) {
      if (!seen.has(id)) {
        entry.element.remove();
        rendered.delete(id);
      }
    }
  };

  return { draw, focus };
}
