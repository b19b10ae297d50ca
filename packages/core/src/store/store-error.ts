const STORE_ERROR = Symbol.for('banditore.StoreError');

/**
 * Thrown (as a rejection) by a store when its storage fails: a full disk, a lock held too long,
 * a damaged file. `code` is a stable identifier that is safe to show in events and logs (for
 * SQLite the result code, such as `SQLITE_FULL`, `SQLITE_BUSY`, `SQLITE_CORRUPT` or
 * `SQLITE_READONLY`); the message never holds personal data; the raw driver error is the `cause`.
 *
 * @example
 * ```ts
 * try { await store.recordOutcomes(batch) }
 * catch (error) { if (isStoreError(error) && error.code === 'SQLITE_FULL') alertOperator() }
 * ```
 */
export class StoreError extends Error {
  override readonly name = 'StoreError';
  /** What failed, e.g. `SQLITE_FULL`; safe to log. */
  readonly code: string;
  readonly [STORE_ERROR] = true;

  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/**
 * Tells whether a value is a {@link StoreError}, even one created by another installed copy of core.
 *
 * @param value - Anything caught.
 * @returns `true` when `value` is a StoreError.
 */
export function isStoreError(value: unknown): value is StoreError {
  return typeof value === 'object' && value !== null && STORE_ERROR in value;
}
