/**
 * A helper worker of `npm start -- --workers=N`: opens the demo's store as it is, configures the
 * Web Push channel with the demo's VAPID keys and stands by for the demo's runs. Web Push has no
 * per-account limit, so this process claims and sends part of each run's browser notifications;
 * the rate-limited channels (WhatsApp, Telegram) stay with the process that paces them.
 *
 * Gets its settings over IPC, answers `{ type: 'ready' }`, and `{ type: 'report', sent }` once
 * the runs it followed are over.
 */
import { createBroadcaster, type BroadcastRun } from '@banditore/core';
import { createPushChannel } from '@banditore/channel-push';
import { openDemoStore } from './store.js';
import type { WorkerConfig } from './workers.js';

const config = await new Promise<WorkerConfig & { instance: string }>((resolve) =>
  process.once('message', (message) => resolve(message as WorkerConfig & { instance: string })),
);
const env = config.databaseUrl === undefined ? {} : { DATABASE_URL: config.databaseUrl };
const { store } = await openDemoStore(env, config.sqlitePath, { fresh: false });
const web = createPushChannel({
  vapid: config.vapid,
  extraOrigins: [config.pushServiceOrigin],
  limits: { ratePerSecond: Infinity },
});
let sent = 0;
const counted = {
  ...web,
  send: async (...args: Parameters<typeof web.send>) => {
    const result = await web.send(...args);
    if (result.ok) sent++;
    return result;
  },
};
const broadcaster = createBroadcaster({ store, channels: [counted], instanceId: config.instance });
process.send?.({ type: 'ready' });

// The demo publishes its two notices right after every helper is ready.
let runs: BroadcastRun[] = [];
for (let tries = 0; runs.length < 2 && tries < 300; tries++) {
  runs = await broadcaster.resume();
  if (runs.length < 2) await new Promise((resolve) => setTimeout(resolve, 100));
}
await Promise.all(runs.map((run) => run.done));
await broadcaster.close();
await web.close?.();
await store.close();
process.send?.({ type: 'report', sent });
process.disconnect?.();
