import { announcementSchema, ConfigError } from '@banditore/core';
import { createManualClock } from '@banditore/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createPushChannel, type PushChannel } from './push-channel.js';
import type { PushPayload } from './render.js';
import { createPushSandbox, type PushSandbox } from './sandbox/index.js';
import { announcementInput, TEST_VAPID } from './test/rig.js';
import { generateVapidKeys } from './vapid.js';

let sandbox: PushSandbox | undefined;
let channel: PushChannel | undefined;
afterEach(async () => {
  await channel?.close?.();
  await sandbox?.close();
  channel = undefined;
  sandbox = undefined;
});

const signal = () => new AbortController().signal;

async function rig(options: Partial<Parameters<typeof createPushChannel>[0]> = {}) {
  const clock = options.clock;
  sandbox = await createPushSandbox(clock ? { now: () => clock.now() } : {});
  channel = createPushChannel({ vapid: TEST_VAPID, extraOrigins: [sandbox.url], ...options });
  return { sandbox, channel };
}

describe('createPushChannel options', () => {
  it.each<[string, Record<string, unknown>, string]>([
    ['a missing vapid', {}, 'vapid'],
    ['a short public key', { vapid: { ...TEST_VAPID, publicKey: 'AAAA' } }, 'vapid.publicKey'],
    ['keys of two pairs', { vapid: { ...TEST_VAPID, privateKey: generateVapidKeys().privateKey } }, 'vapid.privateKey'],
    ['a localhost subject', { vapid: { ...TEST_VAPID, subject: 'mailto:admin@localhost' } }, 'vapid.subject'],
    ['a non-URL subject', { vapid: { ...TEST_VAPID, subject: 'Comune di Jesi' } }, 'vapid.subject'],
    ['a TTL over 4 weeks', { vapid: TEST_VAPID, ttlSeconds: 5_000_000 }, 'ttlSeconds'],
    ['a payload over 3,993 bytes', { vapid: TEST_VAPID, maxPayloadBytes: 4096 }, 'maxPayloadBytes'],
    ['an origin with a path', { vapid: TEST_VAPID, extraOrigins: ['https://push.example/x'] }, 'extraOrigins.0'],
  ])('refuses %s with a ConfigError naming the field, never the value', (_name, options, field) => {
    let thrown: unknown;
    try {
      createPushChannel(options as Parameters<typeof createPushChannel>[0]);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect((thrown as ConfigError).fields).toContain(field);
    expect((thrown as ConfigError).message).not.toContain(TEST_VAPID.privateKey);
  });
});

describe('sending to the sandbox push service', () => {
  it('delivers an encrypted message with TTL, Urgency and Topic that the subscriber decrypts', async () => {
    const { sandbox, channel } = await rig();
    const fake = sandbox.subscribe(TEST_VAPID.publicKey);
    const rendered = await channel.render(announcementSchema.parse(announcementInput({ severity: 'extreme' })), 'it');
    expect(await channel.send(fake.address, rendered, { signal: signal() })).toEqual({ ok: true });
    expect(sandbox.messages).toHaveLength(1);
    const [message] = sandbox.messages;
    expect(message).toMatchObject({ subscriptionId: fake.id, ttl: 86_400, urgency: 'high', topic: rendered.topic });
    expect((message!.payload as PushPayload).title).toBe('Allerta arancione per temporali');
  });

  it('shortens the TTL to the announcement expiry', async () => {
    const clock = createManualClock(Date.parse('2026-12-06T08:00:00Z'));
    const { sandbox, channel } = await rig({ clock });
    const fake = sandbox.subscribe(TEST_VAPID.publicKey);
    const rendered = await channel.render(
      announcementSchema.parse(announcementInput({ expires: '2026-12-06T09:00:00Z' })),
      'it',
    );
    expect(await channel.send(fake.address, rendered, { signal: signal() })).toEqual({ ok: true });
    clock.advance(59 * 60_000);
    expect(await channel.send(fake.address, rendered, { signal: signal() })).toEqual({ ok: true });
    clock.advance(2 * 60_000);
    expect(await channel.send(fake.address, rendered, { signal: signal() })).toEqual({ ok: true });
    expect(sandbox.messages.map((message) => message.ttl)).toEqual([3600, 60, 0]);
  });

  it('lets an update replace the undelivered alert of the same announcement', async () => {
    const { sandbox, channel } = await rig();
    const fake = sandbox.subscribe(TEST_VAPID.publicKey);
    const alert = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    const update = await channel.render(
      announcementSchema.parse(
        announcementInput({
          id: 'allerta-b',
          type: 'update',
          references: ['allerta-2026-12-06'],
          severity: 'moderate',
        }),
      ),
      'it',
    );
    await channel.send(fake.address, alert, { signal: signal() });
    await channel.send(fake.address, update, { signal: signal() });
    expect(sandbox.messages).toHaveLength(2);
    expect(sandbox.inbox(fake.id).map((message) => (message.payload as PushPayload).severity)).toEqual(['moderate']);
  });

  it('signs one VAPID token per origin, not one per message', async () => {
    const { sandbox, channel } = await rig();
    const rendered = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    for (let index = 0; index < 5; index++) {
      const fake = sandbox.subscribe(TEST_VAPID.publicKey);
      expect((await channel.send(fake.address, rendered, { signal: signal() })).ok).toBe(true);
    }
    expect(sandbox.stats.distinctTokens).toBe(1);
  });

  it.each<[number, string]>([
    [404, 'RECIPIENT_GONE'],
    [410, 'RECIPIENT_GONE'],
    [413, 'MESSAGE_REJECTED'],
    [500, 'PROVIDER_UNAVAILABLE'],
    [400, 'ACCOUNT_UNUSABLE'],
  ])('maps a %i from the push service to %s without the endpoint in the error', async (status, code) => {
    const { sandbox, channel } = await rig();
    const fake = sandbox.subscribe(TEST_VAPID.publicKey);
    sandbox.setStatus(fake.id, status);
    const rendered = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    const result = await channel.send(fake.address, rendered, { signal: signal() });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.code).toBe(code);
    const serialised = JSON.stringify(result.error) + result.error.message;
    expect(serialised).not.toContain(fake.id);
    expect(serialised).not.toContain(sandbox.url);
  });

  it('gets 403 AUTH_FAILED when the subscription was made with another VAPID key', async () => {
    const { sandbox, channel } = await rig();
    const fake = sandbox.subscribe(generateVapidKeys().publicKey);
    const rendered = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    const result = await channel.send(fake.address, rendered, { signal: signal() });
    expect(result.ok ? undefined : result.error.code).toBe('AUTH_FAILED');
    expect(sandbox.stats.vapid).toEqual({ 'key-mismatch': 1 });
  });

  it('pauses only the origin that answered 429, for its Retry-After', async () => {
    const clock = createManualClock(Date.now());
    const { sandbox } = await rig({ clock });
    const other = await createPushSandbox();
    const otherChannel = createPushChannel({ vapid: TEST_VAPID, extraOrigins: [sandbox.url, other.url], clock });
    try {
      const throttled = sandbox.subscribe(TEST_VAPID.publicKey);
      const elsewhere = other.subscribe(TEST_VAPID.publicKey);
      const rendered = await otherChannel.render(announcementSchema.parse(announcementInput()), 'it');
      sandbox.rateLimitNext(1, '30');
      const first = await otherChannel.send(throttled.address, rendered, { signal: signal() });
      expect(first.ok ? undefined : first.error.toJSON()).toMatchObject({
        code: 'RECIPIENT_RATE_LIMITED',
        retryAfterMs: 30_000,
      });
      const requests = sandbox.stats.requests;
      const held = await otherChannel.send(throttled.address, rendered, { signal: signal() });
      expect(held.ok ? undefined : held.error.code).toBe('RECIPIENT_RATE_LIMITED');
      expect(sandbox.stats.requests).toBe(requests);
      expect(await otherChannel.send(elsewhere.address, rendered, { signal: signal() })).toEqual({ ok: true });
      clock.advance(30_000);
      expect(await otherChannel.send(throttled.address, rendered, { signal: signal() })).toEqual({ ok: true });
    } finally {
      await otherChannel.close?.();
      await other.close();
    }
  });
});

