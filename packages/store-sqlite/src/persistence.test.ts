import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sampleAnnouncement } from '@banditore/core/testing';
import { createSqliteStore } from './sqlite-store.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';

const consent = { method: 'web-form', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;

describe('persistence', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('keeps subscribers, consent, runs, plans, claims and outcomes across a reopen', async () => {
    const path = dir.file('store.db');
    const first = createSqliteStore({ path });
    const subscriber = await first.subscribe(
      { channel: 'telegram', address: '4242', topics: ['meteo'], areas: ['centro'], language: 'it' },
      consent,
    );
    const other = await first.subscribe(
      { channel: 'telegram', address: '4343', topics: [], areas: [], language: 'en' },
      consent,
    );
    const { run } = await first.createRun({
      id: 'run-a',
      idempotencyKey: 'allerta#1',
      announcement: sampleAnnouncement({ id: 'allerta', topics: ['meteo'] }),
      priority: 'emergency',
      audiences: [{ channel: 'telegram', topics: ['meteo'], areas: [], allTopics: false }],
      createdAt: 1_000,
    });
    await first.appendDeliveries(run.id, 'telegram', [subscriber.id, other.id], { cursor: 'c1', done: false });
    const [claimed] = await first.claimDeliveries(run.id, 'telegram', 1);
    await first.recordOutcomes([
      { runId: run.id, channel: 'telegram', deliveryId: claimed!.deliveryId, status: 'sent', attempts: 1, at: 2_000 },
    ]);
    await first.claimDeliveries(run.id, 'telegram', 1);
    expect(await first.acquireLease(run.id, 'process-a', 60_000, 3_000)).toBe(true);
    await first.close();

    const second = createSqliteStore({ path });
    expect(await second.getSubscriber(subscriber.id)).toEqual(subscriber);
    expect((await second.listConsent(subscriber.id)).map((e) => e.kind)).toEqual(['subscribed']);
    const stored = await second.getRun(run.id);
    expect(stored).toMatchObject({ status: 'active', priority: 'emergency', plan: { telegram: { cursor: 'c1' } } });
    expect(stored?.announcement).toEqual(run.announcement);
    const [counts] = await second.deliveryCounts(run.id);
    expect(counts?.byStatus).toMatchObject({ sent: 1, claimed: 1, pending: 0 });
    // A lease survives the reopen: a second process must wait for it to expire.
    expect(await second.acquireLease(run.id, 'process-b', 60_000, 4_000)).toBe(false);
    expect(await second.releaseClaims(run.id, { ambiguous: true })).toBe(1);
    expect((await second.deliveryCounts(run.id))[0]).toMatchObject({ ambiguous: 1, byStatus: { pending: 1 } });
    await second.close();
  });

  it('backup() writes a consistent copy that opens as a store', async () => {
    const store = createSqliteStore({ path: dir.file('live.db') });
    await store.importSubscribers(
      Array.from({ length: 50 }, (_, i) => ({
        channel: 'whatsapp',
        address: `+39333000${String(i).padStart(4, '0')}`,
        topics: ['eventi'],
        areas: [],
        language: 'it',
      })),
      { ...consent, method: 'import' },
    );
    await store.backup(dir.file('copy.db'));
    await store.close();
    const copy = createSqliteStore({ path: dir.file('copy.db') });
    expect(await copy.countAudience({ channel: 'whatsapp', topics: ['eventi'], areas: [], allTopics: false })).toBe(50);
    await copy.close();
  });

  it('a closed store rejects calls instead of throwing synchronously', async () => {
    const store = createSqliteStore({ path: dir.file('closed.db') });
    await store.close();
    const call = store.getRun('x');
    await expect(call).rejects.toThrow(/not open/);
  });
});
