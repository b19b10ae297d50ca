import type { CapIssue } from './cap-error.js';
import {
  CAP_CATEGORIES,
  CAP_CERTAINTIES,
  CAP_MSG_TYPES,
  CAP_RESPONSE_TYPES,
  CAP_SCOPES,
  CAP_SEVERITIES,
  CAP_STATUSES,
  CAP_URGENCIES,
  type CapAlert,
  type CapArea,
  type CapInfo,
} from './cap-types.js';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})([-+])(\d{2}):(\d{2})$/;
// xs:language: RFC 3066 primary tag and subtags of up to 8 letters or digits.
const LANGUAGE = /^[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*$/;
// CAP 1.2 §3.2.1: identifier and sender "MUST NOT include spaces, commas or restricted characters (< and &)".
const FORBIDDEN_ID_CHARS = /[\s,<&]/;
const COORDINATE = /^[-+]?\d+(\.\d+)?$/;

/**
 * Whether `value` is a CAP date-time: `YYYY-MM-DDThh:mm:ss±hh:mm` (no fractions, no `Z`), and a
 * real date.
 *
 * @param value - The text.
 * @returns `true` when valid.
 */
export function isCapDateTime(value: string): boolean {
  const match = DATE_TIME.exec(value);
  if (!match) return false;
  const [year = 0, month = 0, day = 0, hour = 0, minute = 0, second = 0, , offsetHours = 0, offsetMinutes = 0] = match
    .slice(1)
    .map(Number);
  const days = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= days &&
    hour <= 23 &&
    minute <= 59 &&
    second <= 59 &&
    offsetHours <= 14 &&
    offsetMinutes <= 59
  );
}

const isOneOf = <T extends string>(values: readonly T[], value: unknown): value is T =>
  typeof value === 'string' && (values as readonly string[]).includes(value);

const listing = (values: readonly string[]): string => values.join(', ');

function isAbsoluteUri(value: string): boolean {
  if (/\s/.test(value)) return false;
  try {
    return new URL(value).protocol.length > 1;
  } catch {
    return false;
  }
}

/**
 * Checks a CAP alert against the CAP 1.2 schema's value rules (enumerations, date-times,
 * languages, numbers) and the rules of the CAP 1.2 specification that the XSD cannot say:
 *
 * - `identifier` and `sender` hold no spaces, commas, `<` or `&`;
 * - `references` are `sender,identifier,sent` triples with a valid date-time, and `Update`,
 *   `Cancel`, `Ack` and `Error` messages have at least one;
 * - `Restricted` scope needs `restriction`, `Private` scope needs `addresses`;
 * - each `info`'s `expires` is after its `effective` (or the alert's `sent` when absent), and
 *   after `onset`;
 * - polygons have at least four points, valid coordinates, and close on the first point;
 *   circles are `lat,lon radius`; `ceiling` needs `altitude` and is not below it;
 * - `web` and resource `uri` are absolute URIs; resource `size` is not negative.
 *
 * @param alert - The alert.
 * @returns Every problem found, empty when the alert is valid.
 */
export function validateCapAlert(alert: CapAlert): CapIssue[] {
  const issues: CapIssue[] = [];
  const schema = (path: string, message: string): void => void issues.push({ kind: 'schema', path, message });
  const rule = (path: string, message: string): void => void issues.push({ kind: 'rule', path, message });
  const dateTime = (path: string, value: string | undefined): void => {
    if (value !== undefined && !isCapDateTime(value)) {
      schema(path, 'must be a date-time like 2026-05-16T15:22:00+02:00 (offset required, no "Z", no fractions)');
    }
  };

  for (const key of ['identifier', 'sender'] as const) {
    if (alert[key] === '' || FORBIDDEN_ID_CHARS.test(alert[key])) {
      rule(`alert/${key}`, 'must be non-empty, without spaces, commas, "<" or "&"');
    }
  }
  dateTime('alert/sent', alert.sent);
  if (!isOneOf(CAP_STATUSES, alert.status)) schema('alert/status', `must be one of ${listing(CAP_STATUSES)}`);
  if (!isOneOf(CAP_MSG_TYPES, alert.msgType)) schema('alert/msgType', `must be one of ${listing(CAP_MSG_TYPES)}`);
  if (!isOneOf(CAP_SCOPES, alert.scope)) schema('alert/scope', `must be one of ${listing(CAP_SCOPES)}`);
  if (alert.scope === 'Restricted' && !alert.restriction?.trim())
    rule('alert/restriction', 'is required when scope is Restricted');
  if (alert.scope === 'Private' && !alert.addresses?.trim())
    rule('alert/addresses', 'is required when scope is Private');

  alert.references.forEach((reference, index) => {
    const path = `alert/references`;
    if (!reference.sender || !reference.identifier || FORBIDDEN_ID_CHARS.test(reference.identifier)) {
      rule(path, `entry ${index} must be "sender,identifier,sent" (space-separated entries)`);
    } else if (!isCapDateTime(reference.sent)) {
      rule(path, `entry ${index} must end with the referenced message's sent date-time`);
    }
  });
  if (['Update', 'Cancel', 'Ack', 'Error'].includes(alert.msgType) && alert.references.length === 0) {
    rule('alert/references', `is required for msgType ${alert.msgType}`);
  }
  alert.incidents.forEach((incident, index) => {
    if (incident.includes(',')) rule('alert/incidents', `entry ${index} must not hold a comma`);
  });

  alert.info.forEach((info, index) => checkInfo(info, `alert/info[${index}]`, alert.sent, schema, rule, dateTime));
  return issues;
}

