import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import { serve, type RunningServer } from '@banditore/core';
import { request } from 'undici';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { signPayload, verifySignature } from './signature.js';
import { inboxRig, notification, inbound, textMessage, T0 } from './test/inbox-rig.js';
import { createWhatsAppWebhookHandler } from './webhook.js';

const APP_SECRET = 'a3f9c2e17b5d4e60a8b1c2d3e4f5a6b7';
const VERIFY_TOKEN = 'verifica-jesi-2026';
const CITIZEN = '393357152219';

/** The body as Meta sends it: non-ASCII escaped as \uXXXX and slashes as \/. */
function metaSerialise(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

describe('webhook over HTTP', () => {
  let server: RunningServer;
  let rig: ReturnType<typeof inboxRig>;
  beforeEach(async () => {
    rig = inboxRig();
    server = await serve(createWhatsAppWebhookHandler(rig.inbox, { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN }));
  });
  afterEach(async () => {
    await server.close();
  });

  const post = async (body: string | Buffer, headers: Record<string, string>) => {
    const response = await request(`${server.url}/whatsapp`, { method: 'POST', body, headers });
    await response.body.dump();
    return response.statusCode;
  };

  it('answers Meta\u2019s verification with the challenge, and 403 for a wrong token or mode', async () => {
    const get = async (query: string) => {
      const response = await request(`${server.url}/whatsapp?${query}`);
      return { status: response.statusCode, body: await response.body.text() };
    };
    expect(await get(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1158201444`)).toEqual({
      status: 200,
      body: '1158201444',
    });
    expect((await get(`hub.mode=subscribe&hub.verify_token=wrong-token-x&hub.challenge=1`)).status).toBe(403);
    expect((await get(`hub.mode=subscribe&hub.verify_token=${VERIFY_TOKEN}x&hub.challenge=1`)).status).toBe(403);
    expect((await get(`hub.mode=unsubscribe&hub.verify_token=${VERIFY_TOKEN}&hub.challenge=1`)).status).toBe(403);
    expect((await get(`hub.mode=subscribe&hub.challenge=1`)).status).toBe(403);
  });

  it('verifies the signature over Meta\u2019s raw bytes (\\u escapes, \\/) and processes the message', async () => {
    const payload = notification([inbound(textMessage(CITIZEN, 'Iscrivimi – città/frazione è ok?'))]);
    const raw = metaSerialise(payload);
    expect(raw).toContain('\\u00e8');
    expect(raw).toContain('\\/');
    // The same JSON re-serialised is different bytes: a handler hashing it would reject Meta.
    expect(JSON.stringify(JSON.parse(raw))).not.toBe(raw);
    const status = await post(raw, {
      'content-type': 'application/json',
      'x-hub-signature-256': signPayload(raw, APP_SECRET),
    });
    expect(status).toBe(200);
    // Five words: not a keyword, so a hint, and no subscription.
    expect(rig.replies.sent).toHaveLength(1);
    const subscribe = metaSerialise(notification([inbound(textMessage(CITIZEN, 'Iscrivimi è'))]));
    expect(await post(subscribe, { 'x-hub-signature-256': signPayload(subscribe, APP_SECRET) })).toBe(200);
    expect((await rig.store.findSubscriber('whatsapp', CITIZEN))?.status).toBe('active');
  });

  it('rejects a signature computed over re-serialised JSON, and processes nothing', async () => {
    const raw = metaSerialise(notification([inbound(textMessage(CITIZEN, 'ISCRIVIMI è'))]));
    const reserialised = JSON.stringify(JSON.parse(raw));
    expect(await post(raw, { 'x-hub-signature-256': signPayload(reserialised, APP_SECRET) })).toBe(401);
    expect(rig.inbox.stats.notifications).toBe(0);
    expect(await rig.store.findSubscriber('whatsapp', CITIZEN)).toBeUndefined();
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['wrong secret', signPayload('{}', 'another-app-secret-0000')],
    ['sha1 form', `sha1=${createHmac('sha1', APP_SECRET).update('{}').digest('hex')}`],
    ['truncated', signPayload('{}', APP_SECRET).slice(0, 40)],
    ['not hex', `sha256=${'z'.repeat(64)}`],
  ])('answers 401 to a %s signature and processes nothing', async (_name, header) => {
    const raw = metaSerialise(notification([inbound(textMessage(CITIZEN, 'ISCRIVIMI'))]));
    const headers: Record<string, string> = header === undefined ? {} : { 'x-hub-signature-256': header };
    expect(await post(raw, headers)).toBe(401);
    expect(rig.inbox.stats.notifications).toBe(0);
    expect(rig.replies.sent).toHaveLength(0);
  });

  it('answers 400 to signed bodies that are not JSON or not a WhatsApp notification', async () => {
    for (const raw of ['not json', '{"object":"page","entry":[]}', '[]', '\u00ff\u00fe', '']) {
      expect(await post(raw, { 'x-hub-signature-256': signPayload(raw, APP_SECRET) })).toBe(400);
    }
    const invalidUtf8 = Buffer.from([0x7b, 0xff, 0x7d]);
    expect(await post(invalidUtf8, { 'x-hub-signature-256': signPayload(invalidUtf8, APP_SECRET) })).toBe(400);
  });

  it('answers 413 past the size cap, declared or streamed', async () => {
    await server.close();
    server = await serve(
      createWhatsAppWebhookHandler(rig.inbox, { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN, maxBodyBytes: 2048 }),
    );
    const big = metaSerialise(notification([inbound(textMessage(CITIZEN, 'x'.repeat(4_000)))]));
    expect(await post(big, { 'x-hub-signature-256': signPayload(big, APP_SECRET) })).toBe(413);
    const response = await request(`${server.url}/whatsapp`, {
      method: 'POST',
      headers: { 'x-hub-signature-256': signPayload(big, APP_SECRET) },
      body: Readable.from([Buffer.from(big.slice(0, 1500)), Buffer.from(big.slice(1500))]),
    });
    await response.body.dump();
    expect(response.statusCode).toBe(413);
    expect(rig.inbox.stats.notifications).toBe(0);
  });

  it('answers 405 to other methods', async () => {
    const response = await request(`${server.url}/whatsapp`, { method: 'PUT', body: '{}' });
    await response.body.dump();
    expect(response.statusCode).toBe(405);
  });

  it('answers 500 when the store fails, so Meta redelivers', async () => {
    await server.close();
    const failing = inboxRig({
      store: {
        ...rig.store,
        findSubscriber: () => Promise.reject(new Error('database is locked')),
      },
    });
    server = await serve(
      createWhatsAppWebhookHandler(failing.inbox, { appSecret: APP_SECRET, verifyToken: VERIFY_TOKEN }),
    );
    const raw = metaSerialise(notification([inbound(textMessage(CITIZEN, 'ISCRIVIMI', T0))]));
    expect(await post(raw, { 'x-hub-signature-256': signPayload(raw, APP_SECRET) })).toBe(500);
  });

  it('never crashes on seeded random signed bodies (always 200 or 4xx)', async () => {
    const seed = 61206;
    let state = seed;
    const random = (): number => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const pieces = [
      '{',
      '}',
      '[',
      ']',
      '"object"',
      ':',
      ',',
      '"whatsapp_business_account"',
      '"entry"',
      '"changes"',
      '"value"',
      '"statuses"',
      '"messages"',
      '"id"',
      '"from"',
      '"timestamp"',
      '"1765000000"',
      'null',
      '12',
      '"text"',
      '{"body":"STOP"}',
      '"field"',
      '"messages"',
      '\\u00e8',
      'true',
    ];
    const seen = new Set<number>();
    for (let i = 0; i < 150; i++) {
      let raw = '';
      const length = 1 + Math.floor(random() * 40);
      for (let j = 0; j < length; j++) raw += pieces[Math.floor(random() * pieces.length)];
      const status = await post(raw, { 'x-hub-signature-256': signPayload(raw, APP_SECRET) });
      seen.add(status);
      expect([200, 400], `seed ${seed}, body ${i}`).toContain(status);
    }
    expect(seen.has(400)).toBe(true);
  });
});

describe('verifySignature', () => {
  it('accepts the right signature in upper-case hex and refuses a one-bit change', () => {
    const raw = Buffer.from('{"a":"\\u00e8"}');
    const good = signPayload(raw, APP_SECRET);
    expect(verifySignature(raw, good, APP_SECRET)).toBe(true);
    expect(verifySignature(raw, `sha256=${good.slice(7).toUpperCase()}`, APP_SECRET)).toBe(true);
    const flipped = Buffer.from(raw);
    flipped[2] = flipped[2]! ^ 1;
    expect(verifySignature(flipped, good, APP_SECRET)).toBe(false);
    expect(verifySignature(raw, null, APP_SECRET)).toBe(false);
  });
});

describe('createWhatsAppWebhookHandler options', () => {
  it('throws a ConfigError naming the field without echoing it', () => {
    const { inbox } = inboxRig();
    const secret = 'short-secret';
    expect(() => createWhatsAppWebhookHandler(inbox, { appSecret: secret, verifyToken: VERIFY_TOKEN })).toThrowError(
      /appSecret/,
    );
    try {
      createWhatsAppWebhookHandler(inbox, { appSecret: secret, verifyToken: VERIFY_TOKEN });
    } catch (error) {
      expect(String((error as Error).message)).not.toContain(secret);
    }
  });
});
