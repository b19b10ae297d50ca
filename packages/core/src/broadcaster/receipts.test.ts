import { describe, expect, it } from 'vitest';
import type { Channel, SendResult } from '../channel/channel.js';
import { createMemoryStore } from '../store/memory-store.js';
import type { ReceiptStatus } from '../store/receipt-store.js';
import { sampleAnnouncement } from '../testing/fixtures.js';
import { createSandboxChannel, type SandboxChannelMessage } from '../testing/sandbox-channel.js';
import { seedSubscribers } from '../test-support/seed.js';
import { createBroadcaster } from './create-broadcaster.js';

describe('delivery receipts in progress and reports', () => {
  it('passes the run and delivery ids to send() and shows delivered and read counts for channels with receipts', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 30, { prefix: 'wa-', channel: 'whatsapp' });
    const sandbox = createSandboxChannel({ name: 'whatsapp' });
    const seen: Array<{ runId: string | undefined; deliveryId: string | undefined }> = [];
    let count = 0;
    // A provider that answers each send with a message id and, as its webhook would, receipts.
    const channel: Channel<SandboxChannelMessage> = {
      ...sandbox,
      receipts: true,
      async send(address, rendered, options): Promise<SendResult> {
        const result = await sandbox.send(address, rendered, options);
        seen.push({ runId: options.runId, deliveryId: options.deliveryId });
        const id = `wamid.${++count}`;
        const final: ReceiptStatus = count % 10 === 0 ? 'failed' : count % 3 === 0 ? 'read' : 'delivered';
        await store.recordReceipts([
          {
            channel: 'whatsapp',
            providerMessageId: id,
            status: final,
            at: count,
            ...(final === 'failed' ? { code: '131026' } : {}),
            ...(options.runId === undefined ? {} : { runId: options.runId }),
          },
        ]);
        return result.ok ? { ok: true, providerMessageId: id } : result;
      },
    };
    const broadcaster = createBroadcaster({ store, channels: [channel] });
    const announcement = sampleAnnouncement({ topics: [] });
    const run = await broadcaster.publish(announcement);
    const report = await run.done;

    expect(seen).toHaveLength(30);
    expect(seen.every((entry) => entry.runId === run.id)).toBe(true);
    expect(new Set(seen.map((entry) => entry.deliveryId)).size).toBe(30);
    // 30 sends: 3 failed (every 10th), 9 read (every 3rd but not 30), 18 delivered only.
    expect(report.channels[0]).toMatchObject({ sent: 30, delivered: 27, read: 9, failedAfterSend: 3 });
    expect(run.progress().channels[0]).toMatchObject({ delivered: 27, read: 9 });
    // A late receipt, then a second look at the finished run (same announcement): the latest counts.
    await store.recordReceipts([{ channel: 'whatsapp', providerMessageId: 'wamid.1', status: 'read', at: 99 }]);
    await store.recordReceipts([
      { channel: 'whatsapp', providerMessageId: 'wamid.1', status: 'read', at: 99, runId: run.id },
    ]);
    const again = await broadcaster.publish(announcement);
    expect(again.created).toBe(false);
    expect((await again.done).channels[0]).toMatchObject({ delivered: 27, read: 10, failedAfterSend: 3 });
    await broadcaster.close();
  });

  it('leaves the counts out for channels without receipts', async () => {
    const store = createMemoryStore();
    await seedSubscribers(store, 5);
    const broadcaster = createBroadcaster({ store, channels: [createSandboxChannel()] });
    const run = await broadcaster.publish(sampleAnnouncement({ topics: [] }));
    const report = await run.done;
    expect(report.channels[0]).not.toHaveProperty('delivered');
    expect(run.progress().channels[0]).not.toHaveProperty('read');
    await broadcaster.close();
  });
});
