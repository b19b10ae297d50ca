import { CapValidationError, type CapIssue } from './cap-error.js';
import { ALERT_FIELDS, type FieldSpec } from './cap-schema.js';
import { CAP_NAMESPACE, type CapAlert, type CapReference } from './cap-types.js';
import { validateCapAlert } from './validate-cap.js';
import { parseXmlTree, XmlSyntaxError, type XmlElement } from './xml-tree.js';

const DSIG_NAMESPACE = 'http://www.w3.org/2000/09/xmldsig#';
const XSI_NAMESPACE = 'http://www.w3.org/2001/XMLSchema-instance';
/** Largest document accepted, in UTF-16 units: real alerts with detailed polygons stay under 1 MB. */
const DEFAULT_MAX_CHARS = 5_000_000;

/** Options of {@link parseCap}. */
export interface ParseCapOptions {
  /** Largest document accepted, in characters. @defaultValue 5,000,000 */
  maxChars?: number;
}

/** What {@link safeParseCap} returns. */
export type ParseCapResult = { ok: true; alert: CapAlert } | { ok: false; error: CapValidationError };

type Raw = Record<string, string | string[] | Raw[] | undefined>;

interface Walk {
  issues: CapIssue[];
  lines: Map<string, number>;
}

/** Whitespace-collapsing types keep their trimmed text; strings and enums keep theirs as written. */
const COLLAPSED = new Set(['dateTime', 'language', 'integer', 'decimal', 'anyURI']);

function readSequence(element: XmlElement, fields: readonly FieldSpec[], path: string, walk: Walk): Raw {
  const raw: Raw = {};
  const counts = new Map<string, number>();
  let position = 0;
  let signatureSeen = false;
  for (const attribute of element.attributes) {
    if (attribute.uri !== XSI_NAMESPACE) {
      walk.issues.push({ kind: 'schema', path, message: 'attributes are not allowed here', line: element.line });
    }
  }
  if (element.mixed)
    walk.issues.push({ kind: 'schema', path, message: 'text is not allowed between elements', line: element.line });
  for (const child of element.children) {
    if (child.uri === DSIG_NAMESPACE && fields === ALERT_FIELDS) {
      // The XSD allows any xmldsig element after the last info (an enveloped signature).
      signatureSeen = true;
      raw.signed = 'true';
      continue;
    }
    const childPath = `${path}/${child.uri === CAP_NAMESPACE ? child.local : `{${child.uri}}${child.local}`}`;
    const index =
      child.uri === CAP_NAMESPACE ? fields.findIndex((field, i) => i >= position && field.name === child.local) : -1;
    if (index < 0 || signatureSeen) {
      const known = child.uri === CAP_NAMESPACE && fields.some((field) => field.name === child.local);
      walk.issues.push({
        kind: 'schema',
        path: childPath,
        message: known ? 'is out of order (CAP 1.2 fixes the order of elements)' : 'is not a CAP 1.2 element here',
        line: child.line,
      });
      continue;
    }
    for (const skipped of fields.slice(position, index)) {
      if (skipped.required && !counts.has(skipped.name)) missing(skipped, path, child.line, walk);
    }
    position = index;
    const field = fields[index]!;
    const count = counts.get(field.name) ?? 0;
    counts.set(field.name, count + 1);
    if (!field.repeats && count > 0) {
      walk.issues.push({ kind: 'schema', path: childPath, message: 'may appear only once', line: child.line });
      continue;
    }
    const fieldPath = field.repeats ? `${childPath}[${count}]` : childPath;
    walk.lines.set(fieldPath, child.line);
    const value = field.children
      ? readSequence(child, field.children, fieldPath, walk)
      : readText(child, field, fieldPath, walk);
    if (field.repeats) ((raw[field.name] ??= []) as unknown[]).push(value);
    else raw[field.name] = value as string;
  }
  for (const field of fields.slice(position)) {
    if (field.required && !counts.has(field.name)) missing(field, path, element.line, walk);
  }
  return raw;
}

