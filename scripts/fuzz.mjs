// @ts-check
// `npm run fuzz`: every boundary's property tests (`*.property.test.ts`) with many more generated
// inputs than `npm test` gives them, then one summary of inputs and failures per boundary.
//
// BANDITORE_FUZZ_SEED=<n> replays a run; BANDITORE_FUZZ_SCALE=<x> multiplies every property's runs.
// Exits non-zero on any failure or when a full run generated fewer than 100,000 inputs.
import { spawnSync } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import process from 'node:process';
import { fileURLToPath } from 'node:url';

/**
 * @typedef {{ boundary: string; property: string; runs: number; failed: boolean; ms: number; p50Ms?: number; p99Ms?: number }} ReportLine
 * @typedef {{ properties: number; inputs: number; failures: number; ms: number; figures: string[] }} BoundaryTotals
 */

const MIN_INPUTS = 100_000;
const root = fileURLToPath(new URL('..', import.meta.url));
const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
const ALL = [
  'packages/core',
  'packages/channel-telegram',
  'packages/channel-whatsapp',
  'packages/cap',
  'packages/web-widget',
];
// `node scripts/fuzz.mjs packages/core` fuzzes some packages only (no minimum count then).
const chosen = process.argv.slice(2);
const packages = chosen.length > 0 ? chosen : ALL;
const seed = process.env.BANDITORE_FUZZ_SEED ?? String(randomInt(2 ** 31));
const dir = mkdtempSync(join(tmpdir(), 'banditore-fuzz-'));
const report = join(dir, 'report.jsonl');

process.stdout.write(`fuzz seed ${seed} (replay with BANDITORE_FUZZ_SEED=${seed} npm run fuzz)\n`);
/** @type {string[]} */
const crashed = [];
for (const pkg of packages) {
  const run = spawnSync(process.execPath, [vitest, 'run', 'property', '--reporter=dot'], {
    cwd: join(root, pkg),
    stdio: 'inherit',
    env: { ...process.env, BANDITORE_FUZZ: '1', BANDITORE_FUZZ_SEED: seed, BANDITORE_FUZZ_REPORT: report },
  });
  if (run.status !== 0) crashed.push(pkg);
}

const lines = existsSync(report)
  ? readFileSync(report, 'utf8')
      .split('\n')
      .filter(Boolean)
      // The lines are written by vitest.property.ts in the shape of ReportLine.
      // eslint-disable-next-line @typescript-eslint/no-unsafe-return
      .map((line) => /** @type {ReportLine} */ (JSON.parse(line)))
  : [];
rmSync(dir, { recursive: true, force: true });

/** @type {Map<string, BoundaryTotals>} */
const byBoundary = new Map();
for (const line of lines) {
  const entry = byBoundary.get(line.boundary) ?? { properties: 0, inputs: 0, failures: 0, ms: 0, figures: [] };
  entry.properties++;
  entry.inputs += line.runs;
  entry.failures += line.failed ? 1 : 0;
  entry.ms += line.ms;
  if (line.p50Ms !== undefined && line.p99Ms !== undefined) {
    entry.figures.push(`p50 ${line.p50Ms.toFixed(3)} ms, p99 ${line.p99Ms.toFixed(3)} ms per validation`);
  }
  byBoundary.set(line.boundary, entry);
}

/** @type {[string[], ...string[][]]} */
const rows = [['boundary', 'properties', 'inputs', 'failures', 'seconds', 'notes']];
let inputs = 0;
let failures = 0;
for (const [boundary, entry] of byBoundary) {
  inputs += entry.inputs;
  failures += entry.failures;
  rows.push([
    boundary,
    String(entry.properties),
    String(entry.inputs),
    String(entry.failures),
    (entry.ms / 1000).toFixed(1),
    entry.figures.join('; '),
  ]);
}
rows.push(['total', String(lines.length), String(inputs), String(failures), '', '']);
const widths = rows[0].map((_, column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
process.stdout.write('\n');
for (const row of rows)
  process.stdout.write(`${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ')}\n`);

/** @type {string[]} */
const problems = [];
if (crashed.length > 0) problems.push(`test runs failed in ${crashed.join(', ')}`);
if (failures > 0) problems.push(`${failures} properties failed`);
if (chosen.length === 0 && inputs < MIN_INPUTS)
  problems.push(`only ${inputs} inputs (at least ${MIN_INPUTS} expected)`);
if (problems.length > 0) {
  process.stderr.write(`\nfuzz: ${problems.join('; ')}\n`);
  process.exit(1);
}
process.stdout.write(`\nfuzz: ${inputs} generated inputs, 0 failures\n`);
