import { backoffMs } from './model.js';

/** Connection state, as the `banditore-status` event and the `status` property report it. */
export type LiveStatus = 'connecting' | 'live' | 'polling' | 'stale' | 'error' | 'paused' | 'idle';

/** What the connection needs from the element. */
export interface LiveOptions {
  feedUrl: string;
  /** Event-stream URL from the `stream` attribute; otherwise taken from the feed's `live.sse`. */
  streamUrl: string | undefined;
  mode: 'auto' | 'sse' | 'poll' | 'off';
  pollMs: number;
  preview: boolean;
  onDocument: (document: unknown) => { sse?: string } | undefined;
  onUpsert: (alert: unknown) => void;
  onRemove: (id: string) => void;
  /** `error` means "failed, retrying in `retryInMs`"; the element shows it as `stale` when it has data. */
  onStatus: (status: LiveStatus, retryInMs?: number) => void;
}

/** A running connection. */
export interface Live {
  refresh(): Promise<void>;
  stop(): void;
}

// Tab switches shorter than this keep the stream; longer ones free the server's connection.
const HIDDEN_GRACE_MS = 5000;
// After this many stream failures in a row while the JSON still loads, SSE is blocked somewhere
// (a proxy, a CDN): poll instead for the rest of the visit.
const SSE_FAILURES_BEFORE_POLLING = 3;

const withParam = (url: string, name: string, value: string): string => {
  const parsed = new URL(url, document.baseURI);
  parsed.searchParams.set(name, value);
  return parsed.href;
};

/**
 * Keeps the widget's data current: an EventSource while the page is visible, with reconnect and
 * back-off (2 s → 120 s, jittered) resuming from the last event id; JSON polling when there is no
 * stream or it keeps failing; nothing at all while the tab is hidden. Requests never carry
 * credentials.
 *
 * @param options - URLs, mode and callbacks.
 * @returns Controls to refresh now and to stop everything.
 */
export function startLive(options: LiveOptions): Live {
  let source: EventSource | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let hiddenTimer: ReturnType<typeof setTimeout> | undefined;
  let streamUrl = options.streamUrl;
  let lastEventId: string | undefined;
  let failures = 0;
  let sseFailures = 0;
  let usePolling = options.mode === 'poll';
  let paused = false;
  let stopped = false;
  const feedUrl = options.preview ? withParam(options.feedUrl, 'preview', '') : options.feedUrl;

  const clear = (): void => {
    clearTimeout(timer);
    timer = undefined;
    source?.close();
    source = undefined;
  };

  const retryLater = (): void => {
    clear();
    const wait = backoffMs(failures++);
    options.onStatus('error', wait);
    timer = setTimeout(() => void connect(), wait);
  };

  const poll = async (): Promise<boolean> => {
    try {
      const response = await fetch(feedUrl, { cache: 'no-cache', credentials: 'omit', mode: 'cors' });
      if (!response.ok) throw new Error(String(response.status));
      const live = options.onDocument(await response.json());
      if (live?.sse && !streamUrl) streamUrl = new URL(live.sse, new URL(options.feedUrl, document.baseURI)).href;
      return true;
    } catch {
      return false;
    }
  };

  const openStream = (url: string): void => {
    const target = lastEventId ? withParam(url, 'lastEventId', lastEventId) : url;
    const es = new EventSource(options.preview ? withParam(target, 'preview', '') : target);
    source = es;
    const on = (type: string, handle: (data: unknown) => void): void =>
      es.addEventListener(type, (event) => {
        const message = event as MessageEvent<string>;
        if (message.lastEventId) lastEventId = message.lastEventId;
        try {
          if (source === es) handle(JSON.parse(message.data));
        } catch {
          // A malformed event is skipped; the next snapshot puts things right.
        }
      });
    es.onopen = () => {
      failures = 0;
      sseFailures = 0;
      options.onStatus('live');
    };
    on('snapshot', options.onDocument);
    on('upsert', options.onUpsert);
    on('remove', (data) => options.onRemove(String((data as { id: unknown }).id)));
    es.onerror = () => {
      if (source !== es) return;
      // The browser would retry on its own, but without our back-off; take over.
      if (++sseFailures >= SSE_FAILURES_BEFORE_POLLING && options.mode !== 'sse') usePolling = true;
      retryLater();
    };
  };

  const connect = async (): Promise<void> => {
    clear();
    if (stopped || paused) return;
    const sse = options.mode !== 'poll' && options.mode !== 'off' && typeof EventSource === 'function';
    if (sse && !usePolling && streamUrl && failures === 0) {
      openStream(streamUrl);
      return;
    }
    const ok = await poll();
    if (stopped || paused) return;
    if (!ok) return retryLater();
    failures = 0;
    if (sse && !usePolling && streamUrl) return openStream(streamUrl);
    if (options.mode === 'off') return options.onStatus('idle');
    options.onStatus('polling', options.pollMs);
    timer = setTimeout(() => void connect(), options.pollMs);
  };

  const pause = (): void => {
    if (paused || stopped) return;
    paused = true;
    clear();
    options.onStatus('paused');
  };
  const resume = (): void => {
    clearTimeout(hiddenTimer);
    if (!paused || stopped) return;
    paused = false;
    options.onStatus('connecting');
    void connect();
  };
  const onVisibility = (): void => {
    if (document.visibilityState === 'hidden') hiddenTimer = setTimeout(pause, HIDDEN_GRACE_MS);
    else resume();
  };
  // pagehide closes at once so the page stays eligible for the back/forward cache.
  window.addEventListener('pagehide', pause);
  window.addEventListener('pageshow', resume);
  document.addEventListener('visibilitychange', onVisibility);

  options.onStatus('connecting');
  void connect();

  return {
    refresh: async () => {
      if (!(await poll())) retryLater();
    },
    stop: () => {
      stopped = true;
      clear();
      clearTimeout(hiddenTimer);
      window.removeEventListener('pagehide', pause);
      window.removeEventListener('pageshow', resume);
      document.removeEventListener('visibilitychange', onVisibility);
    },
  };
}
