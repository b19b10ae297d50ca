import { spawnSync } from 'node:child_process';
import { chmod, readdir, readFile } from 'node:fs/promises';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, beforeEach, afterEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';
import { isStoreOpenError, type StoreOpenError } from './errors.js';
import { bundleChild } from './test/child-process.js';
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

/** A SQLite file in rollback-journal mode, as most other programs leave their files. */
function rollbackModeFile(path: string, sql: string): void {
  const db = new Database(path);
  db.pragma('journal_mode = DELETE');
  db.exec(sql);
  db.close();
}

describe('files refused at open are left exactly as they were', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('a foreign SQLite database: NOT_A_STORE, same bytes, no WAL left behind', async () => {
    const path = dir.file('gestionale.db');
    rollbackModeFile(
      path,
      `CREATE TABLE protocollo (n INTEGER, oggetto TEXT); INSERT INTO protocollo VALUES (1, 'x');`,
    );
    const before = await readFile(path);
    expect(openError(path).code).toBe('NOT_A_STORE');
    expect((await readFile(path)).equals(before), 'the file was rewritten (switched to WAL?)').toBe(true);
    expect(await readdir(dir.path)).toEqual(['gestionale.db']);
  });

  it('a store written by a newer schema: NEWER_SCHEMA, same bytes', async () => {
    const path = dir.file('future.db');
    rollbackModeFile(
      path,
      `CREATE TABLE banditore_schema (version INTEGER PRIMARY KEY, description TEXT NOT NULL, applied_at TEXT NOT NULL);
       INSERT INTO banditore_schema VALUES (999, 'from the future', '2030-01-01T00:00:00.000Z');`,
    );
    const before = await readFile(path);
    const error = openError(path);
    expect(error.code).toBe('NEWER_SCHEMA');
    expect(error.message).toMatch(/was not changed/);
    expect((await readFile(path)).equals(before), 'the file was rewritten (switched to WAL?)').toBe(true);
    expect(await readdir(dir.path)).toEqual(['future.db']);
  });
});

describe('a database this process may read but not write', () => {
  let child: { file: string; remove: () => Promise<void> };
  let dir: TempDir;
  beforeAll(async () => {
    child = await bundleChild('open-child.ts');
  });
  afterAll(async () => {
    await child.remove();
  });
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  /** Opens the store in a child; as root, the child runs as `nobody` so file permissions apply. */
  function openInChild(path: string): Record<string, unknown> {
    const asRoot = process.getuid?.() === 0;
    const result = spawnSync(process.execPath, [child.file, path], {
      encoding: 'utf8',
      ...(asRoot ? { uid: 65534, gid: 65534 } : {}),
    });
    expect(result.status, result.stderr).toBe(0);
    return JSON.parse(result.stdout.trim()) as Record<string, unknown>;
  }

  it.each(['wal', 'delete'])(
    'is refused at open with NOT_WRITABLE (journal mode %s), not at the first write',
    async (mode) => {
      const path = dir.file('store.db');
      const store = createSqliteStore({ path });
      await store.close();
      if (mode === 'delete') {
        const raw = new Database(path);
        raw.pragma('journal_mode = DELETE');
        raw.close();
      }
      const before = await readFile(path);
      // The folder stays writable (SQLite may create its -wal and -shm there); only the file is not.
      await chmod(dir.path, 0o777);
      await chmod(path, 0o444);
      const outcome = openInChild(path);
      expect(outcome).toMatchObject({ type: 'refused', code: 'NOT_WRITABLE' });
      expect(String(outcome.message)).toContain(path);
      expect((await readFile(path)).equals(before)).toBe(true);
    },
  );
});
