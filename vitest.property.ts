import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

/**
 * Seeded property runs for every package's `*.property.test.ts`.
 *
 * - `npm test`: a short run per property, its seed derived from the property's name, so a run is
 *   the same on every machine.
 * - `npm run fuzz` (`BANDITORE_FUZZ=1`): many more runs, a fresh seed per fuzz run (or
 *   `BANDITORE_FUZZ_SEED`), and one line per property appended to `BANDITORE_FUZZ_REPORT` for the
 *   summary. `BANDITORE_FUZZ_SCALE` multiplies the fuzz runs.
 *
 * A failure names the seed, the counterexample fast-check shrank, and how to replay it.
 */
const fuzzing = process.env.BANDITORE_FUZZ === '1';
const scale = Number(process.env.BANDITORE_FUZZ_SCALE ?? '1') || 1;
const baseSeed = process.env.BANDITORE_FUZZ_SEED === undefined ? undefined : Number(process.env.BANDITORE_FUZZ_SEED);

/** A property test's time limit: generous in `npm test` (a busy machine is not a failure), none when fuzzing. */
export const PROPERTY_TIMEOUT_MS = fuzzing ? 24 * 3_600_000 : 120_000;

/** How many inputs a property gets: a few under `npm test`, many under `npm run fuzz`. */
export interface PropertyRuns {
  test: number;
  fuzz: number;
}

/** Extra figures a property reports, e.g. validation-time percentiles. */
export type PropertyFigures = Record<string, number>;

/** FNV-1a: a stable 31-bit seed from the property's name. */
function hash(text: string): number {
  let value = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) value = Math.imul(value ^ text.charCodeAt(index), 0x01000193);
  return value >>> 1;
}

/**
 * Checks a fast-check property with a printed seed, records its count when fuzzing, and throws a
 * report naming the seed and the shrunk counterexample when it fails.
 *
 * @param boundary - The boundary under test, e.g. `"telegram webhook"` (groups the fuzz summary).
 * @param name - The property, unique within the boundary.
 * @param property - `fc.property(...)` or `fc.asyncProperty(...)`.
 * @param runs - Runs under `npm test` and under `npm run fuzz`.
 * @param figures - Called after the run for extra figures to put in the fuzz report.
 */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  boundary: string,
  name: string,
  property: fc.IRawProperty<Ts>,
  runs: PropertyRuns,
  figures?: () => PropertyFigures,
): Promise<void> {
  const seed = (hash(`${boundary}/${name}`) ^ (baseSeed ?? 0)) | 0;
  const numRuns = fuzzing ? Math.max(1, Math.round(runs.fuzz * scale)) : runs.test;
  const started = performance.now();
  const details = await fc.check(property, { seed, numRuns });
  const ms = Math.round(performance.now() - started);
  if (fuzzing && process.env.BANDITORE_FUZZ_REPORT) {
    const line = { boundary, property: name, runs: details.numRuns, failed: details.failed, seed, ms, ...figures?.() };
    appendFileSync(process.env.BANDITORE_FUZZ_REPORT, `${JSON.stringify(line)}\n`);
  }
  if (details.failed) {
    const report = (await fc.asyncDefaultReportMessage(details)) ?? 'the property failed';
    const cause =
      details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    throw new Error(
      `${boundary} / ${name} failed with seed ${seed} (replay: BANDITORE_FUZZ_SEED=${baseSeed ?? 0}` +
        `${fuzzing ? ' BANDITORE_FUZZ=1' : ''})\n${report}\nCause: ${cause.slice(0, 2000)}`,
    );
  }
}
