import { formatDate } from './dom.js';
import { t, type UiLanguage } from './i18n.js';
import type { ViewState } from './view-types.js';

/**
 * The status line under the heading: loading, the time of the last update, or how stale the data
 * is and when the next attempt comes.
 *
 * @param lang - UI language.
 * @param state - The element's state.
 * @param visible - How many alerts pass the filters.
 * @param lastUpdate - When the data last changed or was confirmed.
 * @param retryMs - The wait before the next connection attempt.
 */
export function statusText(
  lang: UiLanguage,
  state: ViewState,
  visible: number,
  lastUpdate: Date | undefined,
  retryMs: number | undefined,
): string {
  const at = lastUpdate ? formatDate(lastUpdate, lang, true) : '';
  const seconds = Math.round((retryMs ?? 0) / 1000);
  if (!state.loaded) return state.status === 'error' ? t(lang, 'error', seconds) : t(lang, 'loading');
  if (state.status === 'stale' || state.status === 'error') return t(lang, 'stale', at, seconds);
  // "No alerts" only ever next to a fresh update time: a stale feed never claims there are none.
  return (visible === 0 ? t(lang, 'none') + ' ' : '') + t(lang, 'updated', at);
}
