import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreError } from '@banditore/core';
import { createSqliteStore, type SqliteStore } from './sqlite-store.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';

const consent = { method: 'command', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;
const MARKER = '777000111222';

/** How many copies of `text` the database file and its WAL hold. */
async function copiesOnDisk(path: string, text: string): Promise<{ db: number; wal: number }> {
  const count = (bytes: Buffer): number => {
    let found = 0;
    for (let at = bytes.indexOf(text); at >= 0; at = bytes.indexOf(text, at + 1)) found++;
    return found;
  };
  const wal = existsSync(`${path}-wal`) ? count(await readFile(`${path}-wal`)) : 0;
  return { db: count(await readFile(path)), wal };
}

/** A second connection, as another process (a backup script, a report) would hold one, inside a read. */
function openReader(path: string): Database.Database {
  const reader = new Database(path, { readonly: true });
  reader.exec('BEGIN');
  reader.prepare('SELECT count(*) FROM subscribers').get();
  return reader;
}

describe('erasure while another connection reads', () => {
  let dir: TempDir;
  let store: SqliteStore | undefined;
  let reader: Database.Database | undefined;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    if (reader?.open) reader.close();
    await store?.close();
    await dir.remove();
  });

  async function seeded(erasureWaitMs: number): Promise<{ store: SqliteStore; id: string; path: string }> {
    const path = dir.file('store.db');
    store = createSqliteStore({ path, erasureWaitMs });
    const subscriber = await store.subscribe(
      { channel: 'telegram', address: MARKER, topics: ['meteo'], areas: [], language: 'it' },
      consent,
    );
    await store.importSubscribers(
      Array.from({ length: 200 }, (_, i) => ({
        channel: 'telegram',
        address: String(100_000_000 + i),
        topics: [],
        areas: [],
        language: 'it',
      })),
      { ...consent, method: 'import' },
    );
    return { store, id: subscriber.id, path };
  }

  it('resolves only once the reader is done, and then no copy of the address is left on disk', async () => {
    const { store: opened, id, path } = await seeded(60_000);
    reader = openReader(path);
    let settled = false;
    const erasing = opened.eraseSubscriber(id, consent).finally(() => {
      settled = true;
    });
    // The reader still sees the old pages: the wipe cannot have happened, so the call must not be done.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(settled, 'eraseSubscriber resolved while old copies were still on disk').toBe(false);
    expect(await opened.getSubscriber(id)).toBeUndefined();

    reader.exec('COMMIT');
    reader.close();
    expect(await erasing).toBe(true);
    expect(await copiesOnDisk(path, MARKER)).toEqual({ db: 0, wal: 0 });
    // Other subscribers are intact.
    expect(await opened.findSubscriber('telegram', '100000007')).toMatchObject({ status: 'active' });
  });

  it('says ERASURE_PENDING when the reader outlasts the wait, and finishes the wipe on the next call', async () => {
    const { store: opened, id, path } = await seeded(50);
    reader = openReader(path);
    const error = await opened.eraseSubscriber(id, consent).then(
      () => new Error('resolved while the reader still held old copies'),
      (caught: unknown) => caught,
    );
    expect(isStoreError(error), String(error)).toBe(true);
    expect((error as { code: string }).code).toBe('ERASURE_PENDING');
    expect((error as Error).message).not.toContain(MARKER);
    // The subscriber is gone from the store's point of view already.
    expect(await opened.getSubscriber(id)).toBeUndefined();
    expect(await opened.findSubscriber('telegram', MARKER)).toBeUndefined();

    reader.exec('COMMIT');
    reader.close();
    expect(await opened.eraseSubscriber(id, consent)).toBe(false);
    expect(await copiesOnDisk(path, MARKER)).toEqual({ db: 0, wal: 0 });
  });

  it('with no other reader, the address is gone from disk when the call resolves', async () => {
    const { store: opened, id, path } = await seeded(60_000);
    expect((await copiesOnDisk(path, MARKER)).db + (await copiesOnDisk(path, MARKER)).wal).toBeGreaterThan(0);
    expect(await opened.eraseSubscriber(id, consent)).toBe(true);
    expect(await copiesOnDisk(path, MARKER)).toEqual({ db: 0, wal: 0 });
  });
});
