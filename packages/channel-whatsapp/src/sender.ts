import { Pool, type Dispatcher, type FormData } from 'undici';
import type { GraphExchange } from './classify.js';

/** Options of {@link createGraphSender}. */
export interface GraphSenderOptions {
  accessToken: string;
  /** The Graph API root, e.g. `https://graph.facebook.com` or a sandbox URL. */
  baseUrl: string;
  /** `v23.0`. */
  apiVersion: string;
  phoneNumberId: string;
  dispatcher?: Dispatcher | undefined;
  timeoutMs: number;
  connections: number;
}

/** The Cloud API endpoints the channel posts to. */
export type GraphEndpoint = 'messages' | 'marketing_messages' | 'media';

/** A minimal Graph API client for one phone number. */
export interface GraphSender {
  /** Posts a JSON body (already serialised) to an endpoint of the phone number. */
  postJson(endpoint: GraphEndpoint, body: string, signal?: AbortSignal): Promise<GraphExchange>;
  /** Posts a multipart form (media upload). */
  postForm(endpoint: GraphEndpoint, form: FormData, signal?: AbortSignal): Promise<GraphExchange>;
  close(): Promise<void>;
}

/**
 * Creates the Graph API client: one undici `Pool` per host (`origin` + `path`, which measured
 * ~1.4× faster than top-level `request(url)`), bodies read as text and parsed once.
 *
 * @param options - Where and as whom to send.
 * @returns The client.
 */
export function createGraphSender(options: GraphSenderOptions): GraphSender {
  const base = new URL(options.baseUrl);
  const origin = base.origin;
  const prefix = `${base.pathname.replace(/\/+$/, '')}/${options.apiVersion}/${options.phoneNumberId}/`;
  const owned = options.dispatcher === undefined;
  const dispatcher: Dispatcher = options.dispatcher ?? new Pool(origin, { connections: options.connections });
  const jsonHeaders = authorized(options.accessToken, { 'content-type': 'application/json' });
  const formHeaders = authorized(options.accessToken, {});
  const timeout = options.timeoutMs;

  const post = async (
    endpoint: GraphEndpoint,
    body: string | FormData,
    headers: Record<string, string>,
    signal: AbortSignal | undefined,
  ): Promise<GraphExchange> => {
    if (signal?.aborted) return { kind: 'aborted' };
    try {
      const response = await dispatcher.request({
        origin,
        path: prefix + endpoint,
        method: 'POST',
        headers,
        body,
        headersTimeout: timeout,
        bodyTimeout: timeout,
      });
      const text = await response.body.text();
      return { kind: 'response', status: response.statusCode, body: parseJson(text) };
    } catch (error) {
      if (signal?.aborted) return { kind: 'aborted' };
      const code = (error as { code?: unknown } | null)?.code;
      return code === 'UND_ERR_HEADERS_TIMEOUT' || code === 'UND_ERR_BODY_TIMEOUT'
        ? { kind: 'timeout' }
        : { kind: 'network' };
    }
  };

  return {
    postJson: (endpoint, body, signal) => post(endpoint, body, jsonHeaders, signal),
    postForm: (endpoint, form, signal) => post(endpoint, form, formHeaders, signal),
    async close() {
      if (owned) await dispatcher.close();
    },
  };
}

/**
 * The only place the access token is read: it goes into the `Authorization` header and nowhere
 * else. Errors are built from classified codes, never from requests, so it cannot leak into one.
 */
function authorized(accessToken: string, headers: Record<string, string>): Record<string, string> {
  return { ...headers, authorization: `Bearer ${accessToken}` };
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
