import type { AnnouncementInput } from '../domain/announcement.js';
import type { AnnouncementSink } from '../broadcaster/types.js';
import { parseOrThrow } from '../errors.js';
import { systemClock } from '../util/clock.js';
import { createDocumentBuilder } from './feed-document.js';
import type { FeedAlert } from './feed-format.js';
import { feedOptionsSchema, type FeedOptions } from './feed-options.js';
import { createFeedState } from './feed-state.js';
import { createJsonHandler, type FeedContext } from './json-handler.js';
import { createStreamHub } from './stream-handler.js';

/** The public alert feed: an announcement sink plus its two HTTP handlers. */
export interface Feed extends AnnouncementSink {
  /** Adds or replaces an announcement; updates and cancels replace what they reference. @throws ConfigError when invalid. */
  upsert(announcement: AnnouncementInput): void;
  /** Takes an announcement out of the feed. */
  remove(announcementId: string): void;
  /** The JSON document (GET/HEAD, ETag + 304, CORS, `?preview`). */
  handler: (request: Request) => Promise<Response>;
  /** The live stream (Server-Sent Events: `snapshot`, `upsert`, `remove`). */
  streamHandler: (request: Request) => Promise<Response>;
  /** The alerts the public sees now, most severe first. */
  alerts(): FeedAlert[];
  /** Current feed revision. */
  revision(): number;
  /** Event-stream clients connected now. */
  liveClients(): number;
  /** Ends every event stream and stops all timers. */
  close(): void;
}

/**
 * Creates the comune's public alert feed. Give it to the broadcaster as `announcementSink` so
 * publishing, updating and cancelling keep it current; expired announcements leave by themselves.
 *
 * @param options - See {@link FeedOptions}.
 * @returns The feed.
 * @throws ConfigError naming the invalid option.
 * @example
 * ```ts
 * const feed = createFeed({ comune: { name: 'Jesi', istat: '042021' }, live: { sse: '/avvisi/stream' } });
 * const broadcaster = createBroadcaster({ store, channels, announcementSink: feed });
 * // mount feed.handler at /avvisi.json and feed.streamHandler at /avvisi/stream
 * ```
 */
export function createFeed(options: FeedOptions): Feed {
  const resolved = parseOrThrow('createFeed options', feedOptionsSchema, options);
  resolved.clock ??= systemClock;
  const state = createFeedState({ clock: resolved.clock, cancelledTtlMs: resolved.cancelledTtlMs });
  const context: FeedContext = { options: resolved, state, snapshot: createDocumentBuilder(resolved, state) };
  const hub = createStreamHub(context);
  return {
    upsert: (announcement) => state.upsert(announcement),
    remove: (id) => state.remove(id),
    handler: createJsonHandler(context),
    streamHandler: hub.handler,
    alerts: () => {
      state.sweep();
      return state.alerts(false);
    },
    revision: () => state.revision(),
    liveClients: () => hub.clients(),
    close: () => {
      hub.close();
      state.close();
    },
  };
}
