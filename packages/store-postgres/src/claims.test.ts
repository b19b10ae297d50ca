import { sampleAnnouncement, seededRandom } from '@banditore/core/testing';
import type { ClaimedDelivery, NewRun, Store, Subscriber } from '@banditore/core';
import pg from 'pg';
import { afterEach, describe, expect, it } from 'vitest';
import { lowerRowId } from './codec.js';
import { migrate } from './migrate.js';
import { createPostgresStore, type PostgresStore } from './postgres-store.js';
import { MIGRATIONS } from './schema.js';
import { TEST_DATABASE_URL, adminQuery, dropSchema, uniqueSchema } from './test/database.js';

const consent = { at: '2026-03-01T10:00:00.000Z', method: 'web-form', noticeVersion: 'v1' } as const;
let runs = 0;

function newRun(): NewRun {
  runs++;
  return {
    id: `cursor-run-${runs}`,
    idempotencyKey: `cursor-key-${runs}`,
    announcement: sampleAnnouncement({ id: `cursor-${runs}` }),
    priority: 'normal',
    audiences: [{ channel: 'telegram', topics: ['eventi'], areas: [], allTopics: false }],
    createdAt: Date.parse('2026-03-01T10:00:00.000Z'),
  };
}

async function subscribers(store: Store, count: number, prefix: string): Promise<Subscriber[]> {
  const made: Subscriber[] = [];
  for (let i = 0; i < count; i++) {
    made.push(
      await store.subscribe(
        { channel: 'telegram', address: `${prefix}-${i}`, topics: ['eventi'], areas: [], language: 'it' },
        consent,
      ),
    );
  }
  return made;
}

async function claimAll(store: Store, runId: string, batch: number): Promise<ClaimedDelivery[]> {
  const all: ClaimedDelivery[] = [];
  for (;;) {
    const claimed = await store.claimDeliveries(runId, 'telegram', batch);
    if (claimed.length === 0) return all;
    all.push(...claimed);
  }
}

const sent = (claimed: readonly ClaimedDelivery[], runId: string) =>
  claimed.map((delivery) => ({
    runId,
    channel: 'telegram',
    deliveryId: delivery.deliveryId,
    status: 'sent' as const,
    attempts: 1,
    at: Date.parse('2026-03-01T10:01:00.000Z'),
  }));

