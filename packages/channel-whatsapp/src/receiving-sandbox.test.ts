import { createBroadcaster, createMemoryStore, serve, type RunningServer, type Store } from '@banditore/core';
import { sampleAnnouncement } from '@banditore/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createWhatsAppInbox, type WhatsAppInbox } from './inbox.js';
import { createGraphReplies, type WhatsAppReplies } from './replies.js';
import { createWhatsAppSandbox, type WhatsAppSandbox } from './sandbox/index.js';
import { CHANNEL_TEMPLATES, SANDBOX_TEMPLATES, testSeed } from './test/rig.js';
import { createStoreConversationWindow } from './window-store.js';
import { createWhatsAppWebhookHandler } from './webhook.js';
import { createWhatsAppChannel } from './whatsapp-channel.js';

const APP_SECRET = 'sandbox-app-secret-0123456789';

/** Waits until `check` holds, re-checking after each turn of I/O (no wall-clock budget). */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let turn = 0; turn < 100_000; turn++) {
    if (await check()) return;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never: ${what}`);
}

describe('receiving side against the Cloud API sandbox', () => {
  let sandbox: WhatsAppSandbox;
  let server: RunningServer;
  let store: Store;
  let inbox: WhatsAppInbox;
  let replies: WhatsAppReplies;

  beforeEach(async () => {
    store = createMemoryStore();
    let webhookUrl = '';
    sandbox = await createWhatsAppSandbox({
      templates: SANDBOX_TEMPLATES,
      seed: testSeed('receiving'),
      pairRateMs: 0,
      phoneNumbers: [{ id: '106540352242922', throughput: 1000 }],
      webhook: {
        get url() {
          return webhookUrl;
        },
        appSecret: APP_SECRET,
        duplicateRate: 0.3,
        readRate: 0.5,
      },
    });
    replies = createGraphReplies({
      accessToken: sandbox.accessToken,
      phoneNumberId: sandbox.phoneNumberIds[0]!,
      baseUrl: sandbox.url,
    });
    inbox = createWhatsAppInbox({
      store,
      replies,
      comuneName: 'Comune di Jesi',
      privacyUrl: 'https://www.comune.jesi.an.it/privacy',
      noticeVersion: '2026-03',
      topics: [{ id: 'meteo', label: 'Meteo' }],
      phoneNumberId: sandbox.phoneNumberIds[0]!,
    });
    server = await serve(createWhatsAppWebhookHandler(inbox, { appSecret: APP_SECRET, verifyToken: 'verify-token-1' }));
    webhookUrl = `${server.url}/whatsapp`;
  });
  afterEach(async () => {
    await sandbox.close();
    await server.close();
    await replies.close?.();
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
    const channel = createWhatsAppChannel({
      accessToken: sandbox.accessToken,
      phoneNumberId: sandbox.phoneNumberIds[0]!,
      baseUrl: sandbox.url,
      templates: CHANNEL_TEMPLATES,
    });
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
    await channel.close();
  });
});