describe('encryption on worker threads', () => {
  it('sends nothing for sends cancelled while their bodies were queued or being encrypted', async () => {
    const { sandbox, channel } = await rig({ encryptionThreads: 2 });
    const fakes = Array.from({ length: 64 }, () => sandbox.subscribe(TEST_VAPID.publicKey));
    const rendered = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    const controller = new AbortController();
    const sends = fakes.map((fake) => channel.send(fake.address, rendered, { signal: controller.signal }));
    controller.abort();
    const results = await Promise.all(sends);
    for (const result of results) expect(result).toMatchObject({ ok: false, error: { code: 'NETWORK_ERROR' } });
    expect(sandbox.stats.requests).toBe(0);
  });

  it.each([0, 1, 3])('delivers through %i encryption threads, each body for its own subscriber', async (threads) => {
    const { sandbox, channel } = await rig({ encryptionThreads: threads });
    const fakes = Array.from({ length: 40 }, () => sandbox.subscribe(TEST_VAPID.publicKey));
    const rendered = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    const results = await Promise.all(fakes.map((fake) => channel.send(fake.address, rendered, { signal: signal() })));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(new Set(sandbox.messages.map((message) => message.subscriptionId))).toEqual(
      new Set(fakes.map((fake) => fake.id)),
    );
  });
});

describe('limits', () => {
  it('lets several processes share a run when unpaced (push services have no per-account limit)', () => {
    const unpaced = createPushChannel({ vapid: TEST_VAPID, limits: { ratePerSecond: Infinity } });
    expect(unpaced.limits).toMatchObject({ ratePerSecond: Infinity, parallel: true });
    expect(createPushChannel({ vapid: TEST_VAPID }).limits).toMatchObject({ ratePerSecond: 500, concurrency: 128 });
  });
});
