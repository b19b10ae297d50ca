import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleAnnouncement } from '@banditore/core/testing';
import { createSqliteStore, type SqliteStore } from './sqlite-store.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';

const consent = { method: 'keyword', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;

/** Every byte the store keeps on disk: the database and its WAL. */
async function bytesOnDisk(path: string): Promise<Buffer> {
  const parts = [await readFile(path)];
  if (existsSync(`${path}-wal`)) parts.push(await readFile(`${path}-wal`));
  return Buffer.concat(parts);
}

describe('data-subject operations on disk', () => {
  let dir: TempDir;
  let store: SqliteStore;
  beforeEach(async () => {
    dir = await makeTempDir();
    store = createSqliteStore({ path: dir.file('store.db') });
  });
  afterEach(async () => {
    await store.close();
    await dir.remove();
  });

  it('after erasure the address and provider message ids are gone from the file, counts stay', async () => {
    const marker = '+393331234567';
    const messageMarker = 'wamid.ERASEME0001';
    const subscriber = await store.subscribe(
      { channel: 'whatsapp', address: marker, topics: ['meteo'], areas: ['smia'], language: 'it' },
      consent,
    );
    // Neighbours on the same pages, so the erased bytes sit among live data.
    await store.importSubscribers(
      Array.from({ length: 200 }, (_, i) => ({
        channel: 'whatsapp',
        address: `+39320${String(i).padStart(7, '0')}`,
        topics: [],
        areas: [],
        language: 'it',
      })),
      { ...consent, method: 'import' },
    );
    const { run } = await store.createRun({
      id: 'run-1',
      idempotencyKey: 'k1',
      announcement: sampleAnnouncement(),
      priority: 'normal',
      audiences: [{ channel: 'whatsapp', topics: [], areas: [], allTopics: true }],
      createdAt: 1,
    });
    await store.appendDeliveries(run.id, 'whatsapp', [subscriber.id], { cursor: undefined, done: true });
    const [claimed] = await store.claimDeliveries(run.id, 'whatsapp', 10);
    await store.recordOutcomes([
      {
        runId: run.id,
        channel: 'whatsapp',
        deliveryId: claimed!.deliveryId,
        status: 'sent',
        attempts: 1,
        providerMessageId: messageMarker,
        at: 2,
      },
    ]);
    expect((await bytesOnDisk(dir.file('store.db'))).includes(marker)).toBe(true);

    expect(await store.eraseSubscriber(subscriber.id, { ...consent, method: 'operator' })).toBe(true);

    const bytes = await bytesOnDisk(dir.file('store.db'));
    expect(bytes.includes(marker)).toBe(false);
    expect(bytes.includes(messageMarker)).toBe(false);
    expect((await store.deliveryCounts(run.id))[0]?.byStatus.sent).toBe(1);
    expect(await store.eraseSubscriber(subscriber.id, consent)).toBe(false);
    expect((await store.listConsent(subscriber.id)).map((event) => event.kind)).toEqual(['subscribed', 'erased']);
  });

  it('exports a subscriber as plain JSON-safe data', async () => {
    const subscriber = await store.subscribe(
      { channel: 'telegram', address: '777', topics: ['eventi'], areas: [], language: 'it', citizenId: 'c-1' },
      consent,
    );
    const exported = await store.exportSubscriber(subscriber.id);
    expect(JSON.parse(JSON.stringify(exported))).toEqual({
      subscriber: { ...subscriber, citizenId: 'c-1' },
      consent: [
        {
          subscriberId: subscriber.id,
          kind: 'subscribed',
          at: consent.at,
          channel: 'telegram',
          method: 'keyword',
          noticeVersion: '2026-03',
          topics: ['eventi'],
        },
      ],
      deliveries: {},
    });
  });

  it('the consent ledger refuses updates and deletes, even through a raw connection', async () => {
    const subscriber = await store.subscribe(
      { channel: 'telegram', address: '888', topics: [], areas: [], language: 'it' },
      consent,
    );
    const raw = new Database(dir.file('store.db'));
    try {
      expect(() => raw.prepare(`UPDATE consent_events SET method = 'import'`).run()).toThrow(/append-only/);
      expect(() => raw.prepare(`DELETE FROM consent_events`).run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
    expect(await store.listConsent(subscriber.id)).toHaveLength(1);
  });
});
