import type { WidgetConfig } from './config.js';
import type { ContrastModule } from './contrast-check.js';
import type { Dismissals } from './dismissals.js';
import { formatDate, h } from './dom.js';
import { t } from './i18n.js';
import type { LiveStatus } from './live.js';
import { LEVELS, infoFor, selectAlerts, type FeedMeta, type WidgetAlert } from './model.js';
import type { PanelModule } from './panel-types.js';
import { renderAlert } from './render.js';
import { styleSheet } from './styles.js';

/** What the view reads from and reports to the element. */
export interface ViewHost {
  config(): WidgetConfig;
  data(): { alerts: Map<string, WidgetAlert>; meta: FeedMeta | undefined; status: LiveStatus; loaded: boolean };
  dismissals(): Dismissals;
  emit(type: string, detail: unknown, cancelable?: boolean): boolean;
  loadPanel(): Promise<PanelModule>;
  loadContrastCheck(): Promise<ContrastModule>;
  /** The host's no-JS fallback link, reused as "Tutti gli avvisi". */
  archive: string | undefined;
}

/** The rendered widget. */
export interface View {
  /** Redraws; `fresh` holds ids that just arrived (they get the one-off fade). */
  render(fresh?: Set<string>): void;
  /** Alerts shown now (filters applied, dismissed ones left out), most severe first. */
  shown(): WidgetAlert[];
  setRetry(ms: number | undefined): void;
  openPanel(): Promise<void>;
  stop(): void;
}

// The public colour properties a host may set; see the widget guide.
const THEMABLE = [
  ...LEVELS.flatMap((level) => ['bg', 'fg', 'border'].map((part) => `--banditore-${level}-${part}`)),
  ...['brand', 'brand-contrast', 'text', 'surface'].map((name) => `--banditore-${name}`),
];

/**
 * Builds the shadow DOM once and redraws it on each change, touching only the alerts that
 * changed: a citizen tabbing through the list keeps their focus while updates arrive.
 */
