import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { axeViolations, eventually } from './helpers/browser.js';
import { announcementFor } from './helpers/fixtures.js';
import { hostPage } from './helpers/server.js';
import { usePageFixture } from './helpers/page-fixture.js';

const fixture = usePageFixture();

/** A VAPID public key (65-byte P-256 point, base64url): only its shape matters to the browser here. */
const KEY = 'BDSwHCg9pgtGhg2gbb2lRW5P9fY4C0k0zTDIzI6mM5TzQ3xPdyiH9hN2Ex7v5cUCvHjSrEXqYtDkX1Y0SW3zFh4';
const WORKER = '/bundle/banditore-sw.js';
const SCOPE = '/bundle/banditore-push/';
const ENDPOINT = '/push/subscription';
const BUTTON = 'Ricevi notifiche su questo dispositivo';

interface Options {
  grant?: boolean;
  push?: boolean;
  userAgent?: string;
  initScript?: string;
}

async function open({ grant = false, push = true, ...context }: Options = {}): Promise<Page> {
  const name = fixture.nextName('push');
  fixture.server.feed(name).upsert(announcementFor('info'));
  const page = await fixture.newPage(context);
  if (grant) await page.context().grantPermissions(['notifications'], { origin: fixture.server.url });
  const attrs: Record<string, string> = { feed: `/feeds/${name}.json` };
  if (push) Object.assign(attrs, { 'push-key': KEY, 'push-endpoint': ENDPOINT, 'push-worker': WORKER });
  await page.goto(fixture.server.page(hostPage({ attrs })));
  await page
    .locator('banditore-alerts')
    .getByText(/Aggiornato/)
    .waitFor();
  await page.getByRole('button', { name: 'Ricevi gli avvisi' }).click();
  await page.getByRole('heading', { name: 'Ricevi gli avvisi del Comune di Prova' }).waitFor();
  return page;
}

const status = (page: Page) =>
  page.evaluate(() => {
    const box = document.querySelector('banditore-alerts')!.shadowRoot!.querySelector<HTMLElement>('.push');
    return box ? { state: box.dataset.state, text: box.querySelector('[role="status"]')!.textContent } : undefined;
  });

const posted = () => fixture.server.requests.filter((path) => path === ENDPOINT);

