/**
 * Runs in its own process (`node --expose-gc scale-worker.js <recipients>`): seeds a memory store,
 * measures resident memory after the store is full, then broadcasts to everyone through the
 * in-process sandbox channel and reports the peak resident memory above that baseline.
 */
import { createBroadcaster, createMemoryStore } from '@banditore/core';
import { createSandboxChannel } from '@banditore/core/testing';
import { routine, seed } from './seed.js';

const recipients = Number(process.argv[2] ?? 1_000_000);
/**
 * With `collect`, a full garbage collection runs before each sample, so the peak is memory the
 * broadcaster holds rather than garbage V8 has not yet collected. Without it, V8 lets the heap grow
 * by a share of the live heap — here mostly the memory store's own million subscribers — before it
 * collects, and that headroom shows up as resident memory.
 */
const collectEachSample = process.argv[3] === 'collect';
const mb = (bytes: number): number => bytes / 1024 / 1024;
const collect = (): void => (globalThis as { gc?: () => void }).gc?.();

const store = createMemoryStore();
await seed(store, recipients, 'sandbox');
collect();
const baseline = process.memoryUsage.rss();
let peak = baseline;
const sampler = setInterval(
  () => {
    if (collectEachSample) collect();
    peak = Math.max(peak, process.memoryUsage.rss());
  },
  collectEachSample ? 100 : 20,
);
const channel = createSandboxChannel({ record: false });
const broadcaster = createBroadcaster({ store, channels: [channel] });
const started = performance.now();
const report = await (await broadcaster.publish(routine('scale', []))).done;
const seconds = (performance.now() - started) / 1000;
peak = Math.max(peak, process.memoryUsage.rss());
clearInterval(sampler);
await broadcaster.close();
process.stdout.write(
  `${JSON.stringify({
    recipients,
    sent: report.channels[0]!.sent,
    baselineMb: mb(baseline),
    peakMb: mb(peak),
    deltaMb: mb(peak - baseline),
    deliveriesPerSecond: report.channels[0]!.sent / seconds,
  })}\n`,
);
