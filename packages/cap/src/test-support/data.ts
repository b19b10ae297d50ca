import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The project's reference data (real CAP, INGV, DPC and MeteoAlarm answers), kept beside the
 * repository in `../shared/data` (provenance and licences in its README). Tests read it in place.
 */
export const DATA_DIR =
  process.env.BANDITORE_SHARED_DATA ?? resolve(fileURLToPath(new URL('../../../../../shared/data', import.meta.url)));

/** Reads a file of the reference data, failing with a clear message when the folder is missing. */
export function readData(path: string): string {
  const file = join(DATA_DIR, path);
  if (!existsSync(file)) {
    throw new Error(`reference data missing: ${file} (set BANDITORE_SHARED_DATA to the shared/data folder)`);
  }
  return readFileSync(file, 'utf8');
}

/** Lists the files of a reference data folder. */
export function listData(folder: string, suffix: string): string[] {
  const dir = join(DATA_DIR, folder);
  if (!existsSync(dir))
    throw new Error(`reference data missing: ${dir} (set BANDITORE_SHARED_DATA to the shared/data folder)`);
  return readdirSync(dir)
    .filter((name) => name.endsWith(suffix))
    .sort()
    .map((name) => `${folder}/${name}`);
}
