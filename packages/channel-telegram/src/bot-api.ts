import { Pool, type Dispatcher } from 'undici';

/** What came back from one Bot API call, before classification. */
export type ApiExchange =
  /** An HTTP response; `body` is the parsed JSON, or `undefined` when it was not JSON. */
  | { kind: 'response'; status: number; body: unknown }
  /** The connection failed; `cause` is the error's name and code only (never a URL). */
  | { kind: 'network-error'; cause: string }
  /** No answer within the timeout: the provider may or may not have acted. */
  | { kind: 'timeout' }
  /** The caller's signal aborted the call. */
  | { kind: 'aborted' };

/** Options of {@link createBotApi}. */
export interface BotApiOptions {
  /** The bot token from BotFather. Only {@link BotApi} ever sees it. */
  token: string;
  /** Where the Bot API lives, e.g. `https://api.telegram.org` or a sandbox URL. */
  baseUrl: string;
  /** An undici dispatcher to send through (MockAgent in tests, a shared Agent). @defaultValue a Pool owned by the client */
  dispatcher?: Dispatcher | undefined;
  /** Per-call timeout for headers and body, in ms. */
  timeoutMs: number;
  /** Connections of the owned Pool. @defaultValue 64 */
  connections?: number | undefined;
}

/** Options of one call. */
export interface CallOptions {
  signal?: AbortSignal | undefined;
  /** Overrides the client's timeout (long polling waits longer). */
  timeoutMs?: number | undefined;
}

/**
 * A minimal Bot API client over an undici Pool (`origin` + `path`, never `fetch`: measured ~10×
 * slower on Node 20). The bot token is in the URL path, so the path is built in exactly one
 * function and never leaves this module; errors carry names and codes only.
 */
export interface BotApi {
  /** Calls a Bot API method with JSON parameters; resolves for every outcome, never rejects. */
  call(method: string, params: object, options?: CallOptions): Promise<ApiExchange>;
  /** Closes the Pool if this client created it. */
  close(): Promise<void>;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

/**
 * Creates a {@link BotApi}.
 *
 * @param options - Token, base URL, dispatcher and timeout.
 * @returns The client.
 * @example
 * ```ts
 * const api = createBotApi({ token, baseUrl: 'https://api.telegram.org', timeoutMs: 10_000 })
 * const exchange = await api.call('getMe', {})
 * ```
 */
export function createBotApi(options: BotApiOptions): BotApi {
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const basePath = base.pathname.replace(/\/+$/, '');
  const owned = options.dispatcher === undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? new Pool(origin, { connections: options.connections ?? 64 });
  const token = options.token;

  // The only place the token meets a path. Nothing built here may reach an error or event.
  const methodPath = (method: string): string => `${basePath}/bot${token}/${method}`;

  return {
    async call(method, params, callOptions = {}): Promise<ApiExchange> {
      if (callOptions.signal?.aborted) return { kind: 'aborted' };
      const timeout = callOptions.timeoutMs ?? options.timeoutMs;
      try {
        const response = await dispatcher.request({
          origin,
          path: methodPath(method),
          method: 'POST',
          headers: JSON_HEADERS,
          body: JSON.stringify(params),
          signal: callOptions.signal,
          headersTimeout: timeout,
          bodyTimeout: timeout,
        });
        const text = await response.body.text();
        return { kind: 'response', status: response.statusCode, body: parseJson(text) };
      } catch (error) {
        return describeFailure(error, callOptions.signal);
      }
    },
    async close(): Promise<void> {
      if (owned) await dispatcher.close();
    },
  };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

const TIMEOUT_CODES = new Set(['UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT']);

/** Turns a thrown undici error into an exchange without keeping the error (it may hold the URL). */
function describeFailure(error: unknown, signal: AbortSignal | undefined): ApiExchange {
  if (signal?.aborted) return { kind: 'aborted' };
  const { name, code } = (typeof error === 'object' && error !== null ? error : {}) as {
    name?: unknown;
    code?: unknown;
  };
  if (typeof code === 'string' && TIMEOUT_CODES.has(code)) return { kind: 'timeout' };
  const safeName = typeof name === 'string' ? name : 'Error';
  return { kind: 'network-error', cause: typeof code === 'string' ? `${safeName} ${code}` : safeName };
}
