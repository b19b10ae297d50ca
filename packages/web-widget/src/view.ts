import { h } from './dom.js';
import { t } from './i18n.js';
import { LEVELS, selectAlerts, type WidgetAlert } from './model.js';
import { styleSheet } from './styles.js';
import { createAlertList } from './view-list.js';
import { createPanelControl } from './view-panel.js';
import { statusText } from './view-status.js';
import type { View, ViewHost } from './view-types.js';

export type { View, ViewHost, ViewState } from './view-types.js';

// The public colour properties a host may set; see the widget guide.
const THEMABLE = [
  ...LEVELS.flatMap((level) => ['bg', 'fg', 'border'].map((part) => `--banditore-${level}-${part}`)),
  ...['brand', 'brand-contrast', 'text', 'surface'].map((name) => `--banditore-${name}`),
];

/** The widget's fixed parts, built once: heading, status line, list, buttons, panel, live regions. */
function skeleton(archiveUrl: string | undefined, regions: HTMLElement[]) {
  // role=heading rather than <hN>: the level follows the heading-level attribute without rebuilding.
  const title = h('div', { id: 't', class: 't', role: 'heading', tabindex: '-1' });
  const status = h('p', { class: 'st', part: 'status' });
  const list = h('ul', { class: 'ls' });
  const more = h('button', { type: 'button', hidden: true });
  const subscribe = h('button', {
    type: 'button',
    class: 'sub',
    part: 'subscribe-button',
    'aria-expanded': 'false',
    'aria-controls': 'p',
    hidden: true,
  });
  const panel = h('div', { id: 'p', part: 'panel', hidden: true });
  const archive = archiveUrl ? h('a', { href: archiveUrl, part: 'link' }) : null;
  const section = h(
    'section',
    { 'aria-labelledby': 't' },
    title,
    status,
    list,
    h('div', { class: 'row' }, more, archive, subscribe),
    panel,
  );
  const wrapper = h('div', { class: 'w', part: 'container' }, section, ...regions);
  return { title, status, list, more, subscribe, panel, archive, wrapper };
}

/** Loads the contrast check, but only for a page that sets its own colours (the defaults are tested). */
function checkContrast(root: ShadowRoot, host: ViewHost): void {
  const style = getComputedStyle(root.host);
  if (!THEMABLE.some((name) => style.getPropertyValue(name).trim())) return;
  host.loadContrastCheck().then(
    (module) => module.checkContrast(root, (detail) => host.emit('banditore-error', detail)),
    () => undefined,
  );
}

/**
 * Builds the shadow DOM once and redraws it on each change, touching only the alerts that
 * changed (see {@link createAlertList}); the subscribe button and its panel are wired by
 * {@link createPanelControl}.
 */
export function createView(root: ShadowRoot, regions: HTMLElement[], host: ViewHost): View {
  root.adoptedStyleSheets = [styleSheet()];
  const { title, status, list, more, subscribe, panel, archive, wrapper } = skeleton(host.archive, regions);
  root.replaceChildren(wrapper);

  let shown: WidgetAlert[] = [];
  let expanded = false;
  let retryMs: number | undefined;
  let lastUpdate: Date | undefined;
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;

  const cards = createAlertList(list, (alert) => {
    if (!host.emit('banditore-dismiss', { alert }, true)) return;
    const index = shown.findIndex((a) => a.id === alert.id);
    host.dismissals().add(alert.id, alert.revision);
    render();
    // Focus goes to the next alert (or the previous, or the heading) instead of being lost.
    cards.focus((shown[index] ?? shown[index - 1])?.id, title);
  });
  const panelControl = createPanelControl(subscribe, panel, host);

  const render = (fresh?: Set<string>): void => {
    const config = host.config();
    const state = host.data();
    const { lang } = config;
    if (fresh || (state.loaded && !lastUpdate)) lastUpdate = new Date();
    // The widget's own words are in its UI language, whatever the page around it is in.
    wrapper.lang = lang;
    const comune = state.meta?.comune;
    title.setAttribute('aria-level', String(config.headingLevel));
    title.textContent = comune ? t(lang, 'title', comune) : t(lang, 'titleNoName');
    const visible = selectAlerts(state.alerts.values(), {
      preview: config.preview,
      minLevel: config.minLevel,
      topics: config.topics,
      now: Date.now(),
    });
    status.textContent = statusText(lang, state, visible.length, lastUpdate, retryMs);
    const dismissals = host.dismissals();
    shown = visible.filter((alert) => alert.level === 'critical' || !dismissals.has(alert.id, alert.revision));
    const items = shown.slice(0, expanded ? shown.length : config.layout === 'banner' ? 1 : config.maxItems);
    const activeCard = root.activeElement?.closest('li[data-id]')?.getAttribute('data-id');
    cards.draw(items, config, fresh);
    // A card that was redrawn under the keyboard focus hands it to its new copy (or the heading).
    if (activeCard && !root.activeElement) cards.focus(activeCard, title);

    more.hidden = shown.length <= items.length;
    more.textContent = t(lang, 'more', shown.length - items.length);
    if (archive) archive.textContent = t(lang, 'archive');
    const channels = state.meta?.channels ?? {};
    subscribe.hidden = !config.subscribe || !(channels.telegram ?? channels.whatsapp ?? channels.page);
    subscribe.textContent = t(lang, 'subscribe');

    clearTimeout(expiryTimer);
    const next = Math.min(...items.map((alert) => (alert.expires ? Date.parse(alert.expires) : Infinity)));
    if (next !== Infinity)
      expiryTimer = setTimeout(() => render(), Math.min(3_600_000, Math.max(0, next - Date.now() + 50)));
    checkContrast(root, host);
  };

  more.addEventListener('click', () => {
    const first = shown[list.children.length]?.id;
    expanded = true;
    render();
    cards.focus(first, title);
  });

  return {
    render,
    shown: () => shown,
    setRetry: (ms) => (retryMs = ms),
    openPanel: () => panelControl.open(),
    stop: () => clearTimeout(expiryTimer),
  };
}
