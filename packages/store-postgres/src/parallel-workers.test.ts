import { describe, expect, it } from 'vitest';
import { SLOWDOWN, until, useWorkerCluster } from './test/worker-cluster.js';
import { WORKER_RUN_KEY, workerPopulation } from './test/worker-fixture.js';

const SEED = Number(process.env.BANDITORE_TEST_SEED ?? 20261206);
const RECIPIENTS = 6_000;
const LEASE_TTL_MS = 2_000;

describe('many workers share one run on a channel without a per-account limit', () => {
  const cluster = useWorkerCluster({
    label: 'parallel',
    recipients: RECIPIENTS,
    // No account limit to keep: the sandbox's window is far above what three workers can send.
    sandbox: { ratePerSecond: 1_000_000, seed: SEED, latencyMs: [5, 20] },
    leaseTtlMs: LEASE_TTL_MS,
    rate: 'parallel',
  });

  it(
    'workers standing by help the holder; a helper SIGKILLed mid-run loses nobody and its claims go out again, counted',
    async () => {
      const { store, sandbox, start } = cluster;
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
