/**
 * One broadcaster worker process on a shared PostgreSQL store, for the many-workers tests. The
 * parent kills workers with SIGKILL at seeded moments and starts new ones.
 *
 *   node worker-child.mjs <publish|join> <databaseUrl> <schema> <sandboxUrl> <instance> <leaseTtlMs> <ratePerSecond|parallel>
 *
 * `publish` publishes the test announcement (the same idempotency key every time); `join` waits
 * until the run exists and stands by for it through `resume()`: it delivers when it can take the
 * run's lease, and follows its progress from the ledger otherwise. With `parallel` instead of a
 * rate, the channel has no per-account limit and a standing-by worker helps deliver the run.
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
  const parallel = rate === 'parallel';
  const channel = createHttpTestChannel({
    baseUrl: sandboxUrl,
    instance,
    ratePerSecond: parallel ? Infinity : Number(rate ?? 100),
    parallel,
    concurrency: parallel ? 8 : 32,
  });
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
  let run: BroadcastRun | undefined =
    mode === 'publish' ? await broadcaster.publish(workerAnnouncement, { idempotencyKey: WORKER_RUN_KEY }) : undefined;
  // Deliver the run, or stand by for it; a worker that lost the run's lease (a pause longer than
  // the TTL on a busy machine) stands by again, as a real deployment's workers do.
  for (;;) {
    if (!run) {
      const runs = await broadcaster.resume();
      print({ type: 'resumed', runs: runs.length });
      run = runs[0];
    }
    if (!run) {
      if ((await store.listRuns({ status: ['completed', 'cancelled', 'expired'] })).length > 0) break;
      await pause(100);
      continue;
    }
    print({ type: 'started', created: run.created });
    const report = await run.done;
    if ((await store.getRun(run.id))?.status !== 'active') {
      print({ type: 'report', report });
      break;
    }
    print({ type: 'standing-by' });
    run = undefined;
  }
  await broadcaster.close();
  await channel.close?.();
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