describe('claims behind a cursor', () => {
  const opened: PostgresStore[] = [];
  const schemas: string[] = [];
  const open = async (schema = uniqueSchema('claims')): Promise<PostgresStore> => {
    if (!schemas.includes(schema)) schemas.push(schema);
    const store = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 4 });
    opened.push(store);
    return store;
  };
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('claims a page planned behind deliveries already claimed', async () => {
    const store = await open();
    const people = await subscribers(store, 30, 'behind');
    const run = newRun();
    await store.createRun(run);
    // The later two thirds are planned and claimed first, then the first third is planned.
    await store.appendDeliveries(
      run.id,
      'telegram',
      people.slice(10).map((p) => p.id),
      { cursor: 'after-page-1', done: false },
    );
    const first = await claimAll(store, run.id, 7);
    await store.appendDeliveries(
      run.id,
      'telegram',
      people.slice(0, 10).map((p) => p.id),
      { cursor: undefined, done: true },
    );
    const second = await claimAll(store, run.id, 7);
    expect(first.map((d) => d.subscriberId).sort()).toEqual(
      people
        .slice(10)
        .map((p) => p.id)
        .sort(),
    );
    expect(second.map((d) => d.subscriberId).sort()).toEqual(
      people
        .slice(0, 10)
        .map((p) => p.id)
        .sort(),
    );
  });

  it('claims again what a release hands back from behind the cursor, and a replayed page adds nothing', async () => {
    const store = await open();
    const people = await subscribers(store, 20, 'release');
    const run = newRun();
    await store.createRun(run);
    const ids = people.map((p) => p.id);
    await store.appendDeliveries(run.id, 'telegram', ids, { cursor: undefined, done: true });
    const claimed = await claimAll(store, run.id, 6);
    const handedBack = [claimed[2]!, claimed[9]!];
    expect(
      await store.releaseClaims(run.id, { deliveryIds: handedBack.map((d) => d.deliveryId), ambiguous: false }),
    ).toBe(2);
    // The page planned again after a takeover: the rows exist, so nothing new, and no error.
    await store.appendDeliveries(run.id, 'telegram', ids.slice(0, 12), { cursor: undefined, done: true });
    const again = await claimAll(store, run.id, 6);
    expect(again.map((d) => d.deliveryId).sort()).toEqual(handedBack.map((d) => d.deliveryId).sort());

    await store.recordOutcomes(
      sent(
        claimed.filter((d) => !handedBack.includes(d)),
        run.id,
      ),
    );
    expect(await store.releaseClaims(run.id, { ambiguous: true })).toBe(2);
    const afterCrash = await claimAll(store, run.id, 6);
    expect(afterCrash.map((d) => d.deliveryId).sort()).toEqual(handedBack.map((d) => d.deliveryId).sort());
    const [counts] = await store.deliveryCounts(run.id);
    expect(counts!.byStatus).toMatchObject({ pending: 0, claimed: 2, sent: 18 });
    expect(counts!.ambiguous).toBe(2);
  });

  it('hands each delivery out once to processes claiming while planning and releases go on', async () => {
    const schema = uniqueSchema('claims');
    const [a, b] = [await open(schema), await open(schema)];
    const people = await subscribers(a, 240, 'race');
    const run = newRun();
    await a.createRun(run);
    const random = seededRandom(20261206);
    // Pages in a shuffled order, so some land behind the cursor.
    const pages: string[][] = [];
    for (let i = 0; i < people.length; i += 20) pages.push(people.slice(i, i + 20).map((p) => p.id));
    pages.sort(() => random() - 0.5);
    const got = new Map<string, number>();
    let planning = true;
    const claimer = async (store: PostgresStore, batch: number): Promise<void> => {
      for (;;) {
        const done = !planning;
        const claimed = await store.claimDeliveries(run.id, 'telegram', batch);
        // Now and then a process hands back part of what it claimed, as a lane does when it stops.
        const back = claimed.filter(() => random() < 0.1);
        if (back.length > 0)
          await store.releaseClaims(run.id, { deliveryIds: back.map((d) => d.deliveryId), ambiguous: false });
        const kept = claimed.filter((d) => !back.includes(d));
        for (const d of kept) got.set(d.deliveryId, (got.get(d.deliveryId) ?? 0) + 1);
        await store.recordOutcomes(sent(kept, run.id));
        if (claimed.length === 0 && done) return;
      }
    };
    const planner = async (): Promise<void> => {
      for (const [index, page] of pages.entries()) {
        await a.appendDeliveries(run.id, 'telegram', page, { cursor: String(index), done: index === pages.length - 1 });
      }
      planning = false;
    };
    await Promise.all([planner(), claimer(a, 9), claimer(b, 13)]);
    expect(got.size).toBe(people.length);
    expect([...got.values()].every((times) => times === 1)).toBe(true);
    const [counts] = await a.deliveryCounts(run.id);
    expect(counts!.byStatus).toMatchObject({ pending: 0, claimed: 0, sent: people.length });
  });

  it('claims a page planned while another process creates the cursor and moves it on', async () => {
    const store = await open();
    const people = await subscribers(store, 10, 'first');
    const run = newRun();
    await store.createRun(run);
    const { seq } = (
      await adminQuery<{ seq: string }>(`SELECT seq::text AS seq FROM "${store.target.schema}".runs`)
    )[0]!;
    // Another process has created the cursor (planning its own first page) and moves it past
    // later pages before it commits, after the page below was planned: planning must wait for
    // that insert and move the cursor back, not find no cursor and leave the page behind.
    const claimer = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await claimer.connect();
    try {
      await claimer.query('BEGIN');
      await claimer.query(
        `INSERT INTO "${store.target.schema}".claim_cursors (run, channel, after) VALUES ($1, 'telegram', 0)`,
        [seq],
      );
      let settled = false;
      const planned = store
        .appendDeliveries(
          run.id,
          'telegram',
          people.map((p) => p.id),
          { cursor: undefined, done: true },
        )
        .finally(() => (settled = true));
      // Until planning waits for that claim (or, wrongly, has finished without waiting).
      const waiting = async (): Promise<boolean> =>
        (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`))[0]!.n > 0;
      while (!settled && !(await waiting())) await new Promise((resolve) => setTimeout(resolve, 10));
      await claimer.query(`UPDATE "${store.target.schema}".claim_cursors SET after = 1000000 WHERE run = $1`, [seq]);
      await claimer.query('COMMIT');
      await planned;
    } finally {
      await claimer.end();
    }
    expect((await claimAll(store, run.id, 4)).map((d) => d.subscriberId).sort()).toEqual(
      people.map((p) => p.id).sort(),
    );
  });

  it('claims what a release hands back while the claim waits for the cursor', async () => {
    const store = await open();
    const schema = `"${store.target.schema}"`;
    const people = await subscribers(store, 10, 'stale');
    const run = newRun();
    await store.createRun(run);
    await store.appendDeliveries(
      run.id,
      'telegram',
      people.map((p) => p.id),
      { cursor: undefined, done: true },
    );
    const first = await store.claimDeliveries(run.id, 'telegram', 5);
    const handedBack = first[2]!;
    // Another process hands one back: it holds the cursor, moved back, until it commits.
    const releaser = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await releaser.connect();
    try {
      await releaser.query('BEGIN');
      await releaser.query(`UPDATE ${schema}.deliveries SET status = 'pending', claimed_by = NULL WHERE id = $1`, [
        handedBack.deliveryId,
      ]);
      await releaser.query(`UPDATE ${schema}.claim_cursors SET after = $1::bigint - 1, version = version + 1`, [
        handedBack.subscriberId,
      ]);
      let settled = false;
      const claiming = store.claimDeliveries(run.id, 'telegram', 10).finally(() => (settled = true));
      // The claim's snapshot is taken now, before the release commits.
      const waiting = async (): Promise<boolean> =>
        (await adminQuery<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE NOT granted`))[0]!.n > 0;
      while (!settled && !(await waiting())) await new Promise((resolve) => setTimeout(resolve, 10));
      await releaser.query('COMMIT');
      const second = await claiming;
      expect(second.map((d) => d.subscriberId).sort()).toEqual(
        [handedBack.subscriberId, ...people.slice(5).map((p) => p.id)].sort(),
      );
    } finally {
      await releaser.end();
    }
    expect(await store.claimDeliveries(run.id, 'telegram', 10)).toEqual([]);
  });

  it('compares row ids as numbers, not as text', () => {
    expect(['110', '99', '100'].reduce(lowerRowId)).toBe('99');
    expect(lowerRowId('1000000000000000001', '999999999999999999')).toBe('999999999999999999');
    expect(lowerRowId('41', '40')).toBe('40');
  });

  it('keeps the delivery status out of every index, so claims and outcomes update rows in place', async () => {
    const store = await open();
    const indexes = await adminQuery<{ indexdef: string }>(
      `SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND tablename = 'deliveries'`,
      [store.target.schema],
    );
    expect(indexes.length).toBeGreaterThan(0);
    for (const { indexdef } of indexes) expect(indexdef).not.toMatch(/status|claimed_by|attempts|updated_at/);
  });

  it('goes on with a run planned by a store of schema version 2', async () => {
    const schema = uniqueSchema('claims');
    schemas.push(schema);
    const client = new pg.Client({ connectionString: TEST_DATABASE_URL });
    await client.connect();
    try {
      const target = { host: '127.0.0.1', port: 5432, database: 'test', user: 'postgres', schema };
      await migrate(client as unknown as pg.PoolClient, target, MIGRATIONS.slice(0, 2), new Date());
      const s = `"${schema}"`;
      await client.query(
        `INSERT INTO ${s}.subscribers (channel, address, status, topics, areas, language, created_at, updated_at)
         SELECT 'telegram', 'v2-' || g, 'active', '{eventi}', '{}', 'it', now(), now() FROM generate_series(1, 6) g`,
      );
      const run = newRun();
      await client.query(
        `INSERT INTO ${s}.runs (id, idempotency_key, announcement, priority, audiences, status, created_at)
         VALUES ($1, $2, $3, $4, $5, 'active', $6)`,
        [run.id, run.idempotencyKey, run.announcement, run.priority, JSON.stringify(run.audiences), run.createdAt],
      );
      await client.query(
        `INSERT INTO ${s}.deliveries (run, channel, subscriber_id, status, claimed_by)
         SELECT 1, 'telegram', g, CASE WHEN g <= 2 THEN 'claimed' ELSE 'pending' END,
           CASE WHEN g <= 2 THEN 'an-old-process' END FROM generate_series(1, 6) g`,
      );
      await client.query(`INSERT INTO ${s}.run_plans (run, channel, cursor, done) VALUES (1, 'telegram', NULL, true)`);

      const store = await open(schema);
      expect(store.schemaVersion).toBe(MIGRATIONS.at(-1)!.version);
      expect((await claimAll(store, run.id, 10)).map((d) => d.subscriberId)).toEqual(['3', '4', '5', '6']);
      expect(await store.releaseClaims(run.id, { ambiguous: true })).toBe(6);
      expect((await claimAll(store, run.id, 4)).map((d) => d.subscriberId)).toEqual(['1', '2', '3', '4', '5', '6']);
    } finally {
      await client.end();
    }
  });
});
