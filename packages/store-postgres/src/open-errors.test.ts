import { isConfigError } from '@banditore/core';
import { afterEach, describe, expect, it } from 'vitest';
import { isStoreOpenError, type StoreOpenError } from './errors.js';
import { createPostgresStore } from './postgres-store.js';
import { TEST_DATABASE_URL, adminQuery, dropSchema, uniqueSchema } from './test/database.js';

const PASSWORD = 'pw-Segreto-8841';

/** The test server's URL with other parts swapped in. */
function urlWith(change: (url: URL) => void): string {
  const url = new URL(TEST_DATABASE_URL);
  change(url);
  return url.toString();
}

async function openError(options: Parameters<typeof createPostgresStore>[0]): Promise<StoreOpenError> {
  const error = await createPostgresStore(options).then(
    async (store) => {
      await store.close();
      return new Error('the store opened');
    },
    (caught: unknown) => caught,
  );
  if (!isStoreOpenError(error)) throw error;
  return error;
}

/** Nothing the error carries, shown or serialised, may hold the password. */
function expectNoPassword(error: StoreOpenError): void {
  expect(error.message).not.toContain(PASSWORD);
  expect(String(error)).not.toContain(PASSWORD);
  expect(JSON.stringify(error.target)).not.toContain(PASSWORD);
}

describe('createPostgresStore open errors', () => {
  const schemas: string[] = [];
  afterEach(async () => {
    for (const schema of schemas.splice(0)) await dropSchema(schema);
  });

  it('names host and port when no server answers (UNREACHABLE)', async () => {
    const error = await openError({
      connectionString: urlWith((url) => {
        url.port = '1';
        url.password = PASSWORD;
      }),
      connectTimeoutMs: 5_000,
    });
    expect(error.code).toBe('UNREACHABLE');
    expect(error.message).toContain('127.0.0.1:1');
    expectNoPassword(error);
  });

  it('names the user and database when the credentials are refused (WRONG_CREDENTIALS)', async () => {
    const error = await openError({
      connectionString: urlWith((url) => {
        url.username = 'banditore_nobody';
        url.password = PASSWORD;
      }),
    });
    expect(error.code).toBe('WRONG_CREDENTIALS');
    expect(error.message).toContain('"banditore_nobody"');
    expect(error.message).toContain(`database "${error.target.database}"`);
    expectNoPassword(error);
  });

  it('names the database when it does not exist (MISSING_DATABASE)', async () => {
    const error = await openError({
      connectionString: urlWith((url) => {
        url.pathname = '/banditore_no_such_db';
        url.password = PASSWORD;
      }),
    });
    expect(error.code).toBe('MISSING_DATABASE');
    expect(error.message).toContain('"banditore_no_such_db"');
    expect(error.target).toMatchObject({ database: 'banditore_no_such_db', host: '127.0.0.1', port: 5432 });
    expectNoPassword(error);
  });

  it('refuses a schema written by a newer version and changes nothing (NEWER_SCHEMA)', async () => {
    const schema = uniqueSchema('newer');
    schemas.push(schema);
    const store = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    await store.close();
    await adminQuery(`INSERT INTO "${schema}".banditore_schema VALUES (99, 'from the future', now())`);
    const before = await adminQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`,
      [schema],
    );
    const error = await openError({ connectionString: TEST_DATABASE_URL, schema });
    expect(error.code).toBe('NEWER_SCHEMA');
    expect(error.message).toMatch(/schema 99/);
    expect(error.message).toContain(`"${schema}"`);
    const after = await adminQuery<{ n: number }>(
      `SELECT count(*)::int AS n FROM information_schema.tables WHERE table_schema = $1`,
      [schema],
    );
    expect(after).toEqual(before);
  });

  it('refuses a schema that holds other tables (NOT_A_STORE)', async () => {
    const schema = uniqueSchema('foreign');
    schemas.push(schema);
    await adminQuery(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".invoices (id int)`);
    const error = await openError({ connectionString: TEST_DATABASE_URL, schema });
    expect(error.code).toBe('NOT_A_STORE');
    const tables = await adminQuery<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = $1`,
      [schema],
    );
    expect(tables.map((row) => row.name)).toEqual(['invoices']);
  });

  it('refuses invalid options with a ConfigError naming the field, never the connection string', async () => {
    const secret = `postgres://user:${PASSWORD}@127.0.0.1/test`;
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ connectionString: secret, schema: 'Bad Schema' }, 'schema'],
      [{ connectionString: secret, poolSize: 0 }, 'poolSize'],
      [{}, 'connectionString'],
    ];
    for (const [options, field] of cases) {
      const error = await createPostgresStore(options as never).then(
        () => new Error('accepted'),
        (caught: unknown) => caught,
      );
      expect(isConfigError(error), String(error)).toBe(true);
      expect((error as { fields: string[] }).fields).toContain(field);
      expect((error as Error).message).not.toContain(PASSWORD);
    }
  });
});
