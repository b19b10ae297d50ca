import { createECDH, createPrivateKey, sign, type KeyObject } from 'node:crypto';
import type { Clock } from '@banditore/core';

/** A VAPID key pair as base64url strings: the public key is what the widget passes as `applicationServerKey`. */
export interface VapidKeys {
  /** Uncompressed P-256 public key (65 bytes), base64url without padding. */
  publicKey: string;
  /** P-256 private scalar (32 bytes), base64url without padding. Keep secret. */
  privateKey: string;
}

/** How long a signed JWT is valid: 12 h, well under RFC 8292's 24 h ceiling (Apple rejects more). */
export const VAPID_TOKEN_LIFETIME_S = 12 * 3600;
/** A cached JWT is replaced this long before it expires, so no request carries an almost-expired token. */
export const VAPID_RENEW_BEFORE_S = 3600;

/**
 * Generates a VAPID key pair (P-256). Run once per comune and keep the private key secret; every
 * browser subscription is bound to the public key, so rotating it means every browser must
 * subscribe again. One-liner:
 * `node -p "JSON.stringify(require('@banditore/channel-push').generateVapidKeys())"`.
 *
 * @returns The key pair, base64url.
 * @example
 * ```ts
 * const { publicKey, privateKey } = generateVapidKeys()
 * ```
 */
export function generateVapidKeys(): VapidKeys {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  // OpenSSL drops the scalar's leading zero bytes (one key in 256 comes out 31 bytes long), and
  // VAPID keys are 32 bytes: pad it, as other VAPID tools do.
  const scalar = ecdh.getPrivateKey();
  const privateKey = Buffer.concat([Buffer.alloc(32 - scalar.length), scalar]);
  return { publicKey: ecdh.getPublicKey('base64url'), privateKey: privateKey.toString('base64url') };
}

/**
 * Whether `privateKey` is the private half of `publicKey` (both base64url P-256).
 *
 * @param keys - The pair.
 * @returns `false` for a mismatch or keys that do not decode to P-256 keys.
 */
export function isVapidKeyPair(keys: VapidKeys): boolean {
  try {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(Buffer.from(keys.privateKey, 'base64url'));
    return ecdh.getPublicKey('base64url') === keys.publicKey;
  } catch {
    return false;
  }
}

/** Signs and caches VAPID `Authorization` headers, one per push-service origin. */
export interface VapidSigner {
  /**
   * The `Authorization` header value for a push endpoint of `origin`, from the cache while the
   * token has more than {@link VAPID_RENEW_BEFORE_S} left, signed afresh otherwise.
   */
  authorization(origin: string): string;
}

/**
 * Creates a VAPID signer (RFC 8292, ES256). The JWT's `aud` is the push service's origin (never
 * the path), `exp` 12 h ahead, `sub` the operator contact. Signing costs about 31 µs; the cache
 * makes it a handful of signatures per 12 h instead of one per message.
 *
 * @param keys - A key pair validated by the caller ({@link isVapidKeyPair}).
 * @param subject - `mailto:` or `https:` contact (Apple requires a real one).
 * @param clock - For `exp` and the cache.
 * @returns The signer.
 */
export function createVapidSigner(keys: VapidKeys, subject: string, clock: Clock): VapidSigner {
  const key = privateKeyObject(keys);
  const cache = new Map<string, { header: string; expiresAt: number }>();
  const header = Buffer.from(JSON.stringify({ typ: 'JWT', alg: 'ES256' })).toString('base64url');
  return {
    authorization(origin) {
      const now = Math.floor(clock.now() / 1000);
      const cached = cache.get(origin);
      if (cached && cached.expiresAt - now > VAPID_RENEW_BEFORE_S) return cached.header;
      const expiresAt = now + VAPID_TOKEN_LIFETIME_S;
      const claims = Buffer.from(JSON.stringify({ aud: origin, exp: expiresAt, sub: subject })).toString('base64url');
      const signingInput = `${header}.${claims}`;
      const signature = sign('sha256', Buffer.from(signingInput), { key, dsaEncoding: 'ieee-p1363' });
      const value = `vapid t=${signingInput}.${signature.toString('base64url')}, k=${keys.publicKey}`;
      cache.set(origin, { header: value, expiresAt });
      return value;
    },
  };
}

function privateKeyObject(keys: VapidKeys): KeyObject {
  const pub = Buffer.from(keys.publicKey, 'base64url');
  return createPrivateKey({
    format: 'jwk',
    key: {
      kty: 'EC',
      crv: 'P-256',
      d: keys.privateKey,
      x: pub.subarray(1, 33).toString('base64url'),
      y: pub.subarray(33, 65).toString('base64url'),
    },
  });
}
