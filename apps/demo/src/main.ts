/**
 * The Banditore demo (`npm start`): a comune like Jesi publishes its weekly events notice and a red
 * weather alert together. They go out one-to-one to Jesi's real mix: ~11,000 citizens on WhatsApp
 * (a local Cloud API sandbox at the 1,000/s tier; the list imported from a CSV export; delivery
 * receipts coming back through the signed webhook) and ~600 on Telegram (a local Bot API sandbox
 * unless TELEGRAM_BOT_TOKEN is set) and ~12,000 push subscribers (10,500 installs of the comune's
 * app through a local FCM v1 sandbox, 1,500 browsers through a local Web Push service), from a
 * SQLite file under `data/`, with live progress per channel and a final report, while the comune's home page shows the alert live through
 * <banditore-alerts>.
 *
 * Flags: `--once` exits after the broadcasts (exit code 0); `--port=N` (default 3000, 0 = any);
 * `--workers=N` (default 1) starts N − 1 more broadcaster processes on the same store, which
 * share the Web Push sends (the rate-limited channels stay with the process that paces them).
 */
import { mkdir } from 'node:fs/promises';
import { createBroadcaster, createFeed, serve, type BroadcastRun } from '@banditore/core';
import { createPushSubscriptionHandler } from '@banditore/channel-push';
import { startTelegramPolling } from '@banditore/channel-telegram';
import { announcements, NOTICE_VERSION, TOPICS } from './jesi.js';
import { createLiveBlock, progressLines, reportLines } from './progress-view.js';
import { checkPortFree, parsePort, PortInUseError } from './port.js';
import { createSiteHandler } from './site/index.js';
import { setUpTelegram } from './telegram-setup.js';
import { setUpPush } from './push-setup.js';
import { setUpWhatsApp } from './whatsapp-setup.js';
import { openDemoStore } from './store.js';
import { parseWorkers, startHelpers, type Helpers } from './workers.js';

const args = process.argv.slice(2);
const once = args.includes('--once');
const port = parsePortOrExit(args);
const workers = parseWorkersOrExit(args);
const dataDir = 'data';
const databasePath = `${dataDir}/demo.db`;
const out = process.stdout;

