import { StoreError } from '@banditore/core';
import type { StoreContext } from './context.js';

/** Wipes the old copies of erased data from the database file and its WAL. */
export interface Wiper {
  /**
   * Copies every WAL frame into the database and truncates the WAL, waiting (without blocking
   * the event loop) while other connections' reads still need the old pages.
   *
   * @throws StoreError `ERASURE_PENDING` when readers kept it from finishing within the wait.
   */
  wipe(): Promise<void>;
  /** Whether an earlier wipe could not finish. */
  readonly pending: boolean;
  /** Tries once, without waiting, when a wipe is still owed; used at close. */
  finishIfPending(): void;
}

const FIRST_DELAY_MS = 5;
const LONGEST_DELAY_MS = 250;

/**
 * Why this is needed: `secure_delete` zeroes the erased bytes in the page SQLite writes, but in
 * WAL mode that page goes to the WAL first. Until a checkpoint copies it into the file, the file
 * keeps the old page, and the WAL keeps older frames holding the address. A checkpoint cannot
 * overwrite a page that another connection's open read still sees, so it is retried until no
 * reader needs the old pages; `TRUNCATE` then empties the WAL.
 *
 * @param ctx - The shared store context.
 * @param waitMs - How long one wipe may wait for readers.
 * @returns The wiper.
 */
export function createWiper(ctx: StoreContext, waitMs: number): Wiper {
  const { db } = ctx;
  let pending = false;

  /** One checkpoint attempt that never waits: a waiting checkpoint would block the event loop. */
  const attempt = (): boolean => {
    const previous = db.pragma('busy_timeout', { simple: true }) as number;
    db.pragma('busy_timeout = 0');
    try {
      const [result] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number; log: number }[];
      return result !== undefined && result.busy === 0;
    } catch (error) {
      if ((error as { code?: string }).code === 'SQLITE_BUSY') return false;
      throw error;
    } finally {
      db.pragma(`busy_timeout = ${previous}`);
    }
  };
  const sleep = (ms: number): Promise<void> => new Promise((resolve) => ctx.clock.setTimeout(resolve, ms));

  return {
    get pending() {
      return pending;
    },
    async wipe() {
      pending = true;
      // The wait is the sum of the pauses, not a clock reading: a wall-clock step cannot cut it short.
      let waited = 0;
      let delay = FIRST_DELAY_MS;
      while (!attempt()) {
        if (waited >= waitMs) {
          throw new StoreError(
            'ERASURE_PENDING',
            `The subscriber is erased, but another connection's open read still needs the old pages, so ` +
              `earlier copies stay in the database file or its WAL. End long reads (or backups) and call ` +
              `eraseSubscriber again, or close the store: both finish the wipe.`,
          );
        }
        await sleep(delay);
        waited += delay;
        delay = Math.min(delay * 2, LONGEST_DELAY_MS);
      }
      pending = false;
    },
    finishIfPending() {
      if (pending && db.open && attempt()) pending = false;
    },
  };
}
