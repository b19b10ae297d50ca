import { createECDH, createHmac, randomBytes } from 'node:crypto';
// An independent RFC 8188/8291 implementation (the one the `web-push` package uses).
import ece from 'http_ece';
import { describe, expect, it } from 'vitest';
import { decryptPushPayload } from './ece-decrypt.js';
import { deriveContentKeys, encryptPushPayload, HEADER_BYTES, MAX_PLAINTEXT_BYTES, TAG_BYTES } from './ece.js';

const b64 = (value: string) => Buffer.from(value, 'base64url');

/** RFC 8291 Appendix A, whitespace removed. */
const VECTOR = {
  plaintext: 'When I grow up, I want to be a watermelon',
  asPublic: 'BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  asPrivate: 'yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw',
  uaPublic: 'BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4',
  uaPrivate: 'q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94',
  salt: 'DGv6ra1nlYgDCS1FRnbzlw',
  auth: 'BTBZMqHH6r4Tts7J_aSIgg',
  ecdhSecret: 'kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs',
  prkKey: 'Snr3JMxaHVDXHWJn5wdC52WjpCtd2EIEGBykDcZW32k',
  ikm: 'S4lYMb_L0FxCeq0WhDx813KgSYqU26kOyzWUdsXYyrg',
  prk: '09_eUZGrsvxChDCGRCdkLiDXrReGOEVeSCdCcPBSJSc',
  cek: 'oIhVW04MRdy2XN9CiKLxTg',
  nonce: '4h_95klXJ5E_qnoN',
  header:
    'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8',
  ciphertext: '8pfeW0KbunFT06SuDKoJH9Ql87S1QUrdirN6GcG7sFz1y1sqLgVi1VhjVkHsUoEsbI_0LpXMuGvnzQ',
  body: 'DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN',
};

describe('RFC 8291 Appendix A', () => {
  it('reproduces every intermediate value', () => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(b64(VECTOR.asPrivate));
    expect(ecdh.getPublicKey('base64url')).toBe(VECTOR.asPublic);
    const secret = ecdh.computeSecret(b64(VECTOR.uaPublic));
    expect(secret.toString('base64url')).toBe(VECTOR.ecdhSecret);
    const keys = deriveContentKeys(
      secret,
      b64(VECTOR.auth),
      b64(VECTOR.uaPublic),
      b64(VECTOR.asPublic),
      b64(VECTOR.salt),
    );
    expect(keys.prkKey.toString('base64url')).toBe(VECTOR.prkKey);
    expect(keys.ikm.toString('base64url')).toBe(VECTOR.ikm);
    expect(keys.prk.toString('base64url')).toBe(VECTOR.prk);
    expect(keys.cek.toString('base64url')).toBe(VECTOR.cek);
    expect(keys.nonce.toString('base64url')).toBe(VECTOR.nonce);
  });

  it('produces the 144-byte body byte for byte', () => {
    const body = encryptPushPayload(
      { p256dh: b64(VECTOR.uaPublic), auth: b64(VECTOR.auth) },
      Buffer.from(VECTOR.plaintext),
      { salt: b64(VECTOR.salt), ephemeralPrivateKey: b64(VECTOR.asPrivate) },
    );
    expect(body.length).toBe(144);
    expect(body.subarray(0, HEADER_BYTES).toString('base64url')).toBe(VECTOR.header);
    expect(body.subarray(HEADER_BYTES).toString('base64url')).toBe(VECTOR.ciphertext);
    expect(body.toString('base64url')).toBe(VECTOR.body);
  });

  it('decrypts the RFC body with the user agent private key', () => {
    expect(decryptPushPayload(b64(VECTOR.body), b64(VECTOR.uaPrivate), b64(VECTOR.auth)).toString()).toBe(
      VECTOR.plaintext,
    );
  });

  it('matches http_ece encrypting the same inputs', () => {
    const sender = createECDH('prime256v1');
    sender.setPrivateKey(b64(VECTOR.asPrivate));
    const theirs = ece.encrypt(Buffer.from(VECTOR.plaintext), {
      version: 'aes128gcm',
      privateKey: sender,
      dh: VECTOR.uaPublic,
      authSecret: VECTOR.auth,
      salt: VECTOR.salt,
      rs: 4096,
    });
    expect(theirs.toString('base64url')).toBe(VECTOR.body);
  });
});

describe('round trips through http_ece', () => {
  // Seeded sizes so a failure names the case; the keys and salts are random per message, as in production.
  const seed = 0x5eed;
  const sizes = [0, 1, 15, 16, 17, 1024, 3072, MAX_PLAINTEXT_BYTES];
  it.each(sizes)('a %i-byte payload decrypts with http_ece and with our decrypter (seed 0x5eed)', (size) => {
    const receiver = createECDH('prime256v1');
    receiver.generateKeys();
    const auth = randomBytes(16);
    const plaintext = createHmac('sha256', `${seed}`)
      .update(`${size}`)
      .digest()
      .toString('hex')
      .repeat(64)
      .slice(0, size);
    const body = encryptPushPayload({ p256dh: receiver.getPublicKey(), auth }, Buffer.from(plaintext));
    expect(body.length).toBe(HEADER_BYTES + size + 1 + TAG_BYTES);
    expect(body.length).toBeLessThanOrEqual(4096);
    const theirs = ece.decrypt(body, {
      version: 'aes128gcm',
      privateKey: receiver,
      authSecret: auth.toString('base64url'),
    });
    expect(theirs.toString()).toBe(plaintext);
    expect(decryptPushPayload(body, receiver.getPrivateKey(), auth).toString()).toBe(plaintext);
  });

  it('uses a fresh key and salt per message', () => {
    const receiver = createECDH('prime256v1');
    receiver.generateKeys();
    const keys = { p256dh: receiver.getPublicKey(), auth: randomBytes(16) };
    const first = encryptPushPayload(keys, Buffer.from('same'));
    const second = encryptPushPayload(keys, Buffer.from('same'));
    expect(first.subarray(0, 16)).not.toEqual(second.subarray(0, 16));
    expect(first.subarray(21, 86)).not.toEqual(second.subarray(21, 86));
  });

  it('refuses a plaintext over 3,993 bytes and a p256dh off the curve', () => {
    const receiver = createECDH('prime256v1');
    receiver.generateKeys();
    const p256dh = receiver.getPublicKey();
    expect(() => encryptPushPayload({ p256dh, auth: randomBytes(16) }, Buffer.alloc(MAX_PLAINTEXT_BYTES + 1))).toThrow(
      RangeError,
    );
    const broken = Buffer.from(p256dh);
    broken[40]! ^= 1;
    expect(() => encryptPushPayload({ p256dh: broken, auth: randomBytes(16) }, Buffer.from('x'))).toThrow();
  });

  it('rejects a body decrypted with the wrong auth secret', () => {
    const receiver = createECDH('prime256v1');
    receiver.generateKeys();
    const body = encryptPushPayload({ p256dh: receiver.getPublicKey(), auth: randomBytes(16) }, Buffer.from('x'));
    expect(() => decryptPushPayload(body, receiver.getPrivateKey(), randomBytes(16))).toThrow();
  });
});
