import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from '@banditore/store-sqlite';
import { copyFromSqlite } from './copy-from-sqlite.js';
import { createPostgresStore } from './postgres-store.js';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from './test/database.js';

const consent = { method: 'import', noticeVersion: 'v1', at: '2026-03-01T10:00:00.000Z' } as const;

describe('copy from a SQLite store', () => {
  const cleanups: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it('copies subscribers, the consent ledger, runs and the delivery ledger with the same ids', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'banditore-copy-'));
    cleanups.push(() => rm(dir, { recursive: true, force: true }));
    const path = join(dir, 'source.db');
    const source = createSqliteStore({ path });
    const inputs = [1, 2, 3, 4, 5].map((i) => ({
      channel: 'telegram',
      address: `100${i}`,
      topics: i % 2 ? ['meteo', 'eventi'] : [],
      areas: i === 3 ? ['centro'] : [],
      language: 'it',
    }));
    await source.importSubscribers(inputs, consent);
    const left = (await source.findSubscriber('telegram', '1002'))!;
    await source.updateSubscriber(left.id, { status: 'unsubscribed' }, { ...consent, method: 'keyword' });
    const gone = (await source.findSubscriber('telegram', '1005'))!;
    await source.eraseSubscriber(gone.id, { ...consent, method: 'operator' });
    const ids = await Promise.all(
      inputs.map(async (input) => (await source.findSubscriber('telegram', input.address))?.id),
    );
    await source.createRun({
      id: 'run-copy',
      idempotencyKey: 'copy#1',
      announcement: { id: 'a' } as never,
      priority: 'normal',
      audiences: [{ channel: 'telegram', topics: [], areas: [], allTopics: true }],
      createdAt: 5,
    });
    await source.appendDeliveries('run-copy', 'telegram', [ids[0]!, ids[2]!, ids[3]!], {
      cursor: undefined,
      done: true,
    });
    const claimed = await source.claimDeliveries('run-copy', 'telegram', 2);
    await source.recordOutcomes(
      claimed.map((d) => ({
        runId: 'run-copy',
        channel: 'telegram',
        deliveryId: d.deliveryId,
        status: 'sent',
        attempts: 1,
        at: 9,
      })),
    );
    const expected = {
      subscribers: await Promise.all(ids.map((id) => (id ? source.getSubscriber(id) : Promise.resolve(undefined)))),
      consent: await Promise.all([ids[0]!, left.id, gone.id].map((id) => source.listConsent(id))),
      counts: await source.deliveryCounts('run-copy'),
      run: await source.getRun('run-copy'),
    };
    await source.close();

    const schema = uniqueSchema('copy');
    cleanups.push(() => dropSchema(schema));
    const target = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    const db = new Database(path, { readonly: true });
    try {
      await client.query('BEGIN');
      const copied = await copyFromSqlite(db, client, schema);
      await client.query('COMMIT');
      expect(copied).toMatchObject({ subscribers: 5, runs: 1, run_plans: 1, deliveries: 3 });
    } finally {
      db.close();
      await client.end();
    }
    try {
      expect(await Promise.all(ids.map((id) => (id ? target.getSubscriber(id) : Promise.resolve(undefined))))).toEqual(
        expected.subscribers,
      );
      expect(await Promise.all([ids[0]!, left.id, gone.id].map((id) => target.listConsent(id)))).toEqual(
        expected.consent,
      );
      expect(await target.deliveryCounts('run-copy')).toEqual(expected.counts);
      expect(await target.getRun('run-copy')).toEqual(expected.run);
      // The run goes on from the copy: the one delivery still pending is claimed there.
      const pending = await target.claimDeliveries('run-copy', 'telegram', 10);
      expect(pending.map((d) => d.subscriberId)).toEqual(
        [ids[0]!, ids[2]!, ids[3]!].filter((id) => !claimed.some((d) => d.subscriberId === id)),
      );
      // The sequences moved past the copied ids: a new subscriber gets a new id (and, with no
      // topics, joins the meteo audience of 1001, 1003 and 1004).
      const added = await target.subscribe(
        { channel: 'telegram', address: '2001', topics: [], areas: [], language: 'it' },
        consent,
      );
      expect(ids).not.toContain(added.id);
      expect(await target.countAudience({ channel: 'telegram', topics: ['meteo'], areas: [], allTopics: false })).toBe(
        4,
      );
    } finally {
      await target.close();
    }
  });
});
