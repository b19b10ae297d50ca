import { createMemoryStore, isConfigError, type Store } from '@banditore/core';
import { afterEach, beforeEach, describe, expect, it, test } from 'vitest';
import { createBotRig, type BotRig } from './test/bot-rig.js';
import { createTelegramWebhookHandler, SECRET_HEADER } from './webhook.js';

const SECRET = 'webhook-secret_0123456789';
const URL_ = 'https://avvisi.example.it/telegram';

let rig: BotRig;
let handle: (request: Request) => Promise<Response>;

beforeEach(async () => {
  rig = await createBotRig();
  handle = createTelegramWebhookHandler(rig.bot, { secretToken: SECRET });
});
afterEach(async () => {
  await rig.close();
});

const post = (body: string | undefined, headers: Record<string, string> = { [SECRET_HEADER]: SECRET }) =>
  new Request(URL_, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body }),
  });

const startUpdate = (updateId: number, chatId = 4242, text = '/start') =>
  JSON.stringify({
    update_id: updateId,
    message: {
      message_id: 1,
      date: 1,
      chat: { id: chatId, type: 'private' },
      from: { id: chatId, is_bot: false, first_name: 'A' },
      text,
    },
  });

describe('webhook: authentication and transport', () => {
  test.each([
    ['no secret header', {}],
    ['a wrong secret', { [SECRET_HEADER]: 'webhook-secret_0123456780' }],
    ['a prefix of the secret', { [SECRET_HEADER]: SECRET.slice(0, -1) }],
    ['the secret with a suffix', { [SECRET_HEADER]: `${SECRET}x` }],
    ['an empty secret', { [SECRET_HEADER]: '' }],
  ])('answers 401 to %s and processes nothing', async (_name, headers) => {
    const response = await handle(post(startUpdate(1), headers));
    expect(response.status).toBe(401);
    expect(rig.bot.stats.received).toBe(0);
    expect(await rig.store.findSubscriber('telegram', '4242')).toBeUndefined();
  });

  it('answers 405 to anything but POST', async () => {
    const response = await handle(new Request(URL_, { method: 'GET', headers: { [SECRET_HEADER]: SECRET } }));
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('answers 413 to a body over the limit, declared or streamed', async () => {
    const small = createTelegramWebhookHandler(rig.bot, { secretToken: SECRET, maxBodyBytes: 2048 });
    expect((await small(post('x'.repeat(5000)))).status).toBe(413);
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (let i = 0; i < 10; i++) controller.enqueue(new TextEncoder().encode('y'.repeat(1000)));
        controller.close();
      },
    });
    const streamed = new Request(URL_, {
      method: 'POST',
      headers: { [SECRET_HEADER]: SECRET },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    expect((await small(streamed)).status).toBe(413);
    expect(rig.bot.stats.received).toBe(0);
  });

  it('processes an authentic update and answers 200', async () => {
    const response = await handle(post(startUpdate(1)));
    expect(response.status).toBe(200);
    expect((await rig.store.findSubscriber('telegram', '4242'))?.status).toBe('active');
  });

  it('rejects a secret Telegram would not accept with a ConfigError', () => {
    for (const secretToken of ['', 'has space', 'x'.repeat(257), 'àccent']) {
      let caught: unknown;
      try {
        createTelegramWebhookHandler(rig.bot, { secretToken });
      } catch (error) {
        caught = error;
      }
      expect(isConfigError(caught)).toBe(true);
      if (secretToken.length > 3) expect((caught as Error).message).not.toContain(secretToken);
    }
  });
});

describe('webhook: malformed and unexpected updates', () => {
  test.each([
    ['invalid JSON', '{"update_id": 1,'],
    ['an empty body', ''],
    ['a JSON array', '[1,2,3]'],
    ['a JSON string', '"hello"'],
    ['null', 'null'],
    ['no update_id', '{"message":{}}'],
    ['a negative update_id', '{"update_id":-5}'],
    ['a string update_id', '{"update_id":"7"}'],
    ['a message without chat', '{"update_id":8,"message":{"message_id":1,"text":"/start"}}'],
    ['a chat id of 0', '{"update_id":9,"message":{"message_id":1,"chat":{"id":0,"type":"private"},"text":"/start"}}'],
    ['a numeric text', '{"update_id":10,"message":{"message_id":1,"chat":{"id":5,"type":"private"},"text":123}}'],
  ])('answers 200 to %s, counts it malformed, and changes nothing', async (_name, body) => {
    const response = await handle(post(body));
    expect(response.status).toBe(200);
    expect(rig.bot.stats.malformed).toBe(1);
    expect(rig.bot.stats.handled).toBe(0);
    expect(rig.sandbox.stats.sent).toBe(0);
  });

  it('ignores a prototype-polluting body without polluting anything', async () => {
    const body =
      '{"update_id":11,"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}},"message":{"__proto__":{"text":"/stop"}}}';
    expect((await handle(post(body))).status).toBe(200);
    expect(rig.bot.stats.handled).toBe(0);
    expect(rig.bot.stats.ignored + rig.bot.stats.malformed).toBe(1);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test.each([
    [
      'an edited message',
      { edited_message: { message_id: 1, date: 1, chat: { id: 5, type: 'private' }, text: '/stop' } },
    ],
    [
      'a channel post',
      { channel_post: { message_id: 1, date: 1, chat: { id: -100123, type: 'channel' }, text: 'ciao' } },
    ],
    ['a poll', { poll: { id: 'p', question: 'q', options: [] } }],
    ['a photo without text', { message: { message_id: 1, date: 1, chat: { id: 5, type: 'private' }, photo: [] } }],
    ['a command in a group', { message: { message_id: 1, date: 1, chat: { id: -5, type: 'group' }, text: '/stop' } }],
  ])('answers 200 to %s and counts it ignored', async (_name, payload) => {
    const response = await handle(post(JSON.stringify({ update_id: 20, ...payload })));
    expect(response.status).toBe(200);
    expect(rig.bot.stats.ignored).toBe(1);
    expect(rig.sandbox.stats.sent).toBe(0);
  });

  it('processes an update delivered twice only once', async () => {
    expect((await handle(post(startUpdate(30)))).status).toBe(200);
    expect((await handle(post(startUpdate(30)))).status).toBe(200);
    const subscriber = await rig.store.findSubscriber('telegram', '4242');
    expect(await rig.store.listConsent(subscriber!.id)).toHaveLength(1);
    expect(rig.sandbox.messagesTo(4242)).toHaveLength(1);
    expect(rig.bot.stats).toMatchObject({ received: 2, handled: 1, duplicate: 1 });
  });
});

describe('webhook: store failures', () => {
  it('answers 500 when the store fails, then processes Telegram’s redelivery', async () => {
    const real = createMemoryStore();
    let failures = 1;
    const flaky: Store = {
      ...real,
      subscribe: (...args) => (failures-- > 0 ? Promise.reject(new Error('disk full')) : real.subscribe(...args)),
    };
    const local = await createBotRig({ store: flaky });
    try {
      const localHandle = createTelegramWebhookHandler(local.bot, { secretToken: SECRET });
      expect((await localHandle(post(startUpdate(40)))).status).toBe(500);
      expect(local.events).toContainEqual({ type: 'store-failed' });
      expect((await localHandle(post(startUpdate(40)))).status).toBe(200);
      expect((await real.findSubscriber('telegram', '4242'))?.status).toBe('active');
      expect(local.bot.stats).toMatchObject({ failed: 1, handled: 1, duplicate: 0 });
    } finally {
      await local.close();
    }
  });
});
