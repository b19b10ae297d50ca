import { createHash } from 'node:crypto';
import { systemClock, type Clock, type Feed, type FeedDocument } from '@banditore/core';
import { parseOrThrow } from '@banditore/core/authoring';
import { z } from 'zod';
import { announcementToCap } from './announcement-to-cap.js';
import { toAtom, type AtomEntry } from './atom.js';
import { formatCapDateTime, toCapDateTime } from './cap-dates.js';
import { isCapValidationError } from './cap-error.js';
import type { CapAlert, CapArea, CapReference } from './cap-types.js';
import { feedAlertToAnnouncement } from './feed-alert.js';
import { toCapXml } from './write-cap.js';

/** Options of {@link createCapFeed}. */
export interface CapFeedOptions {
  /** The core feed whose alerts are published (its JSON handler decides ETag, caching, CORS and preview). */
  feed: Feed;
  /** CAP `sender` of the comune's messages, e.g. `protezione.civile@comune.jesi.an.it`. No spaces or commas. */
  sender: string;
  /** Path the handler is mounted at: the Atom index is `basePath`, each CAP document `basePath/<identifier>.xml`. @defaultValue `'/avvisi/cap'` */
  basePath?: string;
  /** Area of alerts that have no area description, e.g. the comune with its ISTAT geocode. @defaultValue the comune's name from the feed */
  area?: CapArea;
  /** Title of the Atom index. @defaultValue `Avvisi del Comune di <name>` */
  title?: string;
  /** Time of first sight, used as `sent` for alerts published without one. @defaultValue the system clock */
  clock?: Pick<Clock, 'now'>;
  /** Told when an alert cannot be written as valid CAP and is left out of the CAP feed (ids and element paths only). */
  onEvent?: (event: CapFeedEvent) => void;
}

/** What the CAP feed tells `onEvent`. */
export interface CapFeedEvent {
  type: 'cap.skipped';
  /** The announcement id. */
  id: string;
  /** The element paths that broke a CAP rule, e.g. `alert/info[0]/expires`. */
  paths: string[];
}

/** The CAP publication of a feed: an Atom index and one CAP 1.2 document per active alert. */
export interface CapFeed {
  /** Fetch API handler for `GET`/`HEAD`/`OPTIONS` of `basePath` (Atom) and `basePath/<identifier>.xml` (CAP). */
  handler: (request: Request) => Promise<Response>;
}

const optionsSchema = z.object({
  feed: z.custom<Feed>(
    (value) => typeof value === 'object' && value !== null && 'handler' in value,
    'must be a Feed from createFeed',
  ),
  sender: z.string().regex(/^[^\s,<&]+$/, 'must be a CAP sender id: no spaces, commas, "<" or "&"'),
  basePath: z
    .string()
    .regex(/^\/[A-Za-z0-9._~/-]*[^/]$|^\/$/, 'must be an absolute path without a trailing slash, e.g. "/avvisi/cap"')
    .default('/avvisi/cap'),
  area: z.custom<CapArea>((value) => typeof value === 'object' && value !== null && 'areaDesc' in value).optional(),
  title: z.string().trim().min(1).max(200).optional(),
  clock: z
    .custom<Pick<Clock, 'now'>>((value) => typeof value === 'object' && value !== null && 'now' in value)
    .optional(),
  onEvent: z
    .custom<(event: CapFeedEvent) => void>((value) => typeof value === 'function', 'must be a function')
    .optional(),
});

interface Rendered {
  atom: Body;
  documents: Map<string, Body>;
}

interface Body {
  text: string;
  etag: string;
}

const MAX_REMEMBERED = 10_000;
const MAX_PER_ID = 20;

const body = (text: string): Body => ({
  text,
  etag: `"${createHash('sha256').update(text).digest('base64url').slice(0, 27)}"`,
});

