import { errors, type Dispatcher } from 'undici';
import type { PushExchange } from './classify.js';
import type { PushUrgency } from './render.js';

/** One RFC 8030 push request. */
export interface PushRequest {
  body: Buffer;
  authorization: string;
  ttlSeconds: number;
  urgency: PushUrgency;
  topic: string;
  timeoutMs: number;
}

/**
 * POSTs one encrypted message to a subscription endpoint and reports what came back. Never
 * throws; the body of the answer is drained and ignored (it differs by service and may echo the
 * endpoint).
 *
 * @param dispatcher - The origin's pool.
 * @param endpoint - The subscription endpoint (full URL).
 * @param request - Body and headers.
 * @returns The exchange.
 */
export async function sendPushRequest(
  dispatcher: Dispatcher,
  endpoint: string,
  request: PushRequest,
): Promise<PushExchange> {
  const url = new URL(endpoint);
  try {
    const response = await dispatcher.request({
      origin: url.origin,
      path: `${url.pathname}${url.search}`,
      method: 'POST',
      headers: {
        ttl: `${request.ttlSeconds}`,
        urgency: request.urgency,
        topic: request.topic,
        'content-encoding': 'aes128gcm',
        'content-type': 'application/octet-stream',
        authorization: request.authorization,
      },
      body: request.body,
      headersTimeout: request.timeoutMs,
      bodyTimeout: request.timeoutMs,
    });
    await response.body.dump();
    const retryAfter = response.headers['retry-after'];
    return {
      kind: 'response',
      status: response.statusCode,
      retryAfter: Array.isArray(retryAfter) ? retryAfter[0] : retryAfter,
    };
  } catch (error) {
    if (error instanceof errors.HeadersTimeoutError || error instanceof errors.BodyTimeoutError)
      return { kind: 'timeout' };
    if (error instanceof errors.RequestAbortedError) return { kind: 'aborted' };
    return { kind: 'network-error' };
  }
}
