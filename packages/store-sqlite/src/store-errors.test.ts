import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isStoreError } from '@banditore/core';
import { toStoreFailure } from './errors.js';
import { createSqliteStore } from './sqlite-store.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';

const consent = { method: 'command', noticeVersion: '2026-03' } as const;

describe('storage failures carry a safe SQLite code', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('a write blocked by another process: StoreError SQLITE_BUSY, no address in the message', async () => {
    const path = dir.file('store.db');
    const store = createSqliteStore({ path, busyTimeoutMs: 0 });
    const other = new Database(path);
    other.exec('BEGIN IMMEDIATE');
    try {
      const error = await store
        .subscribe({ channel: 'telegram', address: '3912345', topics: [], areas: [], language: 'it' }, consent)
        .then(
          () => new Error('the write went through a held lock'),
          (caught: unknown) => caught,
        );
      expect(isStoreError(error), String(error)).toBe(true);
      expect(error).toMatchObject({ name: 'StoreError', code: 'SQLITE_BUSY' });
      expect((error as Error).message).toMatch(/SQLITE_BUSY: another connection held the database lock/);
      expect((error as Error).message).not.toContain('3912345');
      expect((error as Error).cause).toBeInstanceOf(Database.SqliteError);
    } finally {
      other.exec('ROLLBACK');
      other.close();
      await store.close();
    }
  });

  it.each([
    ['SQLITE_FULL', 'database or disk is full', /disk or the database file is full/],
    ['SQLITE_CORRUPT', 'database disk image is malformed', /damaged/],
    ['SQLITE_READONLY', 'attempt to write a readonly database', /cannot be written/],
    ['SQLITE_IOERR_WRITE', 'disk I/O error', /input\/output error/],
  ])('%s from the driver becomes a StoreError with that code', (code, text, hint) => {
    const failure = toStoreFailure(new Database.SqliteError(text, code));
    expect(isStoreError(failure)).toBe(true);
    expect(failure).toMatchObject({ code });
    expect(failure.message).toMatch(hint);
  });

  it('errors that are not SQLite failures pass through unchanged', () => {
    const plain = new TypeError('a programmer error');
    expect(toStoreFailure(plain)).toBe(plain);
  });
});
