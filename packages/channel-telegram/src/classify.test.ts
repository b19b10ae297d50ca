import { describe, expect, test } from 'vitest';
import type { ApiExchange } from './bot-api.js';
import { classify, type TelegramTarget } from './classify.js';

const response = (status: number, body: unknown): ApiExchange => ({ kind: 'response', status, body });
const telegramError = (code: number, description: string, parameters?: object): ApiExchange =>
  response(code, { ok: false, error_code: code, description, ...(parameters ? { parameters } : {}) });

describe('unit: classify', () => {
  test('a sent message is ok with its result', () => {
    const outcome = classify(response(200, { ok: true, result: { message_id: 7 } }));
    expect(outcome).toEqual({ ok: true, result: { message_id: 7 } });
  });

  test.each<[string, ApiExchange, TelegramTarget, string, string | undefined]>([
    [
      '429 with retry_after',
      telegramError(429, 'Too Many Requests: retry after 7', { retry_after: 7 }),
      'subscriber',
      'RATE_LIMITED',
      '429',
    ],
    [
      '429 without parameters',
      telegramError(429, 'Too Many Requests: retry after 3'),
      'subscriber',
      'RATE_LIMITED',
      '429',
    ],
    [
      '403 blocked',
      telegramError(403, 'Forbidden: bot was blocked by the user'),
      'subscriber',
      'RECIPIENT_GONE',
      '403',
    ],
    ['403 deactivated', telegramError(403, 'Forbidden: user is deactivated'), 'subscriber', 'RECIPIENT_GONE', '403'],
    [
      '403 never started',
      telegramError(403, "Forbidden: bot can't initiate conversation with a user"),
      'subscriber',
      'RECIPIENT_GONE',
      '403',
    ],
    [
      '403 kicked from group',
      telegramError(403, 'Forbidden: bot was kicked from the group chat'),
      'subscriber',
      'RECIPIENT_GONE',
      '403',
    ],
    ['400 chat not found', telegramError(400, 'Bad Request: chat not found'), 'subscriber', 'RECIPIENT_GONE', '400'],
    [
      '400 chat not found, own channel',
      telegramError(400, 'Bad Request: chat not found'),
      'public-channel',
      'ACCOUNT_UNUSABLE',
      '400',
    ],
    [
      '403 not a member, own channel',
      telegramError(403, 'Forbidden: bot is not a member of the channel chat'),
      'public-channel',
      'ACCOUNT_UNUSABLE',
      '403',
    ],
    [
      '400 migrated',
      telegramError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: -1009876543210,
      }),
      'subscriber',
      'RECIPIENT_MOVED',
      '400',
    ],
    ['401', telegramError(401, 'Unauthorized'), 'subscriber', 'AUTH_FAILED', '401'],
    ['404', telegramError(404, 'Not Found'), 'subscriber', 'AUTH_FAILED', '404'],
    [
      '409 conflict',
      telegramError(409, 'Conflict: terminated by other getUpdates request'),
      'subscriber',
      'ACCOUNT_UNUSABLE',
      '409',
    ],
    [
      '400 parse error',
      telegramError(400, 'Bad Request: can\'t parse entities: Unsupported start tag "x" at byte offset 3'),
      'subscriber',
      'MESSAGE_REJECTED',
      '400',
    ],
    ['400 too long', telegramError(400, 'Bad Request: message is too long'), 'subscriber', 'MESSAGE_REJECTED', '400'],
    [
      '400 bad photo',
      telegramError(400, 'Bad Request: wrong file identifier/HTTP URL specified'),
      'subscriber',
      'MESSAGE_REJECTED',
      '400',
    ],
    ['413', telegramError(413, 'Request Entity Too Large'), 'subscriber', 'MESSAGE_REJECTED', '413'],
    ['500 with a body', telegramError(500, 'Internal Server Error'), 'subscriber', 'PROVIDER_UNAVAILABLE', '500'],
    ['502 from a proxy, HTML', response(502, undefined), 'subscriber', 'PROVIDER_UNAVAILABLE', '502'],
    ['200 that is not JSON', response(200, undefined), 'subscriber', 'PROVIDER_RESPONSE_INVALID', '200'],
    ['200 with a wrong shape', response(200, { ok: 'yes' }), 'subscriber', 'PROVIDER_RESPONSE_INVALID', '200'],
    ['ok without result', response(200, { ok: true }), 'subscriber', 'PROVIDER_RESPONSE_INVALID', '200'],
    ['ok with HTTP 500', response(500, { ok: true, result: true }), 'subscriber', 'PROVIDER_RESPONSE_INVALID', '500'],
    ['an unknown 4xx', telegramError(418, "I'm a teapot"), 'subscriber', 'UNKNOWN', '418'],
    [
      'network error',
      { kind: 'network-error', cause: 'SocketError UND_ERR_SOCKET' },
      'subscriber',
      'NETWORK_ERROR',
      undefined,
    ],
    ['aborted', { kind: 'aborted' }, 'subscriber', 'NETWORK_ERROR', undefined],
    ['timeout', { kind: 'timeout' }, 'subscriber', 'TIMEOUT', undefined],
  ])('%s → %s', (_name, exchange, target, code, providerCode) => {
    const outcome = classify(exchange, target);
    expect(outcome.ok).toBe(false);
    if (outcome.ok) return;
    expect(outcome.error.code).toBe(code);
    expect(outcome.error.providerCode).toBe(providerCode);
  });

  test.each([
    [{ retry_after: 7 }, 'Too Many Requests: retry after 7', 7000],
    [undefined, 'Too Many Requests: retry after 12', 12000],
    [undefined, 'Too Many Requests', 5000],
    [{ retry_after: 0 }, 'Too Many Requests: retry after 0', 1000],
  ])('429 %j "%s" waits %i ms', (parameters, description, wait) => {
    const outcome = classify(telegramError(429, description, parameters));
    expect(outcome.ok ? undefined : outcome.error.retryAfterMs).toBe(wait);
    expect(outcome.ok ? undefined : outcome.error.action).toBe('pause-channel');
  });

  test('a migration carries the new chat id, kept out of the serialised error', () => {
    const outcome = classify(
      telegramError(400, 'Bad Request: group chat was upgraded to a supergroup chat', {
        migrate_to_chat_id: -1009876543210,
      }),
    );
    if (outcome.ok) throw new Error('expected an error');
    expect(outcome.error.newAddress).toBe('-1009876543210');
    expect(outcome.error.action).toBe('readdress');
    expect(JSON.stringify(outcome.error)).not.toContain('9876543210');
    expect(outcome.error.message).not.toContain('9876543210');
  });

  test('messages never repeat the provider description (it may echo message text)', () => {
    const echo = 'SEGRETO-TESTO-42';
    for (const code of [400, 403, 418, 500]) {
      const outcome = classify(
        telegramError(code, `Bad Request: can't parse entities: Unsupported start tag "${echo}"`),
      );
      if (outcome.ok) throw new Error('expected an error');
      expect(outcome.error.message).not.toContain(echo);
      expect(JSON.stringify(outcome.error)).not.toContain(echo);
    }
  });
});
