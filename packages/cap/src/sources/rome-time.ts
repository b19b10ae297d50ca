/** Italy's time zone: bulletins speak of "oggi" and "domani" in it. */
const ZONE = 'Europe/Rome';

const PARTS = new Intl.DateTimeFormat('en-GB', {
  timeZone: ZONE,
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
});

/** Wall-clock parts of an instant in Italy. */
export function romeParts(ms: number): { date: string; hour: number; minute: number; second: number } {
  const parts = Object.fromEntries(PARTS.formatToParts(new Date(ms)).map((part) => [part.type, part.value]));
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
}

/** Italy's UTC offset at an instant, in minutes (60 or 120). */
function offsetMinutes(ms: number): number {
  const { date, hour, minute, second } = romeParts(ms);
  const asUtc = Date.parse(
    `${date}T${String(hour).padStart(2, '0')}:${String(minute).padStart(2, '0')}:${String(second).padStart(2, '0')}Z`,
  );
  return Math.round((asUtc - Math.floor(ms / 1000) * 1000) / 60_000);
}

const offsetText = (minutes: number): string =>
  `${minutes < 0 ? '-' : '+'}${String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0')}:${String(Math.abs(minutes) % 60).padStart(2, '0')}`;

/**
 * An Italian wall-clock time as an ISO date-time with Italy's offset on that day.
 *
 * @param date - `YYYY-MM-DD`.
 * @param time - `hh:mm:ss`.
 * @returns For example `2023-05-16T23:59:59+02:00`.
 */
export function romeDateTime(date: string, time: string): string {
  const guess = Date.parse(`${date}T${time}Z`);
  // The offset one hour before and after can differ only on the two nights the clocks change.
  const offset = offsetMinutes(guess - offsetMinutes(guess) * 60_000);
  return `${date}T${time}${offsetText(offset)}`;
}

/** An instant as an ISO date-time in Italy's offset, e.g. `2022-11-16T09:57:08+01:00`. */
export function romeIso(ms: number): string {
  const { date, hour, minute, second } = romeParts(ms);
  return `${date}T${[hour, minute, second].map((n) => String(n).padStart(2, '0')).join(':')}${offsetText(offsetMinutes(ms))}`;
}

/** The day after `date` (`YYYY-MM-DD`). */
export function nextDay(date: string): string {
  return new Date(Date.parse(`${date}T12:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
}

const MONTHS = [
  'gennaio',
  'febbraio',
  'marzo',
  'aprile',
  'maggio',
  'giugno',
  'luglio',
  'agosto',
  'settembre',
  'ottobre',
  'novembre',
  'dicembre',
];

/** `2023-05-16` → `16 maggio 2023`. */
export function italianDate(date: string): string {
  const [year, month, day] = date.split('-').map(Number) as [number, number, number];
  return `${day} ${MONTHS[month - 1]} ${year}`;
}
