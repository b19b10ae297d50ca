import { describe } from 'vitest';
import { useStoreHarness, type StoreContractContext, type StoreContractSetup } from './store-contract/harness.js';
import { describeSubscriberContract } from './store-contract/subscribers.js';
import { describeAudienceContract } from './store-contract/audience.js';
import { describeRunContract } from './store-contract/runs.js';
import { describeLedgerContract } from './store-contract/ledger.js';
import { describeLeaseContract } from './store-contract/lease.js';
import { describePrivacyContract } from './store-contract/privacy.js';
import { describeBadInputContract } from './store-contract/bad-input.js';
import { describeReceiptContract } from './store-contract/receipts.js';
import { describeChannelStateContract } from './store-contract/channel-state.js';
import { describePriorSendsContract } from './store-contract/prior-sends.js';

export type { StoreContractContext, StoreContractSetup } from './store-contract/harness.js';

/**
 * Registers the conformance tests every `Store` implementation must pass: subscribers and
 * the append-only consent ledger, streamed audiences that agree with `matchesAudience`, idempotent
 * runs, the claim-then-record delivery ledger, run leases and the data-subject operations.
 *
 * The suite only uses the `Store` interface: ids are opaque, formats are never assumed. A fresh
 * store is made for every test, with the channels the setup is handed (so it can check that bad
 * input is refused); the suite calls `store.close()` and then `cleanup()`.
 *
 * @param name - Shown in the test names, e.g. `"sqlite"`.
 * @param setup - Makes an empty store with the given `channels` (and how to delete it afterwards).
 * @example
 * ```ts
 * import { describeStoreContract } from '@banditore/core/conformance'
 *
 * describeStoreContract('memory', async ({ channels }) => ({ store: createMemoryStore({ channels }) }))
 * ```
 */
export function describeStoreContract(
  name: string,
  setup: (context: StoreContractContext) => Promise<StoreContractSetup>,
): void {
  describe(`store contract: ${name}`, () => {
    const harness = useStoreHarness(setup);
    describeSubscriberContract(harness);
    describeAudienceContract(harness);
    describeRunContract(harness);
    describeLedgerContract(harness);
    describeLeaseContract(harness);
    describePrivacyContract(harness);
    describeBadInputContract(harness);
    describeReceiptContract(harness);
    describeChannelStateContract(harness);
    describePriorSendsContract(harness);
  });
}
