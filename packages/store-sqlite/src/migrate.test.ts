import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSqliteStore } from './sqlite-store.js';
import { migrate, schemaVersion } from './migrate.js';
import { MIGRATIONS, type Migration } from './schema.js';
import { isStoreOpenError } from './errors.js';
import { makeTempDir, type TempDir } from './test/temp-dir.js';

const steps: Migration[] = [
  { version: 1, description: 'notices', sql: `CREATE TABLE notices (id INTEGER PRIMARY KEY, title TEXT NOT NULL)` },
  {
    version: 2,
    description: 'notice language',
    sql: `ALTER TABLE notices ADD COLUMN language TEXT NOT NULL DEFAULT 'it'`,
  },
];

describe('migrations', () => {
  let dir: TempDir;
  beforeEach(async () => {
    dir = await makeTempDir();
  });
  afterEach(async () => {
    await dir.remove();
  });

  it('a new file gets the current schema, in WAL mode, and reopening applies nothing twice', async () => {
    const path = dir.file('store.db');
    const store = createSqliteStore({ path });
    const latest = MIGRATIONS.at(-1)!.version;
    expect(store.schemaVersion).toBe(latest);
    await store.close();
    const first = new Database(path, { readonly: true });
    const applied = first.prepare(`SELECT version, applied_at FROM banditore_schema ORDER BY version`).all();
    expect(applied).toHaveLength(MIGRATIONS.length);
    expect(first.pragma('journal_mode', { simple: true })).toBe('wal');
    first.close();

    const again = createSqliteStore({ path });
    expect(again.schemaVersion).toBe(latest);
    await again.close();
    const second = new Database(path, { readonly: true });
    expect(second.prepare(`SELECT version, applied_at FROM banditore_schema ORDER BY version`).all()).toEqual(applied);
    second.close();
  });

  it('migrates an older file forward and keeps its data', () => {
    const path = dir.file('old.db');
    const db = new Database(path);
    expect(migrate(db, path, steps.slice(0, 1), '2026-01-01T00:00:00.000Z')).toBe(1);
    db.prepare(`INSERT INTO notices (title) VALUES (?)`).run('Mercato spostato');
    expect(migrate(db, path, steps, '2026-02-01T00:00:00.000Z')).toBe(2);
    expect(schemaVersion(db)).toBe(2);
    expect(db.prepare(`SELECT title, language FROM notices`).all()).toEqual([
      { title: 'Mercato spostato', language: 'it' },
    ]);
    const log = db.prepare(`SELECT version, applied_at FROM banditore_schema ORDER BY version`).all();
    expect(log).toEqual([
      { version: 1, applied_at: '2026-01-01T00:00:00.000Z' },
      { version: 2, applied_at: '2026-02-01T00:00:00.000Z' },
    ]);
    db.close();
  });

  it('a failing step rolls back every step of that open', () => {
    const path = dir.file('broken.db');
    const db = new Database(path);
    const broken: Migration[] = [
      ...steps,
      { version: 3, description: 'broken', sql: `CREATE TABLE extra (id INTEGER); SELECT * FROM no_such_table` },
    ];
    expect(() => migrate(db, path, broken, '2026-01-01T00:00:00.000Z')).toThrow(/no_such_table/);
    expect(schemaVersion(db)).toBe(0);
    expect(db.prepare(`SELECT count(*) FROM sqlite_master WHERE name IN ('notices', 'extra')`).pluck().get()).toBe(0);
    db.close();
  });

  it('refuses to run older code against a newer file', () => {
    const path = dir.file('newer.db');
    const db = new Database(path);
    migrate(db, path, steps, '2026-01-01T00:00:00.000Z');
    let caught: unknown;
    try {
      migrate(db, path, steps.slice(0, 1), '2026-01-01T00:00:00.000Z');
    } catch (error) {
      caught = error;
    }
    expect(isStoreOpenError(caught) && caught.code).toBe('NEWER_SCHEMA');
    expect(schemaVersion(db)).toBe(2);
    db.close();
  });
});
