import { basename } from 'node:path';

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
