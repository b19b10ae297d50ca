/**
 * One broadcaster process with the WhatsApp channel on a SQLite store, for the crash tests. The
 * parent runs the Cloud API sandbox, kills this process with SIGKILL mid-broadcast and starts a
 * new one on the same file.
 *
 *   node crash-child.mjs publish <file> <sandboxUrl> <phoneNumberId> <instance> <leaseTtlMs> [tier]
 *   node crash-child.mjs resume  <file> <sandboxUrl> <phoneNumberId> <instance> <leaseTtlMs> [tier]
 *
 * With a `tier`, the number belongs to a portfolio with that messaging limit, whose use of the last
 * 24 hours is read back from the ledger at start (`loadPortfolioUsage`), as a restarted comune
 * server would do.
 *
 * Prints JSON lines: `ready`, `started`, `held` (once, when the messaging limit holds the rest),
 * then `report` with the run's final report.
 */
import { createBroadcaster, type BroadcastRun } from '@banditore/core';
import { createSqliteStore } from '@banditore/store-sqlite';
import { createWhatsAppPortfolio, loadPortfolioUsage } from '../portfolio.js';
import { SANDBOX_ACCESS_TOKEN } from '../sandbox/index.js';
import { createWhatsAppChannel } from '../whatsapp-channel.js';
import { CRASH_RUN_KEY, crashAnnouncement } from './crash-fixture.js';
import { CHANNEL_TEMPLATES } from './rig.js';

const [mode, path, sandboxUrl, phoneNumberId, instance, leaseTtl, tier] = process.argv.slice(2);
const print = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

let held = false;

async function main(): Promise<void> {
  if (!path || !sandboxUrl || !phoneNumberId || !instance)
    throw new Error('usage: crash-child <mode> <file> <url> <phoneNumberId> <instance> <ttl>');
  const store = createSqliteStore({ path });
  const portfolio =
    tier === undefined
      ? undefined
      : createWhatsAppPortfolio({
          id: 'comune-di-jesi',
          messagingLimit: Number(tier) as 250 | 2_000 | 10_000 | 100_000,
          usedAt: await loadPortfolioUsage(store, { channels: ['whatsapp'] }),
        });
  const channel = createWhatsAppChannel({
    accessToken: SANDBOX_ACCESS_TOKEN,
    phoneNumberId,
    baseUrl: sandboxUrl,
    throughput: 1000,
    templates: CHANNEL_TEMPLATES,
    ...(portfolio === undefined ? {} : { portfolio }),
  });
  const broadcaster = createBroadcaster({
    store,
    channels: [channel],
    instanceId: instance,
    leaseTtlMs: Number(leaseTtl ?? 30_000),
    onEvent: (event) => {
      if (event.type === 'internal.error') print({ type: 'internal-error', where: event.where });
      if (event.type === 'run.progress' && !held && event.progress.channels.some((c) => c.state === 'held')) {
        held = true;
        print({ type: 'held' });
      }
    },
  });
  print({ type: 'ready' });
  let run: BroadcastRun | undefined;
  if (mode === 'publish') {
    run = await broadcaster.publish(crashAnnouncement, { idempotencyKey: CRASH_RUN_KEY });
  } else {
    run = (await broadcaster.resume())[0];
    if (!run) throw new Error('resume found no run to continue');
  }
  print({ type: 'started', created: run.created });
  const report = await run.done;
  print({ type: 'report', report });
  await broadcaster.close();
  await channel.close();
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
