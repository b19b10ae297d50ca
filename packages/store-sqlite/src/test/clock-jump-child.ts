/**
 * One broadcaster process whose wall clock the test can step, for the clock-jump test. The
 * "machine's" wall-clock offset lives in a file both processes read, as two processes on one
 * machine share its clock; the monotonic clock and timers stay the real ones.
 *
 *   node clock-jump-child.mjs <publish|watch> <file> <serverUrl> <offsetFile> <expiresIso|-> <leaseTtlMs>
 *
 * Prints JSON lines: `ready`; `started` (created); `send` (wall time at each send);
 * `jumped` (new offset) followed by `consent` (the stamp of a consent given after the step);
 * `resumed` when it took the run over; `report` with the final report.
 */
import { readFileSync } from 'node:fs';
import { announcementSchema, createBroadcaster, systemClock, type Clock } from '@banditore/core';
import { createSqliteStore } from '../sqlite-store.js';
import { createHttpTestChannel } from './http-channel.js';

const [mode, path, serverUrl, offsetFile, expires, leaseTtl] = process.argv.slice(2);
const print = (message: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(message)}\n`);
};

const readOffset = (): number => Number(readFileSync(offsetFile!, 'utf8').trim() || '0');
let offset = readOffset();
const clock: Clock = {
  now: () => Date.now() + offset,
  monotonic: () => systemClock.monotonic!(),
  setTimeout: (callback, ms) => systemClock.setTimeout(callback, ms),
  clearTimeout: (handle) => systemClock.clearTimeout(handle),
};

async function main(): Promise<void> {
  if ((mode !== 'publish' && mode !== 'watch') || !path || !serverUrl || !offsetFile)
    throw new Error('usage: clock-jump-child <publish|watch> <file> <url> <offsetFile> <expires|-> <ttl>');
  const store = createSqliteStore({ path, clock });
  const http = createHttpTestChannel({ baseUrl: serverUrl, instance: mode, concurrency: 4 });
  // 100 messages a second: the broadcast is still running when the clock is stepped.
  const channel: typeof http = {
    ...http,
    limits: { ratePerSecond: 100, concurrency: 4 },
    send: (address, rendered, options) => {
      print({ type: 'send', at: clock.now() });
      return http.send(address, rendered, options);
    },
  };
  const broadcaster = createBroadcaster({
    store,
    channels: [channel],
    clock,
    // The same id in both processes: leases must still tell them apart.
    instanceId: 'comune-server',
    leaseTtlMs: Number(leaseTtl ?? 3_000),
    onEvent: (event) => {
      if (event.type === 'run.resumed') print({ type: 'resumed' });
      if (event.type === 'internal.error') print({ type: 'internal-error', where: event.where });
    },
  });
  const timer = setInterval(() => {
    const next = readOffset();
    if (next === offset) return;
    offset = next;
    print({ type: 'jumped', offset });
    void store
      .subscribe(
        { channel: 'http', address: `consent-${mode}-${offset}`, topics: ['eventi'], areas: [], language: 'it' },
        { method: 'web-form', noticeVersion: '2026-03' },
      )
      .then((subscriber) => store.listConsent(subscriber.id))
      .then((events) => print({ type: 'consent', at: Date.parse(events[0]!.at), wall: clock.now() }));
  }, 20);
  print({ type: 'ready' });
  const announcement = announcementSchema.parse({
    id: 'allerta-salto-orologio',
    severity: 'moderate',
    topics: ['meteo'],
    content: { it: { headline: 'Allerta gialla', body: 'Evitate i sottopassi.' } },
    ...(expires && expires !== '-' ? { expires } : {}),
  });
  const run = await broadcaster.publish(announcement);
  print({ type: 'started', created: run.created });
  const report = await run.done;
  print({ type: 'report', report });
  clearInterval(timer);
  await broadcaster.close();
  await http.close?.();
  await store.close();
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
