import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from './postgres-store.js';
import { bundleChild, startJsonChild, type JsonChild } from './test/child-process.js';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from './test/database.js';
import { startSandboxProvider, type SandboxProvider } from './test/sandbox-provider.js';
import { WORKER_RUN_KEY, workerPopulation } from './test/worker-fixture.js';

/** Slower machines set BANDITORE_TEST_SLOWDOWN (e.g. 3): process-level waits scale with it. */
const SLOWDOWN = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);
/** Every random choice comes from this seed (kill moments, victims, sandbox latency). */
const SEED = Number(process.env.BANDITORE_TEST_SEED ?? 20261206);
// Scaled to what a test run on a shared 2-core machine can do; the 100,000-recipient version is
// the `workers_failover` bench (`npm run bench -- --only=postgres`).
const RECIPIENTS = 3_000;
const WORKERS = 3;
const KILLS = 3;
const LEASE_TTL_MS = 2_000;
/** The provider's limit per sender account, counted on arrival in an exact sliding second. */
const PROVIDER_LIMIT = 400;
/** What the channel declares: the gap covers the gate-vs-arrival jitter of one process (not failover). */
const CHANNEL_RATE = 360;
const consent = { method: 'import', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;

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

/** Waits until `condition()` holds, checking every 50 ms; fails after `timeoutMs` × SLOWDOWN. */
async function until(what: string, condition: () => boolean | Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = performance.now() + timeoutMs * SLOWDOWN;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what} (seed ${SEED})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('many workers over one PostgreSQL store', () => {
  let schema: string;
  let store: PostgresStore;
  let sandbox: SandboxProvider;
  let worker: { file: string; remove: () => Promise<void> };
  const children: JsonChild[] = [];

  beforeAll(async () => {
    schema = uniqueSchema('failover');
    store = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    await store.importSubscribers(workerPopulation(RECIPIENTS), consent);
    sandbox = await startSandboxProvider({ ratePerSecond: PROVIDER_LIMIT, seed: SEED });
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
      String(CHANNEL_RATE),
    ]);
    children.push(child);
    return child;
  };

  it(
    `SIGKILL of random workers mid-run: nobody lost, duplicates within ambiguous, provider limit kept (seed ${SEED})`,
    async () => {
      const random = seeded(SEED);
      const names = new Map<JsonChild, string>();
      const live: JsonChild[] = [];
      const launch = (mode: 'publish' | 'join'): JsonChild => {
        const instance = `worker-${names.size + 1}`;
        const child = start(mode, instance);
        names.set(child, instance);
        live.push(child);
        return child;
      };
      await launch('publish').waitFor('started');
      for (let i = 1; i < WORKERS; i++) await launch('join').waitFor('ready');

      // Kill at seeded points of the progress (conditions, not clock time), alternating between
      // the worker delivering right now and any live worker (possibly one standing by).
      const killPoints = Array.from({ length: KILLS }, (_, k) =>
        Math.floor(((k + 0.6 + random() * 0.6) / (KILLS + 1)) * RECIPIENTS),
      );
      let killedDeliverer = 0;
      for (const [k, point] of killPoints.entries()) {
        await until(`${point} deliveries before kill ${k + 1}`, () => sandbox.total >= point, 120_000);
        const deliverer = live.find((child) => names.get(child) === sandbox.lastInstance);
        const victim = k % 2 === 0 && deliverer ? deliverer : live[Math.floor(random() * live.length)]!;
        if (victim === deliverer) killedDeliverer++;
        live.splice(live.indexOf(victim), 1);
        victim.process.kill('SIGKILL');
        await victim.exited;
        // Not waiting for the replacement to start: on a busy machine that takes seconds, and the
        // next kill point must come from the progress, not from how fast processes start.
        launch('join');
      }

      await until(
        'the run to complete',
        async () => (await store.listRuns({ status: ['completed'] })).length === 1,
        180_000,
      );
      // Every live worker finishes: those that followed the run print its report, one started
      // after the run had completed has nothing to do.
      for (const child of live) {
        const { code, stderr } = await child.exited;
        expect(code, stderr).toBe(0);
      }
      const reports = live.flatMap((child) => child.messages.filter((message) => message.type === 'report'));
      expect(reports.length, JSON.stringify(live.map((child) => child.messages))).toBeGreaterThan(0);

      const [run] = await store.listRuns({ status: ['completed'] });
      expect(run?.idempotencyKey).toBe(WORKER_RUN_KEY);
      const [counts] = await store.deliveryCounts(run!.id);
      const lost = workerPopulation(RECIPIENTS).filter((input) => !sandbox.received.has(input.address)).length;
      const duplicates = [...sandbox.received.values()].reduce((sum, n) => sum + n - 1, 0);
      const context = `seed ${SEED}, counts ${JSON.stringify(counts)}, duplicates ${duplicates}, kills of the deliverer ${killedDeliverer}, senders ${JSON.stringify([...sandbox.instances])}`;

      expect(killedDeliverer, context).toBeGreaterThan(0);
      expect(
        children.some((child) => child.messages.some((m) => m.type === 'took-over')),
        context,
      ).toBe(true);
      expect(lost, context).toBe(0);
      expect(duplicates, context).toBeLessThanOrEqual(counts!.ambiguous);
      expect(sandbox.violations, context).toBe(0);
      // The run's report agrees with what the sandbox received.
      expect(counts!.byStatus.sent, context).toBe(RECIPIENTS);
      expect(sandbox.total, context).toBe(RECIPIENTS + duplicates);
      for (const { report } of reports) {
        const channel = (report as { channels: { channel: string; sent: number; planned: number }[] }).channels[0];
        expect(channel, context).toMatchObject({ channel: 'http', sent: RECIPIENTS, planned: RECIPIENTS });
      }
    },
    600_000 * SLOWDOWN,
  );
});
