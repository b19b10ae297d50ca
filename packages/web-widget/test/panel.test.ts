import type { Page } from 'playwright-core';
import { encode } from 'uqr';
import { describe, expect, it } from 'vitest';
import { axeViolations, eventually } from './helpers/browser.js';
import { announcementFor } from './helpers/fixtures.js';
import { hostPage } from './helpers/server.js';
import { usePageFixture } from './helpers/page-fixture.js';

const fixture = usePageFixture();

async function open(viewport = { width: 1280, height: 900 }, inner?: string): Promise<Page> {
  const name = fixture.nextName('panel');
  fixture.server.feed(name).upsert(announcementFor('info'));
  const page = await fixture.newPage({ viewport });
  await page.goto(
    fixture.server.page(
      hostPage({ attrs: { feed: `/feeds/${name}.json` }, ...(inner === undefined ? {} : { inner }) }),
    ),
  );
  await page
    .locator('banditore-alerts')
    .getByText(/Aggiornato/)
    .waitFor();
  return page;
}

const panelRequests = () => fixture.server.requests.filter((r) => r.endsWith('banditore-alerts.panel.js'));

describe('subscription panel', () => {
  it('loads only when asked, and works with the keyboard alone', async () => {
    const p = await open();
    const before = panelRequests().length;
    const button = p.getByRole('button', { name: 'Ricevi gli avvisi' });
    await expect(button.getAttribute('aria-expanded')).resolves.toBe('false');
    expect(panelRequests().length).toBe(before);

    // Tab from the host's last control before the widget to the subscribe button.
    await p.locator('#host-button').focus();
    for (let i = 0; i < 10; i++) {
      await p.keyboard.press('Tab');
      const name = await p.evaluate(
        () => document.querySelector('banditore-alerts')!.shadowRoot!.activeElement?.textContent,
      );
      if (name === 'Ricevi gli avvisi') break;
    }
    await p.keyboard.press('Enter');
    await p.getByRole('heading', { name: 'Ricevi gli avvisi del Comune di Prova' }).waitFor();
    expect(panelRequests().length).toBe(before + 1);
    await expect(button.getAttribute('aria-expanded')).resolves.toBe('true');
    const focused = await p.evaluate(
      () => document.querySelector('banditore-alerts')!.shadowRoot!.activeElement?.textContent,
    );
    expect(focused).toBe('Ricevi gli avvisi del Comune di Prova');

    // Choose two topics with Tab and Space.
    await p.keyboard.press('Tab');
    await p.keyboard.press('Space');
    await p.keyboard.press('Tab');
    await p.keyboard.press('Space');
    const bot = p.getByRole('link', { name: 'Iscriviti con il bot Telegram' });
    await expect(bot.getAttribute('href')).resolves.toBe('https://t.me/ProvaAvvisiBot?start=meteo-viabilita');
    await expect(p.getByRole('link', { name: 'Iscriviti su WhatsApp' }).getAttribute('href')).resolves.toBe(
      'https://wa.me/390731000000?text=AVVISI%20meteo%20viabilita',
    );
    await expect(p.getByRole('link', { name: 'Segui il canale Telegram' }).getAttribute('href')).resolves.toBe(
      'https://t.me/ProvaAvvisi',
    );
    await expect(p.getByRole('img', { name: /^Codice QR: Iscriviti con il bot Telegram/ }).count()).resolves.toBe(1);
    await expect(p.getByRole('img', { name: /^Codice QR: Iscriviti su WhatsApp/ }).count()).resolves.toBe(1);

    await p.keyboard.press('Escape');
    await expect(button.getAttribute('aria-expanded')).resolves.toBe('false');
    const back = await p.evaluate(
      () => document.querySelector('banditore-alerts')!.shadowRoot!.activeElement?.textContent,
    );
    expect(back).toBe('Ricevi gli avvisi');
  });

  it('has no WCAG 2.1 A/AA violations when open', async () => {
    const p = await open();
    await p.getByRole('button', { name: 'Ricevi gli avvisi' }).click();
    await p.getByRole('heading', { name: /^Ricevi gli avvisi del Comune/ }).waitFor();
    expect(await axeViolations(p)).toEqual([]);
  });

  it('draws QR codes that encode the link they sit next to', async () => {
    const p = await open();
    await p.getByRole('button', { name: 'Ricevi gli avvisi' }).click();
    const qr = p.getByRole('img', { name: /^Codice QR: Iscriviti con il bot Telegram/ });
    await qr.waitFor();
    const href = await p.getByRole('link', { name: 'Iscriviti con il bot Telegram' }).getAttribute('href');
    const d = await qr.evaluate((svg) => svg.querySelector('path')!.getAttribute('d')!);
    const drawn = new Set<string>();
    for (const [, x, y, run] of d.matchAll(/M(\d+) (\d+)h(\d+)v1h-\d+z/g)) {
      for (let i = 0; i < Number(run); i++) drawn.add(`${Number(x) + i},${y}`);
    }
    // The same matrix the encoder gives for the link text, with its 2-module quiet zone.
    const { data } = encode(href!, { ecc: 'M', border: 2 });
    const expected = new Set<string>();
    data.forEach((row, y) => row.forEach((dark, x) => dark && expected.add(`${x},${y}`)));
    expect(drawn).toEqual(expected);
    // Finder pattern corners are dark, the quiet zone is not.
    expect(drawn.has('2,2') && drawn.has('8,2') && drawn.has('2,8')).toBe(true);
    expect([...drawn].some((cell) => cell.startsWith('0,') || cell.endsWith(',0'))).toBe(false);
  });

  it('leaves out QR codes on a phone-sized screen', async () => {
    const p = await open({ width: 375, height: 700 });
    await p.getByRole('button', { name: 'Ricevi gli avvisi' }).click();
    await p.getByRole('link', { name: 'Iscriviti con il bot Telegram' }).waitFor();
    await expect(p.getByRole('img').count()).resolves.toBe(0);
  });

  it('shows what the host slots in for browser notifications', async () => {
    const p = await open(
      undefined,
      '<button slot="notifications" type="button">Attiva le notifiche del browser</button>',
    );
    await p.getByRole('button', { name: 'Ricevi gli avvisi' }).click();
    await eventually(
      () => p.getByRole('button', { name: 'Attiva le notifiche del browser' }).isVisible(),
      'the slotted button',
    );
  });
});
