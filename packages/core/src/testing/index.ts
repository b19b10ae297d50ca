/**
 * Test kit for Banditore implementations: the store and channel conformance suites, the
 * configurable sandbox channel, a manual clock and sample announcements. Import from
 * `@banditore/core/testing` in a vitest suite.
 *
 * @module
 */

export * from './store-contract.js';
export * from './channel-contract.js';
export * from './sandbox-channel.js';
export * from './manual-clock.js';
export * from './fixtures.js';
export * from './measure.js';
