import { announcementSchema } from '@banditore/core';
import { MockAgent } from 'undici';
import { afterEach, describe, expect, it } from 'vitest';
import { createPushChannel } from './push-channel.js';
import { createFakeSubscription } from './sandbox/index.js';
import { announcementInput, TEST_VAPID } from './test/rig.js';

const ORIGIN = 'https://updates.push.services.mozilla.com';
let agent: MockAgent | undefined;
afterEach(async () => {
  await agent?.close();
  agent = undefined;
});

function mocked() {
  agent = new MockAgent();
  agent.disableNetConnect();
  const channel = createPushChannel({ vapid: TEST_VAPID, dispatcher: agent });
  return { pool: agent.get(ORIGIN), channel };
}

describe('the push request on the wire (undici MockAgent)', () => {
  it('POSTs to the endpoint path with RFC 8030 headers and a VAPID token for the origin', async () => {
    const { pool, channel } = mocked();
    const fake = createFakeSubscription(ORIGIN);
    let seen: Record<string, string> = {};
    let bodyLength = 0;
    pool.intercept({ path: `/push/${fake.id}`, method: 'POST' }).reply(201, (options) => {
      seen = options.headers as Record<string, string>;
      bodyLength = (options.body as Buffer).length;
      return '';
    });
    const rendered = await channel.render(announcementSchema.parse(announcementInput({ severity: 'minor' })), 'it');
    expect(await channel.send(fake.address, rendered, { signal: new AbortController().signal })).toEqual({ ok: true });
    expect(seen).toMatchObject({
      ttl: '86400',
      urgency: 'low',
      topic: rendered.topic,
      'content-encoding': 'aes128gcm',
      'content-type': 'application/octet-stream',
    });
    const token = /^vapid t=([^,]+), k=(.+)$/.exec(seen.authorization!)!;
    expect(token[2]).toBe(TEST_VAPID.publicKey);
    const claims = JSON.parse(Buffer.from(token[1]!.split('.')[1]!, 'base64url').toString()) as { aud: string };
    expect(claims.aud).toBe(ORIGIN);
    expect(bodyLength).toBe(86 + rendered.plaintext.length + 1 + 16);
  });

  it('reports a connection failure as NETWORK_ERROR without the endpoint', async () => {
    const { pool, channel } = mocked();
    const fake = createFakeSubscription(ORIGIN);
    pool
      .intercept({ path: `/push/${fake.id}`, method: 'POST' })
      .replyWithError(new Error(`connect ECONNREFUSED ${ORIGIN}/push/${fake.id}`));
    const rendered = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    const result = await channel.send(fake.address, rendered, { signal: new AbortController().signal });
    expect(result.ok ? undefined : result.error.code).toBe('NETWORK_ERROR');
    expect(JSON.stringify(result)).not.toContain(fake.id);
    expect(result.ok ? undefined : result.error.cause).toBeUndefined();
  });

  it('reads an HTTP-date Retry-After on a 429', async () => {
    const { pool, channel } = mocked();
    const fake = createFakeSubscription(ORIGIN);
    pool
      .intercept({ path: `/push/${fake.id}`, method: 'POST' })
      .reply(429, '', { headers: { 'retry-after': new Date(Date.now() + 120_000).toUTCString() } });
    const rendered = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    const result = await channel.send(fake.address, rendered, { signal: new AbortController().signal });
    expect(result.ok ? undefined : result.error.code).toBe('RECIPIENT_RATE_LIMITED');
    expect(result.ok ? 0 : result.error.retryAfterMs).toBeGreaterThan(100_000);
  });
});
