import { readFileSync, writeFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { extractSpecSubset, type SpecSubset } from './spec-subset.js';

const specUrl = new URL('../../spec/bot-api-10.1.min.json.gz', import.meta.url);
const licenseUrl = new URL('../../spec/LICENSE', import.meta.url);
const subsetUrl = new URL('./bot-api-subset.json', import.meta.url);

describe('unit: Bot API spec subset', () => {
  it('matches what is extracted from the full spec copy (set UPDATE_SPEC_SUBSET=1 to regenerate)', () => {
    const full = JSON.parse(gunzipSync(readFileSync(specUrl)).toString('utf8')) as Parameters<
      typeof extractSpecSubset
    >[0];
    const expected = extractSpecSubset(full, readFileSync(licenseUrl, 'utf8'));
    if (process.env.UPDATE_SPEC_SUBSET === '1') writeFileSync(subsetUrl, `${JSON.stringify(expected, null, 2)}\n`);
    expect(JSON.parse(readFileSync(subsetUrl, 'utf8'))).toEqual(expected);
  });

  it('keeps the fields the adapter relies on, with the spec types', () => {
    const subset = JSON.parse(readFileSync(subsetUrl, 'utf8')) as SpecSubset;
    const sendMessage = subset.methods.sendMessage!.fields!;
    expect(sendMessage.find((field) => field.name === 'chat_id')).toEqual({
      name: 'chat_id',
      types: ['Integer', 'String'],
      required: true,
    });
    expect(sendMessage.find((field) => field.name === 'text')?.required).toBe(true);
    expect(subset.types.InlineKeyboardButton?.fields?.some((field) => field.name === 'callback_data')).toBe(true);
    expect(subset.version).toMatch(/^Bot API 10\.1/);
    expect(subset.license).toContain('MIT License');
  });
});
