import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { note, type Figure } from './figures.js';

interface ScaleResult {
  recipients: number;
  sent: number;
  baselineMb: number;
  peakMb: number;
  deltaMb: number;
  deliveriesPerSecond: number;
}

async function measure(recipients: number, collect: boolean): Promise<ScaleResult> {
  const script = fileURLToPath(new URL('./scale-worker.js', import.meta.url));
  const { stdout } = await promisify(execFile)(
    process.execPath,
    ['--expose-gc', script, String(recipients), collect ? 'collect' : 'lazy'],
    {
      maxBuffer: 1024 * 1024,
    },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as ScaleResult;
  if (result.sent !== recipients) throw new Error(`scale run sent ${result.sent} of ${recipients}`);
  return result;
}

/**
 * Figure 4: a 1,000,000-recipient broadcast on the memory store, in a fresh process. The figure
 * is the peak resident memory above the process after the store was filled, and how that compares
 * with a tenth of the audience (it must not grow with the audience).
 */
export async function runScale(options: { scale: number; onFigure: (figure: Figure) => void }): Promise<void> {
  const large = Math.max(100_000, Math.round(1_000_000 * options.scale));
  const small = Math.round(large / 10);
  const results = {
    small: await measure(small, true),
    large: await measure(large, true),
    largeLazy: await measure(large, false),
  };
  for (const [label, result] of Object.entries(results)) {
    note(
      `${label}: ${result.recipients} recipients, store ${result.baselineMb.toFixed(0)} MB, peak ${result.peakMb.toFixed(0)} MB, broadcaster +${result.deltaMb.toFixed(1)} MB, ${Math.round(result.deliveriesPerSecond)}/s`,
    );
  }
  const key = large === 1_000_000 ? '1m' : `${large}`;
  const peak = results.large.deltaMb;
  options.onFigure({
    name: `scale_${key}_peak_rss_mb`,
    value: Number(peak.toFixed(1)),
    unit: 'MB',
    target: '<= 150',
    pass: peak <= 150,
  });
  options.onFigure({ name: `scale_${small}_peak_rss_mb`, value: Number(results.small.deltaMb.toFixed(1)), unit: 'MB' });
  // Flat means ten times the audience costs about the same memory; 2× leaves room for the ledger's typed arrays.
  const growth = peak / Math.max(1, results.small.deltaMb);
  options.onFigure({
    name: 'scale_rss_growth_10x',
    value: Number(growth.toFixed(2)),
    unit: 'ratio',
    target: '< 2',
    pass: growth < 2,
  });
  options.onFigure({
    name: `scale_${key}_peak_rss_lazy_gc_mb`,
    value: Number(results.largeLazy.deltaMb.toFixed(1)),
    unit: 'MB',
  });
  options.onFigure({
    name: `scale_${key}_deliveries_per_s`,
    value: Math.round(results.largeLazy.deliveriesPerSecond),
    unit: 'msg/s',
  });
}
