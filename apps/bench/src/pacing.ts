import { createBroadcaster, createMemoryStore } from '@banditore/core';
import { createSandboxChannel, maxInAnySecond } from '@banditore/core/testing';
import { note, type Figure } from './figures.js';
import { routine, seed } from './seed.js';

/**
 * Figure 2: two lanes paced at 80/s and 1,000/s at the same time for 10 s, each with more work
 * than it can send. Reports the most sends in any sliding second and the share of the limit used.
 */
export async function runPacing(options: { scale: number; onFigure: (figure: Figure) => void }): Promise<void> {
  const seconds = Math.max(3, Math.round(10 * Math.min(1, options.scale * 10)));
  const rates = [80, 1000];
  const store = createMemoryStore();
  const stamps = new Map<number, number[]>(rates.map((rate) => [rate, []]));
  const channels = rates.map((rate) =>
    createSandboxChannel({
      name: `paced-${rate}`,
      limits: { ratePerSecond: rate, concurrency: 64 },
      record: false,
      onSend: () => stamps.get(rate)!.push(performance.now()),
    }),
  );
  for (const rate of rates) await seed(store, Math.ceil(rate * (seconds + 2)), `paced-${rate}`);
  const broadcaster = createBroadcaster({ store, channels });
  const run = await broadcaster.publish(routine('pacing'));
  const started = performance.now();
  await new Promise((resolve) => setTimeout(resolve, (seconds + 0.5) * 1000));
  await run.cancel();
  await run.done;
  await broadcaster.close();
  note(`paced two lanes for ${seconds} s`);
  for (const rate of rates) {
    const all = stamps.get(rate)!;
    const first = all[0] ?? started;
    const inWindow = all.filter((stamp) => stamp < first + seconds * 1000);
    const maxWindow = maxInAnySecond(all);
    const utilisation = inWindow.length / (rate * seconds);
    options.onFigure({
      name: `pacing_${rate}_max_window`,
      value: maxWindow,
      unit: 'msgs',
      target: `<= ${rate}`,
      pass: maxWindow <= rate,
    });
    options.onFigure({
      name: `pacing_${rate}_utilisation`,
      value: Number(utilisation.toFixed(4)),
      unit: 'ratio',
      target: '>= 0.98',
      pass: utilisation >= 0.98,
    });
  }
}
