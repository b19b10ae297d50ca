/**
 * A Telegram Bot API sandbox: a real local HTTP server that behaves like Telegram (spec-checked
 * parameters, limits with 429s, blocked and migrated chats, simulated citizens), so a comune's
 * developers can try their setup, and tests and benchmarks can run, without a bot token.
 *
 * @module
 */

export {
  createTelegramSandbox,
  type SandboxStats,
  type TelegramSandbox,
  type TelegramSandboxOptions,
} from './telegram-sandbox.js';
export { DEFAULT_SANDBOX_LIMITS, type LimitScope, type SandboxLimits } from './sandbox-limits.js';
export type { SandboxFaults } from './sandbox-network.js';
export type { SandboxChatControls } from './sandbox-controls.js';
export type { SandboxBot, SandboxCallbackAnswer, SandboxEdit, SandboxMessage } from './sandbox-methods.js';
export type { SandboxUsers, SimulatedUser } from './sandbox-users.js';
export type { SandboxWebhook, UpdateDelivery } from './sandbox-updates.js';
export { parseTelegramHtml, type HtmlParseResult } from './telegram-html.js';
