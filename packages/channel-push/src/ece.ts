import * as crypto from 'node:crypto';
import { createEceKernel } from './ece-kernel.js';

/** Bytes of the aes128gcm header: salt 16, rs 4, idlen 1, keyid 65. */
export const HEADER_BYTES = 86;
/** AES-GCM tag bytes. */
export const TAG_BYTES = 16;
/**
 * Most plaintext bytes one push message may carry: a push service need only accept 4,096 bytes of
 * body, less the header, the 0x02 delimiter and the tag.
 */
export const MAX_PLAINTEXT_BYTES = 4096 - HEADER_BYTES - 1 - TAG_BYTES;

const kernel = createEceKernel(crypto);

/** The subscriber's keys, decoded: `p256dh` (65 bytes, uncompressed P-256) and `auth` (16 bytes). */
export interface SubscriberKeys {
  p256dh: Uint8Array;
  auth: Uint8Array;
}

/** Inputs that are random per message; fixed only to reproduce a test vector. */
export interface EncryptDeterminism {
  /** 16 random bytes. */
  salt?: Uint8Array;
  /** The application server's ephemeral P-256 private key (32 bytes). */
  ephemeralPrivateKey?: Uint8Array;
}

/**
 * Encrypts one Web Push message (RFC 8291 on RFC 8188 `aes128gcm`): a fresh ephemeral key and
 * salt per message, one record, delimiter 0x02, no padding (see `ece-kernel.ts`). The
 * per-message cost, ~150 µs, is dominated by the ECDH (bench `push_encrypt_per_s_1core`); the
 * channel runs it on worker threads (`encryption-pool.ts`).
 *
 * @param keys - The subscriber's `p256dh` and `auth`.
 * @param plaintext - At most {@link MAX_PLAINTEXT_BYTES} bytes.
 * @param determinism - Only for test vectors; omit in production.
 * @returns The request body: header (86 bytes) followed by the ciphertext and tag.
 * @throws Error when `p256dh` is not a point on P-256 or the plaintext is too long.
 * @example
 * ```ts
 * const body = encryptPushPayload({ p256dh, auth }, Buffer.from('{"title":"Allerta"}'))
 * ```
 */
export function encryptPushPayload(
  keys: SubscriberKeys,
  plaintext: Uint8Array,
  determinism: EncryptDeterminism = {},
): Buffer {
  if (plaintext.byteLength > MAX_PLAINTEXT_BYTES) throw new RangeError('Push payload exceeds 3,993 bytes');
  return kernel.encrypt(keys.p256dh, keys.auth, plaintext, determinism.salt, determinism.ephemeralPrivateKey);
}

/**
 * The RFC 8291 key schedule: from the ECDH secret and the subscriber's auth secret to the
 * content-encryption key and nonce. Shared by encryption and the sandbox's decryption.
 *
 * @param ecdhSecret - 32 bytes.
 * @param auth - The subscriber's 16-byte auth secret.
 * @param uaPublic - The subscriber's public key (65 bytes).
 * @param asPublic - The application server's ephemeral public key (65 bytes).
 * @param salt - The 16-byte salt from the header.
 * @returns The intermediate values and the 16-byte CEK and 12-byte nonce.
 */
export function deriveContentKeys(
  ecdhSecret: Uint8Array,
  auth: Uint8Array,
  uaPublic: Uint8Array,
  asPublic: Uint8Array,
  salt: Uint8Array,
): { prkKey: Buffer; ikm: Buffer; prk: Buffer; cek: Buffer; nonce: Buffer } {
  return kernel.deriveContentKeys(ecdhSecret, auth, uaPublic, asPublic, salt);
}
