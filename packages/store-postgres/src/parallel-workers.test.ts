import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from './postgres-store.js';
import { bundleChild, startJsonChild, type JsonChild } from './test/child-process.js';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from './test/database.js';
import { startSandboxProvider, type SandboxProvider } from './test/sandbox-provider.js';
import { WORKER_RUN_KEY, workerPopulation } from './test/worker-fixture.js';

/** Slower machines set BANDITORE_TEST_SLOWDOWN (e.g. 3): process-level waits scale with it. */
const SLOWDOWN = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);
const SEED = Number(process.env.BANDITORE_TEST_SEED ?? 20261206);
const RECIPIENTS = 6_000;
const LEASE_TTL_MS = 2_000;
const consent = { method: 'import', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;

/** Waits until `condition()` holds, checking every 50 ms; fails after `timeoutMs` × SLOWDOWN. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs * SLOWDOWN;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('many workers share one run on a channel without a per-account limit', () => {
  let schema: string;
  let store: PostgresStore;
  let sandbox: SandboxProvider;
  let worker: { file: string; remove: () => Promise<void> };
  const children: JsonChild[] = [];

  beforeAll(async () => {
    schema = uniqueSchema('parallel');
    store = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    await store.importSubscribers(workerPopulation(RECIPIENTS), consent);
    // No account limit to keep: the sandbox's window is far above what three workers can send.
    sandbox = await startSandboxProvider({ ratePerSecond: 1_000_000, seed: SEED, latencyMs: [5, 20] });
    worker = await bundleChild('worker-child.ts');
  }, 60_000 * SLOWDOWN);

  afterAll(async () => {
    for (const child of children) child.process.kill('SIGKILL');
    await Promise.all(children.map((child) => child.exited));
    await store?.close();
    await sandbox?.close();
    await worker?.remove();
    if (schema) await dropSchema(schema);
  });

  const start = (mode: 'publish' | 'join', instance: string): JsonChild => {
    const child = startJsonChild(worker.file, [
      mode,
      TEST_DATABASE_URL,
      schema,
      sandbox.url,
      instance,
      String(LEASE_TTL_MS),
      'parallel',
    ]);
    children.push(child);
    return child;
  };

  it(
    'workers standing by help the holder; a helper SIGKILLed mid-run loses nobody and its claims go out again, counted',
    async () => {
      const holder = start('publish', 'worker-1');
      await holder.waitFor('started');
      const helpers = [start('join', 'worker-2'), start('join', 'worker-3')];

      // Both helpers claim and send beside the holder.
      await until(
        'the helpers to send',
        () => (sandbox.instances.get('worker-2') ?? 0) > 0 && (sandbox.instances.get('worker-3') ?? 0) > 0,
        120_000,
      );
      const sentBeforeKill = sandbox.total;
      helpers[0]!.process.kill('SIGKILL');
      await helpers[0]!.exited;

      await until(
        'the run to complete',
        async () => (await store.listRuns({ status: ['completed'] })).length === 1,
        180_000,
      );
      for (const child of [holder, helpers[1]!]) {
        const { code, stderr } = await child.exited;
        expect(code, stderr).toBe(0);
      }

      const [run] = await store.listRuns({ status: ['completed'] });
      expect(run?.idempotencyKey).toBe(WORKER_RUN_KEY);
      const [counts] = await store.deliveryCounts(run!.id);
      const lost = workerPopulation(RECIPIENTS).filter((input) => !sandbox.received.has(input.address)).length;
      const duplicates = [...sandbox.received.values()].reduce((sum, n) => sum + n - 1, 0);
      const context = `seed ${SEED}, counts ${JSON.stringify(counts)}, duplicates ${duplicates}, senders ${JSON.stringify([...sandbox.instances])}`;

      expect(sentBeforeKill, context).toBeLessThan(RECIPIENTS);
      expect(lost, context).toBe(0);
      expect(duplicates, context).toBeLessThanOrEqual(counts!.ambiguous);
      expect(counts!.byStatus.sent, context).toBe(RECIPIENTS);
      expect(counts!.byStatus.claimed, context).toBe(0);
      expect(sandbox.total, context).toBe(RECIPIENTS + duplicates);
      // The surviving helper went on sending after the kill.
      expect(sandbox.instances.get('worker-3') ?? 0, context).toBeGreaterThan(0);
    },
    600_000 * SLOWDOWN,
  );
});
