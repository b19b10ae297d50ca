/**
 * PostgreSQL store and many-workers figures for `npm run bench` (`--only=postgres`). They need a
 * PostgreSQL server: `DATABASE_URL`, else the local one's `test` database; each run works in a
 * schema of its own and drops it afterwards. Without a server the section is skipped.
 *
 * - `postgres_import_rows_per_s`: 1,000,000 subscribers through `importSubscribers` (10,000 a call).
 * - `postgres_1m_deliveries_per_s`, `postgres_1m_peak_rss_mb`: a 1,000,000-recipient broadcast
 *   through the broadcaster and the in-process sandbox channel at no rate limit, in a fresh process
 *   (same shape as the SQLite figures).
 * - `workers_2_speedup`: one broadcast on a CPU-bound channel with no per-account limit
 *   (`limits.parallel`, hashing per message like Web Push encryption) by two worker processes
 *   against one: the second helps deliver the run the first holds.
 * - `failover_max_gap_ms`: 100,000 recipients through a strict sandbox provider (exact sliding
 *   second counted on arrival) by 3 workers; a seeded random worker is SIGKILLed every few seconds
 *   and a new one started. The figure is the longest pause between two accepted messages; the run
 *   also reports lost recipients, duplicates against ambiguous, and limit violations.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { SubscriberInput } from '@banditore/core';
import { createPostgresStore, type PostgresStore } from '@banditore/store-postgres';
import { note, type Figure } from './figures.js';
import { startWorker } from './pg-worker.js';

export const DATABASE_URL = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const consent = { method: 'import', noticeVersion: 'bench' } as const;
export const LEASE_TTL_MS = 3_000;
const SEED = 20261206;

async function seedStore(store: PostgresStore, count: number, topicsOf: (index: number) => string[]): Promise<number> {
  const started = performance.now();
  for (let start = 0; start < count; start += 10_000) {
    const batch: SubscriberInput[] = [];
    for (let index = start; index < Math.min(count, start + 10_000); index++) {
      const address = `39333${String(index).padStart(7, '0')}`;
      batch.push({ channel: 'sandbox', address, topics: topicsOf(index), areas: [], language: 'it' });
    }
    await store.importSubscribers(batch, consent);
  }
  return count / ((performance.now() - started) / 1000);
}

/** A fresh schema with `count` subscribers; `drop()` removes it. */
export async function freshStore(
  label: string,
  count: number,
  topicsOf: (index: number) => string[] = () => [],
): Promise<{ schema: string; rowsPerSecond: number; drop: () => Promise<void> }> {
  const schema = `bench_${label}_${process.pid}`;
  const store = await createPostgresStore({ connectionString: DATABASE_URL, schema, vacuumAfterErase: false });
  const rowsPerSecond = await seedStore(store, count, topicsOf);
  await store.close();
  const drop = async (): Promise<void> => {
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await client.end();
  };
  return { schema, rowsPerSecond, drop };
}

async function broadcastIn(workers: number, schema: string, kind: string, id: string): Promise<number> {
  const started = performance.now();
  const runs = Array.from({ length: workers }, (_, i) =>
    startWorker({
      mode: i === 0 ? 'publish' : 'join',
      kind,
      url: DATABASE_URL,
      schema,
      id,
      topics: ['eventi'],
      instance: `w${i}`,
      ttl: LEASE_TTL_MS,
    }),
  );
  const reports = await Promise.all(runs.map((run) => run.report));
  if (!reports.some((report) => report && report.sent > 0)) throw new Error(`${id}: no worker finished the run`);
  return (performance.now() - started) / 1000;
}

/**
 * The strict sandbox: exact sliding second per account counted on arrival; records every accepted
 * message, and tells `onArrival` of every request with the worker that sent it and whether it was accepted.
 */
