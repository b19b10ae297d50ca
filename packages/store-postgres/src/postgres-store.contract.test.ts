import { describeStoreContract } from '@banditore/core/conformance';
import { createPostgresStore } from './postgres-store.js';
import { TEST_DATABASE_URL, dropSchema, uniqueSchema } from './test/database.js';

// Every test gets its own schema on the shared server, so parallel runs never collide.
describeStoreContract('postgres', async ({ channels }) => {
  const schema = uniqueSchema('contract');
  const store = await createPostgresStore({ connectionString: TEST_DATABASE_URL, schema, poolSize: 4, channels });
  return { store, cleanup: () => dropSchema(schema) };
});
