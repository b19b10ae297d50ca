import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { createFeed, serve, type Feed, type FeedOptions, type RunningServer } from '@banditore/core';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/** A local server for the browser tests: host pages, the built bundle files and real feeds. */
export interface FixtureServer {
  readonly url: string;
  readonly port: number;
  /** Paths requested so far, in order (query strings included). */
  readonly requests: string[];
  /** Creates (or returns) a real feed mounted at `/feeds/<name>.json` and `/feeds/<name>/stream`. */
  feed(name: string, options?: Partial<FeedOptions>): Feed;
  /** Serves `html` at a fresh path with extra response headers; returns its absolute URL. */
  page(html: string, headers?: Record<string, string>): string;
  /** Answers requests to `path` with `handler` (e.g. the push subscription endpoint). */
  route(path: string, handler: (request: Request) => Promise<Response>): void;
  close(): Promise<void>;
}

/** Default feed options: a comune with topics and every subscription channel. */
export const FEED_DEFAULTS: Partial<FeedOptions> = {
  comune: { name: 'Prova', istat: '042099' },
  topics: [
    { id: 'meteo', label: { it: 'Meteo', en: 'Weather' } },
    { id: 'viabilita', label: { it: 'Viabilità', en: 'Traffic' } },
    { id: 'protezione-civile', label: { it: 'Protezione civile', en: 'Civil protection' } },
  ],
  channels: {
    telegram: { bot: 'ProvaAvvisiBot', channel: 'ProvaAvvisi' },
    whatsapp: { number: '390731000000', optinKeyword: 'AVVISI' },
    page: 'https://www.comune.example/ricevi-gli-avvisi',
  },
  retryMs: 1000,
};

/**
 * Starts a fixture server on port 0 (or on `port`, to come back after a simulated outage).
 *
 * @param port - Port to bind.
 * @param feeds - Feeds to mount (shared across a restart).
 */
export async function startServer(port = 0, feeds = new Map<string, Feed>()): Promise<FixtureServer> {
  const pages = new Map<string, { html: string; headers: Record<string, string> }>();
  const requests: string[] = [];
  const routes = new Map<string, (request: Request) => Promise<Response>>();
  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    requests.push(url.pathname + url.search);
    const route = routes.get(url.pathname);
    if (route) return route(request);
    const feedMatch = /^\/feeds\/([a-z0-9-]+)(\.json|\/stream)$/.exec(url.pathname);
    if (feedMatch) {
      const feed = feeds.get(feedMatch[1]!);
      if (!feed) return new Response('no such feed', { status: 404 });
      return feedMatch[2] === '.json' ? feed.handler(request) : feed.streamHandler(request);
    }
    // /bundle/* is the script-tag build, /esm/* the npm build (ES modules with split chunks).
    const files = /^\/(bundle|esm)\/([A-Za-z0-9.-]+\.js)$/.exec(url.pathname);
    if (files) {
      try {
        return new Response(await readFile(DIST + (files[1] === 'bundle' ? 'browser/' : '') + files[2]), {
          headers: { 'content-type': 'text/javascript; charset=utf-8' },
        });
      } catch {
        return new Response('not found', { status: 404 });
      }
    }
    if (url.pathname === '/favicon.ico') return new Response(null, { status: 204 });
    const page = pages.get(url.pathname);
    if (page)
      return new Response(page.html, { headers: { 'content-type': 'text/html; charset=utf-8', ...page.headers } });
    return new Response('not found', { status: 404 });
  };
  const running: RunningServer = await serve(handler, { port });
  return {
    url: running.url,
    port: running.port,
    requests,
    feed(name, options = {}) {
      let feed = feeds.get(name);
      if (!feed) {
        feed = createFeed({ ...FEED_DEFAULTS, live: { sse: `/feeds/${name}/stream` }, ...options } as FeedOptions);
        feeds.set(name, feed);
      }
      return feed;
    },
    route(path, routeHandler) {
      routes.set(path, routeHandler);
    },
    page(html, headers = {}) {
      const path = `/p/${pages.size + 1}`;
      pages.set(path, { html, headers });
      return running.url + path;
    },
    close: () => running.close(),
  };
}

/** Options of {@link hostPage}. */
export interface HostPageOptions {
  /** Attributes of `<banditore-alerts>`, unescaped values (tests control them). */
  attrs: Record<string, string | true>;
  lang?: string;
  head?: string;
  /** Light-DOM children of the element. */
  inner?: string;
  after?: string;
  /** Script URL; set to `null` to leave the script out. */
  script?: string | null;
}

/** A minimal comune page with the widget before the `h1`, as the guide recommends. */
export function hostPage(options: HostPageOptions): string {
  const attrs = Object.entries(options.attrs)
    .map(([name, value]) => (value === true ? name : `${name}="${value.replace(/"/g, '&quot;')}"`))
    .join(' ');
  const script = options.script === undefined ? '/bundle/banditore-alerts.js' : options.script;
  return `<!doctype html>
<html lang="${options.lang ?? 'it'}">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>Comune di Prova</title>${options.head ?? ''}</head>
<body>
<header><p>Comune di Prova</p><button type="button" id="host-button">Menu</button></header>
<main>
<banditore-alerts ${attrs}>${options.inner ?? '<a href="https://www.comune.example/avvisi">Tutti gli avvisi</a>'}</banditore-alerts>
<h1>Benvenuti nel sito del Comune di Prova</h1>
<p id="host-text">Servizi, notizie ed eventi.</p>
${options.after ?? ''}
</main>
${script ? `<script src="${script}"></script>` : ''}
</body>
</html>`;
}