function etagMatches(header: string | null, etag: string): boolean {
  if (header === null) return false;
  if (header.trim() === '*') return true;
  return header.split(',').some((candidate) => candidate.trim().replace(/^W\//, '') === etag);
}

/**
 * Publishes the core feed's alerts as CAP 1.2: an Atom index (what aggregators and other
 * public-alert systems poll) and one CAP document per alert. It reads the feed through its own
 * JSON handler, so caching, `ETag`/`304`, CORS and `?preview` follow exactly the same rules;
 * each representation has its own strong ETag.
 *
 * Exercises and tests appear only in preview (as in the JSON feed), with `status` `Exercise` or
 * `Test`, a note, and `[ESERCITAZIONE]`/`[PROVA]` in the Atom title.
 *
 * @param options - See {@link CapFeedOptions}.
 * @returns The handler.
 * @throws ConfigError naming the invalid option.
 * @example
 * ```ts
 * const cap = createCapFeed({ feed, sender: 'protezione.civile@comune.jesi.an.it', basePath: '/avvisi/cap' });
 * // mount cap.handler at /avvisi/cap and /avvisi/cap/*
 * ```
 */
export function createCapFeed(options: CapFeedOptions): CapFeed {
  const resolved = parseOrThrow('createCapFeed options', optionsSchema, options);
  const { feed, sender, basePath } = resolved;
  const clock = resolved.clock ?? systemClock;
  const firstSeen = new Map<string, string>();
  // Every CAP message served for an announcement id, oldest first (a few per id at most).
  const published = new Map<string, CapReference[]>();
  const cache = new Map<string, Rendered>();

  const remember = <V>(map: Map<string, V>, key: string, value: V): void => {
    if (map.has(key)) return;
    if (map.size >= MAX_REMEMBERED) map.delete(map.keys().next().value!);
    map.set(key, value);
  };

  const record = (id: string, reference: CapReference): void => {
    const list = published.get(id) ?? [];
    if (list.some((known) => known.identifier === reference.identifier)) return;
    if (!published.has(id) && published.size >= MAX_REMEMBERED) published.delete(published.keys().next().value!);
    published.set(id, [...list, reference].slice(-MAX_PER_ID));
  };

  const render = (document: FeedDocument, origin: string, query: string): Rendered => {
    const entries: AtomEntry[] = [];
    const documents = new Map<string, Body>();
    for (const alert of document.alerts) {
      const input = feedAlertToAnnouncement(alert);
      const sent = alert.sent ?? firstSeen.get(`${alert.id}#${alert.revision}`) ?? formatCapDateTime(clock.now());
      remember(firstSeen, `${alert.id}#${alert.revision}`, sent);
      let cap: CapAlert;
      let xml: string;
      try {
        cap = announcementToCap(
          { ...input, sent: input.sent ?? sent },
          {
            sender,
            area: resolved.area ?? {
              areaDesc: `Comune di ${document.comune.name}`,
              polygon: [],
              circle: [],
              geocode: [],
            },
            // A reference names the earlier CAP messages. When this feed never served one (published
            // before it started), the best it can say is the identifier, with this message's time.
            references: (id) =>
              published.get(id) ?? { sender, identifier: id, sent: toCapDateTime(input.sent ?? sent) },
          },
        );
        const earlier = (published.get(alert.id) ?? []).filter((reference) => reference.identifier !== cap.identifier);
        // A later revision of an alert is a new CAP message (a new identifier) that updates the earlier ones.
        if (cap.msgType === 'Alert' && earlier.length > 0) cap = { ...cap, msgType: 'Update', references: earlier };
        xml = toCapXml(cap);
      } catch (error) {
        // One announcement CAP cannot express (sent after it expires, say) must not take the
        // whole index down: it stays out of the CAP feed, and the application is told.
        if (!isCapValidationError(error)) throw error;
        resolved.onEvent?.({ type: 'cap.skipped', id: alert.id, paths: error.issues.map((issue) => issue.path) });
        continue;
      }
      record(alert.id, { sender: cap.sender, identifier: cap.identifier, sent: cap.sent });
      const path = `${basePath === '/' ? '' : basePath}/${encodeURIComponent(cap.identifier)}.xml`;
      entries.push({ cap, url: `${origin}${path}${query}` });
      documents.set(path, body(xml));
    }
    const self = `${origin}${basePath}`;
    const atom = toAtom(
      {
        self,
        title: resolved.title ?? `Avvisi del Comune di ${document.comune.name}`,
        author: `Comune di ${document.comune.name}`,
        updated: document.generatedAt,
      },
      entries,
    );
    return { atom: body(atom), documents };
  };

  const handler = async (request: Request): Promise<Response> => {
    const url = new URL(request.url);
    const headers = new Headers();
    for (const name of ['origin', 'access-control-request-method', 'access-control-request-headers']) {
      const value = request.headers.get(name);
      if (value !== null) headers.set(name, value);
    }
    const method = request.method === 'HEAD' ? 'GET' : request.method;
    const json = await feed.handler(new Request(url, { method, headers, signal: request.signal }));
    if (request.method === 'OPTIONS' || json.status !== 200) return json;
    const jsonEtag = json.headers.get('etag') ?? '';
    const key = `${jsonEtag} ${url.origin}`;
    let rendered = cache.get(key);
    if (!rendered) {
      // Preview links keep `?preview`, so that staff following them see the exercise too.
      rendered = render(
        (await json.json()) as FeedDocument,
        url.origin,
        url.searchParams.has('preview') ? '?preview' : '',
      );
      // One entry per audience and origin in use (public, preview): older revisions go.
      if (cache.size >= 4) cache.delete(cache.keys().next().value!);
      cache.set(key, rendered);
    } else {
      await json.body?.cancel();
    }
    const path = url.pathname.replace(/\/$/, '') || '/';
    const isIndex = path === (basePath === '/' ? '/' : basePath) || path === `${basePath}/index.atom`;
    const found = isIndex ? rendered.atom : rendered.documents.get(path);
    const out = new Headers(json.headers);
    out.delete('content-length');
    if (!found) {
      out.set('content-type', 'application/json; charset=utf-8');
      out.set('cache-control', 'no-store');
      out.delete('etag');
      return new Response(JSON.stringify({ error: 'no such alert' }), { status: 404, headers: out });
    }
    out.set('etag', found.etag);
    if (etagMatches(request.headers.get('if-none-match'), found.etag)) {
      out.delete('content-type');
      return new Response(null, { status: 304, headers: out });
    }
    out.set('content-type', isIndex ? 'application/atom+xml; charset=utf-8' : 'application/cap+xml; charset=utf-8');
    return new Response(request.method === 'HEAD' ? null : found.text, { status: 200, headers: out });
  };

  return { handler };
}
