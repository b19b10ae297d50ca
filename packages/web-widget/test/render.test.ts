import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations } from './helpers/browser.js';
import { ALL_LEVELS, announcementFor } from './helpers/fixtures.js';
import { hostPage } from './helpers/server.js';
import { usePageFixture } from './helpers/page-fixture.js';

const fixture = usePageFixture();

/** A fresh feed holding `levels`, and a page showing it; resolves once the widget has rendered. */
async function open(
  levels: readonly (typeof ALL_LEVELS)[number][],
  attrs: Record<string, string | true> = {},
  options: { viewport?: { width: number; height: number }; head?: string; lang?: string; csp?: string } = {},
): Promise<Page> {
  const name = fixture.nextName('f');
  const feed = fixture.server.feed(name);
  for (const level of levels) feed.upsert(announcementFor(level));
  const url = fixture.server.page(
    hostPage({
      attrs: { feed: `/feeds/${name}.json`, ...attrs },
      head: options.head ?? '',
      lang: options.lang ?? 'it',
    }),
    options.csp ? { 'content-security-policy': options.csp } : {},
  );
  const page = await fixture.newPage({
    viewport: options.viewport ?? { width: 1280, height: 900 },
    initScript: RECORDER,
  });
  await page.goto(url);
  await page
    .locator('banditore-alerts')
    .getByText(/Aggiornato|Updated/)
    .waitFor();
  return page;
}

/** Records the widget's error events before any script of the page runs. */
const RECORDER = `window.__errors = []; document.addEventListener('banditore-error', (e) => window.__errors.push(e.detail));`;
const recordedErrors = (p: Page) => p.evaluate(() => (window as unknown as { __errors: unknown[] }).__errors);

const cards = (p: Page) => p.locator('banditore-alerts li[data-id]');

