import { basename } from 'node:path';
import { StoreError, isStoreError } from '@banditore/core';

const STORE_OPEN_ERROR = Symbol.for('banditore.StoreOpenError');

/**
 * Why a SQLite store could not be opened.
 *
 * - `NEWER_SCHEMA`: the file was written by a newer version of this package; upgrade it.
 * - `NOT_A_DATABASE`: the file exists but is not a SQLite database, or it is damaged.
 * - `NOT_A_STORE`: a SQLite database holding other tables, not a Banditore store.
 * - `NOT_WRITABLE`: the file or its folder cannot be created or written.
 * - `OPEN_FAILED`: anything else; see `cause`.
 */
export type StoreOpenErrorCode = 'NEWER_SCHEMA' | 'NOT_A_DATABASE' | 'NOT_A_STORE' | 'NOT_WRITABLE' | 'OPEN_FAILED';

/**
 * Thrown by `createSqliteStore` when the database file cannot be used. The message names the
 * file and says what to do; the raw SQLite or file-system error is kept as `cause`.
 *
 * @example
 * ```ts
 * try { createSqliteStore({ path: 'data/banditore.db' }) }
 * catch (error) { if (isStoreOpenError(error) && error.code === 'NEWER_SCHEMA') upgrade() }
 * ```
 */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  /** What went wrong, as a stable code. */
  readonly code: StoreOpenErrorCode;
  /** The database file as given in the options. */
  readonly path: string;
  readonly [STORE_OPEN_ERROR] = true;

  constructor(code: StoreOpenErrorCode, path: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.path = path;
  }
}

/**
 * Tells whether a value is a {@link StoreOpenError}, even one from another installed copy.
 *
 * @param value - Anything caught.
 * @returns `true` for a StoreOpenError.
 */
export function isStoreOpenError(value: unknown): value is StoreOpenError {
  return typeof value === 'object' && value !== null && STORE_OPEN_ERROR in value;
}

const WRITE_CODES = new Set(['SQLITE_CANTOPEN', 'SQLITE_READONLY', 'SQLITE_PERM', 'SQLITE_AUTH', 'SQLITE_FULL']);
const CORRUPT_CODES = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);
const FS_WRITE_CODES = new Set(['EACCES', 'EPERM', 'EROFS', 'ENOTDIR', 'EISDIR', 'ENOENT', 'ENOSPC']);

/**
 * Turns whatever opening a database threw into a {@link StoreOpenError} naming the file.
 *
 * @param path - The database file.
 * @param error - The raw error (kept as `cause`).
 * @returns The error to throw.
 */
export function classifyOpenError(path: string, error: unknown): StoreOpenError {
  if (isStoreOpenError(error)) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const text = error instanceof Error ? error.message : String(error);
  const file = `"${path}"`;
  if (CORRUPT_CODES.has(code)) {
    return new StoreOpenError(
      'NOT_A_DATABASE',
      path,
      `Cannot open the Banditore store ${file}: the file is not a SQLite database or is damaged. ` +
        `Restore it from a backup, or move it away to start a new store.`,
      { cause: error },
    );
  }
  if (
    WRITE_CODES.has(code) ||
    code.startsWith('SQLITE_IOERR') ||
    FS_WRITE_CODES.has(code) ||
    /directory does not exist|unable to open|readonly/i.test(text)
  ) {
    return new StoreOpenError(
      'NOT_WRITABLE',
      path,
      `Cannot open the Banditore store ${file} for writing: check that the path names a file in an ` +
        `existing folder where this process may create and write ${basename(path)}, ${basename(path)}-wal ` +
        `and ${basename(path)}-shm.`,
      { cause: error },
    );
  }
  return new StoreOpenError('OPEN_FAILED', path, `Cannot open the Banditore store ${file}: ${text}`, {
    cause: error,
  });
}

/** What each common SQLite failure means for an operator; the code itself is always shown. */
const FAILURE_HINTS: Record<string, string> = {
  SQLITE_FULL: 'the disk or the database file is full',
  SQLITE_BUSY: 'another connection held the database lock for longer than busyTimeoutMs',
  SQLITE_LOCKED: 'the database is locked by another statement of this connection',
  SQLITE_CORRUPT: 'the database file is damaged; restore it from a backup',
  SQLITE_NOTADB: 'the file is no longer a SQLite database; restore it from a backup',
  SQLITE_READONLY: 'the database file cannot be written',
  SQLITE_IOERR: 'the disk reported an input/output error',
  SQLITE_CANTOPEN: 'a file of the database (its -wal or -shm) cannot be opened',
  SQLITE_NOMEM: 'SQLite ran out of memory',
};

/**
 * Turns what a store operation threw into the error the store rejects with: a SQLite failure
 * becomes a `StoreError` whose `code` is SQLite's result code (a fixed identifier, safe to put
 * in events and logs) and whose message says what it means; anything else (a `ConfigError`, a
 * programmer error) passes through.
 *
 * @param error - What the work threw.
 * @returns The error to reject with.
 */
export function toStoreFailure(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  if (isStoreError(error)) return error;
  const code = (error as { code?: unknown }).code;
  if (typeof code !== 'string' || !/^SQLITE_[A-Z_]+$/.test(code)) return error;
  const primary = code.replace(/^(SQLITE_[A-Z]+?)_.*$/, '$1');
  const hint = FAILURE_HINTS[code] ?? FAILURE_HINTS[primary] ?? 'see the cause';
  return new StoreError(code, `The SQLite store failed with ${code}: ${hint}.`, { cause: error });
}
