import { afterAll, beforeAll } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../postgres-store.js';
import { bundleChild, startJsonChild, type JsonChild } from './child-process.js';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from './database.js';
import { startSandboxProvider, type SandboxProvider, type SandboxProviderOptions } from './sandbox-provider.js';
import { workerPopulation } from './worker-fixture.js';

/** Slower machines set BANDITORE_TEST_SLOWDOWN (e.g. 3): process-level waits scale with it. */
export const SLOWDOWN = Math.max(1, Number(process.env.BANDITORE_TEST_SLOWDOWN ?? 1) || 1);

const consent = { method: 'import', noticeVersion: '2026-03', at: '2026-03-01T10:00:00.000Z' } as const;

/** Waits until `condition()` holds, checking every 50 ms; fails after `timeoutMs` × SLOWDOWN. */
export async function until(
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs * SLOWDOWN;
  while (!(await condition())) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** A schema with the worker population, a sandbox provider and the bundled worker process. */
export interface WorkerCluster {
  readonly store: PostgresStore;
  readonly sandbox: SandboxProvider;
  /** Every worker started, killed ones included. */
  readonly children: JsonChild[];
  /** Starts a worker: `publish` publishes the test announcement, `join` stands by for it. */
  start(mode: 'publish' | 'join', instance: string): JsonChild;
}

/**
 * Registers the suite's setup and teardown: a fresh schema with `recipients` subscribers, the
 * sandbox provider, the worker bundle; afterwards every worker is killed and the schema dropped.
 *
 * @param options - Schema label, audience size, sandbox options, lease TTL and the channel's rate
 *   (a number, or `parallel` for a channel without a per-account limit).
 */
export function useWorkerCluster(options: {
  label: string;
  recipients: number;
  sandbox: SandboxProviderOptions;
  leaseTtlMs: number;
  rate: number | 'parallel';
}): WorkerCluster {
  let schema: string | undefined;
  let store: PostgresStore | undefined;
  let sandbox: SandboxProvider | undefined;
  let worker: { file: string; remove: () => Promise<void> } | undefined;
  const children: JsonChild[] = [];

  beforeAll(async () => {
    schema = uniqueSchema(options.label);
    store = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema });
    await store.importSubscribers(workerPopulation(options.recipients), consent);
    sandbox = await startSandboxProvider(options.sandbox);
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

  return {
    get store() {
      return store!;
    },
    get sandbox() {
      return sandbox!;
    },
    children,
    start(mode, instance) {
      const child = startJsonChild(worker!.file, [
        mode,
        TEST_DATABASE_URL,
        schema!,
        sandbox!.url,
        instance,
        String(options.leaseTtlMs),
        String(options.rate),
      ]);
      children.push(child);
      return child;
    },
  };
}
