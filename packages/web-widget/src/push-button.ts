import { h } from './dom.js';
import type { UiLanguage } from './i18n.js';
import { ptPush, type PushKey } from './push-i18n.js';
import { STATE_CACHE, STATE_KEY, type PushState } from './push-shared.js';

/** Where the push button subscribes: read from the element's `push-*` attributes. */
export interface PushConfig {
  /** `push-key`: the VAPID public key (base64url). */
  key: string;
  /** `push-endpoint`: the subscription handler (`createPushSubscriptionHandler`). */
  endpoint: string;
  /** `push-worker`: the URL of `banditore-sw.js` on the comune's site. */
  worker: string;
}

/** What the panel passes: language and the topics chosen right now. */
export interface PushButtonData {
  lang: UiLanguage;
  topics(): string[];
  /** How long the browser's push service may take to answer before it counts as unreachable. @defaultValue 20 s */
  timeoutMs?: number;
}

/** The button's states, shown as text in a polite status region next to it. */
export type PushButtonState = Extract<
  PushKey,
  | 'unsupported'
  | 'ios'
  | 'denied'
  | 'dismissed'
  | 'subscribed'
  | 'unsubscribed'
  | 'unreachable'
  | 'failed'
  | 'busy'
  | 'busyOff'
>;

/**
 * Reads the `push-key`, `push-endpoint` and `push-worker` attributes; the button is offered only
 * when all three are set (and the worker is on the page's origin, as browsers require).
 *
 * @param host - The widget element.
 * @returns The configuration, or `undefined`.
 */
export function pushConfig(host: Element): PushConfig | undefined {
  const key = host.getAttribute('push-key');
  const endpoint = host.getAttribute('push-endpoint');
  const worker = host.getAttribute('push-worker');
  if (!key || !/^[A-Za-z0-9_-]{80,100}$/.test(key) || !endpoint || !worker) return undefined;
  const base = document.baseURI;
  const workerUrl = new URL(worker, base);
  if (workerUrl.origin !== location.origin) return undefined;
  return { key, endpoint: new URL(endpoint, base).href, worker: workerUrl.href };
}

/** The narrow scope: a path next to the worker that no page lives at. */
const scopeOf = (worker: string): string => new URL('banditore-push/', worker).href;

function isIosOutsideHomeScreen(): boolean {
  const ios =
    /iPad|iPhone|iPod/.test(navigator.userAgent) ||
    (/Macintosh/.test(navigator.userAgent) && navigator.maxTouchPoints > 1);
  return ios && !(navigator as { standalone?: boolean }).standalone && !('PushManager' in window);
}

/**
 * Draws "Ricevi notifiche su questo dispositivo": a real button that asks for the notification
 * permission only when pressed, registers the widget's service worker under its own narrow
 * scope, subscribes with the comune's VAPID key and posts the subscription with the chosen topics
 * and language. A second press when subscribed turns notifications off. Every state (unsupported,
 * iOS outside the Home Screen, denied, subscribed, push service unreachable, failed) is text in a
 * `role="status"` region the button points at with `aria-describedby`.
 *
 * @param config - From {@link pushConfig}.
 * @param data - Language and the topic getter.
 * @returns The list item holding the button and its status.
 */
export function mountPushButton(config: PushConfig, data: PushButtonData): HTMLElement {
  const { lang } = data;
  const status = h('p', { id: 'banditore-push-status', role: 'status' });
  const button = h('button', { type: 'button', 'aria-describedby': 'banditore-push-status' }, ptPush(lang, 'button'));
  const item = h('div', { class: 'push', 'data-state': 'idle' }, button, status);
  let subscription: PushSubscription | null = null;

  const show = (state: PushButtonState): void => {
    item.dataset.state = state;
    status.textContent = ptPush(lang, state);
    button.textContent = ptPush(lang, state === 'subscribed' ? 'off' : 'button');
    button.disabled = state === 'unsupported' || state === 'ios' || state === 'denied';
    button.setAttribute('aria-busy', String(state === 'busy' || state === 'busyOff'));
  };

  const supported = 'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;
  if (!supported) {
    show(isIosOutsideHomeScreen() ? 'ios' : 'unsupported');
    return item;
  }
  if (Notification.permission === 'denied') show('denied');
  // Only looks: no permission is asked and no worker is registered until the button is pressed.
  void navigator.serviceWorker
    .getRegistration(scopeOf(config.worker))
    .then((registration) => registration?.pushManager.getSubscription())
    .then((existing) => {
      subscription = existing ?? null;
      if (subscription && Notification.permission === 'granted') show('subscribed');
    })
    .catch(() => undefined);

  const post = (method: 'POST' | 'DELETE', body: object): Promise<Response> =>
    fetch(config.endpoint, {
      method,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      credentials: 'omit',
    });

  const subscribe = async (): Promise<PushButtonState> => {
    const permission = await Notification.requestPermission();
    if (permission === 'denied') return 'denied';
    if (permission !== 'granted') return 'dismissed';
    const scope = scopeOf(config.worker);
    const registration = await navigator.serviceWorker.register(config.worker, { scope });
    await activated(registration);
    let fresh: PushSubscription;
    try {
      fresh = await withTimeout(
        registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: config.key }),
        data.timeoutMs ?? 20_000,
      );
    } catch {
      // Chromium answers AbortError ("push service not available") when it cannot reach its push
      // service; some browsers never answer at all, hence the timeout.
      return 'unreachable';
    }
    const json = fresh.toJSON();
    const response = await post('POST', { subscription: json, topics: data.topics(), language: lang, consent: true });
    if (!response.ok) {
      await fresh.unsubscribe().catch(() => undefined);
      return 'failed';
    }
    subscription = fresh;
    const cache = await caches.open(STATE_CACHE);
    await cache.put(
      STATE_KEY,
      Response.json({ endpoint: config.endpoint, key: config.key, subscription: json } satisfies PushState),
    );
    return 'subscribed';
  };

  const unsubscribe = async (): Promise<PushButtonState> => {
    const current = subscription!;
    const response = await post('DELETE', { subscription: current.toJSON() });
    if (!response.ok) return 'failed';
    await current.unsubscribe();
    subscription = null;
    await caches.delete(STATE_CACHE);
    return 'unsubscribed';
  };

  button.addEventListener('click', () => {
    if (item.dataset.state === 'busy' || item.dataset.state === 'busyOff') return;
    const wasSubscribed = item.dataset.state === 'subscribed';
    show(wasSubscribed ? 'busyOff' : 'busy');
    (wasSubscribed ? unsubscribe() : subscribe()).then(show, () => show('failed'));
  });
  return item;
}

/** Resolves once the registration has an active worker (subscribing needs one). */
function activated(registration: ServiceWorkerRegistration): Promise<void> {
  if (registration.active) return Promise.resolve();
  const worker = registration.installing ?? registration.waiting;
  return new Promise((resolve, reject) => {
    if (!worker) return reject(new Error('no worker'));
    worker.addEventListener('statechange', () => {
      if (worker.state === 'activated') resolve();
      if (worker.state === 'redundant') reject(new Error('worker failed to install'));
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('timeout')), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error('failed'));
      },
    );
  });
}
