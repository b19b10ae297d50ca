import { describe, expect, test } from 'vitest';
import { classify, ruleFor, WHATSAPP_ERROR_TABLE, type GraphExchange } from './classify.js';

const graphError = (code: number, status = 400, details?: string): GraphExchange => ({
  kind: 'response',
  status,
  body: {
    error: {
      message: `(#${code}) something about +393331234567`,
      type: 'OAuthException',
      code,
      ...(details === undefined ? {} : { error_data: { messaging_product: 'whatsapp', details } }),
      fbtrace_id: 'Az1',
    },
  },
});

describe('unit: classify', () => {
  test('a 200 with a message id is ok', () => {
    const outcome = classify({
      kind: 'response',
      status: 200,
      body: {
        messaging_product: 'whatsapp',
        contacts: [{ input: '39333', wa_id: '39333' }],
        messages: [{ id: 'wamid.A' }],
      },
    });
    expect(outcome).toEqual({ ok: true, messageId: 'wamid.A' });
  });

  // Every row of the table, by code, with the HTTP status Meta is said to use *and* a wrong one:
  // the outcome must not change with the status.
  test.each([
    [0, 'AUTH_FAILED'],
    [190, 'AUTH_FAILED'],
    [3, 'ACCOUNT_UNUSABLE'],
    [10, 'ACCOUNT_UNUSABLE'],
    [200, 'ACCOUNT_UNUSABLE'],
    [299, 'ACCOUNT_UNUSABLE'],
    [131005, 'ACCOUNT_UNUSABLE'],
    [131030, 'ACCOUNT_UNUSABLE'],
    [131031, 'ACCOUNT_UNUSABLE'],
    [131042, 'ACCOUNT_UNUSABLE'],
    [131045, 'ACCOUNT_UNUSABLE'],
    [133010, 'ACCOUNT_UNUSABLE'],
    [368, 'ACCOUNT_UNUSABLE'],
    [4, 'PROVIDER_UNAVAILABLE'],
    [80007, 'PROVIDER_UNAVAILABLE'],
    [130429, 'RATE_LIMITED'],
    [131056, 'RECIPIENT_RATE_LIMITED'],
    [131048, 'ACCOUNT_THROTTLED'],
    [131049, 'RECIPIENT_RATE_LIMITED'],
    [131050, 'RECIPIENT_NOT_ELIGIBLE'],
    [131026, 'RECIPIENT_NOT_ELIGIBLE'],
    [131047, 'RECIPIENT_NOT_ELIGIBLE'],
    [131021, 'RECIPIENT_GONE'],
    [130472, 'RECIPIENT_NOT_ELIGIBLE'],
    [131051, 'MESSAGE_REJECTED'],
    [131052, 'MESSAGE_REJECTED'],
    [131053, 'MESSAGE_REJECTED'],
    [100, 'MESSAGE_REJECTED'],
    [131008, 'MESSAGE_REJECTED'],
    [131009, 'MESSAGE_REJECTED'],
    [132000, 'MESSAGE_REJECTED'],
    [132001, 'MESSAGE_REJECTED'],
    [132005, 'MESSAGE_REJECTED'],
    [132007, 'MESSAGE_REJECTED'],
    [132012, 'MESSAGE_REJECTED'],
    [132015, 'PROVIDER_UNAVAILABLE'],
    [132016, 'MESSAGE_REJECTED'],
    [131057, 'PROVIDER_UNAVAILABLE'],
    [1, 'PROVIDER_UNAVAILABLE'],
    [131000, 'PROVIDER_UNAVAILABLE'],
    [2, 'PROVIDER_UNAVAILABLE'],
    [131016, 'PROVIDER_UNAVAILABLE'],
    [133004, 'PROVIDER_UNAVAILABLE'],
    [987654, 'UNKNOWN'],
  ])('error.code %i → %s whatever the HTTP status', (code, expected) => {
    for (const status of [400, 429, 500]) {
      const outcome = classify(graphError(code, status));
      expect(outcome.ok).toBe(false);
      if (outcome.ok) continue;
      expect(outcome.error.code).toBe(expected);
      expect(outcome.error.providerCode).toBe(String(code));
      expect(JSON.stringify(outcome.error)).not.toContain('393331234567');
      expect(outcome.error.message).not.toContain('393331234567');
    }
  });

  test('every table row is covered by the test above', () => {
    const tested = new Set([
      0, 190, 3, 10, 131005, 131030, 131031, 131042, 131045, 133010, 368, 4, 80007, 130429, 131056, 131048, 131049,
      131050, 131026, 131047, 131021, 130472, 131051, 131052, 131053, 100, 131008, 131009, 132000, 132001, 132005,
      132007, 132012, 132015, 132016, 131057, 1, 131000, 2, 131016, 133004,
    ]);
    expect(
      Object.keys(WHATSAPP_ERROR_TABLE)
        .map(Number)
        .filter((code) => !tested.has(code)),
    ).toEqual([]);
  });

  test.each([
    [130429, 1_000],
    [131056, 6_000],
    [131049, 6 * 3_600_000],
  ])('%i waits %i ms before the next attempt', (code, wait) => {
    const outcome = classify(graphError(code));
    expect(outcome.ok ? undefined : outcome.error.retryAfterMs).toBe(wait);
  });

  test.each([
    ['131026 is undeliverable (dropped only after several days)', 131026, undefined, 'undeliverable'],
    ['131047 may be resent as a template', 131047, undefined, 'outsideWindow'],
    ['100 about the recipient is undeliverable, by error_data.details', 100, "Invalid parameter 'to'", 'undeliverable'],
  ] as const)('%s', (_name, code, details, flag) => {
    expect(ruleFor({ code, error_data: details === undefined ? undefined : { details } })[flag]).toBe(true);
  });

  test('100 with other details stays a rejected message', () => {
    const outcome = classify(graphError(100, 400, 'Parameter value is not valid: template.components'));
    expect(outcome.ok ? undefined : outcome.error.code).toBe('MESSAGE_REJECTED');
  });

  test.each<[string, GraphExchange, string]>([
    ['timeout', { kind: 'timeout' }, 'TIMEOUT'],
    ['network', { kind: 'network' }, 'NETWORK_ERROR'],
    ['aborted', { kind: 'aborted' }, 'NETWORK_ERROR'],
    [
      '502 with an HTML page',
      { kind: 'response', status: 502, body: '<html>Bad gateway</html>' },
      'PROVIDER_UNAVAILABLE',
    ],
    [
      '200 without messages',
      { kind: 'response', status: 200, body: { messaging_product: 'whatsapp' } },
      'PROVIDER_RESPONSE_INVALID',
    ],
  ])('%s → %s', (_name, exchange, code) => {
    const outcome = classify(exchange);
    expect(outcome.ok ? undefined : outcome.error.code).toBe(code);
  });
});