export async function startSandbox(
  limit: number,
  onArrival?: (message: { to: string; from?: string }, arrived: number, accepted: boolean) => void,
): Promise<{
  url: string;
  received: Map<string, number>;
  arrivals: number[];
  violations: () => number;
  close: () => Promise<void>;
}> {
  const received = new Map<string, number>();
  const arrivals: number[] = [];
  const window: number[] = [];
  let violations = 0;
  const server = createServer((request, response) => {
    const arrived = performance.now();
    let body = '';
    request.setEncoding('utf8');
    request.on('data', (chunk: string) => (body += chunk));
    request.on('end', () => {
      while (window.length > 0 && window[0]! <= arrived - 1_000) window.shift();
      const message = JSON.parse(body) as { to: string; from?: string };
      onArrival?.(message, arrived, window.length < limit);
      if (window.length >= limit) {
        violations++;
        response.writeHead(429).end('{"retry_after":1}');
        return;
      }
      window.push(arrived);
      const { to } = message;
      received.set(to, (received.get(to) ?? 0) + 1);
      arrivals.push(arrived);
      response.writeHead(200, { 'content-type': 'application/json' }).end('{"id":"m"}');
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    arrivals,
    violations: () => violations,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

async function failover(recipients: number, onFigure: (figure: Figure) => void): Promise<void> {
  const limit = 1_000;
  const { schema, drop } = await freshStore('failover', recipients);
  const sandbox = await startSandbox(limit);
  const random = seeded(SEED);
  const base = {
    kind: 'http',
    url: DATABASE_URL,
    schema,
    id: 'bench-failover',
    topics: ['eventi'],
    ttl: LEASE_TTL_MS,
    sandbox: sandbox.url,
    rate: limit * 0.95,
  };
  let count = 0;
  const live: ReturnType<typeof startWorker>[] = [];
  const launch = (mode: string): void => {
    live.push(startWorker({ ...base, mode, instance: `w${++count}` }));
  };
  try {
    // Every worker publishes the same announcement with the same key: the first creates the run,
    // the others (and every replacement) join it, so the run exists whoever dies first.
    launch('publish');
    launch('publish');
    launch('publish');
    let kills = 0;
    const deadline = performance.now() + 20 * 60_000;
    while (sandbox.received.size < recipients) {
      if (performance.now() > deadline) throw new Error('failover: the run did not finish in 20 minutes');
      await new Promise((resolve) => setTimeout(resolve, 3_000 + random() * 3_000));
      if (sandbox.received.size >= recipients * 0.9) break;
      const victim = live.splice(Math.floor(random() * live.length), 1)[0]!;
      victim.child.kill('SIGKILL');
      kills++;
      launch('publish');
    }
    await Promise.all(live.map((worker) => worker.report));
    let gap = 0;
    for (let i = 1; i < sandbox.arrivals.length; i++)
      gap = Math.max(gap, sandbox.arrivals[i]! - sandbox.arrivals[i - 1]!);
    const lost = recipients - sandbox.received.size;
    const duplicates = [...sandbox.received.values()].reduce((sum, n) => sum + n - 1, 0);
    const store = await createPostgresStore({ connectionString: DATABASE_URL, schema });
    const [run] = await store.listRuns({ status: ['completed'] });
    const [counts] = run ? await store.deliveryCounts(run.id) : [];
    await store.close();
    const ambiguous = counts?.ambiguous ?? 0;
    note(
      `failover: ${recipients} recipients, ${kills} kills, lost ${lost}, duplicates ${duplicates} ≤ ambiguous ${ambiguous}, ${sandbox.violations()} violations`,
    );
    onFigure({
      name: 'failover_max_gap_ms',
      value: Math.round(gap),
      unit: 'ms',
      target: `<= ${LEASE_TTL_MS + 1_000}`,
      pass: gap <= LEASE_TTL_MS + 1_000,
    });
    onFigure({ name: 'failover_lost', value: lost, unit: 'recipients', target: '0', pass: lost === 0 });
    onFigure({
      name: 'failover_duplicates_over_ambiguous',
      value: duplicates - ambiguous,
      unit: 'msgs',
      target: '<= 0',
      pass: duplicates <= ambiguous,
    });
    onFigure({
      name: 'failover_limit_violations',
      value: sandbox.violations(),
      unit: 'requests',
      target: '0',
      pass: sandbox.violations() === 0,
    });
  } finally {
    for (const worker of live) worker.child.kill('SIGKILL');
    await sandbox.close();
    await drop();
  }
}

/** Why the PostgreSQL figures cannot run (no server answers), or `undefined` when they can. */
export async function postgresUnavailable(): Promise<string | undefined> {
  try {
    const probe = await createPostgresStore({
      connectionString: DATABASE_URL,
      schema: `bench_probe_${process.pid}`,
      connectTimeoutMs: 3_000,
    });
    await probe.close();
    const { default: pg } = await import('pg');
    const client = new pg.Client({ connectionString: DATABASE_URL });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS "bench_probe_${process.pid}" CASCADE`);
    await client.end();
    return undefined;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/**
 * Runs the PostgreSQL figures.
 *
 * @param options - `scale` (0..1] shrinks the workloads for a quick run; `onFigure` receives each figure.
 */
export async function runPostgresBench(options: { scale: number; onFigure: (figure: Figure) => void }): Promise<void> {
  const unavailable = await postgresUnavailable();
  if (unavailable !== undefined) {
    note(`skipped: no PostgreSQL (${unavailable})`);
    return;
  }
  const count = Math.max(20_000, Math.round(1_000_000 * options.scale));
  const key = count === 1_000_000 ? '1m' : String(count);
  const big = await freshStore('scale', count);
  try {
    note(`imported ${count} subscribers`);
    options.onFigure({ name: 'postgres_import_rows_per_s', value: Math.round(big.rowsPerSecond), unit: 'rows/s' });
    const run = startWorker({
      mode: 'publish',
      kind: 'plain',
      url: DATABASE_URL,
      schema: big.schema,
      id: 'bench-all',
      topics: ['eventi'],
      instance: 'solo',
      ttl: 30_000,
    });
    const report = await run.report;
    if (!report || report.sent !== count) throw new Error(`PostgreSQL broadcast sent ${report?.sent} of ${count}`);
    note(
      `${count} recipients: ${Math.round(count / report.seconds)}/s, RSS ${report.baselineMb.toFixed(0)} MB after open, peak ${report.peakMb.toFixed(0)} MB`,
    );
    options.onFigure({
      name: `postgres_${key}_deliveries_per_s`,
      value: Math.round(count / report.seconds),
      unit: 'msg/s',
    });
    options.onFigure({
      name: `postgres_${key}_peak_rss_mb`,
      value: Math.round(report.peakMb),
      unit: 'MB',
      target: '<= 150',
      pass: report.peakMb <= 150,
    });
  } finally {
    await big.drop();
  }

  const cpuCount = Math.max(5_000, Math.round(40_000 * options.scale));
  const cpu = await freshStore('cpu', cpuCount);
  try {
    const one = await broadcastIn(1, cpu.schema, 'cpu', 'bench-cpu-1');
    const two = await broadcastIn(2, cpu.schema, 'cpu', 'bench-cpu-2');
    note(`CPU-bound channel, ${cpuCount} recipients: 1 worker ${one.toFixed(1)} s, 2 workers ${two.toFixed(1)} s`);
    options.onFigure({
      name: 'workers_2_speedup',
      value: Number((one / two).toFixed(2)),
      unit: 'ratio',
      target: '>= 1.6',
      pass: one / two >= 1.6,
    });
  } finally {
    await cpu.drop();
  }

  await failover(Math.max(10_000, Math.round(100_000 * options.scale)), options.onFigure);
}
