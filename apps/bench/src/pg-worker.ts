/**
 * One broadcaster process on a PostgreSQL store, for the bench's many-workers figures
 * (`postgres-bench.ts`, `preempt-bench.ts`): its source runs with `node -e` beside the built
 * packages, and it reports on stdout in JSON lines.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const cwd = dirname(fileURLToPath(import.meta.url));

/** One broadcaster process on the store; its source runs with `node -e`, resolving the built packages. */
const WORKER = `
import { createHash } from 'node:crypto';
import { ChannelError, createBroadcaster } from '@banditore/core';
import { createSandboxChannel } from '@banditore/core/testing';
import { createPostgresStore } from '@banditore/store-postgres';
import { Pool } from 'undici';
import { z } from 'zod';
const o = JSON.parse(process.argv[1]);
const print = (m) => process.stdout.write(JSON.stringify(m) + '\\n');
const store = await createPostgresStore({ connectionString: o.url, schema: o.schema, poolSize: 3 });
let channel;
if (o.kind === 'http') {
  const pool = new Pool(o.sandbox, { connections: 32 });
  channel = {
    name: 'sandbox', limits: { ratePerSecond: o.rate, concurrency: 32 },
    addressSchema: z.string(),
    render: (a) => a.content.it.headline,
    async send(address, text, { signal }) {
      try {
        const r = await pool.request({ method: 'POST', path: '/messages', body: JSON.stringify({ to: address, text, from: o.instance }), signal });
        await r.body.dump();
        if (r.statusCode === 200) return { ok: true };
        return { ok: false, error: new ChannelError('RATE_LIMITED', 'limited', { retryAfterMs: 1000 }) };
      } catch (error) { return { ok: false, error: new ChannelError('NETWORK_ERROR', 'request failed') }; }
    },
    close: () => pool.close(),
  };
} else if (o.kind === 'cpu') {
  // No per-account limit, like Web Push: every worker may claim and send this run's deliveries.
  const base = createSandboxChannel({ record: false, limits: { ratePerSecond: Infinity, concurrency: 64, parallel: true } });
  channel = { ...base, async send(address, rendered, options) {
    // About what one Web Push encryption costs (ECDH + HKDF + AES-GCM): ~0.15 ms of hashing.
    let digest = Buffer.from(address);
    for (let i = 0; i < 300; i++) digest = createHash('sha256').update(digest).digest();
    return base.send(address, rendered, options);
  } };
} else {
  channel = createSandboxChannel({ record: false, limits: { ratePerSecond: Infinity, concurrency: 64 } });
}
const broadcaster = createBroadcaster({ store, channels: [channel], instanceId: o.instance, leaseTtlMs: o.ttl });
const baselineMb = process.memoryUsage.rss() / 1048576;
const started = performance.now();
print({ type: 'ready' });
let run;
const announcement = { id: o.id, severity: o.severity ?? 'minor', topics: o.topics,
  content: { it: { headline: 'Gli eventi della settimana', body: 'Sabato mercato in piazza.' } } };
if (o.mode === 'publish') {
  const now = () => performance.timeOrigin + performance.now();
  const calledAt = now();
  run = await broadcaster.publish(announcement, { idempotencyKey: o.id });
  print({ type: 'published', calledAt, returnedAt: now() });
}
while (!run) {
  run = (await broadcaster.resume())[0];
  if (!run && (await store.listRuns({ status: ['completed'] })).some((r) => r.idempotencyKey === o.id)) break;
  if (!run) await new Promise((r) => setTimeout(r, 100));
}
const report = run ? await run.done : undefined;
const seconds = (performance.now() - started) / 1000;
await broadcaster.close();
await channel.close?.();
await store.close();
print({ type: 'report', sent: report?.channels[0]?.sent ?? 0, seconds, baselineMb, peakMb: process.resourceUsage().maxRSS / 1024 });
`;

interface WorkerReport {
  sent: number;
  seconds: number;
  baselineMb: number;
  peakMb: number;
}

/**
 * Starts a worker (options as `o` in {@link WORKER}; a `severity` above minor makes an emergency).
 * `lines` fills with the JSON lines it prints, as they come; `report` resolves with its last line
 * (or undefined when it was killed).
 */
export function startWorker(options: Record<string, unknown>): {
  child: ChildProcess;
  lines: Array<{ type?: unknown } & Record<string, unknown>>;
  report: Promise<WorkerReport | undefined>;
} {
  const child = spawn(process.execPath, ['--input-type=module', '-e', WORKER, JSON.stringify(options)], {
    cwd,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines: Array<{ type?: unknown } & Record<string, unknown>> = [];
  let pending = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (chunk: string) => {
    pending += chunk;
    let end: number;
    while ((end = pending.indexOf('\n')) >= 0) {
      const line = pending.slice(0, end).trim();
      pending = pending.slice(end + 1);
      if (line.startsWith('{')) lines.push(JSON.parse(line) as Record<string, unknown>);
    }
  });
  const report = new Promise<WorkerReport | undefined>((resolve) => {
    child.on('close', () => {
      const last = lines.at(-1);
      resolve(last?.type === 'report' ? (last as unknown as WorkerReport) : undefined);
    });
  });
  return { child, lines, report };
}
