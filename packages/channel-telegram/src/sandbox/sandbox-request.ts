import type { IncomingMessage } from 'node:http';

/** An HTTP answer of the sandbox. */
export interface SandboxAnswer {
  status: number;
  body: object;
}

/** Largest request body the sandbox reads, like Telegram's limit for non-upload calls. */
const MAX_BODY_BYTES = 10 * 1024 * 1024;

/** Telegram's answer to unknown paths, malformed tokens and unknown methods. */
export function notFound(): SandboxAnswer {
  return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
}

/**
 * A stable `-100…` id for a channel username, so tests and the demo can predict it.
 *
 * @param username - e.g. `@comune_jesi`.
 * @returns A supergroup-style negative id.
 */
export function channelIdFor(username: string): number {
  let hash = 0;
  for (const char of username.toLowerCase()) hash = (hash * 31 + char.charCodeAt(0)) % 1_000_000_000;
  return -(1_000_000_000_000 + hash);
}

/**
 * Reads a Bot API call's parameters the ways Telegram takes them: query string, JSON body, or
 * form-encoded body (values as strings). Uploads (multipart) are refused: the sandbox works with
 * file ids and URLs only.
 *
 * @param request - The incoming request.
 * @param url - Its parsed URL.
 * @returns The parameters, or the error answer.
 */
export async function readParams(
  request: IncomingMessage,
  url: URL,
): Promise<{ params: Record<string, unknown> } | SandboxAnswer> {
  const params: Record<string, unknown> = Object.fromEntries(url.searchParams);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES)
      return { status: 413, body: { ok: false, error_code: 413, description: 'Request Entity Too Large' } };
    chunks.push(chunk);
  }
  if (size === 0) return { params };
  const text = Buffer.concat(chunks).toString('utf8');
  const type = (request.headers['content-type'] ?? '').toLowerCase();
  const badRequest = (description: string): SandboxAnswer => ({
    status: 400,
    body: { ok: false, error_code: 400, description },
  });
  if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      return badRequest("Bad Request: can't parse JSON object");
    }
    if (typeof body !== 'object' || body === null || Array.isArray(body))
      return badRequest("Bad Request: can't parse JSON object");
    return { params: { ...params, ...(body as Record<string, unknown>) } };
  }
  if (type.startsWith('application/x-www-form-urlencoded'))
    return { params: { ...params, ...Object.fromEntries(new URLSearchParams(text)) } };
  if (type.startsWith('multipart/form-data'))
    return badRequest('Bad Request: the sandbox does not accept uploads; send a file_id or an HTTP URL');
  return badRequest('Bad Request: unsupported content type');
}