describe('browser push button', () => {
  it('is not offered without push-* attributes, and its chunk is not loaded', async () => {
    const page = await open({ push: false });
    expect(await status(page)).toBeUndefined();
    expect(fixture.server.requests.some((path) => path.endsWith('banditore-alerts.push.js'))).toBe(false);
  });

  it('asks for nothing until pressed, then reports the unreachable push service honestly', async () => {
    const page = await open({ grant: true });
    const button = page.getByRole('button', { name: BUTTON });
    await button.waitFor();
    // Before the press: no worker registered, nothing posted.
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((all) => all.length))).toBe(0);
    await expect(button.getAttribute('aria-describedby')).resolves.toBe('banditore-push-status');
    // Keyboard: focus the button and press Enter.
    await button.focus();
    await page.keyboard.press('Enter');
    // Headless Chromium has no push service to register with: subscribe() fails with AbortError.
    await eventually(async () => (await status(page))?.state === 'unreachable', 'the unreachable state');
    expect((await status(page))?.text).toBe('Il servizio di notifiche del browser non risponde. Riprova più tardi.');
    await expect(button.isEnabled()).resolves.toBe(true);
    expect(posted()).toHaveLength(0);
    // The worker got its own narrow scope and controls no page (the comune's worker is untouched).
    const registration = await page.evaluate(async (scope) => {
      const found = await navigator.serviceWorker.getRegistration(scope);
      return { scope: found?.scope, controlled: navigator.serviceWorker.controller !== null };
    }, SCOPE);
    expect(registration).toEqual({ scope: `${fixture.server.url}${SCOPE}`, controlled: false });
  });

  it('says notifications are blocked when the citizen (here: headless Chromium) refuses the permission', async () => {
    const page = await open();
    await page.getByRole('button', { name: BUTTON }).click();
    await eventually(async () => (await status(page))?.state === 'denied', 'the denied state');
    expect((await status(page))?.text).toMatch(/^Le notifiche per questo sito sono bloccate/);
    await expect(page.getByRole('button', { name: BUTTON }).isDisabled()).resolves.toBe(true);
    expect(await page.evaluate(() => navigator.serviceWorker.getRegistrations().then((all) => all.length))).toBe(0);
  });

  it('explains the Home Screen step on an iPhone browser without Web Push', async () => {
    // Emulates Safari on iOS outside a Home Screen app: an iPhone user agent and no PushManager.
    const page = await open({
      userAgent:
        'Mozilla/5.0 (iPhone; CPU iPhone OS 17_4 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/17.4 Mobile/15E148 Safari/604.1',
      initScript: 'delete window.PushManager;',
    });
    await eventually(async () => (await status(page))?.state === 'ios', 'the iOS state');
    expect((await status(page))?.text).toMatch(/schermata Home/);
  });

  it('says the browser cannot receive notifications when it lacks Web Push', async () => {
    const page = await open({ initScript: 'delete window.PushManager;' });
    await eventually(async () => (await status(page))?.state === 'unsupported', 'the unsupported state');
    await expect(page.getByRole('button', { name: BUTTON }).isDisabled()).resolves.toBe(true);
  });

  it('has no WCAG 2.1 A/AA violations with the push button and its status', async () => {
    const page = await open({ grant: true });
    await page.getByRole('button', { name: BUTTON }).click();
    await eventually(async () => (await status(page))?.state === 'unreachable', 'the unreachable state');
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe('the push service worker', () => {
  async function registered(): Promise<{ page: Page; problems: string[]; deliver(payload: unknown): Promise<void> }> {
    const page = await open({ grant: true });
    await page.getByRole('button', { name: BUTTON }).click();
    await eventually(async () => (await status(page))?.state === 'unreachable', 'the worker registration');
    const cdp = await page.context().newCDPSession(page);
    const ids = new Map<string, string>();
    const problems: string[] = [];
    cdp.on('ServiceWorker.workerErrorReported', ({ errorMessage }) => {
      problems.push((errorMessage as { errorMessage: string }).errorMessage);
    });
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      for (const version of versions as { runningStatus: string; status: string }[])
        problems.push(`version ${version.status} ${version.runningStatus}`);
    });
    cdp.on('ServiceWorker.workerRegistrationUpdated', ({ registrations }) => {
      for (const entry of registrations as { registrationId: string; scopeURL: string }[])
        ids.set(entry.scopeURL, entry.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
    await eventually(() => ids.has(`${fixture.server.url}${SCOPE}`), 'the registration id');
    return {
      page,
      problems,
      deliver: async (payload) => {
        // A worker that the browser is stopping for idleness may miss the message: start it first.
        await cdp.send('ServiceWorker.startWorker', { scopeURL: `${fixture.server.url}${SCOPE}` });
        await cdp.send('ServiceWorker.deliverPushMessage', {
          origin: fixture.server.url,
          registrationId: ids.get(`${fixture.server.url}${SCOPE}`)!,
          data: JSON.stringify(payload),
        });
      },
    };
  }

  /** Waits for `count` notifications; a failure says what the worker reported meanwhile. */
  const shown = (page: Page, problems: string[], count: number, what: string): Promise<void> =>
    eventually(async () => (await notifications(page)).length === count, what).catch((error: Error) => {
      throw new Error(`${error.message}; the worker reported: ${problems.join(' | ') || 'nothing'}`);
    });

  const notifications = (page: Page) =>
    page.evaluate(async (scope) => {
      const registration = await navigator.serviceWorker.getRegistration(scope);
      const shown = (await registration?.getNotifications()) ?? [];
      return shown.map((n) => ({
        title: n.title,
        body: n.body,
        tag: n.tag,
        lang: n.lang,
        requireInteraction: n.requireInteraction,
        silent: n.silent,
        data: n.data as unknown,
      }));
    }, SCOPE);

  it('shows an emergency that stays until the citizen acts, never silent; an update replaces it', async () => {
    const { page, deliver, problems } = await registered();
    await deliver({
      title: 'Allerta rossa per piene',
      body: 'Evitare le zone vicine al fiume.',
      severity: 'extreme',
      url: `${fixture.server.url}/avvisi/piena`,
      tag: 'piena-1',
      lang: 'it',
    });
    await shown(page, problems, 1, 'the notification');
    expect((await notifications(page))[0]).toEqual({
      title: 'Allerta rossa per piene',
      body: 'Evitare le zone vicine al fiume.',
      tag: 'piena-1',
      lang: 'it',
      requireInteraction: true,
      silent: false,
      data: { url: `${fixture.server.url}/avvisi/piena`, severity: 'extreme' },
    });
    await deliver({
      title: 'Aggiornamento: piena in calo',
      body: 'Restare prudenti.',
      severity: 'severe',
      tag: 'piena-1',
      lang: 'it',
    });
    await eventually(
      async () => (await notifications(page))[0]?.title === 'Aggiornamento: piena in calo',
      'the update to replace the alert',
    );
    expect(await notifications(page)).toHaveLength(1);
  });

  it('shows a routine notice that may be dismissed, also not silent', async () => {
    const { page, deliver, problems } = await registered();
    await deliver({
      title: 'Lavori in via Roma',
      body: 'Strada chiusa lunedì.',
      severity: 'minor',
      tag: 'lavori-1',
      lang: 'it',
    });
    await shown(page, problems, 1, 'the notification');
    expect((await notifications(page))[0]).toMatchObject({ requireInteraction: false, silent: false, tag: 'lavori-1' });
  });

  it('closes the notification on a click (opening the page needs a real click: see push-shared.test.ts)', async () => {
    const { page, deliver, problems } = await registered();
    await deliver({
      title: 'Allerta',
      body: 'Testo',
      severity: 'extreme',
      url: `${fixture.server.url}/avvisi/x`,
      tag: 't',
      lang: 'it',
    });
    await shown(page, problems, 1, 'the notification');
    const worker = page
      .context()
      .serviceWorkers()
      .find((candidate) => candidate.url().endsWith(WORKER))!;
    // Chromium only lets a worker open a window during a notificationclick it dispatched itself
    // (a real click); a synthetic event runs the same handler, whose openWindow is then refused.
    await worker.evaluate(async () => {
      const scope = self as unknown as {
        registration: { getNotifications(): Promise<Notification[]> };
        dispatchEvent(event: Event): boolean;
      };
      const [notification] = await scope.registration.getNotifications();
      const NotificationEventCtor = (
        globalThis as unknown as { NotificationEvent: new (type: string, init: object) => Event }
      ).NotificationEvent;
      scope.dispatchEvent(new NotificationEventCtor('notificationclick', { notification }));
    });
    await shown(page, problems, 0, 'the notification to close');
  });
});
