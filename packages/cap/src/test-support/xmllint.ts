import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { DATA_DIR } from './data.js';

/** The OASIS CAP 1.2 schema, from the reference data. */
export const CAP_XSD = join(DATA_DIR, 'cap/CAP-v1.2-schema.xsd');

/**
 * Validates a document against an XML schema with libxml2's `xmllint` (Debian `libxml2-utils`),
 * an independent checker of what this package writes.
 *
 * @returns `{ valid, output }` with xmllint's report.
 * @throws Error when xmllint is not installed: a missing checker must fail the test, not pass it.
 */
export function xmllintSchema(xml: string, xsd = CAP_XSD): { valid: boolean; output: string } {
  const run = spawnSync('xmllint', ['--noout', '--nonet', '--schema', xsd, '-'], { input: xml, encoding: 'utf8' });
  if (run.error) {
    throw new Error(`xmllint is not installed (apt-get install libxml2-utils): ${run.error.message}`);
  }
  return { valid: run.status === 0, output: `${run.stdout}${run.stderr}`.trim() };
}
