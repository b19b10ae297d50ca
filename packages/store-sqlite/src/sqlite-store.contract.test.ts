import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeStoreContract } from '@banditore/core/conformance';
import { createSqliteStore } from './sqlite-store.js';

describeStoreContract('sqlite (file on disk)', async ({ channels }) => {
  const dir = await mkdtemp(join(tmpdir(), 'banditore-sqlite-'));
  const store = createSqliteStore({ path: join(dir, 'store.db'), channels });
  return { store, cleanup: () => rm(dir, { recursive: true, force: true }) };
});
