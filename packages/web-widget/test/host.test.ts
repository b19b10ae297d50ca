import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { eventually } from './helpers/browser.js';
import { announcementFor } from './helpers/fixtures.js';
import { hostPage, type HostPageOptions } from './helpers/server.js';
import { usePageFixture } from './helpers/page-fixture.js';

const fixture = usePageFixture();

/** Records CSP violations, page errors and console errors from the very start. */
const RECORDER = `window.__violations = [];
document.addEventListener('securitypolicyviolation', (e) => window.__violations.push(e.violatedDirective + ' ' + e.blockedURI));`;

async function load(
  options: Partial<HostPageOptions> & { headers?: Record<string, string>; reducedMotion?: 'reduce' | 'no-preference' },
) {
  const name = fixture.nextName('host');
  const feed = fixture.server.feed(name);
  const url = fixture.server.page(
    hostPage({ attrs: { feed: `/feeds/${name}.json` }, ...options }),
    options.headers ?? {},
  );
  const page = await fixture.newPage({ reducedMotion: options.reducedMotion ?? 'no-preference', initScript: RECORDER });
  const problems: string[] = [];
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`console: ${message.text()}`);
  });
  return { page, feed, url, problems };
}

const violations = (p: Page) => p.evaluate(() => (window as unknown as { __violations: string[] }).__violations);
const ready = (p: Page) =>
  p
    .locator('banditore-alerts')
    .getByText(/Aggiornato/)
    .waitFor();
const status = (p: Page) =>
  p.locator('banditore-alerts').evaluate((el) => (el as unknown as { status: string }).status);

