import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A fresh temporary folder and a function that deletes it. */
export interface TempDir {
  path: string;
  file(name: string): string;
  remove(): Promise<void>;
}

/**
 * Makes a temporary folder for one test's database files.
 *
 * @returns The folder.
 */
export async function makeTempDir(): Promise<TempDir> {
  const path = await mkdtemp(join(tmpdir(), 'banditore-sqlite-'));
  return {
    path,
    file: (name) => join(path, name),
    remove: () => rm(path, { recursive: true, force: true }),
  };
}
