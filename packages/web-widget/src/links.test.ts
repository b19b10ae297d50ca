import { describe, expect, it } from 'vitest';
import { telegramLink, whatsappLink } from './links.js';

describe('telegramLink', () => {
  it('puts the chosen topics in the start payload', () => {
    expect(telegramLink('JesiAvvisiBot', ['meteo', 'viabilita'])).toBe(
      'https://t.me/JesiAvvisiBot?start=meteo-viabilita',
    );
  });

  it('drops the payload when there are no topics or it would break the 64-character rule', () => {
    expect(telegramLink('JesiAvvisiBot', [])).toBe('https://t.me/JesiAvvisiBot');
    expect(
      telegramLink(
        'JesiAvvisiBot',
        Array.from({ length: 10 }, (_, i) => `argomento-${i}`),
      ),
    ).toBe('https://t.me/JesiAvvisiBot');
  });
});

describe('whatsappLink', () => {
  it('writes the opt-in keyword and topics, URL-encoded', () => {
    expect(whatsappLink('39 0731 538111', 'AVVISI', ['meteo'])).toBe('https://wa.me/390731538111?text=AVVISI%20meteo');
    expect(whatsappLink('390731538111', 'ISCRIVIMI & CIAO', [])).toBe(
      'https://wa.me/390731538111?text=ISCRIVIMI%20%26%20CIAO',
    );
  });
});
