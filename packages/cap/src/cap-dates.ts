import { isCapDateTime } from './validate-cap.js';

/**
 * Writes an instant as a CAP date-time. CAP forbids `Z` and fractions; UTC is written `-00:00`.
 *
 * @param ms - Milliseconds since the epoch.
 * @returns For example `2026-05-16T13:22:00-00:00`.
 */
export function formatCapDateTime(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}-00:00`;
}

/**
 * Any ISO 8601 date-time with an offset (or `Z`), as a CAP date-time: kept as written when it
 * already is one, otherwise the same instant in UTC without fractions.
 *
 * @param value - An ISO date-time.
 * @returns A CAP date-time.
 */
export function toCapDateTime(value: string): string {
  return isCapDateTime(value) ? value : formatCapDateTime(Date.parse(value));
}

/** Whether two date-times (or two absences) are the same instant. */
export function sameInstant(a: string | undefined, b: string | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return Date.parse(a) === Date.parse(b);
}
