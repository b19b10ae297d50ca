import { corsHeaders } from './cors.js';
import type { FeedSnapshot } from './feed-document.js';
import type { ResolvedFeedOptions } from './feed-options.js';
import type { FeedState } from './feed-state.js';

/** What the JSON and stream handlers share. */
export interface FeedContext {
  options: ResolvedFeedOptions;
  state: FeedState;
  snapshot: (preview: boolean) => FeedSnapshot;
}

/**
 * Tells whether the request asks for preview (`?preview`) and whether that is allowed.
 *
 * @returns `'public'`, `'preview'`, or `'forbidden'` when preview was asked but not allowed.
 */
export async function audienceOf(context: FeedContext, request: Request): Promise<'public' | 'preview' | 'forbidden'> {
  if (!new URL(request.url).searchParams.has('preview')) return 'public';
  const { preview } = context.options;
  const allowed = typeof preview === 'function' ? await preview(request) : preview;
  return allowed ? 'preview' : 'forbidden';
}

/** A small JSON error body; never echoes request data. */
export function errorResponse(status: number, message: string, headers: Record<string, string>): Response {
  return new Response(JSON.stringify({ error: message }), {
    status,
    headers: { ...headers, 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' },
  });
}

function etagMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * Creates the handler of the JSON feed document: `GET`/`HEAD` with ETag and `304`, CORS
 * preflight on `OPTIONS`, `403` for a preview nobody allowed.
 *
 * @param context - Options, state and snapshot builder.
 * @returns A Fetch API handler.
 */
export function createJsonHandler(context: FeedContext): (request: Request) => Promise<Response> {
  const { options, state } = context;
  return async (request) => {
    const cors = corsHeaders(options.cors, request, request.method === 'OPTIONS');
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      return errorResponse(405, 'method not allowed', { ...cors, allow: 'GET, HEAD, OPTIONS' });
    }
    const audience = await audienceOf(context, request);
    if (audience === 'forbidden') return errorResponse(403, 'preview is not allowed', cors);
    state.sweep();
    const snapshot = context.snapshot(audience === 'preview');
    const headers: Record<string, string> = {
      ...cors,
      etag: snapshot.etag,
      // Preview documents may hold unpublished exercises: keep them out of every shared cache.
      'cache-control':
        audience === 'preview'
          ? 'private, no-store'
          : `public, max-age=${options.maxAgeSeconds}, stale-while-revalidate=${options.staleWhileRevalidateSeconds}`,
      'x-content-type-options': 'nosniff',
    };
    if (etagMatches(request.headers.get('if-none-match'), snapshot.etag)) {
      return new Response(null, { status: 304, headers });
    }
    headers['content-type'] = 'application/json; charset=utf-8';
    return new Response(request.method === 'HEAD' ? null : snapshot.body, { status: 200, headers });
  };
}
