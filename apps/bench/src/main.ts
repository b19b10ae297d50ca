/**
 * `npm run bench`: the figures that say whether Banditore is fast and frugal enough, measured
 * side by side in one run (ratios, not absolute timings: the machines are shared and noisy).
 *
 * Flags: `--json` prints one JSON object per figure; `--quick` shrinks every workload for a
 * smoke run; `--only=name,name` runs some sections (overhead, pacing, emergency, scale, sqlite,
 * telegram, whatsapp, postgres, preempt, push); `--busy` keeps every core busy from other processes while it runs.
 */
import { startBusyLoad } from './busy.js';
import { createPrinter, type Figure } from './figures.js';
import { runEmergency } from './emergency.js';
import { runOverhead } from './overhead.js';
import { runPacing } from './pacing.js';
import { runPostgresBench } from './postgres-bench.js';
import { runPreemptBench } from './preempt-bench.js';
import { runPushBench } from './push-bench.js';
import { runScale } from './scale.js';
import { runSqliteBench } from './sqlite-bench.js';
import { runTelegramBench } from './telegram-bench.js';
import { runWhatsAppBench } from './whatsapp-bench.js';

type Section = (options: { scale: number; onFigure: (figure: Figure) => void }) => Promise<void>;

const sections: Record<string, Section> = {
  overhead: runOverhead,
  pacing: runPacing,
  emergency: runEmergency,
  scale: runScale,
  sqlite: runSqliteBench,
  telegram: runTelegramBench,
  whatsapp: runWhatsAppBench,
  postgres: runPostgresBench,
  preempt: runPreemptBench,
  push: runPushBench,
};

const args = process.argv.slice(2);
const json = args.includes('--json');
const scale = args.includes('--quick') ? 0.1 : 1;
const only = args
  .find((arg) => arg.startsWith('--only='))
  ?.slice('--only='.length)
  .split(',');
const print = createPrinter(json);
const failed: string[] = [];
const onFigure = (figure: Figure): void => {
  print(figure);
  if (figure.pass === false) failed.push(figure.name);
};

// `--busy`: other processes keep every core busy meanwhile (pacing must hold on a loaded machine).
const stopBusyLoad = args.includes('--busy') ? startBusyLoad() : undefined;
for (const [name, section] of Object.entries(sections)) {
  if (only && !only.includes(name)) continue;
  process.stderr.write(`${name}\n`);
  try {
    await section({ scale, onFigure });
  } catch (error) {
    stopBusyLoad?.();
    throw error;
  }
}
stopBusyLoad?.();
if (failed.length > 0) process.stderr.write(`\nBelow target: ${failed.join(', ')}\n`);
