/**
 * Web Push for Banditore: a channel that encrypts each announcement for every browser
 * subscription (RFC 8291 `aes128gcm`) and delivers it through the browser's push service
 * (RFC 8030) with VAPID (RFC 8292), and Firebase Cloud Messaging HTTP v1 for the comune's native
 * app. The push-service and FCM sandboxes live at `@banditore/channel-push/sandbox`.
 *
 * @module
 */
export { createPushChannel, type PushChannel } from './push-channel.js';
export { pushChannelOptionsSchema, type PushChannelOptions } from './options.js';
export { pushAddressSchema, webPushAddressSchema, KNOWN_PUSH_SERVICES } from './address.js';
export { renderPushMessage, type PushMessage, type PushPayload, type PushUrgency } from './render.js';
export { classifyPushResponse, parseRetryAfter, type PushExchange, type PushOutcome } from './classify.js';
export { encryptPushPayload, MAX_PLAINTEXT_BYTES, type EncryptDeterminism, type SubscriberKeys } from './ece.js';
export { decryptPushPayload } from './ece-decrypt.js';
export { createEncryptionPool, PoolBrokenError, UnusableKeyError, type EncryptionPool } from './encryption-pool.js';
export { generateVapidKeys, isVapidKeyPair, type VapidKeys } from './vapid.js';
// FCM HTTP v1 (native apps)
export { createFcmChannel, fcmTokenSchema, type FcmChannel } from './fcm/fcm-channel.js';
export {
  fcmChannelOptionsSchema,
  fcmServiceAccountSchema,
  type FcmChannelOptions,
  type FcmServiceAccount,
} from './fcm/fcm-options.js';
export { renderFcmMessage, type FcmMessage } from './fcm/fcm-render.js';
export { classifyFcmResponse, type FcmExchange, type FcmOutcome } from './fcm/fcm-classify.js';
export {
  createPushSubscriptionHandler,
  pushSubscriptionHandlerOptionsSchema,
  type PushSubscriptionHandlerOptions,
} from './subscription-handler.js';
