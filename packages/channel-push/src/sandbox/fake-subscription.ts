import { createECDH, randomBytes } from 'node:crypto';

/** A browser's push subscription, as the fake browser holds it: the public JSON and the private keys. */
export interface FakeSubscription {
  /** The id in the endpoint path. */
  id: string;
  /** What `PushSubscription.toJSON()` gives. */
  subscription: { endpoint: string; expirationTime: null; keys: { p256dh: string; auth: string } };
  /** The subscription JSON: the channel address. */
  address: string;
  /** The subscriber's P-256 private key, to decrypt. */
  privateKey: Buffer;
  /** The 16-byte auth secret. */
  auth: Buffer;
}

/**
 * Makes a fake browser subscription: a fresh P-256 key pair and auth secret, and an endpoint
 * under `endpointBase` (`<base>/push/<id>`).
 *
 * @param endpointBase - The push service origin, e.g. the sandbox's `url`.
 * @returns The subscription and its private half.
 * @example
 * ```ts
 * const fake = createFakeSubscription(sandbox.url)
 * await store.subscribe({ channel: 'push', address: fake.address, … }, consent)
 * ```
 */
export function createFakeSubscription(endpointBase: string): FakeSubscription {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  const auth = randomBytes(16);
  const id = randomBytes(18).toString('base64url');
  const subscription = {
    endpoint: `${endpointBase.replace(/\/$/, '')}/push/${id}`,
    expirationTime: null,
    keys: { p256dh: ecdh.getPublicKey('base64url'), auth: auth.toString('base64url') },
  };
  return { id, subscription, address: JSON.stringify(subscription), privateKey: ecdh.getPrivateKey(), auth };
}