describe('<banditore-alerts> rendering', () => {
  it('orders alerts by severity with the Italian colour labels as visible text', async () => {
    const p = await open([...ALL_LEVELS].reverse());
    await expect(cards(p).evaluateAll((items) => items.map((i) => i.getAttribute('data-id')))).resolves.toEqual([
      'allerta-rossa',
      'allerta-arancione',
      'allerta-gialla',
      'chiusura-via-roma',
      'fine-allerta',
    ]);
    const labels = await p.locator('banditore-alerts .lab').allTextContents();
    expect(labels.map((l) => l.split(' · ')[0]!.replace(/:\s*$/, ''))).toEqual([
      'Allerta rossa',
      'Allerta arancione',
      'Allerta gialla',
      'Avviso',
      'Allerta cessata',
    ]);
    const heading = p.getByRole('heading', { level: 3, name: /Allerta rossa.*Esondazione/ });
    await expect(heading.count()).resolves.toBe(1);
    await expect(p.getByRole('region', { name: 'Avvisi del Comune di Prova' }).count()).resolves.toBe(1);
    const critical = cards(p).first();
    await expect(critical.getByText('Cosa fare').count()).resolves.toBe(1);
    await expect(critical.getByText('Dove: Zone lungo il fiume Esino').count()).resolves.toBe(1);
    await expect(critical.getByText('Fonte: Comune di Prova — Protezione Civile').count()).resolves.toBe(1);
    await expect(critical.getByText(/^Valido dal .* al /).count()).resolves.toBe(1);
    await expect(
      critical.getByRole('link', { name: 'Bollettino della Protezione Civile' }).getAttribute('rel'),
    ).resolves.toBe('noopener noreferrer');
  });

  for (const layout of ['list', 'banner'] as const) {
    for (const level of ALL_LEVELS) {
      it(`has no WCAG 2.1 A/AA violations: ${level} alert, ${layout} layout`, async () => {
        const p = await open([level], { layout });
        await expect(cards(p).count()).resolves.toBe(1);
        expect(await axeViolations(p)).toEqual([]);
      });
    }
  }

  it('uses an axe harness that does catch violations, inside the shadow root too', async () => {
    const p = await open(['info'], {}, { head: '<style>#host-text{color:#ccc}</style>' });
    await p
      .locator('banditore-alerts')
      .evaluate((el) => el.shadowRoot!.querySelector('button')!.setAttribute('aria-label', ''));
    await p.locator('banditore-alerts').evaluate((el) => (el.shadowRoot!.querySelector('button')!.textContent = ''));
    const ids = (await axeViolations(p)).map((v) => v.id).sort();
    expect(ids).toEqual(['button-name', 'color-contrast']);
  });

  it('has no violations with every level at once in the compact layout', async () => {
    const p = await open(ALL_LEVELS, { layout: 'compact' });
    expect(await axeViolations(p)).toEqual([]);
  });

  it('shows only the most severe alert in the banner layout, the others behind a button', async () => {
    const p = await open(ALL_LEVELS, { layout: 'banner' });
    await expect(cards(p).count()).resolves.toBe(1);
    const more = p.getByRole('button', { name: 'Mostra altri 4 avvisi' });
    await more.focus();
    await p.keyboard.press('Enter');
    await expect(cards(p).count()).resolves.toBe(5);
    // Focus lands on the first alert that was revealed, not on the page body.
    const focused = await p.evaluate(
      () =>
        document.querySelector('banditore-alerts')!.shadowRoot!.activeElement?.closest<HTMLElement>('li[data-id]')
          ?.dataset.id,
    );
    expect(focused).toBe('allerta-arancione');
  });

  it('opens a compact alert with the keyboard', async () => {
    const p = await open(['info'], { layout: 'compact' });
    const body = p.getByText('Dalle 8 alle 18 la strada è chiusa al traffico.');
    await expect(body.isVisible()).resolves.toBe(false);
    await p.locator('banditore-alerts summary').focus();
    await p.keyboard.press('Enter');
    await expect(body.isVisible()).resolves.toBe(true);
  });

  it('honours min-severity and topics (critical alerts pass any topic filter)', async () => {
    const p = await open(ALL_LEVELS, { 'min-severity': 'high' });
    await expect(cards(p).evaluateAll((items) => items.map((i) => i.getAttribute('data-id')))).resolves.toEqual([
      'allerta-rossa',
      'allerta-arancione',
      'fine-allerta',
    ]);
    await p.locator('banditore-alerts').evaluate((el) => {
      el.removeAttribute('min-severity');
      el.setAttribute('topics', 'viabilita');
    });
    await expect(cards(p).evaluateAll((items) => items.map((i) => i.getAttribute('data-id')))).resolves.toEqual([
      'allerta-rossa',
      'chiusura-via-roma',
    ]);
  });

  it('honours heading-level for the widget heading and puts alert headings one level below', async () => {
    const p = await open(['info'], { 'heading-level': '4' });
    await expect(p.getByRole('heading', { level: 4, name: 'Avvisi del Comune di Prova' }).count()).resolves.toBe(1);
    await expect(p.getByRole('heading', { level: 5, name: /Chiusura di via Roma/ }).count()).resolves.toBe(1);
    await p.locator('banditore-alerts').evaluate((el) => el.setAttribute('heading-level', '9'));
    await expect(p.getByRole('heading', { level: 2, name: 'Avvisi del Comune di Prova' }).count()).resolves.toBe(1);
  });

  it('shows exercises, labelled, only on a preview page the feed allows', async () => {
    const name = fixture.nextName('f');
    const feed = fixture.server.feed(name, { preview: true });
    feed.upsert({ ...announcementFor('critical'), id: 'esercitazione', status: 'exercise' });
    feed.upsert(announcementFor('info'));
    const page = await fixture.newPage();
    const idsOn = async (attrs: Record<string, string | true>) => {
      await page.goto(fixture.server.page(hostPage({ attrs: { feed: `/feeds/${name}.json`, ...attrs } })));
      await page
        .locator('banditore-alerts')
        .getByText(/Aggiornato/)
        .waitFor();
      return cards(page).evaluateAll((items) => items.map((i) => i.getAttribute('data-id')));
    };
    expect(await idsOn({})).toEqual(['chiusura-via-roma']);
    expect(await idsOn({ preview: true })).toEqual(['esercitazione', 'chiusura-via-roma']);
    await expect(cards(page).first().locator('.lab').textContent()).resolves.toMatch(/^Esercitazione · Allerta rossa/);
  });

  it('speaks English when the page does', async () => {
    const p = await open(['critical', 'info'], {}, { lang: 'en' });
    await expect(p.getByRole('region', { name: 'Alerts from the Comune of Prova' }).count()).resolves.toBe(1);
    await expect(p.getByText('What to do').count()).resolves.toBe(1);
    // The Italian feed text is marked as Italian inside the English page: both headlines and the
    // critical alert's event.
    await expect(p.locator('banditore-alerts .h span[lang="it"]').count()).resolves.toBe(3);
  });

  it('marks each piece of an English widget with the language it is in (WCAG 3.1.2)', async () => {
    const p = await open(['critical'], {}, { lang: 'de' });
    // The page is German, so the widget's own Italian words say so instead of inheriting "de".
    await expect(p.locator('banditore-alerts [part="container"]').getAttribute('lang')).resolves.toBe('it');
    const en = await open(['critical'], { lang: 'en' }, { lang: 'en' });
    const card = en.locator('banditore-alerts li[data-id="allerta-rossa"]');
    const italian = await card.locator('[lang="it"]').allTextContents();
    // Feed text: the event, headline, body, instruction, area, sender and link label.
    expect(italian).toEqual(
      expect.arrayContaining([
        'Allerta meteo idrogeologica',
        'Esondazione del fiume Esino: lasciate i piani bassi',
        'Zone lungo il fiume Esino',
        'Comune di Prova — Protezione Civile',
        'Bollettino della Protezione Civile',
      ]),
    );
    // The widget's own words stay outside them, in English.
    await expect(card.locator('.meta p').first().textContent()).resolves.toBe('Where: Zone lungo il fiume Esino');
    for (const text of italian) expect(text).not.toMatch(/^(Where|Source|What to do|Red alert)/);
  });

  it('lets keyboard users dismiss non-critical alerts, never critical ones, and keeps focus in the widget', async () => {
    const p = await open(['critical', 'high', 'info']);
    const critical = cards(p).nth(0);
    await expect(critical.getByRole('button').count()).resolves.toBe(0);
    const dismiss = p.getByRole('button', { name: 'Nascondi avviso: Temporali forti nel pomeriggio' });
    await dismiss.focus();
    await p.keyboard.press('Enter');
    await expect(cards(p).count()).resolves.toBe(2);
    // Focus moves to the first control of the next alert instead of falling back to the page.
    const focusedIn = await p.evaluate(
      () =>
        document.querySelector('banditore-alerts')!.shadowRoot!.activeElement?.closest<HTMLElement>('li[data-id]')
          ?.dataset.id,
    );
    expect(focusedIn).toBe('chiusura-via-roma');
    // Without remember-dismissals nothing is stored.
    await expect(p.evaluate(() => localStorage.length)).resolves.toBe(0);
  });

  it('remembers dismissals in localStorage only when allowed, and shows the alert again at a new revision', async () => {
    const p = await open(['info'], { 'remember-dismissals': true });
    await p.getByRole('button', { name: /^Nascondi avviso/ }).click();
    await expect(cards(p).count()).resolves.toBe(0);
    expect(await p.evaluate(() => Object.values(localStorage) as string[])).toEqual(['["chiusura-via-roma@1"]']);
    await p.reload();
    await p
      .locator('banditore-alerts')
      .getByText(/Aggiornato/)
      .waitFor();
    await expect(cards(p).count()).resolves.toBe(0);
    const feedName = /\/feeds\/(.+)\.json$/.exec((await p.locator('banditore-alerts').getAttribute('feed'))!)![1]!;
    fixture.server.feed(feedName).upsert({ ...announcementFor('info'), revision: 2 });
    await p.reload();
    await cards(p).first().waitFor();
    await expect(cards(p).count()).resolves.toBe(1);
    await expect(p.context().cookies()).resolves.toEqual([]);
  });

  it('renders markup and script payloads as inert text and drops unsafe links', async () => {
    const name = fixture.nextName('f');
    const feed = fixture.server.feed(name);
    feed.upsert({
      id: 'ostile',
      severity: 'severe',
      content: {
        it: {
          headline: '<img src=x onerror="window.__pwned=1">Titolo',
          body: '<script>window.__pwned=2</script>\u202Etesto rovesciato',
          instruction: '<b onmouseover="window.__pwned=3">grassetto</b>',
        },
      },
      links: [{ label: 'Link buono', url: 'https://www.comune.example/' }],
    });
    const url = fixture.server.page(hostPage({ attrs: { feed: `/feeds/${name}.json` } }));
    const page = await fixture.newPage();
    const dialogs: string[] = [];
    page.on('dialog', (dialog) => {
      dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    await page.goto(url);
    await page
      .locator('banditore-alerts')
      .getByText(/Aggiornato/)
      .waitFor();
    await expect(page.getByText('<img src=x onerror="window.__pwned=1">Titolo').count()).resolves.toBe(1);
    await expect(page.getByText('<script>window.__pwned=2</script>testo rovesciato').count()).resolves.toBe(1);
    const inside = await page.evaluate(() => {
      const root = document.querySelector('banditore-alerts')!.shadowRoot!;
      return { img: root.querySelectorAll('img, script, b').length, pwned: (window as { __pwned?: number }).__pwned };
    });
    expect(inside).toEqual({ img: 0, pwned: undefined });
    expect(dialogs).toEqual([]);
  });

  it('drops javascript: and data: links a feed might carry', async () => {
    // The core feed already refuses such links; this feed is served raw to test the widget on its own.
    const rawFeed = {
      version: 1,
      revision: 1,
      comune: { name: 'Prova' },
      alerts: [
        {
          id: 'x',
          revision: 1,
          status: 'Actual',
          msgType: 'Alert',
          severity: 'Minor',
          info: [{ language: 'it', headline: 'Link' }],
          links: [
            { label: 'js', url: 'javascript:alert(1)' },
            { label: 'data', url: 'data:text/html,hi' },
            { label: 'tel', url: 'tel:+390731000000' },
          ],
        },
      ],
    };
    const feedUrl = fixture.server.page(JSON.stringify(rawFeed), { 'content-type': 'application/json' });
    const url = fixture.server.page(hostPage({ attrs: { feed: feedUrl, live: 'off' } }));
    const page = await fixture.newPage();
    await page.goto(url);
    await page.locator('banditore-alerts').getByText('Link').first().waitFor();
    const hrefs = await page
      .locator('banditore-alerts li a')
      .evaluateAll((links) => links.map((a) => a.getAttribute('href')));
    expect(hrefs).toEqual(['tel:+390731000000']);
  });

  it('reflows at 320 CSS pixels without horizontal scrolling', async () => {
    const name = fixture.nextName('f');
    fixture.server.feed(name).upsert({
      ...announcementFor('critical'),
      content: { it: { headline: 'Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichenfabrik'.repeat(2) } },
    });
    const url = fixture.server.page(hostPage({ attrs: { feed: `/feeds/${name}.json` } }));
    const page = await fixture.newPage({ viewport: { width: 320, height: 640 } });
    await page.goto(url);
    await page
      .locator('banditore-alerts')
      .getByText(/Aggiornato/)
      .waitFor();
    const widths = await page.evaluate(() => ({
      page: document.documentElement.scrollWidth,
      widget: document.querySelector('banditore-alerts')!.scrollWidth,
    }));
    expect(widths.page).toBeLessThanOrEqual(320);
    expect(widths.widget).toBeLessThanOrEqual(320);
  });

  it('keeps real borders and a focus outline in forced-colours mode', async () => {
    const p = await open(['info']);
    await p.emulateMedia({ forcedColors: 'active' });
    const button = p.getByRole('button', { name: /^Nascondi avviso/ });
    await button.focus();
    await p.keyboard.press('Shift+Tab');
    await p.keyboard.press('Tab');
    const styles = await p.evaluate(() => {
      const root = document.querySelector('banditore-alerts')!.shadowRoot!;
      const card = getComputedStyle(root.querySelector('li.a')!);
      const focused = getComputedStyle(root.activeElement!);
      return { border: card.borderTopStyle, width: parseFloat(card.borderTopWidth), outline: focused.outlineStyle };
    });
    expect(styles).toEqual({ border: 'solid', width: 2, outline: 'solid' });
  });

  it('pins a host colour pair back to the default when it fails 4.5:1, and says so', async () => {
    const p = await open(
      ['critical'],
      {},
      { head: '<style>banditore-alerts{--banditore-critical-bg:#ffb3b3}</style>' },
    );
    await p.waitForFunction(() => (window as unknown as { __errors: unknown[] }).__errors.length > 0);
    const background = await cards(p)
      .first()
      .evaluate((li) => getComputedStyle(li).backgroundColor);
    expect(background).toBe('rgb(164, 22, 26)');
    // Re-rendering must not repeat the event for a pair already pinned.
    await p.locator('banditore-alerts').evaluate((el) => el.setAttribute('max-items', '4'));
    await p.waitForTimeout(300);
    expect(await recordedErrors(p)).toEqual([
      { code: 'CONTRAST', message: 'critical colours under 4.5:1, defaults used' },
    ]);
  });

  it('accepts host colours that keep enough contrast', async () => {
    const p = await open(
      ['critical'],
      {},
      { head: '<style>banditore-alerts{--banditore-critical-bg:#5c0000}</style>' },
    );
    await p.waitForTimeout(300);
    const background = await cards(p)
      .first()
      .evaluate((li) => getComputedStyle(li).backgroundColor);
    expect(background).toBe('rgb(92, 0, 0)');
    expect(await recordedErrors(p)).toEqual([]);
  });
});
