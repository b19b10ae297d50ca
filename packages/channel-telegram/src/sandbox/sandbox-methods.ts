import type { Clock } from '@banditore/core';
import type { ApiErrorBody, ChatRegistry } from './sandbox-chats.js';
import type { LimitScope, SendLimiter } from './sandbox-limits.js';
import type { SendFault } from './sandbox-network.js';
import type { UpdateHub } from './sandbox-updates.js';
import type { SpecSubset } from './spec-subset.js';
import { validateParams } from './spec-validator.js';
import { parseTelegramHtml } from './telegram-html.js';

/** One message the sandbox accepted (`sendMessage` or `sendPhoto`). */
export interface SandboxMessage {
  chatId: number;
  messageId: number;
  method: 'sendMessage' | 'sendPhoto';
  /** Visible text (tags removed, entities decoded): the message text or the photo caption. */
  text: string;
  /** The `text` or `caption` parameter exactly as received. */
  raw: string;
  parseMode: string | undefined;
  /** `photo` parameter of a sendPhoto. */
  photo: string | undefined;
  /** `disable_notification`. */
  silent: boolean;
  paidBroadcast: boolean;
  replyMarkup: unknown;
  /** Clock time of acceptance, in ms. */
  at: number;
  /** Clock time of the last accepted edit (then `text` and `raw` are the edited ones). */
  editedAt?: number;
}

/** One `editMessageText` the sandbox accepted. */
export interface SandboxEdit {
  chatId: number;
  messageId: number;
  /** Visible text after the edit. */
  text: string;
  /** The `text` parameter exactly as received. */
  raw: string;
  /** Clock time of acceptance, in ms. */
  at: number;
}

/** An `answerCallbackQuery` the bot made. */
export interface SandboxCallbackAnswer {
  callbackQueryId: string;
  text: string | undefined;
  showAlert: boolean;
}

/** The bot the sandbox pretends to be. */
export interface SandboxBot {
  id: number;
  username: string;
  firstName: string;
}

/** Everything a method needs. */
export interface MethodContext {
  spec: SpecSubset;
  strict: boolean;
  chats: ChatRegistry;
  limiter: SendLimiter;
  hub: UpdateHub;
  clock: Clock;
  bot: SandboxBot;
  /** Callback query ids issued by simulated button presses and not yet answered. */
  openCallbacks: Set<string>;
  callbackAnswers: SandboxCallbackAnswer[];
  record(message: SandboxMessage): void;
  /** An edit was accepted: record it and show the new text in the recorded message. */
  recordEdit(edit: SandboxEdit): void;
  /** How long after sending a message can still be edited, in ms. */
  editWindowMs: number;
  /** A send refused with 429: which limit, or `seeded` for a fault the test asked for. */
  onRateLimited(scope: LimitScope | 'seeded'): void;
  /** The seeded fault for the next send, drawn when it arrives. */
  fault(): SendFault;
  /** A seeded fault was served. */
  onFault(kind: 'serverError' | 'badGateway' | 'drop' | 'slow'): void;
}

/** An HTTP answer of the sandbox. */
export interface MethodAnswer {
  status: number;
  body: object;
  /** Drop the connection instead of answering (the message, if accepted, stays accepted). */
  drop?: boolean;
  /** Answer this much later than usual, in ms (a slow answer). */
  delayMs?: number;
  /** A seeded 429: the bot's wait starts when this answer leaves. */
  seeded?: boolean;
}

const ok = (result: unknown, description?: string): MethodAnswer => ({
  status: 200,
  body: description === undefined ? { ok: true, result } : { ok: true, result, description },
});
const error = (body: ApiErrorBody): MethodAnswer => ({ status: body.error_code, body });
const badRequest = (description: string): MethodAnswer => error({ ok: false, error_code: 400, description });

/**
 * Runs one Bot API method against the sandbox state, after validating its parameters against
 * the spec. Answers with Telegram's status codes and error bodies.
 *
 * @param context - Sandbox state.
 * @param method - Canonical method name (one of the sandbox's methods).
 * @param input - Parameters as received.
 * @param onClose - Registers a callback for when the client goes away (long polling).
 * @param readAt - When the request reached the server, before its inbound latency.
 * @returns The answer.
 */
