import type { Announcer } from './announcer.js';
import { ATTRIBUTES, CONNECTION_ATTRIBUTES, readConfig, type WidgetConfig } from './config.js';
import { createDismissals, type Dismissals } from './dismissals.js';
import { h } from './dom.js';
import { t } from './i18n.js';
import type { Live, LiveStatus } from './live.js';
import { LEVELS, infoFor, parseAlert, parseFeed, safeUrl, type FeedMeta, type WidgetAlert } from './model.js';
import { loadContrastCheck, loadLive, loadPanel } from './chunks.js';
import { createView, type View } from './view.js';

/** `detail` of the `banditore-update` event. */
export interface UpdateDetail {
  alerts: WidgetAlert[];
  added: string[];
  updated: string[];
  removed: string[];
  revision: number;
}

const rank = (alert: WidgetAlert): number => LEVELS.indexOf(alert.level);

// A server (Node, server-side rendering) has no HTMLElement: the class is still declared on a
// stand-in so that importing the package is safe anywhere; only defining the element needs a
// browser (as github/relative-time-element does it).
const Base: typeof HTMLElement = globalThis.HTMLElement ?? (class {} as typeof HTMLElement);

/**
 * `<banditore-alerts>`: the comune's active alerts, live, in an open shadow root.
 *
 * Attributes: `feed` (required), `stream`, `lang`, `layout` (`list`|`banner`|`compact`),
 * `min-severity`, `topics`, `max-items`, `heading-level`, `live`, `poll-interval`, `announce`,
 * `preview`, `remember-dismissals`, `subscribe`. Events (bubbling,
 * composed): `banditore-update`, `banditore-alert` (cancelable), `banditore-dismiss`
 * (cancelable), `banditore-status`, `banditore-error`.
 *
 * This module only declares the class; import `@banditore/web-widget/define` (or call
 * {@link defineBanditoreAlerts}) to register the tag.
 *
 * @example
 * ```html
 * <banditore-alerts feed="https://avvisi.comune.example/avvisi.json">
 *   <a href="https://www.comune.example/avvisi">Tutti gli avvisi</a>
 * </banditore-alerts>
 * ```
 */
export class BanditoreAlertsElement extends Base {
  /** Attributes whose changes the element reacts to. */
  static readonly observedAttributes = ATTRIBUTES;

  #view: View | undefined;
  #announcer: Announcer | undefined;
  #regions: HTMLElement[] | undefined;
  // Bumped by each (re)connection, so a live module that arrives late starts nothing stale.
  #generation = 0;
  #live: Live | undefined;
  #dismissals: Dismissals | undefined;
  #alerts = new Map<string, WidgetAlert>();
  #meta: FeedMeta | undefined;
  #status: LiveStatus = 'idle';
  #loaded = false;

  constructor() {
    super();
    this.attachShadow({ mode: 'open' });
  }

  /** The alerts currently shown, most severe first. */
  get alerts(): WidgetAlert[] {
    return this.#view?.shown() ?? [];
  }

  /** Connection state: `connecting`, `live`, `polling`, `stale`, `error`, `paused` or `idle`. */
  get status(): LiveStatus {
    return this.#status;
  }

  /** Fetches the JSON feed now. */
  async refresh(): Promise<void> {
    await this.#live?.refresh();
  }

  /** Opens the subscription panel (loading it on first use). It never asks for any permission. */
  async openSubscribe(): Promise<void> {
    await this.#view?.openPanel();
  }

