/**
 * Runs in its own process (`node --expose-gc scale-worker.js <subscribers> <audience>`): fills a
 * memory store with `subscribers` citizens of whom `audience` get the announcement, measures
 * resident memory once the store is full, broadcasts through the in-process sandbox channel and
 * reports the peak resident memory above that baseline.
 */
import { createBroadcaster, createMemoryStore, type SubscriberInput } from '@banditore/core';
import { createSandboxChannel } from '@banditore/core/testing';
import { routine } from './seed.js';

const subscribers = Number(process.argv[2] ?? 1_000_000);
const audience = Number(process.argv[3] ?? subscribers);
const mb = (bytes: number): number => bytes / 1024 / 1024;

const store = createMemoryStore();
const consent = { method: 'import', noticeVersion: 'bench' } as const;
for (let start = 0; start < subscribers; start += 10_000) {
  const batch: SubscriberInput[] = [];
  for (let index = start; index < Math.min(subscribers, start + 10_000); index++) {
    // The first `audience` follow everything; the rest only the weather, which this notice is not.
    const topics = index < audience ? [] : ['meteo'];
    batch.push({
      channel: 'sandbox',
      address: `39333${String(index).padStart(7, '0')}`,
      topics,
      areas: [],
      language: 'it',
    });
  }
  await store.importSubscribers(batch, consent);
}
(globalThis as { gc?: () => void }).gc?.();
const baseline = process.memoryUsage.rss();
let peak = baseline;
const sampler = setInterval(() => {
  peak = Math.max(peak, process.memoryUsage.rss());
}, 20);
const channel = createSandboxChannel({ record: false });
const broadcaster = createBroadcaster({ store, channels: [channel] });
const started = performance.now();
const report = await (await broadcaster.publish(routine('scale', ['eventi']))).done;
const seconds = (performance.now() - started) / 1000;
peak = Math.max(peak, process.memoryUsage.rss());
clearInterval(sampler);
await broadcaster.close();
process.stdout.write(
  `${JSON.stringify({
    recipients: audience,
    sent: report.channels[0]!.sent,
    baselineMb: mb(baseline),
    peakMb: mb(peak),
    deltaMb: mb(peak - baseline),
    deliveriesPerSecond: report.channels[0]!.sent / seconds,
  })}\n`,
);
