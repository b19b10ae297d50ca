import { createMemoryStore } from '@banditore/core';
import { describe, expect, it } from 'vitest';
import { parseContactsCsv } from './contacts-import.js';
import { importWhatsAppContacts } from './import-contacts.js';
import { normaliseWhatsAppNumber } from './phone-number.js';

describe('normaliseWhatsAppNumber', () => {
  it.each([
    ['335 7152219', '+393357152219'],
    ['3357152219', '+393357152219'],
    ['+39 335 715 2219', '+393357152219'],
    ['+39-335-7152219', '+393357152219'],
    ['0039 335 7152219', '+393357152219'],
    ['393357152219', '+393357152219'],
    ['(335) 715.22.19', '+393357152219'],
    ['0731 538111', '+390731538111'],
    ['+49 151 12345678', '+4915112345678'],
  ])('%s → %s', (raw, e164) => {
    expect(normaliseWhatsAppNumber(raw)).toEqual({ ok: true, e164, address: e164.slice(1) });
  });

  it.each([
    ['', 'EMPTY'],
    ['   ', 'EMPTY'],
    ['Mario Rossi', 'NOT_A_NUMBER'],
    ['mario@example.it', 'NOT_A_NUMBER'],
    ['335 71', 'INVALID_NUMBER'],
    ['335 715221999999', 'INVALID_NUMBER'],
    ['1234567', 'INVALID_NUMBER'],
    ['800 123456', 'NOT_PERSONAL'],
    ['899 123456', 'NOT_PERSONAL'],
  ])('refuses %j as %s', (raw, reason) => {
    expect(normaliseWhatsAppNumber(raw)).toEqual({ ok: false, reason });
  });
});

const CSV = [
  'Nome;Cellulare;Lingua',
  'Mario;335 7152219;it',
  'Anna;+39 347 1234567;en',
  'Luca;3357152219;', // duplicate of row 2
  'Senza numero;;',
  'Errore;12345;it',
  '"Rossi; Maria";0039 338 7654321;IT',
  'Verde;800 123456;',
  'Multi;"340 1112223";xx-yy-zz-!!',
].join('\r\n');

describe('parseContactsCsv', () => {
  it('finds the phone column by its header, merges duplicates and reports bad rows by line and reason', () => {
    const parsed = parseContactsCsv(`\uFEFF${CSV}`);
    expect(parsed.rows).toBe(8);
    expect(parsed.contacts).toEqual([
      { row: 2, address: '393357152219', language: 'it' },
      { row: 3, address: '393471234567', language: 'en' },
      { row: 7, address: '393387654321', language: 'it' },
    ]);
    expect(parsed.duplicates).toBe(1);
    expect(parsed.rejected).toEqual([
      { row: 5, reason: 'EMPTY' },
      { row: 6, reason: 'NOT_A_NUMBER' },
      { row: 8, reason: 'NOT_PERSONAL' },
      { row: 9, reason: 'UNKNOWN_LANGUAGE' },
    ]);
    expect(JSON.stringify(parsed.rejected)).not.toMatch(/\d{6,}/);
  });

  it('reads a headerless comma-separated file of numbers', () => {
    const parsed = parseContactsCsv('335 7152219\n347 1234567\n');
    expect(parsed.contacts.map((contact) => contact.address)).toEqual(['393357152219', '393471234567']);
  });

  it('counts lines of quoted multi-line cells as a spreadsheet does', () => {
    const parsed = parseContactsCsv('nome,telefono\n"Via Roma\n12",335 7152219\nx,abc\n');
    expect(parsed.contacts[0]?.row).toBe(3);
    expect(parsed.rejected).toEqual([{ row: 4, reason: 'NOT_A_NUMBER' }]);
  });

  it('takes a named column and refuses one that is missing, naming the option only', () => {
    expect(parseContactsCsv('a,numero whatsapp\nx,335 7152219\n', { column: 'numero whatsapp' }).contacts).toHaveLength(
      1,
    );
    expect(() => parseContactsCsv('a,b\n1,2\n', { column: 'telefono' })).toThrowError(/"column"/);
  });
});

describe('importWhatsAppContacts', () => {
  it('imports with consent source import at the date the consent was given, never re-activating a withdrawal', async () => {
    const store = createMemoryStore();
    const gone = await store.subscribe(
      { channel: 'whatsapp', address: '393471234567', topics: [], areas: [], language: 'it' },
      { method: 'keyword', noticeVersion: '2024-01' },
    );
    await store.updateSubscriber(gone.id, { status: 'unsubscribed' }, { method: 'keyword', noticeVersion: '2024-01' });

    const report = await importWhatsAppContacts(CSV, {
      store,
      consentGivenAt: '2024-05-01',
      noticeVersion: '2024-01',
      topics: ['protezione-civile'],
    });
    expect(report).toEqual({
      rows: 8,
      valid: 3,
      imported: 2,
      skipped: 1,
      duplicates: 1,
      rejected: [
        { row: 5, reason: 'EMPTY' },
        { row: 6, reason: 'NOT_A_NUMBER' },
        { row: 8, reason: 'NOT_PERSONAL' },
        { row: 9, reason: 'UNKNOWN_LANGUAGE' },
      ],
    });
    const mario = await store.findSubscriber('whatsapp', '393357152219');
    expect(mario).toMatchObject({ status: 'active', language: 'it', topics: ['protezione-civile'] });
    expect(await store.listConsent(mario!.id)).toEqual([
      {
        subscriberId: mario!.id,
        kind: 'subscribed',
        at: '2024-05-01T00:00:00.000Z',
        channel: 'whatsapp',
        method: 'import',
        noticeVersion: '2024-01',
        topics: ['protezione-civile'],
      },
    ]);
    expect((await store.findSubscriber('whatsapp', '393471234567'))?.status).toBe('unsubscribed');
  });

  it('writes nothing on a dry run', async () => {
    const store = createMemoryStore();
    const report = await importWhatsAppContacts(CSV, {
      store,
      consentGivenAt: '2024-05-01',
      noticeVersion: '2024-01',
      dryRun: true,
    });
    expect(report).toMatchObject({ valid: 3, imported: 0 });
    expect(await store.findSubscriber('whatsapp', '393357152219')).toBeUndefined();
  });

  it('refuses a missing consent date with a ConfigError naming the field', async () => {
    const store = createMemoryStore();
    await expect(
      importWhatsAppContacts(CSV, { store, consentGivenAt: 'ieri', noticeVersion: '2024-01' }),
    ).rejects.toThrowError(/consentGivenAt/);
  });
});
