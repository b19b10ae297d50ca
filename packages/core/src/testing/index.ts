/**
 * Test kit for Banditore apps and implementations: the configurable sandbox channel, a manual
 * clock, sample announcements and measuring helpers. It loads no test runner, so an app can use
 * the sandbox channel in a demo or a staging setup; the conformance suites, which register vitest
 * tests, are in `@banditore/core/conformance`.
 *
 * @module
 */

// Sandbox channel
export {
  createSandboxChannel,
  type SandboxChannel,
  type SandboxChannelMessage,
  type SandboxChannelOptions,
  type SandboxDelivery,
} from './sandbox-channel.js';

// Time
export { createManualClock, type ManualClock } from './manual-clock.js';

// Fixtures and measures
export { hostileAnnouncement, sampleAnnouncement } from './fixtures.js';
export { maxInAnySecond, seededRandom } from './measure.js';