describe('<banditore-alerts> on the host page', () => {
  it('works under a strict Content-Security-Policy without unsafe-inline or Trusted Types policies', async () => {
    const csp = [
      "default-src 'none'",
      "script-src 'self'",
      "style-src 'self'",
      "connect-src 'self'",
      "img-src 'self'",
      "require-trusted-types-for 'script'",
      "trusted-types 'none'",
    ].join('; ');
    const { page: p, feed, url, problems } = await load({ headers: { 'content-security-policy': csp } });
    feed.upsert(announcementFor('high'));
    await p.goto(url);
    await ready(p);
    await eventually(async () => (await status(p)) === 'live', 'the stream to open');
    feed.upsert(announcementFor('critical'));
    const critical = p.locator('banditore-alerts li[data-id="allerta-rossa"]');
    await critical.waitFor();
    // The constructed stylesheet applies: the critical card has its red background.
    await expect(critical.evaluate((li) => getComputedStyle(li).backgroundColor)).resolves.toBe('rgb(164, 22, 26)');
    await p.getByRole('button', { name: 'Ricevi gli avvisi' }).click();
    await p
      .getByRole('img', { name: /^Codice QR/ })
      .first()
      .waitFor();
    expect(await violations(p)).toEqual([]);
    expect(problems).toEqual([]);
    // The recorder does see a violation when one happens (an injected <style> element).
    await p.evaluate(() =>
      document.head.append(Object.assign(document.createElement('style'), { textContent: 'p{}' })),
    );
    await eventually(async () => (await violations(p)).length === 1, 'the recorded violation');
  });

  it('is not restyled by aggressive host CSS and does not restyle the host', async () => {
    const hostile = `<style>
      html { font-size: 62.5%; } body { font-size: 1.6rem; }
      * { all: revert; color: red !important; letter-spacing: 3px; text-transform: uppercase; }
      button { background: hotpink !important; padding: 30px !important; }
      h2, h3, p, li { font-size: 5em !important; margin: 40px !important; }
    </style>`;
    const styleOf = (p: Page) =>
      p.evaluate(() =>
        ['#host-button', '#host-text', 'h1'].map((selector) => {
          const style = getComputedStyle(document.querySelector(selector)!);
          return [
            style.color,
            style.fontSize,
            style.fontFamily,
            style.backgroundColor,
            style.padding,
            style.margin,
          ].join('|');
        }),
      );
    const without = await load({ head: hostile, script: null });
    without.feed.upsert(announcementFor('info'));
    await without.page.goto(without.url);
    const hostAlone = await styleOf(without.page);
    await without.page.context().close();

    const { page: p, feed, url } = await load({ head: hostile });
    feed.upsert(announcementFor('info'));
    await p.goto(url);
    await ready(p);
    expect(await styleOf(p)).toEqual(hostAlone);
    const inside = await p.locator('banditore-alerts').evaluate((el) => {
      const root = el.shadowRoot!;
      const text = getComputedStyle(root.querySelector('.bd p')!);
      const button = getComputedStyle(root.querySelector('button[part="dismiss"]')!);
      return {
        fontSize: text.fontSize,
        color: text.color,
        letterSpacing: text.letterSpacing,
        transform: text.textTransform,
        buttonBackground: button.backgroundColor,
      };
    });
    // 1.6rem on a 62.5 % root is 16px: the widget follows the text around it, not the root size.
    expect(inside).toEqual({
      fontSize: '16px',
      color: 'rgb(26, 26, 26)',
      letterSpacing: 'normal',
      transform: 'none',
      buttonBackground: 'rgba(0, 0, 0, 0)',
    });
  });

  it('defines no global, sets no cookie and talks only to the feed origin', async () => {
    const { page: p, feed, url } = await load({ script: null });
    feed.upsert(announcementFor('info'));
    const origins = new Set<string>();
    p.on('request', (request) => origins.add(new URL(request.url()).origin));
    await p.goto(url);
    const before = await p.evaluate(() => Object.keys(window));
    await p.addScriptTag({ url: `${fixture.server.url}/bundle/banditore-alerts.js` });
    await ready(p);
    await p.getByRole('button', { name: 'Ricevi gli avvisi' }).click();
    await p
      .getByRole('img', { name: /^Codice QR/ })
      .first()
      .waitFor();
    const after = await p.evaluate(() => Object.keys(window));
    expect(after.filter((key) => !before.includes(key))).toEqual([]);
    await expect(p.evaluate(() => document.cookie)).resolves.toBe('');
    await expect(p.context().cookies()).resolves.toEqual([]);
    expect([...origins]).toEqual([fixture.server.url]);
  });

  it('works from the npm build as ES modules, panel chunk included', async () => {
    const {
      page: p,
      feed,
      url,
      problems,
    } = await load({
      script: null,
      after: '<script type="module" src="/esm/define.js"></script>',
    });
    feed.upsert(announcementFor('high'));
    await p.goto(url);
    await ready(p);
    await expect(p.locator('banditore-alerts li[data-id]').count()).resolves.toBe(1);
    await p.getByRole('button', { name: 'Ricevi gli avvisi' }).click();
    await p.getByRole('link', { name: 'Iscriviti con il bot Telegram' }).waitFor();
    expect(fixture.server.requests.some((r) => /^\/esm\/panel-[A-Z0-9]+\.js$/.test(r))).toBe(true);
    expect(problems).toEqual([]);
  });

  it('survives its script being loaded twice', async () => {
    const {
      page: p,
      feed,
      url,
      problems,
    } = await load({
      after: '<script src="/bundle/banditore-alerts.js"></script>',
    });
    feed.upsert(announcementFor('info'));
    await p.goto(url);
    await ready(p);
    await expect(p.locator('banditore-alerts li[data-id]').count()).resolves.toBe(1);
    expect(problems).toEqual([]);
  });

  it('fades in new alerts only when the visitor has not asked for reduced motion', async () => {
    const animationOfNewAlert = async (reducedMotion: 'reduce' | 'no-preference') => {
      const { page: p, feed, url } = await load({ reducedMotion });
      await p.goto(url);
      await ready(p);
      await eventually(async () => (await status(p)) === 'live', 'the stream to open');
      feed.upsert(announcementFor('medium'));
      const card = p.locator('banditore-alerts li[data-id]');
      await card.waitFor();
      const name = await card.evaluate((li) => getComputedStyle(li).animationName);
      await p.context().close();
      return name;
    };
    expect(await animationOfNewAlert('no-preference')).toBe('f');
    expect(await animationOfNewAlert('reduce')).toBe('none');
  });
});
