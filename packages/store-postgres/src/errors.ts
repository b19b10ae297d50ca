const STORE_OPEN_ERROR = Symbol.for('banditore.StoreOpenError');

/**
 * Why a PostgreSQL store could not be opened.
 *
 * - `UNREACHABLE`: no server answered at the host and port (down, wrong host, firewall, timeout).
 * - `WRONG_CREDENTIALS`: the server refused the user name or password.
 * - `MISSING_DATABASE`: the server has no database of that name.
 * - `NOT_PERMITTED`: the user may not create the schema or its tables.
 * - `NEWER_SCHEMA`: the schema was written by a newer version of this package; upgrade it.
 * - `NOT_A_STORE`: the schema holds other tables, not a Banditore store.
 * - `OPEN_FAILED`: anything else; see `cause`.
 */
export type StoreOpenErrorCode =
  | 'UNREACHABLE'
  | 'WRONG_CREDENTIALS'
  | 'MISSING_DATABASE'
  | 'NOT_PERMITTED'
  | 'NEWER_SCHEMA'
  | 'NOT_A_STORE'
  | 'OPEN_FAILED';

/** Where the store tried to connect: never the password. */
export interface StoreTarget {
  host: string;
  port: number;
  database: string;
  user: string;
  schema: string;
}

/**
 * Thrown (as a rejection) by `createPostgresStore` when the database cannot be used. The message
 * names the host, database and schema and says what to do; it never holds the password. The raw
 * driver error is kept as `cause`.
 *
 * @example
 * ```ts
 * try { await createPostgresStore({ connectionString }) }
 * catch (error) { if (isStoreOpenError(error) && error.code === 'UNREACHABLE') retryLater() }
 * ```
 */
export class StoreOpenError extends Error {
  override readonly name = 'StoreOpenError';
  /** What went wrong, as a stable code. */
  readonly code: StoreOpenErrorCode;
  /** Host, port, database, user and schema the store tried. */
  readonly target: StoreTarget;
  readonly [STORE_OPEN_ERROR] = true;

  constructor(code: StoreOpenErrorCode, target: StoreTarget, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.target = target;
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

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
  'ENOENT',
]);
// SQLSTATE classes: 28 invalid authorization, 3D000 invalid catalog name, 42501 insufficient privilege.
const CREDENTIAL_STATES = new Set(['28000', '28P01']);

/** Describes the target in one phrase for messages. */
export function describeTarget(target: StoreTarget): string {
  return `database "${target.database}" on ${target.host}:${target.port} (user "${target.user}", schema "${target.schema}")`;
}

/**
 * Turns whatever connecting or migrating threw into a {@link StoreOpenError} naming the target.
 *
 * @param target - Where the store tried to connect.
 * @param error - The raw error (kept as `cause`).
 * @returns The error to throw.
 */
export function classifyOpenError(target: StoreTarget, error: unknown): StoreOpenError {
  if (isStoreOpenError(error)) return error;
  const code = typeof error === 'object' && error !== null && 'code' in error ? String(error.code) : '';
  const text = error instanceof Error ? error.message : String(error);
  const where = describeTarget(target);
  if (NETWORK_CODES.has(code) || (code === '' && /timeout|terminated/i.test(text))) {
    return new StoreOpenError(
      'UNREACHABLE',
      target,
      `Cannot reach PostgreSQL for the Banditore store: no answer from ${target.host}:${target.port} ` +
        `(${code || 'timeout'}). Check that the server runs and that host and port are right.`,
      { cause: error },
    );
  }
  if (CREDENTIAL_STATES.has(code)) {
    return new StoreOpenError(
      'WRONG_CREDENTIALS',
      target,
      `PostgreSQL refused the credentials of user "${target.user}" for ${where}. ` +
        `Check the user name and password in the connection settings.`,
      { cause: error },
    );
  }
  if (code === '3D000') {
    return new StoreOpenError(
      'MISSING_DATABASE',
      target,
      `The Banditore store's ${where} does not exist. Create it (createdb ${target.database}) or fix the name.`,
      { cause: error },
    );
  }
  if (code === '42501') {
    return new StoreOpenError(
      'NOT_PERMITTED',
      target,
      `User "${target.user}" may not create the Banditore store's tables in ${where}. ` +
        `Grant CREATE on the database (or the schema), or create the schema as its owner.`,
      { cause: error },
    );
  }
  return new StoreOpenError(
    'OPEN_FAILED',
    target,
    `Cannot open the Banditore store in ${where}: ${code ? `${code} ` : ''}${text}`,
    {
      cause: error,
    },
  );
}
