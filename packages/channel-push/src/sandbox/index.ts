/**
 * A local Web Push service for tests and demos: checks VAPID, decrypts every payload with the
 * fake subscriber's key, and answers 201/404/410/413/429/5xx as scripted.
 *
 * @module
 */
export {
  createPushSandbox,
  type PushSandbox,
  type PushSandboxOptions,
  type PushSandboxStats,
  type ReceivedPush,
} from './push-sandbox.js';
export { createFakeSubscription, type FakeSubscription } from './fake-subscription.js';
export { checkVapid, type VapidProblem } from './vapid-check.js';
export {
  createFcmSandbox,
  type FakeServiceAccount,
  type FcmSandbox,
  type FcmSandboxError,
  type FcmSandboxOptions,
  type FcmSandboxStats,
  type ReceivedFcm,
} from './fcm-sandbox.js';