export async function runMethod(
  context: MethodContext,
  method: string,
  input: Record<string, unknown>,
  onClose: (abort: () => void) => void,
  readAt: number,
): Promise<MethodAnswer> {
  const validation = validateParams(context.spec, method, input, context.strict);
  if (!validation.ok) return badRequest(validation.description);
  const params = validation.params;
  switch (method) {
    case 'getMe':
      return ok({
        id: context.bot.id,
        is_bot: true,
        first_name: context.bot.firstName,
        username: context.bot.username,
        can_join_groups: true,
        can_read_all_group_messages: false,
        supports_inline_queries: false,
      });
    case 'sendMessage':
    case 'sendPhoto':
      return send(context, method, params, readAt);
    case 'getUpdates': {
      const limit = Math.min(100, Math.max(1, (params.limit as number | undefined) ?? 100));
      const answer = await context.hub.getUpdates(
        params.offset as number | undefined,
        limit,
        (params.timeout as number | undefined) ?? 0,
        onClose,
      );
      return answer.ok ? ok(answer.result) : error(answer);
    }
    case 'setWebhook':
      return setWebhook(context, params);
    case 'deleteWebhook':
      context.hub.webhook = undefined;
      return ok(true, 'Webhook was deleted');
    case 'answerCallbackQuery': {
      const id = params.callback_query_id as string;
      if (!context.openCallbacks.delete(id))
        return badRequest('Bad Request: query is too old and response timeout expired or query ID is invalid');
      context.callbackAnswers.push({
        callbackQueryId: id,
        text: params.text as string | undefined,
        showAlert: params.show_alert === true,
      });
      return ok(true);
    }
    case 'editMessageReplyMarkup':
      return editReplyMarkup(context, params);
    case 'editMessageText':
      return editText(context, params, readAt);
    default:
      return {
        status: 501,
        body: { ok: false, error_code: 501, description: `Not Implemented: the sandbox does not implement ${method}` },
      };
  }
}

function send(
  context: MethodContext,
  method: 'sendMessage' | 'sendPhoto',
  params: Record<string, unknown>,
  readAt: number,
): MethodAnswer {
  const chat = context.chats.resolve(params.chat_id);
  if (!chat.ok) return error(chat.body);
  const raw = ((method === 'sendMessage' ? params.text : params.caption) as string | undefined) ?? '';
  const parseMode = params.parse_mode as string | undefined;
  let text = raw;
  if (parseMode !== undefined && parseMode.toLowerCase() === 'html') {
    const parsed = parseTelegramHtml(raw);
    if (!parsed.ok) return badRequest(parsed.description);
    text = parsed.text;
  } else if (parseMode !== undefined && !['markdown', 'markdownv2'].includes(parseMode.toLowerCase())) {
    return badRequest(`Bad Request: unsupported parse_mode "${parseMode}"`);
  }
  text = text.trim();
  if (method === 'sendMessage' && text === '') return badRequest('Bad Request: message text is empty');
  if (method === 'sendMessage' && text.length > 4096) return badRequest('Bad Request: message is too long');
  if (method === 'sendPhoto' && text.length > 1024) return badRequest('Bad Request: message caption is too long');
  if (method === 'sendPhoto' && (params.photo as string).trim() === '')
    return badRequest('Bad Request: there is no photo in the request');

  const fault = context.fault();
  if (fault.kind === 'tooManyRequests') {
    // Telegram asked for a wait the client did not cause; sending during it is the client's fault.
    context.onRateLimited('seeded');
    context.limiter.seededRefusal();
    return { ...tooManyRequests(1), seeded: true };
  }
  // The arrival: counted against the limits whatever happens next.
  const admission = context.limiter.admit(chat.id, chat.type, readAt);
  if (!admission.ok) {
    context.onRateLimited(admission.scope);
    return tooManyRequests(admission.retryAfter);
  }
  if (fault.kind !== 'none') context.onFault(fault.kind);
  if (fault.kind === 'serverError') return error({ ok: false, error_code: 500, description: 'Internal Server Error' });
  if (fault.kind === 'badGateway') return error({ ok: false, error_code: 502, description: 'Bad Gateway' });
  const now = context.clock.now();
  const messageId = context.chats.nextMessageId(chat.id);
  if (params.reply_markup !== undefined)
    context.chats.markups.set(`${chat.id}:${messageId}`, JSON.stringify(params.reply_markup));
  context.chats.contents.set(`${chat.id}:${messageId}`, { method, raw, parseMode, sentAt: now, deleted: false });
  context.record({
    chatId: chat.id,
    messageId,
    method,
    text,
    raw,
    parseMode,
    photo: params.photo as string | undefined,
    silent: params.disable_notification === true,
    paidBroadcast: params.allow_paid_broadcast === true,
    replyMarkup: params.reply_markup,
    at: now,
  });
  const content =
    method === 'sendMessage'
      ? { text }
      : {
          photo: [{ file_id: `sandbox-photo-${messageId}`, file_unique_id: `p${messageId}`, width: 1280, height: 720 }],
          ...(text === '' ? {} : { caption: text }),
        };
  const answer = ok({
    message_id: messageId,
    date: Math.floor(now / 1000),
    chat: { id: chat.id, type: chat.type },
    from: { id: context.bot.id, is_bot: true, first_name: context.bot.firstName, username: context.bot.username },
    ...content,
    ...(params.reply_markup === undefined ? {} : { reply_markup: params.reply_markup }),
  });
  // Accepted, then the answer is lost or late: the client cannot know the message landed.
  if (fault.kind === 'drop') answer.drop = true;
  if (fault.kind === 'slow') answer.delayMs = fault.delayMs;
  return answer;
}

