import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { SITE_CSS } from './site-styles.js';
import { sitePage } from './site-page.js';

/**
 * Options of {@link createSiteHandler}.
 *
 * - `feedPath` / `streamPath` (required): where the caller mounts `feed.handler` and
 *   `feed.streamHandler` of the same origin, e.g. `'/avvisi.json'` and `'/avvisi/stream'`.
 *   The page only points the widget at them; this handler does not serve them.
 * - `comuneName`: shown in the page header (the widget takes its title from the feed). Default `'Jesi'`.
 * - `widgetDir`: folder of the widget's built browser files. Default: `dist/browser` of the
 *   installed `@banditore/web-widget`.
 *
 * The handler answers `GET /` (the home page), `/site.css` and `/widget/<file>.js`, and `404`
 * to anything else, so the caller routes the feed paths first and everything else here.
 */
export interface SiteOptions {
  feedPath: string;
  streamPath: string;
  comuneName?: string;
  widgetDir?: string;
  /**
   * Browser push: the VAPID public key and where the caller mounts the push subscription handler;
   * the page then offers "Ricevi notifiche su questo dispositivo" and this handler serves the
   * service worker at `/widget/banditore-sw.js`. Default: no push button.
   */
  push?: { key: string; endpoint: string };
}

const WIDGET_FILES = new Set([
  'banditore-alerts.js',
  'banditore-alerts.live.js',
  'banditore-alerts.panel.js',
  'banditore-alerts.contrast.js',
  'banditore-alerts.push.js',
  'banditore-sw.js',
]);

function defaultWidgetDir(): string {
  const manifest = createRequire(import.meta.url).resolve('@banditore/web-widget/package.json');
  return join(dirname(manifest), 'dist', 'browser');
}

/**
 * Creates the demo comune's website: a home page in the Italian PA style with `<banditore-alerts>`
 * on it, served under a strict Content-Security-Policy (no inline script or style), plus the
 * widget's script files. Mount it next to the feed handlers:
 *
 * @example
 * ```ts
 * const site = createSiteHandler({ feedPath: '/avvisi.json', streamPath: '/avvisi/stream' });
 * await serve((request) => {
 *   const { pathname } = new URL(request.url);
 *   if (pathname === '/avvisi.json') return feed.handler(request);
 *   if (pathname === '/avvisi/stream') return feed.streamHandler(request);
 *   return site(request);
 * }, { port: 3000 });
 * ```
 * @param options - See {@link SiteOptions}.
 * @returns A Fetch API handler.
 */
export function createSiteHandler(options: SiteOptions): (request: Request) => Promise<Response> {
  const widgetDir = options.widgetDir ?? defaultWidgetDir();
  const html = sitePage({
    comuneName: options.comuneName ?? 'Jesi',
    feedUrl: options.feedPath,
    streamUrl: options.streamPath,
    scriptUrl: '/widget/banditore-alerts.js',
    cssUrl: '/site.css',
    ...(options.push ? { push: { ...options.push, worker: '/widget/banditore-sw.js' } } : {}),
  });
  const csp =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'";
  return async (request) => {
    if (request.method !== 'GET' && request.method !== 'HEAD')
      return new Response('Method not allowed', { status: 405 });
    const { pathname } = new URL(request.url);
    if (pathname === '/' || pathname === '/index.html') {
      return new Response(html, {
        headers: {
          'content-type': 'text/html; charset=utf-8',
          'content-security-policy': csp,
          'cache-control': 'no-cache',
        },
      });
    }
    // No icon, but no error in the console either.
    if (pathname === '/favicon.ico') return new Response(null, { status: 204 });
    if (pathname === '/site.css')
      return new Response(SITE_CSS, { headers: { 'content-type': 'text/css; charset=utf-8' } });
    const file = pathname.startsWith('/widget/') ? pathname.slice('/widget/'.length) : '';
    if (WIDGET_FILES.has(file)) {
      try {
        return new Response(await readFile(join(widgetDir, file)), {
          headers: { 'content-type': 'text/javascript; charset=utf-8', 'cache-control': 'no-cache' },
        });
      } catch {
        return new Response('Widget not built: run npm run build', { status: 500 });
      }
    }
    return new Response('Not found', { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' } });
  };
}
