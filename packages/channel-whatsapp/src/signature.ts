import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Meta's header carrying the payload signature: `sha256=<hex HMAC-SHA256(app secret, raw body)>`. */
export const SIGNATURE_HEADER = 'x-hub-signature-256';

/**
 * Checks Meta's `X-Hub-Signature-256` over the **raw request bytes**. Meta signs the body as it
 * sent it (non-ASCII escaped as `\uXXXX`, `/` sometimes as `\/`); parsing and re-serialising the
 * JSON first changes those bytes and breaks the check, so this takes bytes, never an object.
 *
 * The comparison is in constant time over fixed-length digests, so neither a prefix nor the
 * length of a forged signature leaks through timing.
 *
 * @param raw - The request body exactly as received.
 * @param header - The header value, or `null` when missing.
 * @param appSecret - The Meta app's secret.
 * @returns Whether the signature is present, well-formed and right.
 * @example
 * ```ts
 * const raw = new Uint8Array(await request.arrayBuffer())
 * if (!verifySignature(raw, request.headers.get('x-hub-signature-256'), appSecret)) return new Response(null, { status: 401 })
 * ```
 */
export function verifySignature(raw: Uint8Array, header: string | null, appSecret: string): boolean {
  if (header === null) return false;
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header.trim());
  const expected = createHmac('sha256', appSecret).update(raw).digest();
  // A malformed header is still compared (against a value that cannot match) so it costs the same time.
  const given = match ? Buffer.from(match[1]!, 'hex') : createHash('sha256').update(header).digest();
  return timingSafeEqual(given, expected) && match !== null;
}

/**
 * Signs a body the way Meta does, for tests and sandboxes.
 *
 * @param raw - The exact bytes that will be sent.
 * @param appSecret - The app secret.
 * @returns The header value `sha256=<hex>`.
 */
export function signPayload(raw: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac('sha256', appSecret).update(raw).digest('hex')}`;
}

/**
 * Compares two secrets in constant time whatever their lengths (both sides hashed first).
 *
 * @param given - What the request carried.
 * @param expected - The configured secret.
 * @returns Whether they are equal.
 */
export function secretsEqual(given: string, expected: string): boolean {
  const digest = (value: string): Buffer => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
