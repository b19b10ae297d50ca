import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The reference data (real CAP, INGV, DPC and MeteoAlarm answers) in the package's `test-data`
 * folder, provenance and licences in its README; `BANDITORE_SHARED_DATA` points at another copy.
 */
export const DATA_DIR =
  process.env.BANDITORE_SHARED_DATA ?? resolve(fileURLToPath(new URL('../../test-data', import.meta.url)));

/** Reads a file of the reference data, failing with a clear message when the folder is missing. */
export function readData(path: string): string {
  const file = join(DATA_DIR, path);
  if (!existsSync(file)) {
    throw new Error(`reference data missing: ${file} (the package's test-data folder, or BANDITORE_SHARED_DATA)`);
  }
  return readFileSync(file, 'utf8');
}

/** Lists the files of a reference data folder. */
export function listData(folder: string, suffix: string): string[] {
  const dir = join(DATA_DIR, folder);
  if (!existsSync(dir))
    throw new Error(`reference data missing: ${dir} (the package's test-data folder, or BANDITORE_SHARED_DATA)`);
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => `${folder}/${name}`);
}
