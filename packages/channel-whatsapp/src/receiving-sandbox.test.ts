import { createBroadcaster, createMemoryStore, serve, type RunningServer, type Store } from '@banditore/core';
import { sampleAnnouncement } from '@banditore/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWhatsAppInbox, type WhatsAppInbox } from './inbox.js';
import { createWhatsAppSandbox, type WhatsAppSandbox } from './sandbox/index.js';
import { CHANNEL_TEMPLATES, SANDBOX_TEMPLATES, testSeed } from './test/rig.js';
import { createStoreConversationWindow } from './window-store.js';
import { createWhatsAppWebhookHandler } from './webhook.js';
import { createWhatsAppChannel, type WhatsAppChannel } from './whatsapp-channel.js';

const APP_SECRET = 'sandbox-app-secret-0123456789';

/**
 * Waits until `check` holds, re-checking after each turn of I/O, then every millisecond (the limit
 * only catches a hang).
 */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let turn = 0; turn < 200_000; turn++) {
    if (await check()) return;
    await new Promise((resolve) => (turn < 10_000 ? setImmediate(resolve) : setTimeout(resolve, 1)));
  }
  throw new Error(`never: ${what}`);
}

describe('receiving side against the Cloud API sandbox', () => {
  let sandbox: WhatsAppSandbox;
  let server: RunningServer;
  let store: Store;
  let inbox: WhatsAppInbox;
  let channel: WhatsAppChannel;
  const throughput = 80;

  beforeEach(async () => {
    store = createMemoryStore();
    let webhookUrl = '';
    sandbox = await createWhatsAppSandbox({
      templates: SANDBOX_TEMPLATES,
      seed: testSeed('receiving'),
      pairRateMs: 0,
      phoneNumbers: [{ id: '106540352242922', throughput }],
      webhook: {
        get url() {
          return webhookUrl;
        },
        appSecret: APP_SECRET,
        duplicateRate: 0.3,
        readRate: 0.5,
      },
    });
    channel = createWhatsAppChannel({
      accessToken: sandbox.accessToken,
      phoneNumberId: sandbox.phoneNumberIds[0]!,
      baseUrl: sandbox.url,
      templates: CHANNEL_TEMPLATES,
      throughput,
      // The sandbox here has no pair rate: notices to the same citizens need not wait 6 s.
      limits: { perRecipientIntervalMs: 0 },
      conversationWindow: createStoreConversationWindow({ store }),
    });
    inbox = createWhatsAppInbox({
      store,
      channel,
      comuneName: 'Comune di Jesi',
      privacyUrl: 'https://www.comune.jesi.an.it/privacy',
      noticeVersion: '2026-03',
      topics: [{ id: 'meteo', label: 'Meteo' }],
    });
    server = await serve(createWhatsAppWebhookHandler(inbox, { appSecret: APP_SECRET, verifyToken: 'verify-token-1' }));
    webhookUrl = `${server.url}/whatsapp`;
  });
  afterEach(async () => {
    await sandbox.close();
    await server.close();
    await channel.close();
  });

  it('subscribes a citizen who writes ISCRIVIMI and answers inside the window the message opened', async () => {
    await sandbox.receiveInbound('393331000001', 'ISCRIVIMI');
    await sandbox.drainWebhooks();
    await until(
      async () => (await store.findSubscriber('whatsapp', '393331000001'))?.status === 'active',
      'subscribed',
    );
    await until(() => sandbox.messages.filter((message) => message.to === '393331000001').length >= 2, 'replies');
    const types = sandbox.messages
      .filter((message) => message.to === '393331000001')
      .map((message) => message.body.type);
    // The sandbox refuses free-form outside a window (131047): these were accepted.
    expect(types).toEqual(['text', 'interactive']);
    expect(sandbox.stats.errors).toEqual({});
    const window = createStoreConversationWindow({ store });
    expect(await window.lastInboundAt('393331000001')).toBeTypeOf('number');
  });

  it('records the signed, batched, duplicated status webhooks of a broadcast as receipts', async () => {
    const count = 60;
    for (let i = 0; i < count; i++) {
      await store.subscribe(
        { channel: 'whatsapp', address: `3933310${String(i).padStart(5, '0')}`, topics: [], areas: [], language: 'it' },
        { method: 'import', noticeVersion: '2026-03' },
      );
    }
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const run = await broadcaster.publish(sampleAnnouncement({ topics: [] }));
    const report = await run.done;
    expect(report.channels[0]?.sent).toBe(count);
    await sandbox.drainWebhooks();
    const ids = sandbox.messages.map((message) => message.id);
    expect(ids).toHaveLength(count);
    await until(async () => {
      for (const id of ids) {
        const receipt = await store.getReceipt('whatsapp', id);
        if (receipt?.status !== 'delivered' && receipt?.status !== 'read') return false;
      }
      return true;
    }, 'every message delivered or read');
    // The channel sent the run in biz_opaque_callback_data, so the receipts count for the run.
    await until(async () => (await store.receiptCounts(run.id))[0]?.delivered === count, 'counted for the run');
    expect(inbox.stats.receiptsIgnored).toBeGreaterThan(0); // duplicates and late "sent"s
    expect(inbox.stats.failed).toBe(0);
    await broadcaster.close();
  });

  it('a citizen\'s "Stop promotions" (user_preferences) stops the weekly events template to them, not utility alerts, until they resume', async () => {
    const citizens = ['393331200001', '393331200002', '393331200003'];
    for (const address of citizens) {
      await store.subscribe(
        { channel: 'whatsapp', address, topics: [], areas: [], language: 'it' },
        { method: 'import', noticeVersion: '2026-03' },
      );
    }
    await sandbox.stopMarketing(citizens[1]!);
    expect(inbox.stats.marketingStopped).toBe(1);
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const events = await (await broadcaster.publish(sampleAnnouncement({ id: 'eventi-1', topics: ['eventi'] }))).done;
    const toStopped = (): number => sandbox.messages.filter((message) => message.to === citizens[1]).length;
    expect(events.channels[0]).toMatchObject({ sent: 2, failed: 1 });
    expect(toStopped(), 'no marketing request to a citizen who stopped').toBe(0);
    expect(sandbox.stats.errors[131050] ?? 0, 'the channel knew before Meta had to refuse').toBe(0);

    const alert = await (await broadcaster.publish(sampleAnnouncement({ id: 'lavori-1', topics: ['lavori'] }))).done;
    expect(alert.channels[0]).toMatchObject({ sent: 3, failed: 0 });
    expect(toStopped(), 'utility still reaches them').toBe(1);

    await sandbox.resumeMarketing(citizens[1]!);
    expect(inbox.stats.marketingResumed).toBe(1);
    const again = await (await broadcaster.publish(sampleAnnouncement({ id: 'eventi-2', topics: ['eventi'] }))).done;
    expect(again.channels[0]).toMatchObject({ sent: 3, failed: 0 });
    expect(toStopped()).toBe(2);
    await broadcaster.close();
  });

  it("replies to a storm of citizen messages share the number's 80/s with a running broadcast: no 130429", async () => {
    const count = 240;
    for (let i = 0; i < count; i++) {
      await store.subscribe(
        { channel: 'whatsapp', address: `3933320${String(i).padStart(5, '0')}`, topics: [], areas: [], language: 'it' },
        { method: 'import', noticeVersion: '2026-03' },
      );
    }
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const run = await broadcaster.publish(sampleAnnouncement({ topics: ['lavori'] }));
    // While the broadcast runs at the number's full rate, 60 citizens ask for help at once.
    await until(() => sandbox.stats.accepted >= 40, 'the broadcast is under way');
    await Promise.all(
      Array.from({ length: 60 }, (_, i) => sandbox.receiveInbound(`3933330${String(i).padStart(5, '0')}`, 'AIUTO')),
    );
    const report = await run.done;
    await until(
      () => inbox.stats.messages >= 60 && sandbox.stats.accepted + inbox.stats.replyFailed >= count + 60,
      'every help answered (or given up)',
    );
    expect(report.channels[0]).toMatchObject({ sent: count, failed: 0 });
    expect(inbox.stats.replyFailed).toBe(0);
    expect(sandbox.stats.errors[130429] ?? 0, 'the number went over its throughput').toBe(0);
    await broadcaster.close();
  });
});
