import { FEED_VERSION, type FeedDocument } from './feed-format.js';
import type { ResolvedFeedOptions } from './feed-options.js';
import type { FeedState } from './feed-state.js';

/** A serialised feed document for one audience at one revision. */
export interface FeedSnapshot {
  revision: number;
  /** Strong ETag, quoted. */
  etag: string;
  /** The JSON text of the {@link FeedDocument}. */
  body: string;
}

/**
 * Builds feed documents, serialising each audience (public, preview) once per revision: a
 * thousand polls of an unchanged feed cost a thousand cache hits, not a thousand `JSON.stringify`.
 *
 * @param options - Resolved feed options (comune, topics, channels, live URLs, ttl).
 * @param state - The feed state.
 * @returns A function returning the current snapshot for an audience.
 */
export function createDocumentBuilder(
  options: ResolvedFeedOptions,
  state: FeedState,
): (preview: boolean) => FeedSnapshot {
  const cache = new Map<boolean, FeedSnapshot>();
  const clock = options.clock!;
  // zod leaves absent optional keys out (it never writes `undefined`), so these casts are exact.
  const comune = options.comune as FeedDocument['comune'];
  const live = options.live as FeedDocument['live'];
  const channels = options.channels as FeedDocument['channels'];
  return (preview) => {
    const revision = state.revision();
    const cached = cache.get(preview);
    if (cached?.revision === revision) return cached;
    const document: FeedDocument = {
      version: FEED_VERSION,
      comune,
      generatedAt: new Date(clock.now()).toISOString(),
      revision,
      ttl: options.maxAgeSeconds,
      live,
      topics: options.topics,
      channels,
      alerts: state.alerts(preview),
    };
    const snapshot: FeedSnapshot = {
      revision,
      etag: `"${state.epoch}-${revision}${preview ? '-preview' : ''}"`,
      body: JSON.stringify(document),
    };
    cache.set(preview, snapshot);
    return snapshot;
  };
}
