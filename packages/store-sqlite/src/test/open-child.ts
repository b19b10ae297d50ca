/**
 * Opens a store in a process of its own, so a test can run it as a user who may read the file
 * but not write it (root may write anything).
 *
 *   node open-child.mjs <file>
 *
 * Prints one JSON line: `{ type: 'opened' }` plus what its first write did, or `{ type: 'refused', code }`.
 */
import { isStoreOpenError } from '../errors.js';
import { createSqliteStore } from '../sqlite-store.js';

const print = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

async function main(): Promise<void> {
  const [path] = process.argv.slice(2);
  let store;
  try {
    store = createSqliteStore({ path: path! });
  } catch (error) {
    if (!isStoreOpenError(error)) throw error;
    print({ type: 'refused', code: error.code, message: error.message });
    return;
  }
  const write = await store
    .subscribe(
      { channel: 'telegram', address: '42', topics: [], areas: [], language: 'it' },
      { method: 'command', noticeVersion: '2026-03' },
    )
    .then(
      () => 'ok',
      (error: unknown) => String((error as { code?: unknown }).code),
    );
  await store.close();
  print({ type: 'opened', write });
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
