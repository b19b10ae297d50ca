import { rm } from 'node:fs/promises';
import type { Store } from '@banditore/core';
import { createPostgresStore } from '@banditore/store-postgres';
import { createSqliteStore } from '@banditore/store-sqlite';
import pg from 'pg';

/** The schema the demo uses when it runs on PostgreSQL. */
const DEMO_SCHEMA = 'banditore_demo';

/**
 * The demo's store, fresh at every start so every run shows the same numbers: a SQLite file under
 * `data/` by default, or, with `DATABASE_URL` set, the `banditore_demo` schema on that PostgreSQL
 * server (dropped and created again), which several demo workers can share.
 *
 * @param env - The process environment (`DATABASE_URL`).
 * @param sqlitePath - The SQLite file otherwise.
 * @param options - `fresh: false` joins the store as it is (a second worker).
 * @returns The store and a label for the console.
 */
export async function openDemoStore(
  env: NodeJS.ProcessEnv,
  sqlitePath: string,
  options: { fresh: boolean } = { fresh: true },
): Promise<{ store: Store; label: string }> {
  const url = env.DATABASE_URL;
  if (url) {
    if (options.fresh) {
      const client = new pg.Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP SCHEMA IF EXISTS ${DEMO_SCHEMA} CASCADE`);
      } finally {
        await client.end();
      }
    }
    const store = await createPostgresStore({ connectionString: url, schema: DEMO_SCHEMA });
    const { host, port, database } = store.target;
    return { store, label: `PostgreSQL ${host}:${port}/${database}, schema ${DEMO_SCHEMA}` };
  }
  if (options.fresh)
    await Promise.all(['', '-wal', '-shm'].map((suffix) => rm(`${sqlitePath}${suffix}`, { force: true })));
  return { store: createSqliteStore({ path: sqlitePath }), label: `SQLite ${sqlitePath}` };
}
