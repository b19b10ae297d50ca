import { createBroadcaster, createMemoryStore } from '@banditore/core';
import { median, note, type Figure } from './figures.js';
import { bareUndiciLoop, createHttpSandboxChannel } from './http-channel.js';
import { routine, seed } from './seed.js';
import { startServerProcess } from './server-process.js';

/**
 * Figure 1: deliveries/s through the broadcaster (memory store, no rate limit, batched ledger)
 * over a bare undici Pool loop to the same local server, as the median of interleaved pairs.
 */
export async function runOverhead(options: { scale: number; onFigure: (figure: Figure) => void }): Promise<void> {
  const total = Math.max(5_000, Math.round(100_000 * options.scale));
  const pairs = 5;
  const server = await startServerProcess();
  const store = createMemoryStore();
  await seed(store, total, 'http-sandbox');
  const channel = createHttpSandboxChannel({ origin: server.origin });
  const broadcaster = createBroadcaster({ store, channels: [channel] });
  try {
    // Warm both paths (JIT, connections) before measuring.
    await bareUndiciLoop(server.origin, 5_000);
    await (
      await broadcaster.publish(routine('warm-up'))
    ).done;
    const ratios: number[] = [];
    const bare: number[] = [];
    const ours: number[] = [];
    for (let pair = 0; pair < pairs; pair++) {
      const bareRate = await bareUndiciLoop(server.origin, total);
      const started = performance.now();
      const report = await (await broadcaster.publish(routine(`overhead-${pair}`))).done;
      const rate = report.channels[0]!.sent / ((performance.now() - started) / 1000);
      if (report.channels[0]!.sent !== total)
        throw new Error(`broadcaster sent ${report.channels[0]!.sent} of ${total}`);
      bare.push(bareRate);
      ours.push(rate);
      ratios.push(rate / bareRate);
      note(
        `pair ${pair + 1}: bare ${Math.round(bareRate)}/s, broadcaster ${Math.round(rate)}/s, ratio ${(rate / bareRate).toFixed(3)}`,
      );
    }
    options.onFigure({ name: 'overhead_bare_per_s', value: Math.round(median(bare)), unit: 'req/s' });
    options.onFigure({ name: 'overhead_broadcaster_per_s', value: Math.round(median(ours)), unit: 'msg/s' });
    const ratio = median(ratios);
    options.onFigure({
      name: 'overhead_ratio',
      value: Number(ratio.toFixed(3)),
      unit: 'ratio',
      target: '>= 0.8',
      pass: ratio >= 0.8,
    });
  } finally {
    await broadcaster.close();
    await channel.close();
    await server.stop();
  }
}
