import { createPublicKey, verify } from 'node:crypto';

/** Why a VAPID header was refused, or `undefined` when it is valid. */
export type VapidProblem =
  | 'missing'
  | 'malformed'
  | 'bad-signature'
  | 'wrong-audience'
  | 'expired'
  | 'exp-too-far'
  | 'bad-subject'
  | 'key-mismatch';

/**
 * Checks an `Authorization: vapid t=…, k=…` header as a strict push service does (RFC 8292, plus
 * Apple's rules on `sub` and `exp`).
 *
 * @param header - The header value, if any.
 * @param audience - This service's origin.
 * @param expectedKey - The `applicationServerKey` the subscription was made with (base64url).
 * @param nowSeconds - Current time, seconds.
 * @param signatureVerified - The caller already verified this exact header's signature (a
 *   service caches that per token; every claim is still checked). @defaultValue false
 * @returns The problem, or `undefined`.
 */
export function checkVapid(
  header: string | undefined,
  audience: string,
  expectedKey: string,
  nowSeconds: number,
  signatureVerified = false,
): VapidProblem | undefined {
  if (header === undefined) return 'missing';
  const match = /^vapid\s+t=([A-Za-z0-9_.-]+),\s*k=([A-Za-z0-9_-]+)$/.exec(header.trim());
  if (!match) return 'malformed';
  const [, token, key] = match as unknown as [string, string, string];
  const parts = token.split('.');
  if (parts.length !== 3) return 'malformed';
  const [head, body, signature] = parts as [string, string, string];
  let claims: { aud?: unknown; exp?: unknown; sub?: unknown };
  try {
    const header = JSON.parse(Buffer.from(head, 'base64url').toString()) as { alg?: unknown; typ?: unknown };
    if (header.alg !== 'ES256') return 'malformed';
    claims = JSON.parse(Buffer.from(body, 'base64url').toString()) as typeof claims;
  } catch {
    return 'malformed';
  }
  const publicKey = Buffer.from(key, 'base64url');
  if (publicKey.length !== 65) return 'malformed';
  let valid = signatureVerified;
  if (!valid)
    try {
      const keyObject = createPublicKey({
        format: 'jwk',
        key: {
          kty: 'EC',
          crv: 'P-256',
          x: publicKey.subarray(1, 33).toString('base64url'),
          y: publicKey.subarray(33).toString('base64url'),
        },
      });
      valid = verify(
        'sha256',
        Buffer.from(`${head}.${body}`),
        { key: keyObject, dsaEncoding: 'ieee-p1363' },
        Buffer.from(signature, 'base64url'),
      );
    } catch {
      return 'malformed';
    }
  if (!valid) return 'bad-signature';
  if (claims.aud !== audience) return 'wrong-audience';
  if (typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return 'expired';
  if (claims.exp > nowSeconds + 24 * 3600) return 'exp-too-far';
  if (typeof claims.sub !== 'string' || !/^(mailto:|https:)/.test(claims.sub) || /localhost/.test(claims.sub))
    return 'bad-subject';
  if (key !== expectedKey) return 'key-mismatch';
  return undefined;
}
