import type { Browser, BrowserContextOptions, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll } from 'vitest';
import { launchBrowser } from './browser.js';
import { startServer, type FixtureServer } from './server.js';

/** One browser and one fixture server per test file, and a fresh page per test. */
export interface PageFixture {
  readonly browser: Browser;
  readonly server: FixtureServer;
  /** Opens a page in a new browser context; the context is closed after the test. */
  newPage(options?: BrowserContextOptions & { initScript?: string }): Promise<Page>;
  /** A feed name not used before in this file, e.g. `host3`. */
  nextName(prefix: string): string;
}

/**
 * Registers the file's browser lifecycle: launch the system Chromium and start the fixture server
 * before the tests, close every test's pages after it, and shut both down at the end.
 */
export function usePageFixture(): PageFixture {
  let browser: Browser | undefined;
  let server: FixtureServer | undefined;
  const pages: Page[] = [];
  let names = 0;

  beforeAll(async () => {
    [browser, server] = await Promise.all([launchBrowser(), startServer()]);
  });
  afterEach(async () => {
    await Promise.all(pages.splice(0).map((page) => page.context().close()));
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });

  return {
    get browser() {
      return browser!;
    },
    get server() {
      return server!;
    },
    async newPage({ initScript, ...options } = {}) {
      const context = await browser!.newContext(options);
      if (initScript !== undefined) await context.addInitScript(initScript);
      const page = await context.newPage();
      pages.push(page);
      return page;
    },
    nextName: (prefix) => `${prefix}${++names}`,
  };
}
