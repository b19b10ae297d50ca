/**
 * The conformance suites every implementation of a Banditore contract runs in its own tests:
 * {@link describeStoreContract} for stores and {@link describeChannelContract} for channels.
 * They register vitest tests, so this entry point (alone among core's) needs vitest installed;
 * the rest of the test kit is in `@banditore/core/testing` and runs anywhere.
 *
 * @module
 */

// Store conformance
export { describeStoreContract, type StoreContractSetup } from '../testing/store-contract.js';
export type { StoreContractContext } from '../testing/store-contract/harness.js';

// Channel conformance
export { describeChannelContract, type ChannelContractSetup } from '../testing/channel-contract.js';
