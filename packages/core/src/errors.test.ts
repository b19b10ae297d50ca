import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { announcementSchema } from './domain/announcement.js';
import { subscriberInputSchema } from './domain/subscriber.js';
import { ConfigError, MAX_CONFIG_MESSAGE_CHARS, parseOrThrow } from './errors.js';
import { createBroadcaster } from './broadcaster/create-broadcaster.js';
import { createMemoryStore } from './store/memory-store.js';
import { createSandboxChannel } from './testing/sandbox-channel.js';

const caught = (run: () => unknown): ConfigError => {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
};

const withContent = (content: Record<string, unknown>): unknown =>
  JSON.parse(JSON.stringify({ id: 'a1', severity: 'minor', content }));

describe('ConfigError.fromZod', () => {
  it('masks a caller-chosen key of content (it never reaches the message or fields)', () => {
    const error = caught(() =>
      parseOrThrow('announcement', announcementSchema, withContent({ SEKRET9431: { headline: 'x' } })),
    );
    expect(error.message).not.toContain('SEKRET9431');
    expect(error.fields).toEqual(['content.<key>']);
    expect(error.message).toContain('content.<key>: <key> must be a language tag');
  });

  it.each([
    ['a phone number', '+39 333 123 4567'],
    ['a name', 'Mario Rossi'],
    ['a language-shaped name', 'it-MarioRossi'],
  ])('masks %s used as a key, also when only the value under it is wrong', (_name, key) => {
    const error = caught(() =>
      parseOrThrow('announcement', announcementSchema, withContent({ [key]: { headline: '' } })),
    );
    expect(error.message).not.toContain(key);
    expect(error.fields.join(' ')).not.toContain(key);
  });

  it('keeps a two-letter language, so a multilingual publisher sees which text failed', () => {
    const error = caught(() =>
      parseOrThrow('announcement', announcementSchema, withContent({ it: { headline: 'ok' }, en: { headline: ' ' } })),
    );
    expect(error.fields).toEqual(['content.en.headline']);
  });

  it('bounds the message of a 1 MiB key and of thousands of issues', () => {
    const huge = 'k'.repeat(1024 * 1024);
    const error = caught(() =>
      parseOrThrow('announcement', announcementSchema, withContent({ [huge]: { headline: 'x' } })),
    );
    expect(error.message.length).toBeLessThanOrEqual(MAX_CONFIG_MESSAGE_CHARS);
    expect(error.message).not.toContain('kkkkkkkk');
    const many = caught(() =>
      parseOrThrow(
        'list',
        z.array(z.number()),
        Array.from({ length: 5000 }, () => 'x'),
      ),
    );
    expect(many.message.length).toBeLessThanOrEqual(MAX_CONFIG_MESSAGE_CHARS);
    expect(many.message).toContain('… and 4990 more');
    expect(many.fields.length).toBeLessThanOrEqual(50);
  });

  it('counts unknown keys of a strict object instead of spelling them', () => {
    const error = caught(() => parseOrThrow('options', z.strictObject({ a: z.number() }), { a: 1, SEKRET9431: 2 }));
    expect(error.message).not.toContain('SEKRET9431');
    expect(error.message).toContain('1 unknown key(s) not allowed');
  });

  it('names a misspelt option with the one it is close to, and nothing further away', () => {
    const schema = z.strictObject({ emergencyReachesAll: z.boolean().optional(), leaseTtlMs: z.number().optional() });
    const error = caught(() =>
      parseOrThrow('options', schema, { emergencyReachsAll: true, leaseTTLms: 5, mario: 1, SEKRET9431: 2 }),
    );
    expect(error.message).toContain('unknown key "emergencyReachsAll", did you mean "emergencyReachesAll"?');
    expect(error.message).toContain('unknown key "leaseTTLms", did you mean "leaseTtlMs"?');
    expect(error.message).toContain('2 unknown key(s) not allowed');
    expect(error.message).not.toContain('mario');
    expect(error.message).not.toContain('SEKRET9431');
  });

  it('rejects a misspelt broadcaster option instead of ignoring it', () => {
    const error = caught(() =>
      createBroadcaster({
        store: createMemoryStore(),
        channels: [createSandboxChannel()],
        emergencyReachsAll: true,
      } as never),
    );
    expect(error.message).toContain('did you mean "emergencyReachesAll"?');
  });

  it('says what a subscriber field needs, in the words of the library', () => {
    const error = caught(() =>
      parseOrThrow('subscriber', subscriberInputSchema, {
        channel: 'telegram',
        address: '',
        topics: ['Eventi Estivi'],
      }),
    );
    expect(error.message).toContain('address: is required');
    expect(error.message).toContain('topics.0: must be lower-case letters, digits and dashes');
    expect(error.message).not.toContain('Eventi Estivi');
  });

  it('cuts a long custom message without splitting a surrogate pair', () => {
    const schema = z.string().refine(() => false, { message: `${'x'.repeat(198)}😀😀` });
    const error = caught(() => parseOrThrow('text', schema, 'v'));
    expect(error.message).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    expect(error.message).toContain('…');
  });

  it('shows only plain field names when no schema is given', () => {
    const result = z.record(z.string(), z.object({ value: z.number() })).safeParse({ SEKRET9431: { value: 'x' } });
    const error = ConfigError.fromZod('options', result.error!);
    expect(error.fields).toEqual(['<key>.value']);
  });

  it('names fields below a custom schema by their plain names', () => {
    const schema = z.object({ channels: z.array(z.custom<object>()) }).superRefine((_value, ctx) => {
      ctx.addIssue({ code: 'custom', path: ['channels', 0, 'cost'], message: 'must be a function' });
    });
    expect(caught(() => parseOrThrow('options', schema, { channels: [{}] })).fields).toEqual(['channels.0.cost']);
  });
});
