import { createECDH, randomBytes } from 'node:crypto';
// An independent RFC 8188/8291 implementation (the one the `web-push` package uses).
import ece from 'http_ece';
import { afterEach, describe, expect, it } from 'vitest';
import { decryptPushPayload } from './ece-decrypt.js';
import { createEncryptionPool, PoolBrokenError, UnusableKeyError, type EncryptionPool } from './encryption-pool.js';

function subscriber(): { p256dh: Buffer; auth: Buffer; privateKey: Buffer } {
  const ecdh = createECDH('prime256v1');
  ecdh.generateKeys();
  return { p256dh: ecdh.getPublicKey(), auth: randomBytes(16), privateKey: ecdh.getPrivateKey() };
}

const pools: EncryptionPool[] = [];
function pool(threads: number): EncryptionPool {
  const made = createEncryptionPool(threads);
  pools.push(made);
  return made;
}
afterEach(async () => {
  await Promise.all(pools.splice(0).map((made) => made.close()));
});

describe('encryption pool', () => {
  it.each([2, 1, 0])(
    'encrypts on %i threads what a browser (and http_ece) decrypts, each with its own keys',
    async (threads) => {
      const encryption = pool(threads);
      const subscribers = Array.from({ length: 200 }, subscriber);
      const plaintexts = [Buffer.from('{"title":"Allerta","lang":"it"}'), Buffer.from('{"title":"Alert","lang":"en"}')];
      const bodies = await Promise.all(
        subscribers.map((keys, index) => encryption.encrypt(keys, plaintexts[index % 2]!)),
      );
      bodies.forEach((body, index) => {
        const keys = subscribers[index]!;
        expect(decryptPushPayload(body, keys.privateKey, keys.auth)).toEqual(plaintexts[index % 2]);
      });
      const ecdh = createECDH('prime256v1');
      ecdh.setPrivateKey(subscribers[7]!.privateKey);
      expect(
        ece.decrypt(bodies[7]!, { version: 'aes128gcm', privateKey: ecdh, authSecret: subscribers[7]!.auth }),
      ).toEqual(plaintexts[1]);
      // Fresh salt and ephemeral key per message, even for the same subscriber and text.
      const again = await encryption.encrypt(subscribers[0]!, plaintexts[0]!);
      expect(again.subarray(0, 86).equals(bodies[0]!.subarray(0, 86))).toBe(false);
    },
  );

  it('rejects only the job whose key is not a P-256 point, the rest of its batch goes through', async () => {
    const encryption = pool(1);
    const good = subscriber();
    const bad = { p256dh: Buffer.concat([Buffer.from([4]), Buffer.alloc(64, 7)]), auth: randomBytes(16) };
    const results = await Promise.allSettled([
      encryption.encrypt(good, Buffer.from('a')),
      encryption.encrypt(bad, Buffer.from('b')),
      encryption.encrypt(good, Buffer.from('c')),
    ]);
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(UnusableKeyError);
    expect(
      decryptPushPayload((results[2] as PromiseFulfilledResult<Buffer>).value, good.privateKey, good.auth),
    ).toEqual(Buffer.from('c'));
  });

  it('never encrypts a job whose signal aborted while it was queued', async () => {
    const encryption = pool(1);
    const keys = subscriber();
    const controller = new AbortController();
    const cancelled = encryption.encrypt(keys, Buffer.from('x'), controller.signal);
    const kept = encryption.encrypt(keys, Buffer.from('y'));
    controller.abort();
    await expect(cancelled).rejects.toMatchObject({ name: 'AbortError' });
    expect(decryptPushPayload(await kept, keys.privateKey, keys.auth)).toEqual(Buffer.from('y'));
    await expect(encryption.encrypt(keys, Buffer.from('z'), controller.signal)).rejects.toMatchObject({
      name: 'AbortError',
    });
  });

  it('rejects queued and later jobs once closed', async () => {
    const encryption = pool(2);
    const keys = subscriber();
    await encryption.encrypt(keys, Buffer.from('warm'));
    const pending = expect(encryption.encrypt(keys, Buffer.from('late'))).rejects.toBeInstanceOf(PoolBrokenError);
    await encryption.close();
    await pending;
    await expect(encryption.encrypt(keys, Buffer.from('after'))).rejects.toBeInstanceOf(PoolBrokenError);
  });
});
