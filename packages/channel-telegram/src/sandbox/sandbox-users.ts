import type { Clock } from '@banditore/core';
import type { ChatRegistry } from './sandbox-chats.js';
import type { UpdateDelivery, UpdateHub } from './sandbox-updates.js';

/** Options of a simulated user. */
export interface SimulatedUser {
  /** Telegram's `language_code` of the user. @defaultValue `"it"` */
  languageCode?: string;
  /** @defaultValue `"Cittadino"` */
  firstName?: string;
}

/** Simulated citizens: what they send reaches the bot as updates (webhook or getUpdates). */
export interface SandboxUsers {
  /** A user writes `text` to the bot in the private chat `chatId` (a command such as `/start meteo`). */
  sendUserMessage(chatId: number, text: string, user?: SimulatedUser): Promise<UpdateDelivery>;
  /** A user presses an inline button with `data` under the bot's message `messageId`. */
  pressButton(chatId: number, messageId: number, data: string, user?: SimulatedUser): Promise<UpdateDelivery>;
  /** Delivers any update (the sandbox adds `update_id`), including malformed ones for tests. */
  pushUpdate(update: Record<string, unknown>): Promise<UpdateDelivery>;
  /** Builds a `my_chat_member` update for a private chat (e.g. `"member"` → `"kicked"` when blocked). */
  chatMemberUpdate(chatId: number, oldStatus: string, newStatus: string): Record<string, unknown>;
}

/**
 * Creates the simulated users of a sandbox.
 *
 * @param deps - The sandbox's update hub, chats, open callback ids and clock.
 * @returns The user simulation.
 */
export function createSandboxUsers(deps: {
  hub: UpdateHub;
  chats: ChatRegistry;
  openCallbacks: Set<string>;
  clock: Clock;
}): SandboxUsers {
  let nextCallback = 1;
  let nextIncoming = 1_000_000;
  const date = (): number => Math.floor(deps.clock.now() / 1000);
  const from = (chatId: number, user: SimulatedUser = {}): Record<string, unknown> => ({
    id: chatId,
    is_bot: false,
    first_name: user.firstName ?? 'Cittadino',
    language_code: user.languageCode ?? 'it',
  });
  const privateChat = (chatId: number): Record<string, unknown> => ({
    id: chatId,
    type: 'private',
    first_name: 'Cittadino',
  });

  return {
    sendUserMessage(chatId, text, user) {
      const command = /^\/[A-Za-z0-9_]+(@\w+)?/.exec(text);
      return deps.hub.push({
        message: {
          message_id: nextIncoming++,
          date: date(),
          chat: privateChat(chatId),
          from: from(chatId, user),
          text,
          ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
        },
      });
    },
    pressButton(chatId, messageId, data, user) {
      const id = `sandbox-callback-${nextCallback++}`;
      deps.openCallbacks.add(id);
      return deps.hub.push({
        callback_query: {
          id,
          from: from(chatId, user),
          chat_instance: `instance-${chatId}`,
          message: { message_id: messageId, date: date(), chat: privateChat(chatId) },
          data,
        },
      });
    },
    pushUpdate: (update) => deps.hub.push(update),
    chatMemberUpdate(chatId, oldStatus, newStatus) {
      const user = from(chatId);
      return {
        my_chat_member: {
          chat: privateChat(chatId),
          from: user,
          date: date(),
          old_chat_member: { status: oldStatus, user: { id: 1, is_bot: true, first_name: 'bot' } },
          new_chat_member: { status: newStatus, user: { id: 1, is_bot: true, first_name: 'bot' } },
        },
      };
    },
  };
}
