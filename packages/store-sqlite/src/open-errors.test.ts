import { writeFile, readFile, mkdir } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isConfigError } from '@banditore/core';
import { createSqliteStore } from './sqlite-store.js';
import { isStoreOpenError, type StoreOpenError } from './errors.js';
import { MIGRATIONS } from './schema.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';

function openError(path: string): StoreOpenError {
  try {
    createSqliteStore({ path });
  } catch (error) {
    if (isStoreOpenError(error)) return error;
    throw error;
  }
  throw new Error('createSqliteStore opened a file it should have refused');
}

describe('opening a file that cannot be used', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('names the file and keeps the SQLite error when the file is not a database', async () => {
    const path = dir.file('notes.db');
    const garbage = 'Verbale della giunta comunale, seduta del 3 marzo.\n'.repeat(200);
    await writeFile(path, garbage);
    const error = openError(path);
    expect(error.code).toBe('NOT_A_DATABASE');
    expect(error.path).toBe(path);
    expect(error.message).toContain(path);
    expect(error.message).toMatch(/not a SQLite database or is damaged/);
    expect((error.cause as { code?: string }).code).toBe('SQLITE_NOTADB');
    // Refusing must not touch the file.
    expect(await readFile(path, 'utf8')).toBe(garbage);
  });

  it('refuses a file written by a newer schema, names both versions and leaves the file alone', async () => {
    const path = dir.file('future.db');
    const store = createSqliteStore({ path });
    await store.close();
    const raw = new Database(path);
    raw
      .prepare(`INSERT INTO banditore_schema (version, description, applied_at) VALUES (?, ?, ?)`)
      .run(999, 'from the future', '2030-01-01T00:00:00.000Z');
    raw.close();
    const error = openError(path);
    expect(error.code).toBe('NEWER_SCHEMA');
    expect(error.message).toContain(path);
    expect(error.message).toContain('schema 999');
    expect(error.message).toContain(`up to ${MIGRATIONS.at(-1)!.version}`);
    const check = new Database(path, { readonly: true });
    expect(check.prepare(`SELECT max(version) FROM banditore_schema`).pluck().get()).toBe(999);
    check.close();
  });

  it('refuses a SQLite database that belongs to something else', () => {
    const path = dir.file('other-app.db');
    const raw = new Database(path);
    raw.exec(`CREATE TABLE protocollo (numero INTEGER PRIMARY KEY, oggetto TEXT)`);
    raw.close();
    const error = openError(path);
    expect(error.code).toBe('NOT_A_STORE');
    expect(error.message).toContain(path);
  });

  it('reports a path whose folder is a regular file as not writable', async () => {
    const blocker = dir.file('a-file');
    await writeFile(blocker, 'x');
    const path = `${blocker}/store.db`;
    const error = openError(path);
    expect(error.code).toBe('NOT_WRITABLE');
    expect(error.message).toContain(path);
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('reports a missing folder as not writable instead of creating it', () => {
    const path = dir.file('missing/folder/store.db');
    const error = openError(path);
    expect(error.code).toBe('NOT_WRITABLE');
    expect(error.message).toContain(path);
  });

  it('reports a path that is a folder', async () => {
    const path = dir.file('a-folder');
    await mkdir(path);
    const error = openError(path);
    expect(error.code).toBe('NOT_WRITABLE');
    expect(error.message).toContain(path);
  });
});

describe('options', () => {
  it.each([
    [{}, 'path'],
    [{ path: '' }, 'path'],
    [{ path: 'x.db', synchronous: 'off' }, 'synchronous'],
    [{ path: 'x.db', busyTimeoutMs: -1 }, 'busyTimeoutMs'],
    [{ path: 'x.db', clock: { now: 5 } }, 'clock'],
  ])('rejects %j with a ConfigError naming %s', (options, field) => {
    let caught: unknown;
    try {
      createSqliteStore(options as never);
    } catch (error) {
      caught = error;
    }
    expect(isConfigError(caught)).toBe(true);
    expect((caught as { fields: string[] }).fields).toEqual([field]);
  });
});
