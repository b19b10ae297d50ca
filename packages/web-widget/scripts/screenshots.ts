import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { launchBrowser } from '../test/helpers/browser.js';
import { ALL_LEVELS, announcementFor } from '../test/helpers/fixtures.js';
import { hostPage, startServer } from '../test/helpers/server.js';

const OUT = fileURLToPath(new URL('../../../docs/images/', import.meta.url));

it('writes one screenshot per severity state, the banner layout and the open panel to docs/images', async () => {
  const [browser, server] = await Promise.all([launchBrowser(), startServer()]);
  const page = await browser.newPage({ viewport: { width: 640, height: 900 }, deviceScaleFactor: 1 });
  const shoot = async (
    name: string,
    levels: readonly (typeof ALL_LEVELS)[number][],
    attrs: Record<string, string> = {},
  ) => {
    const feed = server.feed(name);
    for (const level of levels) feed.upsert(announcementFor(level));
    const head = '<style>body{font-family:"Titillium Web",Geneva,Tahoma,sans-serif;margin:8px}</style>';
    await page.goto(
      server.page(hostPage({ attrs: { feed: `/feeds/${name}.json`, subscribe: 'off', ...attrs }, head })),
    );
    await page
      .locator('banditore-alerts')
      .getByText(/Aggiornato/)
      .waitFor();
    return page.locator('banditore-alerts');
  };
  const written: string[] = [];
  for (const level of ALL_LEVELS) {
    await (await shoot(`shot-${level}`, [level])).screenshot({ path: `${OUT}widget-${level}.png` });
    written.push(level);
  }
  await (await shoot('shot-banner', ALL_LEVELS, { layout: 'banner' })).screenshot({ path: `${OUT}widget-banner.png` });
  // QR codes appear from 48em up (desktop → phone).
  await page.setViewportSize({ width: 800, height: 900 });
  const widget = await shoot('shot-panel', ['info'], { subscribe: 'auto', topics: 'meteo' });
  await page.getByRole('button', { name: 'Ricevi gli avvisi' }).click();
  await page
    .getByRole('img', { name: /^Codice QR/ })
    .first()
    .waitFor();
  await widget.screenshot({ path: `${OUT}widget-panel.png` });
  await browser.close();
  await server.close();
  expect(written).toEqual([...ALL_LEVELS]);
});
