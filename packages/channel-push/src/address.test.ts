import { createECDH, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { parsePushAddress, pushAddressSchema, webPushAddressSchema } from './address.js';

function subscription(endpoint: string, overrides: { p256dh?: string; auth?: string } = {}): string {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return JSON.stringify({
    endpoint,
    expirationTime: null,
    keys: { p256dh: ecdh.getPublicKey('base64url'), auth: randomBytes(16).toString('base64url'), ...overrides },
  });
}

describe('push addresses', () => {
  it.each([
    'https://fcm.googleapis.com/fcm/send/dGVzdA:APA91b',
    'https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk',
    'https://web.push.apple.com/QGx1c3Rlcg',
    'https://wns2-by3p.notify.windows.com/w/?token=BQYAAA',
  ])('accepts a subscription on %s', (endpoint) => {
    const address = subscription(endpoint);
    expect(webPushAddressSchema.safeParse(address).success).toBe(true);
    expect(parsePushAddress(address)?.origin).toBe(new URL(endpoint).origin);
  });

  it.each<[string, string]>([
    ['an unknown host', subscription('https://push.attacker.example/x')],
    ['plain http', subscription('http://fcm.googleapis.com/fcm/send/x')],
    ['a port', subscription('https://fcm.googleapis.com:8443/fcm/send/x')],
    ['credentials', subscription('https://user:pw@fcm.googleapis.com/fcm/send/x')],
    ['a short p256dh', subscription('https://fcm.googleapis.com/x', { p256dh: randomBytes(33).toString('base64url') })],
    [
      'a p256dh off the curve',
      subscription('https://fcm.googleapis.com/x', {
        p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]).toString('base64url'),
      }),
    ],
    ['a short auth', subscription('https://fcm.googleapis.com/x', { auth: randomBytes(8).toString('base64url') })],
    ['not JSON', 'https://fcm.googleapis.com/x'],
    ['a phone number', '+393330000000'],
  ])('refuses %s without echoing the value', (_name, address) => {
    const result = webPushAddressSchema.safeParse(address);
    expect(result.success).toBe(false);
    expect(JSON.stringify(result.error?.issues)).not.toContain('googleapis');
    expect(JSON.stringify(result.error?.issues)).not.toContain('attacker');
  });

  it('accepts extra origins, plain http only on loopback', () => {
    expect(
      pushAddressSchema(['http://127.0.0.1:4000']).safeParse(subscription('http://127.0.0.1:4000/push/a')).success,
    ).toBe(true);
    expect(
      pushAddressSchema(['http://push.example']).safeParse(subscription('http://push.example/push/a')).success,
    ).toBe(false);
    expect(
      pushAddressSchema(['https://push.example']).safeParse(subscription('https://push.example/push/a')).success,
    ).toBe(true);
  });
});
