import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import { Readable } from 'node:stream';

/** A Fetch API handler: what every Banditore HTTP entry point is. */
export type FetchHandler = (request: Request) => Response | Promise<Response>;

/** Options of {@link toNodeListener}. */
export interface NodeListenerOptions {
  /**
   * Origin used to build `request.url` (scheme, host and port), e.g. `"https://avvisi.comune.example"`.
   * Set it behind a proxy, where the `Host` header is not the public one.
   * @defaultValue `http://` + the request's `Host` header (or `localhost`)
   */
  origin?: string;
}

// A Host header is only trusted when it looks like one; anything else could smuggle a path into the URL.
const HOST_PATTERN = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Turns a Fetch API handler into a `node:http` request listener.
 *
 * The Request's `signal` aborts when the client goes away, so long-lived responses (Server-Sent
 * Events) stop at once; response bodies are streamed chunk by chunk with backpressure, never
 * buffered. A handler that throws gets a bare `500` (its message is not sent to the client).
 *
 * @param handler - The Fetch API handler.
 * @param options - See {@link NodeListenerOptions}.
 * @returns A listener for `http.createServer()`.
 * @example
 * ```ts
 * http.createServer(toNodeListener(feed.handler)).listen(8080);
 * ```
 */
export function toNodeListener(handler: FetchHandler, options: NodeListenerOptions = {}): RequestListener {
  return (req, res) => {
    void handle(handler, options, req, res);
  };
}

async function handle(
  handler: FetchHandler,
  options: NodeListenerOptions,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const controller = new AbortController();
  // 'close' fires on the response both after a normal end and when the client disconnects early.
  res.on('close', () => {
    if (!res.writableFinished) controller.abort(new Error('client disconnected'));
  });
  let request: Request;
  try {
    request = toRequest(req, options, controller.signal);
  } catch {
    res.writeHead(400, { 'content-type': 'text/plain; charset=utf-8' }).end('Bad request');
    return;
  }
  let response: Response;
  try {
    response = await handler(request);
  } catch {
    if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain; charset=utf-8' });
    res.end('Internal server error');
    return;
  }
  await writeResponse(response, res, controller.signal);
}

function toRequest(req: IncomingMessage, options: NodeListenerOptions, signal: AbortSignal): Request {
  const hostHeader = req.headers.host ?? '';
  const origin = options.origin ?? `http://${HOST_PATTERN.test(hostHeader) ? hostHeader : 'localhost'}`;
  const url = new URL(req.url ?? '/', origin);
  if (url.origin !== new URL(origin).origin) throw new Error('request target changes the origin');
  const headers = new Headers();
  for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
  const method = req.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    signal,
    ...(hasBody ? { body: Readable.toWeb(req), duplex: 'half' } : {}),
  } as RequestInit);
}

async function writeResponse(response: Response, res: ServerResponse, signal: AbortSignal): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== 'set-cookie') headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length > 0) headers['set-cookie'] = cookies;
  if (response.statusText) res.writeHead(response.status, response.statusText, headers);
  else res.writeHead(response.status, headers);
  if (response.body === null) {
    res.end();
    return;
  }
  // Headers go out now: an event stream may not produce its first chunk for a while.
  res.flushHeaders();
  const reader = response.body.getReader();
  const onAbort = (): void => {
    reader.cancel(signal.reason).catch(() => undefined);
  };
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await waitForDrain(res, signal);
    }
    res.end();
  } catch {
    // The client left or the body errored: nothing useful can be sent any more.
    res.destroy();
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

function waitForDrain(res: ServerResponse, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) {
      reject(signal.reason as Error);
      return;
    }
    const done = (): void => {
      res.off('drain', done);
      signal.removeEventListener('abort', done);
      if (signal.aborted) reject(signal.reason as Error);
      else resolve();
    };
    res.on('drain', done);
    signal.addEventListener('abort', done, { once: true });
  });
}
