import type { ChatRegistry } from './sandbox-chats.js';
import { channelIdFor } from './sandbox-request.js';
import type { SandboxUsers } from './sandbox-users.js';

/** What a test or the demo can do to the sandbox's chats. */
export interface SandboxChatControls {
  /** The current inline keyboard of a message, or `undefined`. */
  replyMarkupOf(chatId: number | string, messageId: number): unknown;
  /** The chat answers as if the user blocked the bot (403). `notify` also queues a `my_chat_member` update. */
  blockBot(chatId: number, options?: { notify?: boolean }): Promise<void>;
  /** The user deleted the account (403 "user is deactivated"). */
  deactivateUser(chatId: number): void;
  /** The chat no longer exists (400 "chat not found"). */
  deleteChat(chatId: number): void;
  /** The group became a supergroup (400 with `migrate_to_chat_id`). */
  migrateChat(chatId: number, newChatId: number): void;
  /** The user deleted one message of the bot: editing it is refused ("message to edit not found"). */
  deleteMessage(chatId: number | string, messageId: number): void;
  /** Makes a chat reachable again. */
  restoreChat(chatId: number): void;
  /** Registers a public channel the bot can post to; returns its `-100…` id. */
  addChannel(username: string): number;
  /** The bot was removed from the channel (403 "not a member"). */
  removeBotFromChannel(username: string): void;
}

/**
 * Creates the chat controls of a sandbox.
 *
 * @param chats - The sandbox's chat registry.
 * @param users - The simulated users (for the `my_chat_member` update of a block).
 * @returns The controls.
 */
export function createChatControls(chats: ChatRegistry, users: SandboxUsers): SandboxChatControls {
  return {
    replyMarkupOf(chatId, messageId) {
      const markup = chats.markups.get(`${Number(chatId)}:${messageId}`);
      return markup === undefined ? undefined : (JSON.parse(markup) as unknown);
    },
    async blockBot(chatId, options = {}) {
      chats.setState(chatId, { kind: 'blocked' });
      if (options.notify) await users.pushUpdate(users.chatMemberUpdate(chatId, 'member', 'kicked'));
    },
    deactivateUser: (chatId) => chats.setState(chatId, { kind: 'deactivated' }),
    deleteChat: (chatId) => chats.setState(chatId, { kind: 'deleted' }),
    migrateChat: (chatId, newChatId) => chats.setState(chatId, { kind: 'migrated', to: newChatId }),
    restoreChat: (chatId) => chats.setState(chatId, undefined),
    deleteMessage(chatId, messageId) {
      const key = `${Number(chatId)}:${messageId}`;
      const current = chats.contents.get(key);
      if (current) chats.contents.set(key, { ...current, deleted: true });
    },
    addChannel(username) {
      const id = channelIdFor(username);
      chats.addChannel(username, id);
      chats.setState(id, undefined);
      return id;
    },
    removeBotFromChannel(username) {
      const id = chats.channelId(username);
      if (id !== undefined) chats.setState(id, { kind: 'kicked' });
    },
  };
}
