import type { ResolvedFeedOptions } from './feed-options.js';

/**
 * CORS headers for a public, credential-free resource. The feed is public data: no cookies are
 * ever allowed (`Access-Control-Allow-Credentials` is never sent), so `*` is the safe default.
 *
 * @param cors - The configured policy.
 * @param request - The incoming request (its `Origin` header is checked against a list).
 * @param preflight - Whether to add the preflight answer headers.
 * @returns Headers to merge into the response.
 */
export function corsHeaders(
  cors: ResolvedFeedOptions['cors'],
  request: Request,
  preflight = false,
): Record<string, string> {
  if (cors === false) return {};
  const headers: Record<string, string> = { 'access-control-expose-headers': 'etag' };
  if (cors === '*') {
    headers['access-control-allow-origin'] = '*';
  } else {
    // A list answers per origin, so shared caches must keep one copy per origin.
    headers.vary = 'origin';
    const origin = request.headers.get('origin');
    if (origin === null || !cors.some((allowed) => new URL(allowed).origin === origin)) return headers;
    headers['access-control-allow-origin'] = origin;
  }
  if (preflight) {
    headers['access-control-allow-methods'] = 'GET, HEAD, OPTIONS';
    headers['access-control-allow-headers'] = 'last-event-id, if-none-match, cache-control';
    headers['access-control-max-age'] = '86400';
  }
  return headers;
}
