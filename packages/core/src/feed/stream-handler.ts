import type { TimerHandle } from '../util/clock.js';
import { corsHeaders } from './cors.js';
import type { FeedChange } from './feed-state.js';
import { audienceOf, errorResponse, type FeedContext } from './json-handler.js';

/** The event-stream half of the feed. */
export interface StreamHub {
  handler: (request: Request) => Promise<Response>;
  /** Event-stream clients connected now. */
  clients(): number;
  /** Ends every stream and stops the heartbeat. */
  close(): void;
}

interface Client {
  controller: ReadableStreamDefaultController<Uint8Array>;
  preview: boolean;
}

interface HistoryEntry {
  revision: number;
  public: Uint8Array | null;
  preview: Uint8Array | null;
}

const encoder = new TextEncoder();
const HEARTBEAT = encoder.encode(': heartbeat\n\n');
// A client this many chunks behind is not reading: drop it rather than buffer for it forever.
const MAX_QUEUED_CHUNKS = 256;

/**
 * Creates the Server-Sent Events hub: one shared broadcast for every client (each event is
 * serialised once per audience, not once per client), one heartbeat timer for all of them, and
 * a bounded history so a client that reconnects with `Last-Event-ID` gets only what it missed.
 *
 * @param context - Options, state and snapshot builder.
 * @returns The hub with its handler.
 */
export function createStreamHub(context: FeedContext): StreamHub {
  const { options, state } = context;
  const clock = options.clock!;
  const clients = new Set<Client>();
  const history: HistoryEntry[] = [];
  let heartbeat: TimerHandle | undefined = undefined;
  let snapshotCache: { key: string; bytes: Uint8Array } | undefined;

  const idOf = (revision: number): string => `${state.epoch}-${revision}`;
  const frame = (event: string, revision: number, data: unknown): Uint8Array =>
    encoder.encode(`event: ${event}\nid: ${idOf(revision)}\ndata: ${JSON.stringify(data)}\n\n`);

  const send = (client: Client, bytes: Uint8Array): void => {
    const backlog = client.controller.desiredSize;
    if (backlog !== null && backlog < -MAX_QUEUED_CHUNKS) {
      drop(client);
      return;
    }
    client.controller.enqueue(bytes);
  };

  const drop = (client: Client): void => {
    if (!clients.delete(client)) return;
    try {
      client.controller.close();
    } catch {
      // Already closed or errored by the other side.
    }
    if (clients.size === 0) stopHeartbeat();
  };

  const beat = (): void => {
    heartbeat = clock.setTimeout(beat, options.heartbeatMs);
    for (const client of clients) send(client, HEARTBEAT);
  };
  const stopHeartbeat = (): void => {
    if (heartbeat !== undefined) clock.clearTimeout(heartbeat);
    heartbeat = undefined;
  };

  state.subscribe((change: FeedChange) => {
    const entry: HistoryEntry = { revision: change.revision, public: null, preview: null };
    if (change.kind === 'upsert') {
      entry.preview = frame('upsert', change.revision, change.alert);
      if (change.alert.status === 'Actual') entry.public = entry.preview;
      else if (change.wasPublic) entry.public = frame('remove', change.revision, { id: change.alert.id });
    } else {
      entry.preview = frame('remove', change.revision, { id: change.id });
      if (change.wasPublic) entry.public = entry.preview;
    }
    if (options.historySize > 0) {
      history.push(entry);
      if (history.length > options.historySize) history.shift();
    }
    for (const client of clients) {
      const bytes = client.preview ? entry.preview : entry.public;
      if (bytes) send(client, bytes);
    }
  });

  const snapshotBytes = (preview: boolean): Uint8Array => {
    const snapshot = context.snapshot(preview);
    const key = `${preview}-${snapshot.revision}`;
    if (snapshotCache?.key !== key) {
      snapshotCache = {
        key,
        bytes: encoder.encode(`event: snapshot\nid: ${idOf(snapshot.revision)}\ndata: ${snapshot.body}\n\n`),
      };
    }
    return snapshotCache.bytes;
  };

  /** The events a client that saw `lastEventId` still needs, or `undefined` when only a snapshot will do. */
  const missedSince = (lastEventId: string | null, preview: boolean): Uint8Array[] | undefined => {
    const match = lastEventId === null ? null : /^([0-9a-z]+)-(\d+)$/.exec(lastEventId.trim());
    if (!match || match[1] !== state.epoch) return undefined;
    const seen = Number(match[2]);
    const current = state.revision();
    if (seen > current) return undefined;
    if (seen === current) return [];
    const oldest = history[0]?.revision;
    if (oldest === undefined || seen < oldest - 1) return undefined;
    return history
      .filter((entry) => entry.revision > seen)
      .map((entry) => (preview ? entry.preview : entry.public))
      .filter((bytes): bytes is Uint8Array => bytes !== null);
  };

  const handler = async (request: Request): Promise<Response> => {
    const cors = corsHeaders(options.cors, request, request.method === 'OPTIONS');
    if (request.method === 'OPTIONS') return new Response(null, { status: 204, headers: cors });
    if (request.method !== 'GET') return errorResponse(405, 'method not allowed', { ...cors, allow: 'GET, OPTIONS' });
    const audience = await audienceOf(context, request);
    if (audience === 'forbidden') return errorResponse(403, 'preview is not allowed', cors);
    if (clients.size >= options.maxClients) {
      return errorResponse(503, 'too many live clients, poll the JSON feed', { ...cors, 'retry-after': '60' });
    }
    state.sweep();
    const preview = audience === 'preview';
    const url = new URL(request.url);
    // EventSource sends Last-Event-ID itself; a client that reopens a new EventSource passes it in the query.
    const lastEventId = request.headers.get('last-event-id') ?? url.searchParams.get('lastEventId');
    const missed = missedSince(lastEventId, preview);
    let client: Client | undefined;
    const body = new ReadableStream<Uint8Array>(
      {
        start(controller) {
          client = { controller, preview };
          controller.enqueue(encoder.encode(`retry: ${options.retryMs}\n\n`));
          if (missed === undefined) controller.enqueue(snapshotBytes(preview));
          else for (const bytes of missed) controller.enqueue(bytes);
          clients.add(client);
          if (heartbeat === undefined) heartbeat = clock.setTimeout(beat, options.heartbeatMs);
        },
        cancel() {
          if (client) drop(client);
        },
      },
      new CountQueuingStrategy({ highWaterMark: 1 }),
    );
    const leave = (): void => {
      if (client) drop(client);
    };
    if (request.signal.aborted) leave();
    else request.signal.addEventListener('abort', leave, { once: true });
    return new Response(body, {
      status: 200,
      headers: {
        ...cors,
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store, no-transform',
        'x-accel-buffering': 'no',
        'x-content-type-options': 'nosniff',
      },
    });
  };

  return {
    handler,
    clients: () => clients.size,
    close() {
      for (const client of [...clients]) drop(client);
      stopHeartbeat();
    },
  };
}
