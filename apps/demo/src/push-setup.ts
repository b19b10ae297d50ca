import type { Store, SubscriberInput } from '@banditore/core';
import {
  createFcmChannel,
  createPushChannel,
  generateVapidKeys,
  type FcmChannel,
  type PushChannel,
} from '@banditore/channel-push';
import {
  createFcmSandbox,
  createPushSandbox,
  type FcmSandbox,
  type PushSandbox,
} from '@banditore/channel-push/sandbox';
import { topicsOf } from './jesi.js';

/**
 * Jesi's ~12,000 push subscribers: the installs of the comune's app (FCM; a few uninstalled it
 * since, so FCM answers UNREGISTERED) and the browsers subscribed from the website's widget (Web
 * Push; a few subscriptions expired, so the push service answers 410).
 */
export const PUSH_POPULATION = { app: 10_500, uninstalled: 120, browsers: 1_500, expired: 30 };

/** The push side of the demo: an FCM v1 + OAuth sandbox and a Web Push service sandbox. */
export interface PushSetup {
  web: PushChannel;
  /** The VAPID public key: the website's push button subscribes with it. */
  vapidPublicKey: string;
  /** The whole key pair, for the helper workers' Web Push channels (`--workers`). */
  vapid: { publicKey: string; privateKey: string; subject: string };
  app: FcmChannel;
  webSandbox: PushSandbox;
  appSandbox: FcmSandbox;
  describe: string[];
  close(): Promise<void>;
}

/**
 * Starts both sandboxes (the push service checks every VAPID token and decrypts every message,
 * as strict as the real ones), makes the two channels and imports the subscribers with the same
 * topic mix as the other channels, one in twelve in English.
 *
 * @param store - The demo's store.
 * @param options - `parallel`: Web Push without a rate of its own, so helper workers can share
 *   its runs (`--workers`).
 */
export async function setUpPush(store: Store, options: { parallel?: boolean } = {}): Promise<PushSetup> {
  const [webSandbox, appSandbox] = await Promise.all([
    createPushSandbox({ keepMessages: false }),
    createFcmSandbox({ projectId: 'comune-jesi-app', keepMessages: false }),
  ]);
  const vapid = { ...generateVapidKeys(), subject: 'mailto:urp@comune.jesi.an.it' };
  const web = createPushChannel({
    vapid,
    extraOrigins: [webSandbox.url],
    ...(options.parallel ? { limits: { ratePerSecond: Infinity } } : {}),
  });
  const app = createFcmChannel({
    serviceAccount: appSandbox.serviceAccount,
    baseUrl: appSandbox.url,
    tokenUrl: appSandbox.tokenUrl,
    androidChannelId: 'avvisi',
  });
  const consent = { method: 'import', noticeVersion: '2026-01' } as const;
  const citizen = (channel: string, address: string, index: number): SubscriberInput => ({
    channel,
    address,
    topics: topicsOf(index),
    areas: [],
    language: index % 12 === 11 ? 'en' : 'it',
  });
  const tokens = Array.from({ length: PUSH_POPULATION.app }, () => appSandbox.register());
  for (const token of tokens.slice(0, PUSH_POPULATION.uninstalled)) appSandbox.setTokenError(token, 'UNREGISTERED');
  const browsers = Array.from({ length: PUSH_POPULATION.browsers }, () => webSandbox.subscribe(vapid.publicKey));
  for (const browser of browsers.slice(0, PUSH_POPULATION.expired)) webSandbox.setStatus(browser.id, 410);
  for (let start = 0; start < tokens.length; start += 5_000)
    await store.importSubscribers(
      tokens.slice(start, start + 5_000).map((token, offset) => citizen(app.name, token, start + offset)),
      consent,
    );
  await store.importSubscribers(
    browsers.map((browser, index) => citizen(web.name, browser.address, index)),
    consent,
  );
  return {
    web,
    vapidPublicKey: vapid.publicKey,
    vapid,
    app,
    webSandbox,
    appSandbox,
    describe: [
      `FCM v1 + OAuth sandbox at ${appSandbox.url}: ${PUSH_POPULATION.app} installs of the comune's app (${PUSH_POPULATION.uninstalled} uninstalled since)`,
      `Web Push service sandbox at ${webSandbox.url}: ${PUSH_POPULATION.browsers} browsers subscribed from the website (${PUSH_POPULATION.expired} subscriptions expired), encryption on worker threads`,
    ],
    async close() {
      await Promise.all([web.close?.(), app.close?.()]);
      await Promise.all([webSandbox.close(), appSandbox.close()]);
    },
  };
}
