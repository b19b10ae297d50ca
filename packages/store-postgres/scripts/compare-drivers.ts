// Compares the two well-kept PostgreSQL drivers for Node.js, `pg` and `postgres`, on the ledger's
// hot path: claim a batch of pending deliveries (FOR UPDATE SKIP LOCKED) and record their outcomes
// in one statement (UPDATE … FROM unnest). Interleaved rounds on one server, median reported.
//
//   npm run compare-drivers -w @banditore/store-postgres -- [rows=100000] [batch=500] [rounds=5]
//
// DATABASE_URL picks the server (default: the local one, database "test").
import pg from 'pg';
import postgres from 'postgres';

const url = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const [rows = 100_000, batch = 500, rounds = 5] = process.argv.slice(2).map(Number);
const schema = `compare_drivers_${process.pid}`;

const CLAIM = `
  WITH picked AS (
    SELECT id FROM ${schema}.deliveries WHERE run = $1 AND status = 'pending' ORDER BY id LIMIT $2
    FOR UPDATE SKIP LOCKED)
  UPDATE ${schema}.deliveries d SET status = 'claimed' FROM picked WHERE d.id = picked.id
  RETURNING d.id, d.subscriber_id, d.attempts`;
const RECORD = `
  UPDATE ${schema}.deliveries d SET status = u.status, attempts = u.attempts, provider_message_id = u.pmid, updated_at = u.at
  FROM unnest($1::bigint[], $2::text[], $3::int[], $4::text[], $5::bigint[]) AS u(id, status, attempts, pmid, at)
  WHERE d.id = u.id`;

async function setup(run: number): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`
    DELETE FROM ${schema}.deliveries WHERE run = ${run};
    INSERT INTO ${schema}.deliveries (run, subscriber_id, status)
      SELECT ${run}, g, 'pending' FROM generate_series(1, ${rows}) AS g;
    ANALYZE ${schema}.deliveries;`);
  await client.end();
}

interface Claimed {
  id: string;
}

function outcomesOf(claimed: readonly Claimed[]): unknown[] {
  const now = Date.now();
  return [
    claimed.map((r) => String(r.id)),
    claimed.map(() => 'sent'),
    claimed.map(() => 1),
    claimed.map((r) => `m-${r.id}`),
    claimed.map(() => now),
  ];
}

async function withPg(run: number): Promise<number> {
  const pool = new pg.Pool({ connectionString: url, max: 2 });
  const started = performance.now();
  let done = 0;
  for (;;) {
    const { rows: claimed } = await pool.query<Claimed>(CLAIM, [run, batch]);
    if (claimed.length === 0) break;
    await pool.query(RECORD, outcomesOf(claimed));
    done += claimed.length;
  }
  const seconds = (performance.now() - started) / 1000;
  await pool.end();
  return done / seconds;
}

async function withPostgres(run: number): Promise<number> {
  const sql = postgres(url, { max: 2, onnotice: () => {} });
  const started = performance.now();
  let done = 0;
  for (;;) {
    const claimed = (await sql.unsafe(CLAIM, [run, batch], { prepare: true })) as unknown as Claimed[];
    if (claimed.length === 0) break;
    await sql.unsafe(RECORD, outcomesOf(claimed) as never, { prepare: true });
    done += claimed.length;
  }
  const seconds = (performance.now() - started) / 1000;
  await sql.end();
  return done / seconds;
}

const median = (values: number[]): number => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0;

const admin = new pg.Client({ connectionString: url });
await admin.connect();
await admin.query(`
  CREATE SCHEMA ${schema};
  CREATE TABLE ${schema}.deliveries (id bigserial PRIMARY KEY, run bigint NOT NULL, subscriber_id bigint NOT NULL,
    status text NOT NULL, attempts int NOT NULL DEFAULT 0, provider_message_id text, updated_at bigint);
  CREATE INDEX ON ${schema}.deliveries (run, id) WHERE status = 'pending';`);
try {
  const results: Record<string, number[]> = { pg: [], postgres: [] };
  for (let round = 0; round < rounds; round++) {
    const pair: Array<[string, (run: number) => Promise<number>]> = [
      ['pg', withPg],
      ['postgres', withPostgres],
    ];
    if (round % 2 === 1) pair.reverse();
    for (const [name, drive] of pair) {
      const run = round * 2 + (name === 'pg' ? 0 : 1);
      await setup(run);
      results[name]!.push(await drive(run));
    }
  }
  for (const [name, values] of Object.entries(results)) {
    process.stdout.write(
      `${JSON.stringify({
        driver: name,
        rows,
        batch,
        median_deliveries_per_s: Math.round(median(values)),
        rounds: values.map(Math.round),
      })}\n`,
    );
  }
} finally {
  await admin.query(`DROP SCHEMA ${schema} CASCADE`);
  await admin.end();
}
