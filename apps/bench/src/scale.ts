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

/**
 * One broadcast in a fresh process. `retained` turns off V8's allocation-site pretenuring, which
 * otherwise allocates some short-lived delivery objects straight into the old generation, where
 * they wait for a major collection whose threshold grows with the whole heap (here mostly the
 * memory store's own million subscribers). Without it, the peak is what the broadcaster holds.
 */
async function measure(subscribers: number, audience: number, retained: boolean): Promise<ScaleResult> {
  const script = fileURLToPath(new URL('./scale-worker.js', import.meta.url));
  const flags = ['--expose-gc', ...(retained ? ['--no-allocation-site-pretenuring'] : [])];
  const { stdout } = await promisify(execFile)(
    process.execPath,
    [...flags, script, String(subscribers), String(audience)],
    {
      maxBuffer: 1024 * 1024,
    },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as ScaleResult;
  if (result.sent !== audience) throw new Error(`scale run sent ${result.sent} of ${audience}`);
  return result;
}

/**
 * Figure 4: a 1,000,000-recipient broadcast on the memory store. The figures are peak resident
 * memory above the process once the store is full, for the whole audience and for a tenth of it
 * from the same store (so the store's size is the same and only the audience changes).
 */
export async function runScale(options: { scale: number; onFigure: (figure: Figure) => void }): Promise<void> {
  const subscribers = Math.max(100_000, Math.round(1_000_000 * options.scale));
  const tenth = Math.round(subscribers / 10);
  const full = await measure(subscribers, subscribers, false);
  const small = await measure(subscribers, tenth, false);
  const fullRetained = await measure(subscribers, subscribers, true);
  const smallRetained = await measure(subscribers, tenth, true);
  for (const [label, result] of Object.entries({ full, small, fullRetained, smallRetained })) {
    note(
      `${label}: ${result.recipients} of ${subscribers}, store ${result.baselineMb.toFixed(0)} MB, peak ${result.peakMb.toFixed(0)} MB, +${result.deltaMb.toFixed(1)} MB, ${Math.round(result.deliveriesPerSecond)}/s`,
    );
  }
  const key = subscribers === 1_000_000 ? '1m' : `${subscribers}`;
  const round = (value: number): number => Number(value.toFixed(1));
  options.onFigure({
    name: `scale_${key}_peak_rss_mb`,
    value: round(full.deltaMb),
    unit: 'MB',
    target: '<= 150',
    pass: full.deltaMb <= 150,
  });
  options.onFigure({
    name: `scale_${key}_deliveries_per_s`,
    value: Math.round(full.deliveriesPerSecond),
    unit: 'msg/s',
  });
  options.onFigure({ name: `scale_${key}_tenth_audience_peak_rss_mb`, value: round(small.deltaMb), unit: 'MB' });
  options.onFigure({ name: `scale_${key}_retained_rss_mb`, value: round(fullRetained.deltaMb), unit: 'MB' });
  // Per-recipient state (a promise or an object each) would cost ≥ 50 MB per 100,000; the ledger's
  // typed arrays cost about 1 MB.
  const perHundredThousand = ((fullRetained.deltaMb - smallRetained.deltaMb) / (subscribers - tenth)) * 100_000;
  options.onFigure({
    name: 'scale_rss_growth_mb_per_100k',
    value: round(perHundredThousand),
    unit: 'MB',
    target: '< 10',
    pass: perHundredThousand < 10,
  });
}
