// The row-for-row copy behind the `copy-from-sqlite` command (see scripts/copy-from-sqlite.ts).
import type Database from 'better-sqlite3';
import type pg from 'pg';

const CHUNK = 5_000;
const list = (encoded: string | null): string[] | null =>
  encoded === null ? null : encoded.split(',').filter((value) => value.length > 0);

interface Table {
  name: string;
  select: string;
  /** Column name and SQL array type, in insert order. */
  columns: Array<[string, string]>;
  /** One SQLite row to the values of `columns`. */
  map: (row: Record<string, unknown>) => unknown[];
  /** The serial column whose sequence must move past the copied ids. */
  serial?: string;
}

const TABLES: Table[] = [
  {
    name: 'subscribers',
    select: 'SELECT * FROM subscribers ORDER BY id',
    columns: [
      ['id', 'bigint'],
      ['channel', 'text'],
      ['address', 'text'],
      ['status', 'text'],
      ['topics', 'text'],
      ['areas', 'text'],
      ['language', 'text'],
      ['citizen_id', 'text'],
      ['created_at', 'timestamptz'],
      ['updated_at', 'timestamptz'],
    ],
    map: (r) => [
      r.id,
      r.channel,
      r.address,
      r.status,
      list(r.topics as string)!.join(','),
      list(r.areas as string)!.join(','),
      r.language,
      r.citizen_id,
      r.created_at,
      r.updated_at,
    ],
    serial: 'id',
  },
  {
    name: 'consent_events',
    select: 'SELECT * FROM consent_events ORDER BY seq',
    columns: [
      ['seq', 'bigint'],
      ['subscriber_id', 'bigint'],
      ['kind', 'text'],
      ['at', 'timestamptz'],
      ['channel', 'text'],
      ['method', 'text'],
      ['notice_version', 'text'],
      ['topics', 'text'],
    ],
    map: (r) => [
      r.seq,
      r.subscriber_id,
      r.kind,
      r.at,
      r.channel,
      r.method,
      r.notice_version,
      r.topics === null ? null : list(r.topics as string)!.join(','),
    ],
    serial: 'seq',
  },
  {
    name: 'runs',
    select: 'SELECT * FROM runs ORDER BY seq',
    columns: [
      ['seq', 'bigint'],
      ['id', 'text'],
      ['idempotency_key', 'text'],
      ['announcement', 'jsonb'],
      ['priority', 'text'],
      ['audiences', 'jsonb'],
      ['status', 'text'],
      ['created_at', 'bigint'],
      ['finished_at', 'bigint'],
    ],
    map: (r) => [
      r.seq,
      r.id,
      r.idempotency_key,
      r.announcement,
      r.priority,
      r.audiences,
      r.status,
      r.created_at,
      r.finished_at,
    ],
    serial: 'seq',
  },
  {
    name: 'run_plans',
    select: 'SELECT * FROM run_plans',
    columns: [
      ['run', 'bigint'],
      ['channel', 'text'],
      ['cursor', 'text'],
      ['done', 'boolean'],
    ],
    map: (r) => [r.run, r.channel, r.cursor, r.done === 1],
  },
  {
    name: 'deliveries',
    select: 'SELECT * FROM deliveries ORDER BY id',
    columns: [
      ['id', 'bigint'],
      ['run', 'bigint'],
      ['channel', 'text'],
      ['subscriber_id', 'bigint'],
      ['status', 'text'],
      ['attempts', 'integer'],
      ['ambiguous', 'boolean'],
      ['code', 'text'],
      ['provider_message_id', 'text'],
      ['updated_at', 'bigint'],
    ],
    map: (r) => [
      r.id,
      r.run,
      r.channel,
      r.subscriber_id,
      r.status,
      r.attempts,
      r.ambiguous === 1,
      r.code,
      r.provider_message_id,
      r.updated_at,
    ],
    serial: 'id',
  },
];

const LISTS = new Set(['subscribers.topics', 'subscribers.areas', 'consent_events.topics']);

async function copyTable(
  client: pg.ClientBase,
  source: Database.Database,
  schema: string,
  table: Table,
): Promise<number> {
  const s = `"${schema}"`;
  // Lists travel as comma-joined text and become text[] on the server; JSON travels as text.
  const expressions = table.columns.map(([name, type], index) => {
    if (LISTS.has(`${table.name}.${name}`)) return `string_to_array(c${index}, ',')`;
    return type === 'jsonb' ? `c${index}::jsonb` : `c${index}`;
  });
  const parameters = table.columns.map(([, type], index) => `$${index + 1}::${type === 'jsonb' ? 'text' : type}[]`);
  const text =
    `INSERT INTO ${s}.${table.name} (${table.columns.map(([name]) => name).join(', ')}) ` +
    `SELECT ${expressions.join(', ')} ` +
    `FROM unnest(${parameters.join(', ')}) AS u(${table.columns.map((_, index) => `c${index}`).join(', ')})`;
  let copied = 0;
  let chunk: unknown[][] = table.columns.map(() => []);
  const flush = async (): Promise<void> => {
    if (chunk[0]!.length === 0) return;
    await client.query(text, chunk);
    copied += chunk[0]!.length;
    chunk = table.columns.map(() => []);
  };
  for (const row of source.prepare(table.select).iterate() as Iterable<Record<string, unknown>>) {
    table.map(row).forEach((value, index) => chunk[index]!.push(value));
    if (chunk[0]!.length >= CHUNK) await flush();
  }
  await flush();
  if (table.serial) {
    await client.query(
      `SELECT setval(pg_get_serial_sequence('${s}.${table.name}', '${table.serial}'),
         coalesce((SELECT max(${table.serial}) FROM ${s}.${table.name}), 0) + 1, false)`,
    );
  }
  return copied;
}

/**
 * Copies a Banditore SQLite store into an empty PostgreSQL schema of the same store, row for row
 * with the same ids, inside the caller's transaction, and moves the id sequences past them. Leases
 * are not copied. Used by the `copy-from-sqlite` command; not part of the package's API (it would
 * make better-sqlite3 a dependency).
 *
 * @param source - The SQLite database, opened read-only.
 * @param client - A PostgreSQL connection inside a transaction.
 * @param schema - The target schema, already migrated and empty.
 * @returns Rows copied per table.
 */
export async function copyFromSqlite(
  source: Database.Database,
  client: pg.ClientBase,
  schema: string,
): Promise<Record<string, number>> {
  const copied: Record<string, number> = {};
  for (const table of TABLES) copied[table.name] = await copyTable(client, source, schema, table);
  // Claims start from each planned run and channel's cursor, which planning creates here.
  await client.query(
    `INSERT INTO "${schema}".claim_cursors (run, channel, after) SELECT run, channel, 0 FROM "${schema}".run_plans
     ON CONFLICT DO NOTHING`,
  );
  return copied;
}
