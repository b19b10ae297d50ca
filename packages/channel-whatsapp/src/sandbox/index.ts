/**
 * A local look-alike of the WhatsApp Cloud API, as strict as Meta is at worst: for tests, the
 * demo and the bench, without a Meta account.
 *
 * @module
 */
export {
  createWhatsAppSandbox,
  SANDBOX_ACCESS_TOKEN,
  SANDBOX_PHONE_NUMBER_ID,
  type WhatsAppSandbox,
  type WhatsAppSandboxOptions,
  type WhatsAppSandboxStats,
} from './whatsapp-sandbox.js';
export type { SandboxMessage } from './sandbox-messages.js';
export type { SandboxTemplate } from './sandbox-templates.js';
export { metaJson, signBody, type SandboxWebhookOptions, type WebhookStats } from './sandbox-webhooks.js';
