/**
 * One broadcaster worker process on a shared PostgreSQL store, for the many-workers tests. The
 * parent kills workers with SIGKILL at seeded moments and starts new ones.
 *
 *   node worker-child.mjs <publish|join> <databaseUrl> <schema> <sandboxUrl> <instance> <leaseTtlMs> <ratePerSecond>
 *
 * `publish` publishes the test announcement (the same idempotency key every time); `join` waits
 * until the run exists and stands by for it through `resume()`: it delivers when it can take the
 * run's lease, and follows its progress from the ledger otherwise.
 *
 * Prints JSON lines: `ready`, `started`, then `report` with the run's final report.
 */
import { createBroadcaster, type BroadcastRun } from '@banditore/core';
import { createPostgresStore } from '../postgres-store.js';
import { createHttpTestChannel } from './http-channel.js';
import { WORKER_RUN_KEY, workerAnnouncement } from './worker-fixture.js';

const [mode, databaseUrl, schema, sandboxUrl, instance, leaseTtl, rate] = process.argv.slice(2);
const print = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  if (!databaseUrl || !schema || !sandboxUrl || !instance)
    throw new Error('usage: worker-child <mode> <url> <schema> <sandbox> <instance> <ttl> <rate>');
  const store = await createPostgresStore({ connectionString: databaseUrl, schema, poolSize: 3 });
  const channel = createHttpTestChannel({ baseUrl: sandboxUrl, instance, ratePerSecond: Number(rate ?? 100) });
  const broadcaster = createBroadcaster({
    store,
    channels: [channel],
    instanceId: instance,
    leaseTtlMs: Number(leaseTtl ?? 2_000),
    onEvent: (event) => {
      if (event.type === 'internal.error') print({ type: 'internal-error', where: event.where });
      if (event.type === 'run.resumed') print({ type: 'took-over', ambiguous: event.ambiguous });
    },
  });
  print({ type: 'ready' });
  let run: BroadcastRun | undefined;
  if (mode === 'publish') {
    run = await broadcaster.publish(workerAnnouncement, { idempotencyKey: WORKER_RUN_KEY });
  } else {
    while (!run) {
      run = (await broadcaster.resume())[0];
      if (!run && (await store.listRuns({ status: ['completed', 'cancelled', 'expired'] })).length > 0) break;
      if (!run) await pause(100);
    }
  }
  if (run) {
    print({ type: 'started', created: run.created });
    const report = await run.done;
    print({ type: 'report', report });
  }
  await broadcaster.close();
  await channel.close?.();
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