/** Parses a message text as Telegram does for `parse_mode`; a string is the 400 description. */
function visibleText(raw: string, parseMode: string | undefined): string | { refused: string } {
  if (parseMode !== undefined && parseMode.toLowerCase() === 'html') {
    const parsed = parseTelegramHtml(raw);
    return parsed.ok ? parsed.text.trim() : { refused: parsed.description };
  }
  if (parseMode !== undefined && !['markdown', 'markdownv2'].includes(parseMode.toLowerCase()))
    return { refused: `Bad Request: unsupported parse_mode "${parseMode}"` };
  return raw.trim();
}

/**
 * `editMessageText` of a message the bot sent to a chat, with Telegram's refusals: a message
 * that is not there (never sent, or deleted by the user), a photo (no text to edit), a message
 * too old to edit, and an edit that changes nothing. Edits arrive against the same limits as
 * sends: Telegram counts them.
 */
function editText(context: MethodContext, params: Record<string, unknown>, readAt: number): MethodAnswer {
  if (params.inline_message_id !== undefined)
    return badRequest('Bad Request: the sandbox does not implement inline messages');
  if (params.chat_id === undefined || params.message_id === undefined)
    return badRequest('Bad Request: message identifier is not specified');
  const chat = context.chats.resolve(params.chat_id);
  if (!chat.ok) return error(chat.body);
  const raw = params.text as string;
  const parseMode = params.parse_mode as string | undefined;
  const text = visibleText(raw, parseMode);
  if (typeof text !== 'string') return badRequest(text.refused);
  if (text === '') return badRequest('Bad Request: message text is empty');
  if (text.length > 4096) return badRequest('Bad Request: message is too long');
  const fault = context.fault();
  if (fault.kind === 'tooManyRequests') {
    context.onRateLimited('seeded');
    context.limiter.seededRefusal();
    return { ...tooManyRequests(1), seeded: true };
  }
  const admission = context.limiter.admit(chat.id, chat.type, readAt);
  if (!admission.ok) {
    context.onRateLimited(admission.scope);
    return tooManyRequests(admission.retryAfter);
  }
  if (fault.kind !== 'none') context.onFault(fault.kind);
  if (fault.kind === 'serverError') return error({ ok: false, error_code: 500, description: 'Internal Server Error' });
  if (fault.kind === 'badGateway') return error({ ok: false, error_code: 502, description: 'Bad Gateway' });
  const messageId = params.message_id as number;
  const key = `${chat.id}:${messageId}`;
  const current = context.chats.contents.get(key);
  if (messageId < 1 || messageId > context.chats.lastMessageId(chat.id) || current?.deleted === true)
    return badRequest('Bad Request: message to edit not found');
  const now = context.clock.now();
  if (current !== undefined) {
    if (current.method === 'sendPhoto') return badRequest('Bad Request: there is no text in the message to edit');
    if (now - current.sentAt > context.editWindowMs) return badRequest("Bad Request: message can't be edited");
    const markup = params.reply_markup === undefined ? undefined : JSON.stringify(params.reply_markup);
    if (current.raw === raw && current.parseMode === parseMode && markup === context.chats.markups.get(key)) {
      return badRequest(
        'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
      );
    }
    context.chats.contents.set(key, { ...current, raw, parseMode });
  }
  if (params.reply_markup !== undefined) context.chats.markups.set(key, JSON.stringify(params.reply_markup));
  else context.chats.markups.delete(key);
  context.recordEdit({ chatId: chat.id, messageId, text, raw, at: now });
  const answer = ok({
    message_id: messageId,
    date: Math.floor((current?.sentAt ?? now) / 1000),
    edit_date: Math.floor(now / 1000),
    chat: { id: chat.id, type: chat.type },
    from: { id: context.bot.id, is_bot: true, first_name: context.bot.firstName, username: context.bot.username },
    text,
    ...(params.reply_markup === undefined ? {} : { reply_markup: params.reply_markup }),
  });
  if (fault.kind === 'drop') answer.drop = true;
  if (fault.kind === 'slow') answer.delayMs = fault.delayMs;
  return answer;
}

