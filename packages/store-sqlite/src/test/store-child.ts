/**
 * A second process on the same store file, for the lease and claim tests.
 *
 *   node store-child.mjs lease <file> <runId> <owner> <ttlMs> <now>
 *   node store-child.mjs claim <file> <runId> <channel> <batch>
 *
 * Prints one JSON object per line.
 */
import { createSqliteStore } from '../sqlite-store.js';

const [command, path, runId, ...rest] = process.argv.slice(2);
const print = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

async function main(): Promise<void> {
  if (!path || !runId) throw new Error('usage: store-child <command> <file> <runId> ...');
  const store = createSqliteStore({ path });
  try {
    if (command === 'lease') {
      const [owner, ttl, now] = rest;
      print({ type: 'lease', held: await store.acquireLease(runId, owner!, Number(ttl), Number(now)) });
    } else if (command === 'claim') {
      const [channel, batch] = rest;
      print({ type: 'ready' });
      const ids: string[] = [];
      for (;;) {
        const claimed = await store.claimDeliveries(runId, channel!, Number(batch));
        if (claimed.length === 0) break;
        if (ids.length === 0) print({ type: 'claiming' });
        ids.push(...claimed.map((delivery) => delivery.deliveryId));
        // Pause a little so the parent's claims interleave with ours even on a loaded machine.
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      print({ type: 'claimed', ids });
    } else {
      throw new Error(`unknown command ${command}`);
    }
  } finally {
    await store.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${String(error)}\n`);
  process.exit(1);
});