function missing(field: FieldSpec, path: string, line: number | undefined, walk: Walk): void {
  walk.issues.push({
    kind: 'schema',
    path: `${path}/${field.name}${field.repeats ? '[0]' : ''}`,
    message: 'is required',
    ...(line === undefined ? {} : { line }),
  });
}

function readText(element: XmlElement, field: FieldSpec, path: string, walk: Walk): string {
  if (element.children.length > 0) {
    walk.issues.push({ kind: 'schema', path, message: 'must hold text only, not elements', line: element.line });
  }
  if (element.attributes.some((attribute) => attribute.uri !== XSI_NAMESPACE)) {
    walk.issues.push({ kind: 'schema', path, message: 'attributes are not allowed here', line: element.line });
  }
  const type = field.type ?? 'string';
  const text = typeof type === 'string' && COLLAPSED.has(type) ? element.text.trim() : element.text;
  if (type === 'integer' && !/^[+-]?\d+$/.test(text)) {
    walk.issues.push({ kind: 'schema', path, message: 'must be an integer', line: element.line });
  }
  if (type === 'decimal' && !/^[+-]?(\d+(\.\d*)?|\.\d+)$/.test(text)) {
    walk.issues.push({ kind: 'schema', path, message: 'must be a decimal number', line: element.line });
  }
  return text;
}

const words = (text: string | undefined): string[] => (text === undefined ? [] : text.split(/\s+/).filter(Boolean));

function references(text: string | undefined): CapReference[] {
  return words(text).map((triple) => {
    // An identifier may not hold a comma, but a sender in the wild sometimes does: the
    // identifier and the date are the last two fields, the sender is whatever is before them.
    const parts = triple.split(',');
    const sent = parts.length >= 3 ? parts.pop()! : '';
    const identifier = parts.length >= 2 ? parts.pop()! : '';
    return { sender: parts.join(','), identifier, sent };
  });
}

function toAlert(raw: Raw): CapAlert {
  const text = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
  const list = (value: unknown): string[] => (Array.isArray(value) ? (value as string[]) : []);
  const groups = (value: unknown): Raw[] => (Array.isArray(value) ? (value as Raw[]) : []);
  const pairs = (value: unknown) =>
    groups(value).map((pair) => ({ valueName: text(pair.valueName) ?? '', value: text(pair.value) ?? '' }));
  const optional = <K extends string>(key: K, value: string | undefined): Partial<Record<K, string>> =>
    (value === undefined ? {} : { [key]: value }) as Partial<Record<K, string>>;
  const optionalNumber = <K extends string>(key: K, value: string | undefined): Partial<Record<K, number>> =>
    (value === undefined ? {} : { [key]: Number(value) }) as Partial<Record<K, number>>;

  const alert = {
    identifier: text(raw.identifier) ?? '',
    sender: text(raw.sender) ?? '',
    sent: text(raw.sent) ?? '',
    status: text(raw.status) ?? '',
    msgType: text(raw.msgType) ?? '',
    ...optional('source', text(raw.source)),
    scope: text(raw.scope) ?? '',
    ...optional('restriction', text(raw.restriction)),
    ...optional('addresses', text(raw.addresses)),
    code: list(raw.code),
    ...optional('note', text(raw.note)),
    references: references(text(raw.references)),
    incidents: words(text(raw.incidents)),
    info: groups(raw.info).map((info) => ({
      ...optional('language', text(info.language)),
      category: list(info.category),
      event: text(info.event) ?? '',
      responseType: list(info.responseType),
      urgency: text(info.urgency) ?? '',
      severity: text(info.severity) ?? '',
      certainty: text(info.certainty) ?? '',
      ...optional('audience', text(info.audience)),
      eventCode: pairs(info.eventCode),
      ...optional('effective', text(info.effective)),
      ...optional('onset', text(info.onset)),
      ...optional('expires', text(info.expires)),
      ...optional('senderName', text(info.senderName)),
      ...optional('headline', text(info.headline)),
      ...optional('description', text(info.description)),
      ...optional('instruction', text(info.instruction)),
      ...optional('web', text(info.web)),
      ...optional('contact', text(info.contact)),
      parameter: pairs(info.parameter),
      resource: groups(info.resource).map((resource) => ({
        resourceDesc: text(resource.resourceDesc) ?? '',
        mimeType: text(resource.mimeType) ?? '',
        ...optionalNumber('size', text(resource.size)),
        ...optional('uri', text(resource.uri)),
        ...optional('derefUri', text(resource.derefUri)),
        ...optional('digest', text(resource.digest)),
      })),
      area: groups(info.area).map((area) => ({
        areaDesc: text(area.areaDesc) ?? '',
        polygon: list(area.polygon),
        circle: list(area.circle),
        geocode: pairs(area.geocode),
        ...optionalNumber('altitude', text(area.altitude)),
        ...optionalNumber('ceiling', text(area.ceiling)),
      })),
    })),
    ...(raw.signed === 'true' ? { signed: true } : {}),
  };
  // The enums are checked by validateCapAlert right after; until then they are plain strings.
  return alert as CapAlert;
}

