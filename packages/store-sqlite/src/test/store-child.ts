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
/** Resolves with the next line the parent writes to stdin. */
const nextLine = (): Promise<string> =>
  new Promise((resolve) => {
    let buffered = '';
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const newline = buffered.indexOf('\n');
      if (newline < 0) return;
      process.stdin.off('data', onData);
      process.stdin.destroy();
      resolve(buffered.slice(0, newline));
    };
    process.stdin.on('data', onData);
  });

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
        if (ids.length === 0) {
          // Hold after the first batch until the parent has claimed too, so both surely compete
          // however the two processes are scheduled.
          print({ type: 'claiming' });
          await nextLine();
        }
        ids.push(...claimed.map((delivery) => delivery.deliveryId));
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