// A taken port is found before the data file is reset: a second demo must not delete the data of
// one already running, and says what to do instead of printing an EADDRINUSE stack.
await checkPortFree(port, '127.0.0.1').catch((error: unknown) => {
  if (!(error instanceof PortInUseError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});

// The demo starts from a clean store each time, so every run shows the same numbers: a SQLite
// file, or with DATABASE_URL set a schema on that PostgreSQL server.
await mkdir(dataDir, { recursive: true });
const { store, label: storeLabel } = await openDemoStore(process.env, databasePath);
const telegram = await setUpTelegram(store, process.env);
// WhatsApp: the Cloud API sandbox posts its signed webhooks to this server, known once it listens.
let serverUrl = '';
const whatsapp = await setUpWhatsApp(store, () => `${serverUrl}/whatsapp`);
const push = await setUpPush(store, { parallel: workers > 1 });

const feed = createFeed({
  comune: { name: 'Jesi', istat: '042021' },
  live: { sse: '/avvisi/stream' },
  topics: TOPICS,
  channels: { telegram: { bot: 'banditore_sandbox_bot', channel: 'comune_jesi_avvisi' } },
});
// The website's "Ricevi notifiche su questo dispositivo" posts browser subscriptions here.
const pushSubscriptions = createPushSubscriptionHandler({
  store,
  channel: push.web,
  noticeVersion: NOTICE_VERSION,
  topics: TOPICS.map((topic) => topic.id),
  languages: ['it', 'en'],
});
const site = createSiteHandler({
  feedPath: '/avvisi.json',
  streamPath: '/avvisi/stream',
  comuneName: 'Jesi',
  push: { key: push.vapidPublicKey, endpoint: '/avvisi/push' },
});
const server = await serve(
  (request) => {
    const { pathname } = new URL(request.url);
    if (pathname === '/avvisi.json') return feed.handler(request);
    if (pathname === '/avvisi/stream') return feed.streamHandler(request);
    if (pathname === '/whatsapp') return whatsapp.webhook(request);
    if (pathname === '/avvisi/push') return pushSubscriptions(request);
    return site(request);
  },
  { port, host: '127.0.0.1' },
);
serverUrl = server.url;

// Citizens subscribe by themselves: the bot answers /start, /stop and the topics keyboard.
const polling = new AbortController();
const pollingDone = startTelegramPolling(telegram.bot, { signal: polling.signal }).catch((error: unknown) => {
  out.write(`Telegram polling stopped: ${error instanceof Error ? error.message : 'error'}\n`);
});
if (telegram.sandbox) {
  await telegram.sandbox.sendUserMessage(100_900_001, '/start meteo-protezione-civile');
  await telegram.sandbox.sendUserMessage(100_900_002, '/start eventi', { languageCode: 'en' });
  await telegram.sandbox.waitForMessages(
    (messages) => messages.filter((m) => m.chatId >= 100_900_001).length >= 2,
    10_000,
  );
}

// On WhatsApp, a new citizen writes ISCRIVIMI to the comune's number and an old one writes STOP.
await whatsapp.sandbox.receiveInbound('393331234500', 'ISCRIVIMI');
await whatsapp.sandbox.receiveInbound('393331000000', 'STOP');
await whatsapp.sandbox.drainWebhooks();

const broadcaster = createBroadcaster({
  store,
  channels: [...telegram.channels, whatsapp.channel, push.app, push.web],
  announcementSink: feed,
});
const { events, alert } = announcements(new Date().toISOString().replace(/\D/g, '').slice(0, 14), Date.now());

out.write(`\nBanditore demo — Comune di Jesi\n`);
out.write(`Store: ${storeLabel}\nChannels: ${telegram.describe}\n`);
out.write(`          ${whatsapp.describe}\n`);
for (const line of push.describe) out.write(`          ${line}\n`);
out.write(
  `WhatsApp inbox: ${whatsapp.inbox.stats.subscribed} citizen subscribed by writing ISCRIVIMI, ${whatsapp.inbox.stats.unsubscribed} left with STOP\n`,
);
out.write(`Comune home page with live alerts: ${server.url}/\n\n`);
for (const [label, announcement] of [
  ['Eventi', events],
  ['Allerta rossa', alert],
] as const) {
  const estimate = await broadcaster.estimate(announcement);
  const perChannel = estimate.channels
    .map((c) => `${c.channel} ${c.recipients} (≥ ${c.seconds.toFixed(1)} s)`)
    .join(', ');
  out.write(`Estimate ${label}: ${estimate.recipients} recipients, priority ${estimate.priority}: ${perChannel}\n`);
}
out.write('\n');

// Helper workers stand by before the notices go out, so they share the Web Push sends from the start.
const helpers: Helpers | undefined =
  workers > 1
    ? startHelpers(workers - 1, {
        ...(process.env.DATABASE_URL ? { databaseUrl: process.env.DATABASE_URL } : {}),
        sqlitePath: databasePath,
        vapid: push.vapid,
        pushServiceOrigin: push.webSandbox.url,
      })
    : undefined;
if (helpers) {
  await helpers.ready;
  out.write(`${workers} workers share the store; Web Push runs are sent by all of them.\n\n`);
}

const started = performance.now();
const runs: Array<[string, BroadcastRun]> = [
  ['Eventi', await broadcaster.publish(events)],
  ['Allerta rossa', await broadcaster.publish(alert)],
];
const live = createLiveBlock(out);
const draw = (): string[] => runs.flatMap(([label, run]) => progressLines(label, run.progress()));
// When each channel finished both notices (seconds from the start), for the summary.
const finished = new Map<string, number>();
const noteFinished = (): void => {
  const pending = new Map<string, boolean>();
  for (const [, run] of runs)
    for (const c of run.progress().channels) {
      const done = c.planningDone && c.sent + c.failed + c.dropped + c.cancelled >= c.planned;
      pending.set(c.channel, (pending.get(c.channel) ?? false) || !done);
    }
  for (const [channel, waiting] of pending)
    if (!waiting && !finished.has(channel)) finished.set(channel, (performance.now() - started) / 1000);
};
const ticker = setInterval(() => {
  noteFinished();
  live.draw(draw());
}, 100);
const reports = await Promise.all(runs.map(([, run]) => run.done));
clearInterval(ticker);
live.end(draw());
const seconds = (performance.now() - started) / 1000;

out.write('\n');
runs.forEach(([label], index) => {
  for (const line of reportLines(label, reports[index]!)) out.write(`${line}\n`);
});
const fanOutMessages = reports.reduce(
  (sum, report) => sum + (report.channels.find((c) => c.channel === 'telegram')?.planned ?? 0),
  0,
);
const rate = telegram.channels[0]!.limits.ratePerSecond;
out.write(
  `\nBoth broadcasts took ${seconds.toFixed(1)} s; ${fanOutMessages} one-to-one messages at ${rate}/s cannot take less than ${((fanOutMessages - 1) / rate).toFixed(1)} s.\n`,
);
// Receipts keep arriving after the sends: wait for the sandbox's last status webhooks, then count.
await whatsapp.sandbox.drainWebhooks();
for (const [label, run] of runs) {
  const receipts = (await store.receiptCounts(run.id)).find((entry) => entry.channel === 'whatsapp');
  if (receipts) {
    out.write(
      `${label} on WhatsApp: ${receipts.delivered} delivered to the phone (${receipts.read} read), ${receipts.failed} failed after sending${
        Object.keys(receipts.byCode).length > 0
          ? ` (${Object.entries(receipts.byCode)
              .map(([code, n]) => `${code} ${n}`)
              .join(', ')})`
          : ''
      }\n`,
    );
  }
}
const whatsappMessages = reports.reduce(
  (sum, report) => sum + (report.channels.find((c) => c.channel === 'whatsapp')?.sent ?? 0),
  0,
);
// The notice that reached the most citizens on WhatsApp, against the two hours it takes by hand.
const whatsappSent = (report: (typeof reports)[number]): number =>
  report.channels.find((c) => c.channel === 'whatsapp')?.sent ?? 0;
const widest = reports.reduce((best, report) =>
  whatsappSent(report) > whatsappSent(best) ||
  (whatsappSent(report) === whatsappSent(best) && report.durationMs < best.durationMs)
    ? report
    : best,
);
if (whatsappSent(widest) > 0) {
  const minutes = widest.durationMs / 60_000;
  out.write(
    `WhatsApp: ${whatsappSent(widest)} citizens reached one-to-one in ${(widest.durationMs / 1000).toFixed(1)} s ` +
      `(${whatsappMessages} messages for both notices). By hand, with broadcast lists of 256, one notice takes about ` +
      `two hours: ${Math.round(120 / minutes)} times longer.\n`,
  );
}
// Push: the app installs and the browsers, reached in seconds once encrypted on every core.
const pushReached = (channel: string): number =>
  Math.max(...reports.map((report) => report.channels.find((c) => c.channel === channel)?.sent ?? 0));
out.write(
  `Push: ${pushReached(push.app.name)} app installs and ${pushReached(push.web.name)} browsers reached for the widest notice; ` +
    `the FCM sandbox issued ${push.appSandbox.stats.tokenRequests} OAuth token(s) for ${push.appSandbox.stats.accepted} messages, ` +
    `the push service decrypted ${push.webSandbox.stats.accepted} messages and saw ${push.webSandbox.stats.distinctTokens} VAPID token(s); ` +
    `app installs done in ${(finished.get(push.app.name) ?? seconds).toFixed(1)} s, browsers in ${(finished.get(push.web.name) ?? seconds).toFixed(1)} s.\n`,
);
if (helpers) {
  const shares = await helpers.reports;
  const total = reports.reduce(
    (sum, report) => sum + (report.channels.find((c) => c.channel === push.web.name)?.sent ?? 0),
    0,
  );
  const others = shares.reduce((sum, share) => sum + share.sent, 0);
  out.write(
    `Web Push sent by ${workers} workers: worker-1 ${total - others}, ${shares.map((share) => `${share.instance} ${share.sent}`).join(', ')} (${total} in all).\n`,
  );
}
if (telegram.sandbox) {
  const stats = telegram.sandbox.stats;
  out.write(
    `The sandbox accepted ${stats.sent} messages, answered ${stats.rateLimited.global + stats.rateLimited.chat} times 429, and saw at most ${stats.maxPerSecond} in any second.\n`,
  );
}

const shutdown = async (): Promise<void> => {
  helpers?.stop();
  polling.abort();
  await pollingDone;
  await broadcaster.close();
  await telegram.close();
  await whatsapp.close();
  await push.close();
  await server.close();
  await store.close();
};

if (once) {
  await shutdown();
} else {
  out.write(`\nThe comune's page keeps serving at ${server.url}/ — press Ctrl-C to stop.\n`);
  process.once('SIGINT', () => {
    void shutdown().then(() => process.exit(0));
  });
}

/** `--workers=N`, or a one-line explanation and exit code 2. */
function parseWorkersOrExit(argv: string[]): number {
  try {
    return parseWorkers(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}

/** `--port=N`, or a one-line explanation and exit code 2 when N is not a port. */
function parsePortOrExit(argv: string[]): number {
  try {
    return parsePort(argv);
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(2);
  }
}