  connectedCallback(): void {
    const config = readConfig(this);
    // The live regions exist, empty, before anything is announced (a region inserted already
    // filled is not read); the announcer that writes to them arrives with the live module.
    this.#regions ??= [
      h('div', { class: 'vh', role: 'status', 'aria-live': 'polite' }),
      h('div', { class: 'vh', role: 'alert' }),
    ];
    this.#view ??= createView(this.shadowRoot!, this.#regions, {
      config: () => readConfig(this),
      data: () => ({ alerts: this.#alerts, meta: this.#meta, status: this.#status, loaded: this.#loaded }),
      dismissals: () => this.#dismissals!,
      emit: (type, detail, cancelable) => this.#emit(type, detail, cancelable),
      loadPanel,
      loadContrastCheck,
      archive: safeUrl(this.querySelector('a[href]')?.getAttribute('href')),
    });
    this.#connectFeed(config);
  }

  disconnectedCallback(): void {
    this.#generation++;
    this.#live?.stop();
    this.#live = undefined;
    this.#announcer?.stop();
    this.#view?.stop();
  }

  attributeChangedCallback(name: string, previous: string | null, value: string | null): void {
    if (!this.#view || !this.isConnected || previous === value) return;
    if (CONNECTION_ATTRIBUTES.includes(name)) this.#connectFeed(readConfig(this));
    else this.#view.render();
  }

  #connectFeed(config: WidgetConfig): void {
    this.#live?.stop();
    this.#live = undefined;
    const generation = ++this.#generation;
    const feed = httpUrl(config.feed);
    this.#dismissals = createDismissals(config.rememberDismissals, feed ?? '');
    if (!feed) {
      this.#setStatus('error');
      this.#emit('banditore-error', { code: 'NO_FEED', message: 'no http(s) feed URL' });
      return;
    }
    const stream = config.stream ? new URL(config.stream, document.baseURI).href : undefined;
    void loadLive().then(
      ({ startLive, createAnnouncer }) => {
        if (generation !== this.#generation) return;
        this.#announcer ??= createAnnouncer(this.#regions!);
        this.#live = startLive({
          feedUrl: feed,
          streamUrl: stream,
          mode: config.live,
          pollMs: config.pollMs,
          preview: config.preview,
          onDocument: (raw) => this.#onDocument(raw),
          onUpsert: (raw) => {
            const alert = parseAlert(raw);
            if (!alert) return;
            const next = new Map(this.#alerts);
            for (const reference of alert.references) next.delete(reference);
            next.set(alert.id, alert);
            this.#apply(next, this.#meta?.revision ?? 0);
          },
          onRemove: (id) => {
            const next = new Map(this.#alerts);
            if (next.delete(id)) this.#apply(next, this.#meta?.revision ?? 0);
          },
          onStatus: (status, retryInMs) => this.#setStatus(status, retryInMs),
        });
      },
      () => {
        if (generation !== this.#generation) return;
        this.#setStatus('error');
        this.#emit('banditore-error', { code: 'LIVE_LOAD_FAILED', message: 'live module not loaded' });
      },
    );
  }

  #onDocument(raw: unknown): { sse?: string } | undefined {
    const parsed = parseFeed(raw);
    if (!parsed) {
      this.#emit('banditore-error', { code: 'FEED_INVALID', message: 'not a version 1 feed' });
      return undefined;
    }
    this.#meta = parsed.meta;
    this.#apply(new Map(parsed.alerts.map((alert) => [alert.id, alert])), parsed.meta.revision);
    return parsed.meta.sse === undefined ? {} : { sse: parsed.meta.sse };
  }

  #apply(next: Map<string, WidgetAlert>, revision: number): void {
    const previous = this.#alerts;
    const firstLoad = !this.#loaded;
    const added: string[] = [];
    const updated: string[] = [];
    const arrivals: { alert: WidgetAlert; reason: 'new' | 'upgraded' }[] = [];
    for (const alert of next.values()) {
      const before = previous.get(alert.id) ?? alert.references.map((id) => previous.get(id)).find(Boolean);
      if (!previous.has(alert.id)) added.push(alert.id);
      else if (before!.revision !== alert.revision) updated.push(alert.id);
      if (!before) arrivals.push({ alert, reason: 'new' });
      else if (rank(alert) < rank(before) || (alert.level === 'all-clear' && before.level !== 'all-clear')) {
        arrivals.push({ alert, reason: 'upgraded' });
      }
    }
    const removed = [...previous.keys()].filter((id) => !next.has(id));
    this.#alerts = next;
    this.#loaded = true;
    this.#view!.render(firstLoad ? undefined : new Set(added));
    // Nothing is announced on the first load: what is already there is read in page order.
    if (!firstLoad) this.#announce(arrivals);
    this.#emit('banditore-update', { alerts: this.alerts, added, updated, removed, revision } satisfies UpdateDetail);
  }

  #announce(arrivals: { alert: WidgetAlert; reason: 'new' | 'upgraded' }[]): void {
    const config = readConfig(this);
    const visible = new Set(this.#view!.shown().map((alert) => alert.id));
    for (const { alert, reason } of arrivals) {
      if (!visible.has(alert.id)) continue;
      if (!this.#emit('banditore-alert', { alert, reason }, true) || config.announce === 'off') continue;
      const text = `${t(config.lang, alert.level)}: ${infoFor(alert, config.lang).headline}`;
      if (alert.level === 'critical' && config.announce === 'auto') this.#announcer?.assertive(text);
      else this.#announcer?.polite(text, (texts) => t(config.lang, 'newMany', texts.length, texts.join('; ')));
    }
  }

  #setStatus(status: LiveStatus, retryInMs?: number): void {
    const shown = status === 'error' && this.#loaded ? 'stale' : status;
    const wasHealthy = this.#status === 'live' || this.#status === 'polling';
    this.#status = shown;
    this.#view?.setRetry(retryInMs);
    this.#view?.render();
    if (wasHealthy && (shown === 'stale' || shown === 'error')) {
      this.#announcer?.polite(t(readConfig(this).lang, 'lost'), (texts) => texts.join(' '));
    }
    this.#emit('banditore-status', { status: shown, retryInMs });
  }

  #emit(type: string, detail: unknown, cancelable = false): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }
}

/** Resolves the feed URL against the page; only http(s) feeds are fetched. */
function httpUrl(value: string | null): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value, document.baseURI);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
