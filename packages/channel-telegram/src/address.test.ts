import { describe, expect, test } from 'vitest';
import { chatIdParam, telegramAddressSchema } from './address.js';

describe('unit: telegramAddressSchema', () => {
  test.each([
    ['123456789', 'a private chat'],
    ['-123456789', 'a basic group'],
    ['-1001234567890', 'a supergroup or channel'],
    [`${2 ** 52 - 1}`, 'the largest 52-bit id'],
    [`-${2 ** 52 - 1}`, 'the smallest 52-bit id'],
    ['@comune_jesi', 'a channel username'],
    ['@Abcde', 'a five-character username'],
  ])('accepts %s (%s)', (address) => {
    expect(telegramAddressSchema.safeParse(address).success).toBe(true);
  });

  test.each([
    ['', 'empty'],
    ['0', 'zero'],
    ['-0', 'negative zero'],
    ['0123', 'a leading zero'],
    [`${2 ** 52}`, 'more than 52 bits'],
    ['12.5', 'a decimal'],
    ['1e9', 'exponent notation'],
    [' 123', 'padding'],
    ['+39 333 1234567', 'a phone number'],
    ['@abc', 'a username shorter than 5 characters'],
    ['@1abcde', 'a username starting with a digit'],
    ['@comune-jesi', 'a dash in a username'],
    ['comune_jesi', 'a username without @'],
  ])('rejects %j (%s) without echoing it', (address) => {
    const result = telegramAddressSchema.safeParse(address);
    expect(result.success).toBe(false);
    if (address !== '') expect(JSON.stringify(result.error?.issues)).not.toContain(address);
  });

  test('chat ids become numbers, usernames stay strings', () => {
    expect(chatIdParam('-1001234567890')).toBe(-1001234567890);
    expect(chatIdParam('@comune_jesi')).toBe('@comune_jesi');
  });
});
