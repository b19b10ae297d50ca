/**
 * Test kit for Banditore implementations: the store and channel conformance suites and the
 * configurable sandbox channel. Import from `@banditore/core/testing` in a vitest suite.
 *
 * @module
 */

export * from './store-contract.js';
export * from './channel-contract.js';
export * from './sandbox-channel.js';
