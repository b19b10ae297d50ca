/**
 * Web Push for Banditore: a channel that encrypts each announcement for every browser
 * subscription (RFC 8291 `aes128gcm`) and delivers it through the browser's push service
 * (RFC 8030) with VAPID (RFC 8292). The push-service sandbox lives at
 * `@banditore/channel-push/sandbox`.
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
export {
  createPushSubscriptionHandler,
  pushSubscriptionHandlerOptionsSchema,
  type PushSubscriptionHandlerOptions,
} from './subscription-handler.js';
