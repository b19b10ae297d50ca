import { ConfigError, createMemoryStore } from '@banditore/core';
import { describe, expect, it } from 'vitest';
import { createPushChannel } from './push-channel.js';
import { createFakeSubscription } from './sandbox/index.js';
import { createPushSubscriptionHandler } from './subscription-handler.js';
import { TEST_VAPID } from './test/rig.js';

const ORIGIN = 'https://fcm.googleapis.com';

function rig() {
  const store = createMemoryStore();
  const channel = createPushChannel({ vapid: TEST_VAPID });
  const handler = createPushSubscriptionHandler({
    store,
    channel,
    noticeVersion: '2026-03',
    topics: ['meteo', 'viabilita'],
    languages: ['it', 'en'],
  });
  const call = (method: string, body: unknown, headers: Record<string, string> = {}) =>
    handler(
      new Request('https://comune.example/push/subscription', {
        method,
        headers: { 'content-type': 'application/json', ...headers },
        body: typeof body === 'string' ? body : JSON.stringify(body),
      }),
    );
  return { store, channel, call };
}

/** The canonical address the handler stores: endpoint and keys, no expirationTime. */
const addressOf = (fake: ReturnType<typeof createFakeSubscription>) =>
  JSON.stringify({ endpoint: fake.subscription.endpoint, keys: fake.subscription.keys });

describe('push subscription endpoint', () => {
  it('subscribes a browser with its topics, language and a web-form consent record', async () => {
    const { store, call } = rig();
    const fake = createFakeSubscription(ORIGIN);
    const response = await call('POST', {
      subscription: fake.subscription,
      topics: ['meteo'],
      language: 'en',
      consent: true,
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toEqual({ subscribed: true, topics: ['meteo'], language: 'en' });
    const subscriber = await store.findSubscriber('push', addressOf(fake));
    expect(subscriber).toMatchObject({ status: 'active', topics: ['meteo'], language: 'en' });
    expect(await store.listConsent(subscriber!.id)).toMatchObject([
      { kind: 'subscribed', method: 'web-form', noticeVersion: '2026-03' },
    ]);
  });

  it('maps the same browser to one subscriber whatever the key order, and updates its topics', async () => {
    const { store, call } = rig();
    const fake = createFakeSubscription(ORIGIN);
    await call('POST', { subscription: fake.subscription, topics: ['meteo'], consent: true });
    const reordered = {
      keys: { auth: fake.subscription.keys.auth, p256dh: fake.subscription.keys.p256dh },
      endpoint: fake.subscription.endpoint,
    };
    await call('POST', { subscription: reordered, topics: ['viabilita'], consent: true });
    const subscriber = await store.findSubscriber('push', addressOf(fake));
    expect(subscriber?.topics).toEqual(['viabilita']);
  });

  it('unsubscribes on DELETE and answers 204 also for an unknown browser', async () => {
    const { store, call } = rig();
    const fake = createFakeSubscription(ORIGIN);
    await call('POST', { subscription: fake.subscription, consent: true });
    expect((await call('DELETE', { subscription: fake.subscription })).status).toBe(204);
    expect((await store.findSubscriber('push', addressOf(fake)))?.status).toBe('unsubscribed');
    expect((await call('DELETE', { subscription: createFakeSubscription(ORIGIN).subscription })).status).toBe(204);
  });

  it.each<[string, unknown, number, string[] | undefined]>([
    [
      'an endpoint off the allow-list',
      { subscription: createFakeSubscription('https://push.attacker.example').subscription, consent: true },
      400,
      ['subscription'],
    ],
    [
      'plain http',
      { subscription: createFakeSubscription('http://fcm.googleapis.com').subscription, consent: true },
      400,
      ['subscription'],
    ],
    ['missing consent', { subscription: createFakeSubscription(ORIGIN).subscription }, 400, ['consent']],
    [
      'a topic not offered',
      { subscription: createFakeSubscription(ORIGIN).subscription, topics: ['spam'], consent: true },
      400,
      ['topics.0'],
    ],
    ['no keys', { subscription: { endpoint: `${ORIGIN}/fcm/send/x` }, consent: true }, 400, ['subscription.keys']],
    ['not JSON', '{"subscription":', 400, undefined],
  ])('refuses %s with a 4xx that names fields and never echoes the endpoint', async (_name, body, status, fields) => {
    const { call } = rig();
    const response = await call('POST', body);
    expect(response.status).toBe(status);
    const text = await response.text();
    expect(text).not.toContain('attacker');
    expect(text).not.toContain('googleapis');
    if (fields) expect((JSON.parse(text) as { fields: string[] }).fields).toEqual(fields);
  });

  it('refuses other methods, other content types and oversized bodies', async () => {
    const { call } = rig();
    expect((await call('PUT', {})).status).toBe(405);
    expect((await call('POST', 'x', { 'content-type': 'text/plain' })).status).toBe(415);
    expect((await call('POST', { pad: 'x'.repeat(10_000) })).status).toBe(413);
  });

  it('refuses invalid options with a ConfigError naming the field', () => {
    expect(() =>
      createPushSubscriptionHandler({ store: {} as never, channel: {} as never, noticeVersion: '' }),
    ).toThrow(ConfigError);
  });

  it('moves a rotated subscription (pushsubscriptionchange) to the new one, keeping topics and language', async () => {
    const { store, call } = rig();
    const old = createFakeSubscription(ORIGIN);
    const rotated = createFakeSubscription(ORIGIN);
    await call('POST', { subscription: old.subscription, topics: ['viabilita'], language: 'en', consent: true });
    const before = await store.findSubscriber('push', addressOf(old));
    const response = await call('POST', { subscription: rotated.subscription, previous: old.subscription });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ resubscribed: true, topics: ['viabilita'], language: 'en' });
    const after = await store.findSubscriber('push', addressOf(rotated));
    expect(after).toMatchObject({ id: before!.id, status: 'active', topics: ['viabilita'], language: 'en' });
    expect(await store.findSubscriber('push', addressOf(old))).toBeUndefined();
  });

  it('refuses a rotation from a subscription that is not subscribed, and never echoes the endpoint', async () => {
    const { call } = rig();
    const stranger = createFakeSubscription(ORIGIN);
    const rotated = createFakeSubscription(ORIGIN);
    const response = await call('POST', { subscription: rotated.subscription, previous: stranger.subscription });
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain(stranger.id);
  });
});
