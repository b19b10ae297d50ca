/** Why a chat cannot receive: each maps to the body real Telegram returns. */
export type ChatState =
  | { kind: 'blocked' }
  | { kind: 'deactivated' }
  | { kind: 'deleted' }
  | { kind: 'migrated'; to: number }
  | { kind: 'kicked' };

/** A Bot API error body, as Telegram sends it. */
export interface ApiErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

/** Real Telegram answers for each unreachable state. */
export function errorForState(state: ChatState): ApiErrorBody {
  switch (state.kind) {
    case 'blocked':
      return { ok: false, error_code: 403, description: 'Forbidden: bot was blocked by the user' };
    case 'deactivated':
      return { ok: false, error_code: 403, description: 'Forbidden: user is deactivated' };
    case 'deleted':
      return { ok: false, error_code: 400, description: 'Bad Request: chat not found' };
    case 'kicked':
      return { ok: false, error_code: 403, description: 'Forbidden: bot is not a member of the channel chat' };
    case 'migrated':
      return {
        ok: false,
        error_code: 400,
        description: 'Bad Request: group chat was upgraded to a supergroup chat',
        parameters: { migrate_to_chat_id: state.to },
      };
  }
}

/** What the sandbox knows about chats: unreachable ones, public channels, message ids, keyboards. */
export interface ChatRegistry {
  /** Resolves a `chat_id` parameter to a numeric id, or an error body. */
  resolve(
    chatId: unknown,
  ): { ok: true; id: number; type: 'private' | 'group' | 'supergroup' | 'channel' } | { ok: false; body: ApiErrorBody };
  setState(chatId: number, state: ChatState | undefined): void;
  addChannel(username: string, id: number): void;
  channelId(username: string): number | undefined;
  nextMessageId(chatId: number): number;
  /** The highest message id sent to a chat, 0 when none. */
  lastMessageId(chatId: number): number;
  /** Reply markups of messages that have one, for editMessageReplyMarkup. */
  readonly markups: Map<string, string>;
  /** What each sent message holds now, by `chatId:messageId`, for editMessageText. */
  readonly contents: Map<string, SentContent>;
  clear(): void;
}

/** A message as the chat shows it now: what editMessageText may change. */
export interface SentContent {
  method: 'sendMessage' | 'sendPhoto';
  /** The `text` (or caption) parameter as last received, and its parse mode. */
  raw: string;
  parseMode: string | undefined;
  /** When it was sent (clock ms): old messages can no longer be edited. */
  sentAt: number;
  /** The user deleted it. */
  deleted: boolean;
}

const NOT_FOUND: ApiErrorBody = { ok: false, error_code: 400, description: 'Bad Request: chat not found' };

/**
 * Creates the chat registry. Every integer chat id is a reachable chat unless told otherwise
 * (private chats are positive, groups negative, supergroups and channels `-100…`); a
 * `@username` must be a registered channel.
 *
 * @returns The registry.
 */
export function createChatRegistry(): ChatRegistry {
  const states = new Map<number, ChatState>();
  const channels = new Map<string, number>();
  const counters = new Map<number, number>();
  const markups = new Map<string, string>();
  const contents = new Map<string, SentContent>();
  return {
    resolve(chatId) {
      let id: number | undefined;
      if (typeof chatId === 'number') id = chatId;
      else if (typeof chatId === 'string' && /^-?\d{1,16}$/.test(chatId)) id = Number(chatId);
      else if (typeof chatId === 'string' && chatId.startsWith('@')) id = channels.get(chatId.toLowerCase());
      if (id === undefined || id === 0 || !Number.isSafeInteger(id)) return { ok: false, body: NOT_FOUND };
      const state = states.get(id);
      if (state) return { ok: false, body: errorForState(state) };
      const type =
        id > 0
          ? 'private'
          : id <= -1_000_000_000_000
            ? [...channels.values()].includes(id)
              ? 'channel'
              : 'supergroup'
            : 'group';
      return { ok: true, id, type };
    },
    setState(chatId, state) {
      if (state) states.set(chatId, state);
      else states.delete(chatId);
    },
    addChannel(username, id) {
      channels.set(username.toLowerCase(), id);
    },
    channelId: (username) => channels.get(username.toLowerCase()),
    nextMessageId(chatId) {
      const next = (counters.get(chatId) ?? 0) + 1;
      counters.set(chatId, next);
      return next;
    },
    lastMessageId: (chatId) => counters.get(chatId) ?? 0,
    markups,
    contents,
    clear() {
      states.clear();
      counters.clear();
      markups.clear();
      contents.clear();
    },
  };
}
