import { announcementSchema, type AnnouncementInput } from '@banditore/core';
import { hostileAnnouncement, sampleAnnouncement } from '@banditore/core/testing';
import { describe, expect, it, test } from 'vitest';
import { CAPTION_MAX_LENGTH, MESSAGE_MAX_LENGTH, renderTelegramMessage, type TelegramMessagePart } from './render.js';
import { parseTelegramHtml } from './sandbox/telegram-html.js';

const announcement = (input: Partial<AnnouncementInput> = {}) =>
  announcementSchema.parse({
    id: 'allerta-1',
    severity: 'severe',
    colorCode: 'arancione',
    topics: ['meteo'],
    content: {
      it: {
        headline: 'Allerta meteo arancione',
        body: 'Dalle 14 di oggi piogge intense.\n\nChiuso il sottopasso di via Roma.',
        instruction: 'Evitate i sottopassi.\n\nNon parcheggiate vicino ai fiumi.',
      },
      en: { headline: 'Orange weather alert', body: 'Heavy rain from 2 pm.' },
    },
    links: [
      { label: 'Bollettino', url: 'https://www.comune.jesi.an.it/allerta' },
      { label: 'Protezione civile', url: 'tel:+39073153821' },
      { label: 'Scrivici', url: 'mailto:urp@comune.jesi.an.it' },
    ],
    ...input,
  });

const textOf = (part: TelegramMessagePart): string => (part.method === 'sendMessage' ? part.text : part.caption);
function visible(part: TelegramMessagePart): string {
  const parsed = parseTelegramHtml(textOf(part));
  if (!parsed.ok) throw new Error(parsed.description);
  return parsed.text;
}

describe('unit: renderTelegramMessage', () => {
  it('lays out badge, bold headline, body, "Cosa fare" and links in Italian', () => {
    const message = renderTelegramMessage(announcement(), 'it');
    expect(message.language).toBe('it');
    expect(message.parts).toHaveLength(1);
    const part = message.parts[0]!;
    expect(part.method).toBe('sendMessage');
    expect(textOf(part)).toBe(
      [
        '🟠 Allerta arancione\n<b>Allerta meteo arancione</b>',
        'Dalle 14 di oggi piogge intense.',
        'Chiuso il sottopasso di via Roma.',
        '<b>Cosa fare</b>\nEvitate i sottopassi.',
        'Non parcheggiate vicino ai fiumi.',
        '🔗 <a href="https://www.comune.jesi.an.it/allerta">Bollettino</a>\n📞 Protezione civile: +39073153821\n✉️ Scrivici: urp@comune.jesi.an.it',
      ].join('\n\n'),
    );
  });

  it('uses English labels for English content and falls back to the default language', () => {
    const english = renderTelegramMessage(announcement({ instruction: undefined } as never), 'en');
    expect(english.language).toBe('en');
    expect(textOf(english.parts[0]!)).toContain('🟠 Orange alert\n<b>Orange weather alert</b>');
    const german = renderTelegramMessage(announcement(), 'de');
    expect(german.language).toBe('it');
    expect(textOf(german.parts[0]!)).toContain('<b>Cosa fare</b>');
  });

  it('marks exercises, updates and cancellations, and shows the area and expiry', () => {
    const message = renderTelegramMessage(
      announcement({
        status: 'exercise',
        type: 'cancel',
        references: ['allerta-0'],
        areaDescription: 'Centro storico',
        expires: '2026-11-30T17:00:00Z',
      }),
      'it',
    );
    const text = visible(message.parts[0]!);
    expect(text.startsWith('🟠 Allerta arancione · [ESERCITAZIONE] · ❌ ANNULLATO\nAllerta meteo arancione')).toBe(
      true,
    );
    expect(text).toContain('📍 Zona: Centro storico');
    expect(text).toContain('Valido fino a: 30 nov 2026, 18:00'); // 17:00 UTC is 18:00 in Rome in winter
  });

  test.each([
    ['moderate', 'minor', true],
    ['moderate', 'unknown', true],
    ['moderate', 'moderate', false],
    ['moderate', 'extreme', false],
    ['unknown', 'unknown', false],
    [undefined, 'minor', false],
  ] as const)('silentBelow %s: a %s announcement silent=%s', (silentBelow, severity, silent) => {
    expect(renderTelegramMessage(announcement({ severity }), 'it', { silentBelow }).silent).toBe(silent);
  });

  it('escapes every piece of hostile content and still parses as Telegram HTML', () => {
    const message = renderTelegramMessage(hostileAnnouncement(), 'it');
    expect(message.parts.length).toBeGreaterThan(1);
    const all = message.parts.map(textOf).join('\n');
    expect(all).not.toMatch(/<script|<b onmouseover|<a href="javascript/i);
    for (const part of message.parts) {
      expect(part.method).toBe('sendMessage');
      expect(visible(part).length).toBeLessThanOrEqual(MESSAGE_MAX_LENGTH);
    }
    expect(visible(message.parts[0]!)).toContain('<script>alert(1)</script>');
  });

  it('sends an image as a photo with the whole text as caption when it fits', () => {
    const message = renderTelegramMessage(
      announcement({ image: { url: 'https://example.org/mappa.png', alt: 'Mappa' } }),
      'it',
    );
    expect(message.parts).toHaveLength(1);
    expect(message.parts[0]).toMatchObject({ method: 'sendPhoto', photo: 'https://example.org/mappa.png' });
    expect(visible(message.parts[0]!)).toContain('Cosa fare');
  });

  it('puts the headline in the caption and the rest in messages when the text is too long for a caption', () => {
    const body = 'Aggiornamento sulla situazione. '.repeat(60);
    const message = renderTelegramMessage(
      announcement({
        image: { url: 'https://example.org/mappa.png', alt: 'Mappa' },
        content: { it: { headline: 'Frana', body } },
      }),
      'it',
    );
    expect(message.parts[0]!.method).toBe('sendPhoto');
    expect(visible(message.parts[0]!).length).toBeLessThanOrEqual(CAPTION_MAX_LENGTH);
    expect(visible(message.parts[0]!)).toContain('Frana');
    expect(message.parts.slice(1).every((part) => part.method === 'sendMessage')).toBe(true);
    expect(message.parts.slice(1).map(visible).join(' ')).toContain(body.trim().slice(0, 200));
  });

  it('is deterministic and does not mutate the announcement', () => {
    const input = sampleAnnouncement();
    const copy = structuredClone(input);
    expect(renderTelegramMessage(input, 'it')).toEqual(renderTelegramMessage(input, 'it'));
    expect(input).toEqual(copy);
  });

  it('survives a malformed percent-encoding in a tel: link', () => {
    const message = renderTelegramMessage(announcement({ links: [{ label: 'Numero', url: 'tel:+39%ZZ071' }] }), 'it');
    expect(visible(message.parts[0]!)).toContain('Numero: +39%ZZ071');
  });
});
