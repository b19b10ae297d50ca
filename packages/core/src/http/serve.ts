import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { parseOrThrow } from '../errors.js';
import { toNodeListener, type FetchHandler } from './node-adapter.js';

const serveOptionsSchema = z.object({
  port: z.number().int().min(0).max(65_535).default(0),
  host: z.string().min(1).default('127.0.0.1'),
  origin: z.url({ protocol: /^https?$/ }).optional(),
});

/** Options of {@link serve}. */
export interface ServeOptions {
  /** TCP port; `0` picks a free one. @defaultValue 0 */
  port?: number;
  /** Interface to listen on. @defaultValue `"127.0.0.1"` (loopback only) */
  host?: string;
  /** Public origin used to build `request.url` (see {@link NodeListenerOptions.origin}). */
  origin?: string;
}

/** A running server started by {@link serve}. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  readonly url: string;
  /** The port actually bound. */
  readonly port: number;
  /** Stops listening and ends every open connection, including event streams. */
  close(): Promise<void>;
}

/**
 * Serves a Fetch API handler on `node:http`: the smallest way to run the feed, webhooks or the
 * demo without a framework.
 *
 * @param handler - The Fetch API handler.
 * @param options - See {@link ServeOptions}.
 * @returns The running server once it listens.
 * @throws ConfigError when an option is invalid.
 * @example
 * ```ts
 * const server = await serve(feed.handler, { port: 8080 });
 * // server.url is e.g. http://127.0.0.1:8080
 * await server.close();
 * ```
 */
export async function serve(handler: FetchHandler, options: ServeOptions = {}): Promise<RunningServer> {
  const { port, host, origin } = parseOrThrow('serve options', serveOptionsSchema, options);
  const server = createServer(toNodeListener(handler, origin === undefined ? {} : { origin }));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const hostForUrl = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${hostForUrl}:${address.port}`,
    port: address.port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Event streams never end by themselves: without this, close() would wait for every client.
        server.closeAllConnections();
      }),
  };
}
