import { describeStoreContract } from '../testing/store-contract.js';
import { createMemoryStore } from './memory-store.js';

describeStoreContract('memory', async ({ channels }) => ({
  store: createMemoryStore({ channels, keepMessageIds: true }),
}));
