/**
 * The widget's service worker, `banditore-sw.js`: shows the comune's push messages and opens the
 * announcement when one is clicked. Serve it from the comune's own site (a service worker must
 * come from the page's origin); the widget registers it with a narrow scope of its own
 * (`<folder of the worker>/banditore-push/`, a path no page lives at), so it never controls a page
 * and never replaces the comune's own worker.
 *
 * Payload (JSON, from `@banditore/channel-push`): `{ title, body, severity, url?, tag, lang }`.
 * Emergencies (extreme, severe) stay on screen until the citizen acts (`requireInteraction`) and
 * re-alert when an update replaces them; nothing is ever silent.
 *
 * @module
 */
import { notificationFor, pickUrl, STATE_CACHE, STATE_KEY, type PushState } from './push-shared.js';

/** The slice of the service worker global this file uses (the DOM lib has no WebWorker types here). */
interface WorkerScope {
  registration: {
    scope: string;
    showNotification(title: string, options: NotificationOptions & Record<string, unknown>): Promise<void>;
    pushManager: PushManager;
  };
  clients: {
    matchAll(options: { type: 'window'; includeUncontrolled: boolean }): Promise<WindowClientLike[]>;
    openWindow(url: string): Promise<unknown>;
  };
  addEventListener(type: string, listener: (event: ExtendableEventLike) => void): void;
  skipWaiting(): Promise<void>;
  location: Location;
}
interface WindowClientLike {
  url: string;
  focus(): Promise<unknown>;
}
interface ExtendableEventLike {
  waitUntil(promise: Promise<unknown>): void;
  data?: { json(): unknown; text(): string } | null;
  notification?: Notification;
  oldSubscription?: PushSubscription | null;
}

const sw = self as unknown as WorkerScope;

sw.addEventListener('install', (event) => event.waitUntil(sw.skipWaiting()));

sw.addEventListener('push', (event) => {
  let payload: unknown;
  try {
    payload = event.data?.json();
  } catch {
    payload = { body: event.data?.text() };
  }
  const { title, options } = notificationFor(payload, sw.location.origin);
  event.waitUntil(sw.registration.showNotification(title, options));
});

sw.addEventListener('notificationclick', (event) => {
  const notification = event.notification!;
  notification.close();
  const url = pickUrl((notification.data as { url?: unknown } | null)?.url, sw.registration.scope);
  event.waitUntil(
    sw.clients.matchAll({ type: 'window', includeUncontrolled: true }).then((open) => {
      const same = open.find((client) => client.url === url);
      return same ? same.focus() : sw.clients.openWindow(url);
    }),
  );
});

// The push service replaced the subscription (expiry, key rotation): subscribe again with the same
// key and tell the comune's server, which moves the subscriber with its topics to the new one.
sw.addEventListener('pushsubscriptionchange', (event) => {
  event.waitUntil(
    (async () => {
      const cache = await caches.open(STATE_CACHE);
      const stored = await cache.match(STATE_KEY);
      if (!stored) return;
      const state = (await stored.json()) as PushState;
      const previous = event.oldSubscription?.toJSON() ?? state.subscription;
      const fresh = await sw.registration.pushManager.subscribe({
        userVisibleOnly: true,
        applicationServerKey: state.key,
      });
      const subscription = fresh.toJSON();
      const response = await fetch(state.endpoint, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ subscription, previous }),
      });
      if (response.ok) await cache.put(STATE_KEY, Response.json({ ...state, subscription } satisfies PushState));
    })(),
  );
});
