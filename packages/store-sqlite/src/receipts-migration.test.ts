import Database from 'better-sqlite3';
import { sampleAnnouncement } from '@banditore/core/testing';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { migrate } from './migrate.js';
import { MIGRATIONS } from './schema.js';
import { createSqliteStore } from './sqlite-store.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';

const consent = { method: 'keyword', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;

describe('receipts and channel state (migration 2)', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('upgrades a file written before receipts, keeping its subscribers', async () => {
    const path = dir.file('v1.db');
    const old = new Database(path);
    old.pragma('journal_mode = WAL');
    migrate(old, path, MIGRATIONS.slice(0, 1), '2026-01-01T00:00:00.000Z');
    old
      .prepare(
        `INSERT INTO subscribers (channel, address, status, topics, areas, language, created_at, updated_at)
         VALUES ('whatsapp', '393357152219', 'active', ',', ',', 'it', '2026-01-01', '2026-01-01')`,
      )
      .run();
    old.close();

    const store = createSqliteStore({ path });
    expect(store.schemaVersion).toBeGreaterThanOrEqual(2);
    const state = await store.channelState('whatsapp', '393357152219');
    expect(state?.lastInboundAt).toBeUndefined();
    expect(await store.recordInbound(state!.subscriberId, 1_000)).toBe(true);
    expect((await store.channelState('whatsapp', '393357152219'))?.lastInboundAt).toBe(1_000);
    await store.recordReceipts([
      { channel: 'whatsapp', providerMessageId: 'wamid.1', status: 'read', at: 5, runId: 'r' },
    ]);
    expect(await store.receiptCounts('r')).toEqual([
      { channel: 'whatsapp', sent: 0, delivered: 1, read: 1, failed: 0, byCode: {} },
    ]);
    await store.close();
  });

  it('erasure deletes the channel-state row and unlinks receipts from the erased delivery', async () => {
    const path = dir.file('erase.db');
    const store = createSqliteStore({ path });
    const subscriber = await store.subscribe(
      { channel: 'whatsapp', address: '393357152219', topics: [], areas: [], language: 'it' },
      consent,
    );
    await store.recordInbound(subscriber.id, 1_000);
    await store.recordReceipts([
      { channel: 'whatsapp', providerMessageId: 'wamid.9', status: 'delivered', at: 5, runId: 'r', deliveryId: '1' },
    ]);
    // Delivery row 1 belongs to this subscriber.
    const run = { id: 'r', idempotencyKey: 'k', priority: 'normal' as const, createdAt: 1 };
    await store.createRun({
      ...run,
      announcement: sampleAnnouncement(),
      audiences: [{ channel: 'whatsapp', topics: [], areas: [], allTopics: true }],
    });
    await store.appendDeliveries('r', 'whatsapp', [subscriber.id], { cursor: undefined, done: true });
    await store.eraseSubscriber(subscriber.id, consent);
    await store.close();

    const raw = new Database(path, { readonly: true });
    expect(raw.prepare(`SELECT count(*) FROM subscriber_channel_state`).pluck().get()).toBe(0);
    expect(raw.prepare(`SELECT delivery_id, status FROM receipts`).get()).toEqual({
      delivery_id: null,
      status: 'delivered',
    });
    raw.close();
  });
});
