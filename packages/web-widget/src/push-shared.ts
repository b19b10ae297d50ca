/** Cache Storage name where the page keeps what `pushsubscriptionchange` needs. */
export const STATE_CACHE = 'banditore-push';
/** The key of the state inside {@link STATE_CACHE} (any URL-looking string works). */
export const STATE_KEY = '/banditore-push/state';

/** What the page stores after subscribing, for the service worker's re-subscription. */
export interface PushState {
  /** The subscription handler URL. */
  endpoint: string;
  /** The VAPID public key (base64url). */
  key: string;
  /** The last subscription, as `toJSON()` gives it. */
  subscription: PushSubscriptionJSON;
}

/**
 * Notification title and options for a push payload: emergencies (extreme, severe) keep the
 * notification until the citizen acts and alert again when an update replaces one; no
 * notification is silent; the tag makes an update replace its alert.
 *
 * @param payload - The decrypted JSON.
 * @param origin - The service worker's origin (for the fallback title).
 * @returns What `showNotification` takes.
 */
export function notificationFor(
  payload: unknown,
  origin: string,
): { title: string; options: NotificationOptions & Record<string, unknown> } {
  const data = (typeof payload === 'object' && payload !== null ? payload : {}) as Record<string, unknown>;
  const text = (value: unknown, max: number): string => (typeof value === 'string' ? value.slice(0, max) : '');
  const emergency = data.severity === 'extreme' || data.severity === 'severe';
  const tag = text(data.tag, 200);
  return {
    title: text(data.title, 200) || new URL(origin).hostname,
    options: {
      body: text(data.body, 4000),
      lang: text(data.lang, 35),
      requireInteraction: emergency,
      silent: false,
      ...(tag ? { tag, renotify: emergency } : {}),
      data: { url: text(data.url, 2048), severity: text(data.severity, 20) },
    },
  };
}

/**
 * The page a click opens: the announcement's `https:` link, else the scope's site root.
 *
 * @param url - The payload's `url`.
 * @param scope - The registration scope.
 * @returns An absolute URL.
 */
export function pickUrl(url: unknown, scope: string): string {
  if (typeof url === 'string') {
    try {
      const parsed = new URL(url);
      if (parsed.protocol === 'https:' || parsed.origin === new URL(scope).origin) return parsed.href;
    } catch {
      // not a URL: fall back
    }
  }
  return new URL('/', scope).href;
}
