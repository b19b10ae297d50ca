// Copies a Banditore SQLite store into a new PostgreSQL schema, row for row with the same ids:
// subscribers, the consent ledger, runs, planning progress and the delivery ledger. Leases are
// not copied (a worker takes the runs with resume()).
//
//   DATABASE_URL=postgres://… npm run copy-from-sqlite -w @banditore/store-postgres -- <file.db> [schema]
//
// The SQLite file is opened read-only. The schema must be new or empty; everything is copied in
// one transaction, so a failure leaves it empty.
import Database from 'better-sqlite3';
import pg from 'pg';
import { copyFromSqlite } from '../src/copy-from-sqlite.js';
import { createPostgresStore } from '../src/postgres-store.js';

const [file, schema = 'banditore'] = process.argv.slice(2);
const url = process.env.DATABASE_URL;
if (!file || !url) {
  process.stderr.write('usage: DATABASE_URL=postgres://… copy-from-sqlite <file.db> [schema]\n');
  process.exit(2);
}
async function main(): Promise<void> {
  const source = new Database(file, { readonly: true, fileMustExist: true });
  // Creates and migrates the schema, with the usual open errors.
  const store = await createPostgresStore({ connectionString: url!, schema });
  await store.close();
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ n: number }>(
      `SELECT (SELECT count(*) FROM "${schema}".subscribers) + (SELECT count(*) FROM "${schema}".runs) AS n`,
    );
    if (Number(rows[0]?.n) > 0) throw new Error(`schema "${schema}" is not empty: copy into a new schema`);
    await client.query('BEGIN');
    const copied = await copyFromSqlite(source, client, schema);
    for (const [table, rows] of Object.entries(copied)) process.stdout.write(`${table}: ${rows} rows\n`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    await client.end();
    source.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