export function createView(root: ShadowRoot, regions: HTMLElement[], host: ViewHost): View {
  root.adoptedStyleSheets = [styleSheet()];
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
  const archive = host.archive ? h('a', { href: host.archive, part: 'link' }) : null;
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
  root.replaceChildren(wrapper);

  const rendered = new Map<string, { key: string; element: HTMLLIElement }>();
  let shown: WidgetAlert[] = [];
  let expanded = false;
  let retryMs: number | undefined;
  let lastUpdate: Date | undefined;
  let expiryTimer: ReturnType<typeof setTimeout> | undefined;
  let panelOpen = false;

  const focusAfterRender = (id: string | undefined): void => {
    const card = id ? list.querySelector<HTMLElement>(`li[data-id="${CSS.escape(id)}"]`) : null;
    const target = card?.querySelector<HTMLElement>('button,a,summary') ?? title;
    target.focus();
  };

  const dismiss = (alert: WidgetAlert): void => {
    if (!host.emit('banditore-dismiss', { alert }, true)) return;
    const index = shown.findIndex((a) => a.id === alert.id);
    host.dismissals().add(alert.id, alert.revision);
    render();
    // Focus goes to the next alert (or the previous, or the heading) instead of being lost.
    focusAfterRender((shown[index] ?? shown[index - 1])?.id);
  };

  const dismissButton = (alert: WidgetAlert, lang: WidgetConfig['lang']): HTMLButtonElement => {
    const button = h(
      'button',
      { type: 'button', part: 'dismiss', 'aria-label': t(lang, 'dismissName', infoFor(alert, lang).headline) },
      t(lang, 'dismiss'),
    );
    button.addEventListener('click', () => dismiss(alert));
    return button;
  };

  const statusText = (config: WidgetConfig, state: ReturnType<ViewHost['data']>, visible: number): string => {
    const at = lastUpdate ? formatDate(lastUpdate, config.lang, true) : '';
    const seconds = Math.round((retryMs ?? 0) / 1000);
    if (!state.loaded) return state.status === 'error' ? t(config.lang, 'error', seconds) : t(config.lang, 'loading');
    if (state.status === 'stale' || state.status === 'error') return t(config.lang, 'stale', at, seconds);
    // "No alerts" only ever next to a fresh update time: a stale feed never claims there are none.
    return (visible === 0 ? t(config.lang, 'none') + ' ' : '') + t(config.lang, 'updated', at);
  };

  const checkContrast = (): void => {
    // Only a page that sets its own colours can break contrast: the defaults are checked by tests.
    const style = getComputedStyle(root.host);
    if (!THEMABLE.some((name) => style.getPropertyValue(name).trim())) return;
    host.loadContrastCheck().then(
      (module) => module.checkContrast(root, (detail) => host.emit('banditore-error', detail)),
      () => undefined,
    );
  };

  const render = (fresh?: Set<string>): void => {
    const config = host.config();
    const state = host.data();
    if (fresh || (state.loaded && !lastUpdate)) lastUpdate = new Date();
    const lang = config.lang;
    const comune = state.meta?.comune;
    title.setAttribute('aria-level', String(config.headingLevel));
    title.textContent = comune ? t(lang, 'title', comune) : t(lang, 'titleNoName');
    const visible = selectAlerts(state.alerts.values(), {
      preview: config.preview,
      minLevel: config.minLevel,
      topics: config.topics,
      now: Date.now(),
    });
    status.textContent = statusText(config, state, visible.length);
    const dismissals = host.dismissals();
    shown = visible.filter((alert) => alert.level === 'critical' || !dismissals.has(alert.id, alert.revision));
    const limit = expanded ? shown.length : config.layout === 'banner' ? 1 : config.maxItems;
    const items = shown.slice(0, limit);
    const active = root.activeElement;
    const activeCard = active?.closest('li[data-id]')?.getAttribute('data-id');

    const ctx = {
      lang,
      headingLevel: Math.min(6, config.headingLevel + 1),
      compact: config.layout === 'compact',
      fresh: false,
    };
    const seen = new Set<string>();
    items.forEach((alert, index) => {
      const key = `${alert.id}@${alert.revision}|${config.layout}|${lang}|${ctx.headingLevel}`;
      let entry = rendered.get(alert.id);
      if (entry?.key !== key) {
        const element = renderAlert(
          alert,
          { ...ctx, fresh: fresh?.has(alert.id) ?? false },
          alert.level === 'critical' ? null : dismissButton(alert, lang),
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
    if (activeCard && !root.activeElement) focusAfterRender(seen.has(activeCard) ? activeCard : undefined);

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
    checkContrast();
  };

  more.addEventListener('click', () => {
    const first = shown[list.children.length]?.id;
    expanded = true;
    render();
    focusAfterRender(first);
  });
  const closePanel = (): void => {
    panelOpen = false;
    panel.hidden = true;
    subscribe.setAttribute('aria-expanded', 'false');
    subscribe.focus();
  };
  const openPanel = async (): Promise<void> => {
    if (panelOpen) return;
    panelOpen = true;
    subscribe.setAttribute('aria-expanded', 'true');
    try {
      const module = await host.loadPanel();
      const { lang, headingLevel, topics } = host.config();
      const focus = module.mountPanel(panel, {
        lang,
        headingLevel: Math.min(6, headingLevel + 1),
        meta: host.data().meta,
        topics,
        onClose: closePanel,
      });
      panel.hidden = false;
      focus();
    } catch {
      panelOpen = false;
      subscribe.setAttribute('aria-expanded', 'false');
      host.emit('banditore-error', { code: 'PANEL_LOAD_FAILED', message: 'panel not loaded' });
    }
  };
  subscribe.addEventListener('click', () => (panelOpen ? closePanel() : void openPanel()));
  panel.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closePanel();
  });

  return {
    render,
    shown: () => shown,
    setRetry: (ms) => (retryMs = ms),
    openPanel,
    stop: () => clearTimeout(expiryTimer),
  };
}