type Report = (path: string, message: string) => void;

function checkInfo(
  info: CapInfo,
  path: string,
  sent: string,
  schema: Report,
  rule: Report,
  dateTime: (path: string, value: string | undefined) => void,
): void {
  if (info.language !== undefined && !LANGUAGE.test(info.language))
    schema(`${path}/language`, 'must be a language tag such as it-IT');
  if (info.category.length === 0) schema(`${path}/category[0]`, 'is required');
  info.category.forEach((category, index) => {
    if (!isOneOf(CAP_CATEGORIES, category))
      schema(`${path}/category[${index}]`, `must be one of ${listing(CAP_CATEGORIES)}`);
  });
  if (info.event.trim() === '') rule(`${path}/event`, 'must not be empty');
  info.responseType.forEach((type, index) => {
    if (!isOneOf(CAP_RESPONSE_TYPES, type))
      schema(`${path}/responseType[${index}]`, `must be one of ${listing(CAP_RESPONSE_TYPES)}`);
  });
  if (!isOneOf(CAP_URGENCIES, info.urgency)) schema(`${path}/urgency`, `must be one of ${listing(CAP_URGENCIES)}`);
  if (!isOneOf(CAP_SEVERITIES, info.severity)) schema(`${path}/severity`, `must be one of ${listing(CAP_SEVERITIES)}`);
  if (!isOneOf(CAP_CERTAINTIES, info.certainty))
    schema(`${path}/certainty`, `must be one of ${listing(CAP_CERTAINTIES)}`);
  dateTime(`${path}/effective`, info.effective);
  dateTime(`${path}/onset`, info.onset);
  dateTime(`${path}/expires`, info.expires);
  if (info.expires !== undefined && isCapDateTime(info.expires)) {
    const expires = Date.parse(info.expires);
    const start = info.effective ?? sent;
    if (isCapDateTime(start) && expires <= Date.parse(start)) {
      rule(
        `${path}/expires`,
        info.effective === undefined ? 'must be after the alert is sent' : 'must be after effective',
      );
    }
    if (info.onset !== undefined && isCapDateTime(info.onset) && expires <= Date.parse(info.onset)) {
      rule(`${path}/expires`, 'must be after onset');
    }
  }
  if (info.web !== undefined && !isAbsoluteUri(info.web)) rule(`${path}/web`, 'must be an absolute URI');
  info.resource.forEach((resource, index) => {
    const at = `${path}/resource[${index}]`;
    if (resource.size !== undefined && (!Number.isSafeInteger(resource.size) || resource.size < 0)) {
      rule(`${at}/size`, 'must be a whole number of bytes');
    }
    if (resource.uri !== undefined && resource.derefUri === undefined && !isAbsoluteUri(resource.uri)) {
      rule(`${at}/uri`, 'must be an absolute URI (a relative one only with derefUri)');
    }
    if (resource.mimeType.trim() === '') rule(`${at}/mimeType`, 'must not be empty');
  });
  info.area.forEach((area, index) => checkArea(area, `${path}/area[${index}]`, schema, rule));
}

function point(text: string): [number, number] | undefined {
  const parts = text.split(',');
  if (parts.length !== 2 || !parts.every((part) => COORDINATE.test(part))) return undefined;
  const [lat, lon] = parts.map(Number) as [number, number];
  return Math.abs(lat) <= 90 && Math.abs(lon) <= 180 ? [lat, lon] : undefined;
}

function checkArea(area: CapArea, path: string, schema: Report, rule: Report): void {
  if (area.areaDesc.trim() === '') rule(`${path}/areaDesc`, 'must not be empty');
  area.polygon.forEach((polygon, index) => {
    const at = `${path}/polygon[${index}]`;
    const pairs = polygon.trim().split(/\s+/);
    const points = pairs.map(point);
    if (points.some((p) => p === undefined)) rule(at, 'must be "lat,lon" pairs (WGS 84, degrees) separated by spaces');
    else if (points.length < 4) rule(at, 'must have at least four points');
    else if (pairs[0] !== pairs[pairs.length - 1] && points[0]!.join() !== points[points.length - 1]!.join()) {
      rule(at, 'must end on its first point');
    }
  });
  area.circle.forEach((circle, index) => {
    const parts = circle.trim().split(/\s+/);
    const radius = parts[1];
    if (
      parts.length !== 2 ||
      point(parts[0]!) === undefined ||
      radius === undefined ||
      !COORDINATE.test(radius) ||
      Number(radius) < 0
    ) {
      rule(`${path}/circle[${index}]`, 'must be "lat,lon radius" with the radius in km');
    }
  });
  for (const key of ['altitude', 'ceiling'] as const) {
    const value = area[key];
    if (value !== undefined && !Number.isFinite(value)) schema(`${path}/${key}`, 'must be a decimal number');
  }
  if (area.ceiling !== undefined && area.altitude === undefined) rule(`${path}/ceiling`, 'needs altitude');
  if (area.ceiling !== undefined && area.altitude !== undefined && area.ceiling < area.altitude) {
    rule(`${path}/ceiling`, 'must not be below altitude');
  }
}