function tooManyRequests(retryAfter: number): MethodAnswer {
  return error({
    ok: false,
    error_code: 429,
    description: `Too Many Requests: retry after ${retryAfter}`,
    parameters: { retry_after: retryAfter },
  });
}

function setWebhook(context: MethodContext, params: Record<string, unknown>): MethodAnswer {
  const url = params.url as string;
  if (url === '') {
    context.hub.webhook = undefined;
    return ok(true, 'Webhook was deleted');
  }
  if (!URL.canParse(url) || !/^https?:$/.test(new URL(url).protocol))
    return badRequest('Bad Request: bad webhook: invalid webhook URL specified');
  const secret = params.secret_token as string | undefined;
  if (secret !== undefined && !/^[A-Za-z0-9_-]{1,256}$/.test(secret))
    return badRequest('Bad Request: secret token contains unallowed characters');
  context.hub.webhook = { url, secretToken: secret, allowedUpdates: params.allowed_updates as string[] | undefined };
  return ok(true, 'Webhook was set');
}

function editReplyMarkup(context: MethodContext, params: Record<string, unknown>): MethodAnswer {
  if (params.chat_id === undefined || params.message_id === undefined)
    return badRequest('Bad Request: message identifier is not specified');
  const chat = context.chats.resolve(params.chat_id);
  if (!chat.ok) return error(chat.body);
  const messageId = params.message_id as number;
  const key = `${chat.id}:${messageId}`;
  if (messageId < 1 || messageId > context.chats.lastMessageId(chat.id))
    return badRequest('Bad Request: message to edit not found');
  const next = params.reply_markup === undefined ? undefined : JSON.stringify(params.reply_markup);
  if (next === context.chats.markups.get(key)) {
    return badRequest(
      'Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message',
    );
  }
  if (next === undefined) context.chats.markups.delete(key);
  else context.chats.markups.set(key, next);
  return ok({
    message_id: messageId,
    date: Math.floor(context.clock.now() / 1000),
    chat: { id: chat.id, type: chat.type },
    ...(params.reply_markup === undefined ? {} : { reply_markup: params.reply_markup }),
  });
}
