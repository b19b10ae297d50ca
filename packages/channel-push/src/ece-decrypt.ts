import { createDecipheriv, createECDH } from 'node:crypto';
import { deriveContentKeys, HEADER_BYTES, TAG_BYTES } from './ece.js';

/**
 * Decrypts a Web Push body as a browser would (RFC 8291, one `aes128gcm` record). Used by the
 * sandbox push service, which holds the fake subscribers' private keys.
 *
 * @param body - The request body.
 * @param uaPrivateKey - The subscriber's P-256 private key (32 bytes).
 * @param auth - The subscriber's 16-byte auth secret.
 * @returns The plaintext.
 * @throws Error for a malformed header, a wrong key (the tag does not verify) or a bad delimiter.
 */
export function decryptPushPayload(body: Uint8Array, uaPrivateKey: Uint8Array, auth: Uint8Array): Buffer {
  const data = Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  if (data.length < HEADER_BYTES + TAG_BYTES + 1) throw new Error('Push body shorter than header and tag');
  const salt = data.subarray(0, 16);
  const recordSize = data.readUInt32BE(16);
  const idLength = data.readUInt8(20);
  if (idLength !== 65) throw new Error('Push body key id is not a 65-byte P-256 key');
  if (data.length - HEADER_BYTES > recordSize) throw new Error('Push body holds more than one record');
  const asPublic = data.subarray(21, 21 + idLength);
  const ecdh = createECDH('prime256v1');
  ecdh.setPrivateKey(uaPrivateKey);
  const { cek, nonce } = deriveContentKeys(ecdh.computeSecret(asPublic), auth, ecdh.getPublicKey(), asPublic, salt);
  const decipher = createDecipheriv('aes-128-gcm', cek, nonce);
  decipher.setAuthTag(data.subarray(data.length - TAG_BYTES));
  const padded = Buffer.concat([
    decipher.update(data.subarray(HEADER_BYTES, data.length - TAG_BYTES)),
    decipher.final(),
  ]);
  // Padding is zeros after the last non-zero byte, which must be the final-record delimiter 0x02.
  let end = padded.length - 1;
  while (end >= 0 && padded[end] === 0) end--;
  if (end < 0 || padded[end] !== 2) throw new Error('Push body lacks the final-record delimiter');
  return padded.subarray(0, end);
}
