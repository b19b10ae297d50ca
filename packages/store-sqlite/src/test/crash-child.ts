/**
 * One broadcaster process on a SQLite store, for the crash tests. Killed with SIGKILL by the
 * parent at a random moment; a new one resumes.
 *
 *   node crash-child.mjs publish <file> <serverUrl> <instance> <leaseTtlMs>
 *   node crash-child.mjs resume  <file> <serverUrl> <instance> <leaseTtlMs> <waitMs>

 * `waitMs` is how long the new process starts after the old one died: a restarted process with
 * the same instance id takes the run over at once, another one only after the lease expired.
 *
 * Prints JSON lines: `ready`, then `report` with the run's final report.
 */
import { createBroadcaster, type BroadcastRun } from '@banditore/core';
import { createSqliteStore } from '../sqlite-store.js';
import { createHttpTestChannel } from './http-channel.js';
import { crashAnnouncement } from './crash-fixture.js';

const [mode, path, serverUrl, instance, leaseTtl, waitMs] = process.argv.slice(2);
const print = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

async function main(): Promise<void> {
  if (!path || !serverUrl || !instance)
    throw new Error('usage: crash-child <mode> <file> <url> <instance> <ttl> [wait]');
  const store = createSqliteStore({ path });
  const channel = createHttpTestChannel({ baseUrl: serverUrl, instance });
  const broadcaster = createBroadcaster({
    store,
    channels: [channel],
    instanceId: instance,
    leaseTtlMs: Number(leaseTtl ?? 30_000),
    onEvent: (event) => {
      if (event.type === 'internal.error') print({ type: 'internal-error', where: event.where });
    },
  });
  print({ type: 'ready' });
  let run: BroadcastRun | undefined;
  if (mode === 'publish') {
    run = await broadcaster.publish(crashAnnouncement, { idempotencyKey: 'crash-test#1' });
  } else {
    await pause(Number(waitMs ?? 0));
    run = (await broadcaster.resume())[0];
    if (!run) throw new Error('resume found no run to continue');
  }
  print({ type: 'started', created: run.created });
  const report = await run.done;
  print({ type: 'report', report });
  await broadcaster.close();
  await channel.close?.();
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