/**
 * Parses and validates a CAP 1.2 document: well-formed XML (saxes), the CAP 1.2 schema (element
 * names, order, cardinality, enumerations, date-time and number formats) and the CAP rules the
 * schema cannot say (see {@link validateCapAlert}).
 *
 * @param xml - The document.
 * @param options - See {@link ParseCapOptions}.
 * @returns The alert.
 * @throws CapValidationError listing every problem with its element path.
 * @example
 * ```ts
 * const alert = parseCap(await response.text());
 * alert.info[0]?.area[0]?.geocode; // [{ valueName: 'Zona di Allerta', value: 'Marc-4' }]
 * ```
 */
export function parseCap(xml: string, options: ParseCapOptions = {}): CapAlert {
  const result = safeParseCap(xml, options);
  if (!result.ok) throw result.error;
  return result.alert;
}

/**
 * Like {@link parseCap}, but returns the error instead of throwing it.
 *
 * @param xml - The document.
 * @param options - See {@link ParseCapOptions}.
 * @returns `{ ok: true, alert }` or `{ ok: false, error }`.
 */
export function safeParseCap(xml: string, options: ParseCapOptions = {}): ParseCapResult {
  const fail = (issues: CapIssue[]): ParseCapResult => ({
    ok: false,
    error: new CapValidationError('CAP document', issues),
  });
  const maxChars = options.maxChars ?? DEFAULT_MAX_CHARS;
  if (xml.length > maxChars)
    return fail([{ kind: 'xml', path: '(document)', message: `is longer than ${maxChars} characters` }]);
  let root: XmlElement;
  try {
    root = parseXmlTree(xml);
  } catch (error) {
    if (!(error instanceof XmlSyntaxError)) throw error;
    return fail([{ kind: 'xml', path: '(document)', message: error.message, line: error.line }]);
  }
  if (root.local !== 'alert' || root.uri !== CAP_NAMESPACE) {
    return fail([
      {
        kind: 'schema',
        path: root.local,
        message: `the root must be alert in the ${CAP_NAMESPACE} namespace`,
        line: root.line,
      },
    ]);
  }
  const walk: Walk = { issues: [], lines: new Map([['alert', root.line]]) };
  const raw = readSequence(root, ALERT_FIELDS, 'alert', walk);
  if (walk.issues.length > 0) return fail(walk.issues);
  const alert = toAlert(raw);
  const issues = validateCapAlert(alert).map((issue) => {
    const line = lineOf(issue.path, walk.lines);
    return line === undefined ? issue : { ...issue, line };
  });
  return issues.length > 0 ? fail(issues) : { ok: true, alert };
}

function lineOf(path: string, lines: Map<string, number>): number | undefined {
  for (let current = path; current.length > 0; current = current.slice(0, Math.max(0, current.lastIndexOf('/')))) {
    const line = lines.get(current);
    if (line !== undefined) return line;
  }
  return undefined;
}
