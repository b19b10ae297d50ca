/**
 * SQLite store figures for `npm run bench`:
 *
 * - `sqlite_import_rows_per_s`: 1,000,000 subscribers through `importSubscribers` in batches of
 *   1,000 (each row is an upsert plus its consent event).
 * - `sqlite_1m_deliveries_per_s` and `sqlite_1m_peak_rss_mb`: a 1,000,000-recipient broadcast from
 *   that file through the broadcaster and the in-process sandbox channel at no rate limit, in a
 *   fresh process so the peak (the kernel's high-water mark) belongs to the broadcast alone.
 * - `sqlite_rss_growth_10x`: that peak against the same process broadcasting to a tenth of the
 *   audience from the same file; flat memory means the ratio stays near 1.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { SubscriberInput } from '@banditore/core';
import { createSqliteStore } from '@banditore/store-sqlite';

/** One figure, as `main.ts` prints it. */
interface SqliteFigure {
  name: string;
  value: number;
  unit: string;
  target?: string;
  pass?: boolean;
}

interface BroadcastResult {
  sent: number;
  seconds: number;
  baselineMb: number;
  peakMb: number;
}

const BATCH = 1_000;

/** Every tenth subscriber follows `eventi` only; the rest follow `meteo`. */
function subscriberAt(index: number): SubscriberInput {
  return {
    channel: 'sandbox',
    address: `39333${String(index).padStart(7, '0')}`,
    topics: index % 10 === 0 ? ['eventi'] : ['meteo'],
    areas: [],
    language: 'it',
  };
}

async function importSubscribers(path: string, count: number): Promise<number> {
  const store = createSqliteStore({ path });
  const consent = { method: 'import', noticeVersion: 'bench' } as const;
  const started = performance.now();
  for (let start = 0; start < count; start += BATCH) {
    const batch: SubscriberInput[] = [];
    for (let index = start; index < Math.min(count, start + BATCH); index++) batch.push(subscriberAt(index));
    await store.importSubscribers(batch, consent);
  }
  const seconds = (performance.now() - started) / 1000;
  await store.close();
  return count / seconds;
}

/**
 * The broadcast, run by a fresh `node` so its peak RSS is its own. The code is inline so the
 * benchmark stays one file; it resolves the built packages from the bench's folder.
 */
const BROADCAST_CHILD = `
import { createBroadcaster } from '@banditore/core';
import { createSandboxChannel } from '@banditore/core/testing';
import { createSqliteStore } from '@banditore/store-sqlite';
const { path, topics, id } = JSON.parse(process.argv[1]);
const store = createSqliteStore({ path });
const baselineMb = process.memoryUsage.rss() / 1048576;
const channel = createSandboxChannel({ record: false, limits: { ratePerSecond: Infinity, concurrency: 64 } });
const broadcaster = createBroadcaster({ store, channels: [channel] });
const started = performance.now();
const run = await broadcaster.publish({
  id, severity: 'minor', topics,
  content: { it: { headline: 'Gli eventi della settimana', body: 'Sabato mercato in piazza.' } },
});
const report = await run.done;
const seconds = (performance.now() - started) / 1000;
await broadcaster.close();
await store.close();
const peakMb = process.resourceUsage().maxRSS / 1024;
process.stdout.write(JSON.stringify({ sent: report.channels[0].sent, seconds, baselineMb, peakMb }) + '\\n');
`;

async function broadcastInChild(path: string, topics: string[], id: string): Promise<BroadcastResult> {
  const cwd = dirname(fileURLToPath(import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--input-type=module', '-e', BROADCAST_CHILD, JSON.stringify({ path, topics, id })],
    { cwd, maxBuffer: 1024 * 1024 },
  );
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as BroadcastResult;
}

function note(message: string): void {
  process.stderr.write(`  · ${message}\n`);
}

/**
 * Runs the SQLite figures.
 *
 * @param options - `scale` (0..1] shrinks the audience for a quick run; `onFigure` receives each figure.
 */
export async function runSqliteBench(options: {
  scale: number;
  onFigure: (figure: SqliteFigure) => void;
}): Promise<void> {
  const count = Math.max(20_000, Math.round(1_000_000 * options.scale));
  const key = count === 1_000_000 ? '1m' : String(count);
  const dir = await mkdtemp(join(tmpdir(), 'banditore-sqlite-bench-'));
  try {
    const path = join(dir, 'bench.db');
    const rowsPerSecond = await importSubscribers(path, count);
    note(`imported ${count} subscribers`);
    options.onFigure({ name: 'sqlite_import_rows_per_s', value: Math.round(rowsPerSecond), unit: 'rows/s' });

    const small = await broadcastInChild(path, ['eventi'], 'bench-tenth');
    const large = await broadcastInChild(path, ['meteo', 'eventi'], 'bench-all');
    for (const [result, expected] of [
      [small, count / 10],
      [large, count],
    ] as const) {
      if (result.sent !== expected) throw new Error(`SQLite broadcast sent ${result.sent} of ${expected}`);
      note(
        `${result.sent} recipients: ${Math.round(result.sent / result.seconds)}/s, ` +
          `RSS ${result.baselineMb.toFixed(0)} MB after open, peak ${result.peakMb.toFixed(0)} MB`,
      );
    }
    options.onFigure({
      name: `sqlite_${key}_deliveries_per_s`,
      value: Math.round(large.sent / large.seconds),
      unit: 'msg/s',
    });
    options.onFigure({
      name: `sqlite_${key}_peak_rss_mb`,
      value: Math.round(large.peakMb),
      unit: 'MB',
      target: '<= 150',
      pass: large.peakMb <= 150,
    });
    const growth = large.peakMb / small.peakMb;
    options.onFigure({
      name: 'sqlite_rss_growth_10x',
      value: Number(growth.toFixed(2)),
      unit: 'ratio',
      target: '< 1.5',
      pass: growth < 1.5,
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
