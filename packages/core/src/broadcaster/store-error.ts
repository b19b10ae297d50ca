/**
 * The code of a storage error when it is safe to show: a short SCREAMING_SNAKE code such as
 * SQLite's `SQLITE_FULL`, `SQLITE_BUSY` or `SQLITE_CORRUPT`, or a store's own code. Messages are
 * never passed on: they may quote SQL or data.
 *
 * @param error - What the store threw.
 * @returns The code, or `undefined` when there is none fit to show.
 */
export function safeErrorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,63}$/.test(code) ? code : undefined;
}
