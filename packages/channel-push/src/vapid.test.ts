import { createManualClock } from '@banditore/core/testing';
import { describe, expect, it } from 'vitest';
import { checkVapid } from './sandbox/vapid-check.js';
import {
  createVapidSigner,
  generateVapidKeys,
  isVapidKeyPair,
  VAPID_RENEW_BEFORE_S,
  VAPID_TOKEN_LIFETIME_S,
} from './vapid.js';

const START = Date.parse('2026-12-06T08:00:00Z');
const SUBJECT = 'mailto:urp@comune.jesi.an.it';
const ORIGIN = 'https://fcm.googleapis.com';

function claimsOf(header: string): { aud: string; exp: number; sub: string } {
  const token = /t=([^,]+)/.exec(header)![1]!;
  return JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()) as {
    aud: string;
    exp: number;
    sub: string;
  };
}

describe('VAPID', () => {
  it('generates P-256 key pairs of the right lengths whose halves match', () => {
    const keys = generateVapidKeys();
    expect(Buffer.from(keys.publicKey, 'base64url')).toHaveLength(65);
    expect(Buffer.from(keys.privateKey, 'base64url')).toHaveLength(32);
    expect(isVapidKeyPair(keys)).toBe(true);
    expect(isVapidKeyPair({ publicKey: generateVapidKeys().publicKey, privateKey: keys.privateKey })).toBe(false);
  });

  it('pads a private scalar with leading zero bytes to 32 bytes (one key in 256)', () => {
    // 4,000 keys hold one with a leading zero byte but for a chance of about 1 in 6,000,000.
    const lengths = new Set<number>();
    for (let i = 0; i < 4_000; i++) {
      const keys = generateVapidKeys();
      lengths.add(Buffer.from(keys.privateKey, 'base64url').length);
      if (!isVapidKeyPair(keys)) throw new Error('a generated pair does not match');
    }
    expect([...lengths]).toEqual([32]);
  });

  it('signs an ES256 JWT for the origin that a strict push service accepts', () => {
    const keys = generateVapidKeys();
    const clock = createManualClock(START);
    const header = createVapidSigner(keys, SUBJECT, clock).authorization(ORIGIN);
    expect(header).toMatch(/^vapid t=[\w-]+\.[\w-]+\.[\w-]{86}, k=[\w-]{87}$/);
    expect(claimsOf(header)).toEqual({ aud: ORIGIN, exp: START / 1000 + VAPID_TOKEN_LIFETIME_S, sub: SUBJECT });
    expect(checkVapid(header, ORIGIN, keys.publicKey, START / 1000)).toBeUndefined();
  });

  it('is refused for another audience, another subscription key, after expiry, or when tampered with', () => {
    const keys = generateVapidKeys();
    const header = createVapidSigner(keys, SUBJECT, createManualClock(START)).authorization(ORIGIN);
    const now = START / 1000;
    expect(checkVapid(header, 'https://web.push.apple.com', keys.publicKey, now)).toBe('wrong-audience');
    expect(checkVapid(header, ORIGIN, generateVapidKeys().publicKey, now)).toBe('key-mismatch');
    expect(checkVapid(header, ORIGIN, keys.publicKey, now + VAPID_TOKEN_LIFETIME_S)).toBe('expired');
    const forged = header.replace(/t=([^.]+)\.([^.]+)\./, (_, head: string) => {
      const claims = Buffer.from(JSON.stringify({ aud: ORIGIN, exp: now + 60, sub: SUBJECT })).toString('base64url');
      return `t=${head}.${claims}.`;
    });
    expect(checkVapid(forged, ORIGIN, keys.publicKey, now)).toBe('bad-signature');
    expect(checkVapid(undefined, ORIGIN, keys.publicKey, now)).toBe('missing');
    const otherSigner = createVapidSigner(generateVapidKeys(), SUBJECT, createManualClock(START)).authorization(ORIGIN);
    expect(checkVapid(otherSigner.replace(/k=.*/, `k=${keys.publicKey}`), ORIGIN, keys.publicKey, now)).toBe(
      'bad-signature',
    );
  });

  it('caches one token per origin and renews it an hour before it expires', () => {
    const keys = generateVapidKeys();
    const clock = createManualClock(START);
    const signer = createVapidSigner(keys, SUBJECT, clock);
    const first = signer.authorization(ORIGIN);
    const apple = signer.authorization('https://web.push.apple.com');
    expect(apple).not.toBe(first);
    expect(claimsOf(apple).aud).toBe('https://web.push.apple.com');
    clock.advance((VAPID_TOKEN_LIFETIME_S - VAPID_RENEW_BEFORE_S - 1) * 1000);
    expect(signer.authorization(ORIGIN)).toBe(first);
    clock.advance(1000);
    const renewed = signer.authorization(ORIGIN);
    expect(renewed).not.toBe(first);
    expect(claimsOf(renewed).exp).toBe(Math.floor(clock.now() / 1000) + VAPID_TOKEN_LIFETIME_S);
    // The token in use always has at least the renewal margin left.
    expect(
      checkVapid(renewed, ORIGIN, keys.publicKey, Math.floor(clock.now() / 1000) + VAPID_RENEW_BEFORE_S),
    ).toBeUndefined();
  });
});
