import { generateKeyPairSync } from 'node:crypto';
import { announcementSchema, ConfigError, createBroadcaster, createMemoryStore } from '@banditore/core';
import { createManualClock } from '@banditore/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createFcmSandbox, type FcmSandbox } from '../sandbox/index.js';
import { announcementInput } from '../test/rig.js';
import { createFcmChannel, type FcmChannel } from './fcm-channel.js';
import { TOKEN_RENEW_BEFORE_MS } from './fcm-oauth.js';

let sandbox: FcmSandbox | undefined;
let channel: FcmChannel | undefined;
afterEach(async () => {
  await channel?.close?.();
  await sandbox?.close();
  channel = undefined;
  sandbox = undefined;
});

const signal = () => new AbortController().signal;

async function rig(options: { now?: () => number } & Partial<Parameters<typeof createFcmChannel>[0]> = {}) {
  const { now, ...channelOptions } = options;
  sandbox = await createFcmSandbox(now ? { now } : {});
  channel = createFcmChannel({
    serviceAccount: sandbox.serviceAccount,
    baseUrl: sandbox.url,
    tokenUrl: sandbox.tokenUrl,
    ...channelOptions,
  });
  return { sandbox, channel };
}

describe('createFcmChannel options', () => {
  it('refuses a service account without a usable RSA key, naming the field and never the key', async () => {
    const fcm = await createFcmSandbox();
    try {
      const broken = { ...fcm.serviceAccount, private_key: fcm.serviceAccount.private_key.slice(0, 200) };
      let thrown: unknown;
      try {
        createFcmChannel({ serviceAccount: broken });
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(ConfigError);
      expect((thrown as ConfigError).fields).toContain('serviceAccount.private_key');
      expect((thrown as ConfigError).message).not.toContain(broken.private_key.slice(40, 120));
    } finally {
      await fcm.close();
    }
  });
});

describe('sending to the FCM sandbox', () => {
  it('sends an emergency with Android HIGH, APNs priority 10 and string data', async () => {
    const { sandbox, channel } = await rig({ androidChannelId: 'avvisi' });
    const token = sandbox.register();
    const rendered = await channel.render(announcementSchema.parse(announcementInput({ severity: 'extreme' })), 'it');
    const result = await channel.send(token, rendered, { signal: signal() });
    expect(result.ok && result.providerMessageId?.startsWith('projects/comune-jesi-app/messages/')).toBe(true);
    const [received] = sandbox.messages;
    expect(received!.token).toBe(token);
    expect(received!.message).toMatchObject({
      notification: { title: 'Allerta arancione per temporali', body: 'Evitare i sottopassi.\n\nRestare in casa.' },
      data: {
        announcementId: 'allerta-2026-12-06',
        severity: 'extreme',
        lang: 'it',
        url: 'https://www.comune.jesi.an.it/avvisi/allerta-2026-12-06',
      },
      android: { priority: 'HIGH', ttl: '86400s', notification: { channel_id: 'avvisi' } },
      apns: {
        headers: { 'apns-priority': '10', 'apns-push-type': 'alert' },
        payload: { aps: { 'interruption-level': 'time-sensitive' } },
      },
    });
  });

  it('sends a routine notice at normal priority, and an update collapses onto its alert', async () => {
    const { sandbox, channel } = await rig();
    const token = sandbox.register();
    const alert = announcementSchema.parse(announcementInput({ severity: 'minor' }));
    const update = announcementSchema.parse(
      announcementInput({ id: 'aggiornamento', type: 'update', references: ['allerta-2026-12-06'], severity: 'minor' }),
    );
    for (const announcement of [alert, update])
      expect(await channel.send(token, await channel.render(announcement, 'en'), { signal: signal() })).toMatchObject({
        ok: true,
      });
    const [first, second] = sandbox.messages;
    expect(first!.message).toMatchObject({
      android: { priority: 'NORMAL' },
      apns: { headers: { 'apns-priority': '5' } },
    });
    expect((second!.message as { android: { collapse_key: string } }).android.collapse_key).toBe(
      (first!.message as { android: { collapse_key: string } }).android.collapse_key,
    );
    expect((first!.message as { data: { lang: string } }).data.lang).toBe('en');
  });

  it('exchanges one access token for many sends and renews it five minutes before it expires', async () => {
    const clock = createManualClock(Date.UTC(2026, 11, 6, 7, 0, 0));
    const { sandbox, channel } = await rig({ clock, now: () => clock.now() });
    const tokens = Array.from({ length: 20 }, () => sandbox.register());
    const rendered = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    const results = await Promise.all(tokens.map((token) => channel.send(token, rendered, { signal: signal() })));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(sandbox.stats.tokenRequests).toBe(1);
    clock.advance(3599_000 - TOKEN_RENEW_BEFORE_MS - 1_000);
    await channel.send(tokens[0]!, rendered, { signal: signal() });
    expect(sandbox.stats.tokenRequests).toBe(1);
    clock.advance(2_000);
    expect(await channel.send(tokens[0]!, rendered, { signal: signal() })).toMatchObject({ ok: true });
    expect(sandbox.stats.tokenRequests).toBe(2);
  });

  it('renews a revoked access token and resends once, through nextRequest', async () => {
    const { sandbox, channel } = await rig();
    const token = sandbox.register();
    const rendered = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    await channel.send(token, rendered, { signal: signal() });
    sandbox.revokeAccessTokens();
    let paced = 0;
    const result = await channel.send(token, rendered, {
      signal: signal(),
      nextRequest: () => {
        paced++;
        return Promise.resolve();
      },
    });
    expect(result).toMatchObject({ ok: true });
    expect(paced).toBe(1);
    expect(sandbox.stats.tokenRequests).toBe(2);
    expect(sandbox.messages).toHaveLength(2);
  });

  it('stops with AUTH_FAILED when the token endpoint refuses the key, leaking neither key nor assertion', async () => {
    const { sandbox } = await rig();
    const stranger = generateKeyPairSync('rsa', { modulusLength: 2048 })
      .privateKey.export({ format: 'pem', type: 'pkcs8' })
      .toString();
    channel = createFcmChannel({
      serviceAccount: { ...sandbox.serviceAccount, private_key: stranger },
      baseUrl: sandbox.url,
      tokenUrl: sandbox.tokenUrl,
    });
    const rendered = await channel.render(announcementSchema.parse(announcementInput()), 'it');
    const result = await channel.send(sandbox.register(), rendered, { signal: signal() });
    expect(result).toMatchObject({ ok: false, error: { code: 'AUTH_FAILED', providerCode: 'invalid_grant' } });
    expect(sandbox.stats.tokenRefusals).toBe(1);
    expect(sandbox.stats.sends).toBe(0);
    expect(JSON.stringify(result)).not.toContain(stranger.slice(40, 100));
  });

  it.each([
    ['SENDER_ID_MISMATCH', 'ACCOUNT_UNUSABLE'],
    ['INVALID_ARGUMENT', 'RECIPIENT_GONE'],
    ['UNREGISTERED', 'RECIPIENT_GONE'],
  ] as const)('answers a token marked %s with %s, without the token in the error', async (mark, code) => {
    const { sandbox, channel } = await rig();
    const token = sandbox.register();
    sandbox.setTokenError(token, mark);
    const result = await channel.send(
      token,
      await channel.render(announcementSchema.parse(announcementInput()), 'it'),
      {
        signal: signal(),
      },
    );
    expect(result).toMatchObject({ ok: false, error: { code, providerCode: mark } });
    expect(JSON.stringify(result)).not.toContain(token);
  });
});

describe('broadcast through the broadcaster to the FCM sandbox', () => {
  it('reaches every app, drops unregistered tokens, waits out QUOTA_EXCEEDED and retries UNAVAILABLE', async () => {
    const { sandbox, channel } = await rig();
    const store = createMemoryStore();
    const tokens = Array.from({ length: 30 }, () => sandbox.register());
    const gone = tokens.slice(0, 3);
    for (const token of gone) sandbox.setTokenError(token, 'UNREGISTERED');
    await store.importSubscribers(
      tokens.map((address) => ({ channel: 'fcm', address, topics: ['meteo'], areas: [], language: 'it' })),
      { method: 'import', noticeVersion: '2026-03' },
    );
    sandbox.failNext(1, 'QUOTA_EXCEEDED', '1');
    sandbox.failNext(1, 'UNAVAILABLE', '1');
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    try {
      const report = await (await broadcaster.publish(announcementInput({ severity: 'severe' }))).done;
      expect(report.channels.find((entry) => entry.channel === 'fcm')).toMatchObject({
        planned: 30,
        sent: 27,
        dropped: 3,
        failed: 0,
      });
      expect(new Set(sandbox.messages.map((message) => message.token)).size).toBe(27);
      expect(sandbox.stats.errors).toMatchObject({ QUOTA_EXCEEDED: 1, UNAVAILABLE: 1, UNREGISTERED: 3 });
      expect(sandbox.stats.tokenRequests).toBe(1);
      for (const token of gone) expect((await store.findSubscriber('fcm', token))?.status).toBe('unreachable');
    } finally {
      await broadcaster.close();
    }
  }, 30_000);
});
