import { describe, expect, it } from 'vitest';
import type { JsonChild } from './test/child-process.js';
import { SLOWDOWN, until, useWorkerCluster } from './test/worker-cluster.js';
import { WORKER_RUN_KEY, workerPopulation } from './test/worker-fixture.js';

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

describe('many workers over one PostgreSQL store', () => {
  const cluster = useWorkerCluster({
    label: 'failover',
    recipients: RECIPIENTS,
    sandbox: { ratePerSecond: PROVIDER_LIMIT, seed: SEED },
    leaseTtlMs: LEASE_TTL_MS,
    rate: CHANNEL_RATE,
  });

  it(
    `SIGKILL of random workers mid-run: nobody lost, duplicates within ambiguous, provider limit kept (seed ${SEED})`,
    async () => {
      const { store, sandbox, children, start } = cluster;
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
