import { CapValidationError, type CapIssue } from './cap-error.js';
import { CAP_NAMESPACE, type CapAlert, type CapArea, type CapInfo, type CapValuePair } from './cap-types.js';
import { validateCapAlert } from './validate-cap.js';
import { hasNonXmlChar } from './xml-chars.js';

/** Escapes text content; `\r` becomes a character reference so it survives line-end normalisation. */
function escape(text: string): string {
  return text.replace(/[&<>\r]/g, (char) =>
    char === '&' ? '&amp;' : char === '<' ? '&lt;' : char === '>' ? '&gt;' : '&#13;',
  );
}

function decimal(value: number): string {
  const text = String(value);
  // xs:decimal has no exponent form.
  return /e/i.test(text) ? value.toFixed(20).replace(/\.?0+$/, '') : text;
}

class Writer {
  readonly lines: string[] = [];
  readonly issues: CapIssue[] = [];

  text(depth: number, name: string, value: string | number | undefined, path: string): void {
    if (value === undefined) return;
    const text = typeof value === 'number' ? decimal(value) : value;
    if (hasNonXmlChar(text)) this.issues.push({ kind: 'rule', path, message: 'holds a character XML cannot carry' });
    this.lines.push(`${'  '.repeat(depth)}<${name}>${escape(text)}</${name}>`);
  }

  open(depth: number, name: string): void {
    this.lines.push(`${'  '.repeat(depth)}<${name}>`);
  }

  close(depth: number, name: string): void {
    this.lines.push(`${'  '.repeat(depth)}</${name}>`);
  }

  pairs(depth: number, name: string, pairs: CapValuePair[], path: string): void {
    pairs.forEach((pair, index) => {
      this.open(depth, name);
      this.text(depth + 1, 'valueName', pair.valueName, `${path}/${name}[${index}]/valueName`);
      this.text(depth + 1, 'value', pair.value, `${path}/${name}[${index}]/value`);
      this.close(depth, name);
    });
  }

  list(depth: number, name: string, values: readonly string[], path: string): void {
    values.forEach((value, index) => this.text(depth, name, value, `${path}/${name}[${index}]`));
  }
}

function writeArea(w: Writer, area: CapArea, path: string): void {
  w.open(2, 'area');
  w.text(3, 'areaDesc', area.areaDesc, `${path}/areaDesc`);
  w.list(3, 'polygon', area.polygon, path);
  w.list(3, 'circle', area.circle, path);
  w.pairs(3, 'geocode', area.geocode, path);
  w.text(3, 'altitude', area.altitude, `${path}/altitude`);
  w.text(3, 'ceiling', area.ceiling, `${path}/ceiling`);
  w.close(2, 'area');
}

function writeInfo(w: Writer, info: CapInfo, path: string): void {
  w.open(1, 'info');
  w.text(2, 'language', info.language, `${path}/language`);
  w.list(2, 'category', info.category, path);
  w.text(2, 'event', info.event, `${path}/event`);
  w.list(2, 'responseType', info.responseType, path);
  w.text(2, 'urgency', info.urgency, `${path}/urgency`);
  w.text(2, 'severity', info.severity, `${path}/severity`);
  w.text(2, 'certainty', info.certainty, `${path}/certainty`);
  w.text(2, 'audience', info.audience, `${path}/audience`);
  w.pairs(2, 'eventCode', info.eventCode, path);
  for (const key of [
    'effective',
    'onset',
    'expires',
    'senderName',
    'headline',
    'description',
    'instruction',
    'web',
    'contact',
  ] as const) {
    w.text(2, key, info[key], `${path}/${key}`);
  }
  w.pairs(2, 'parameter', info.parameter, path);
  info.resource.forEach((resource, index) => {
    const at = `${path}/resource[${index}]`;
    w.open(2, 'resource');
    w.text(3, 'resourceDesc', resource.resourceDesc, `${at}/resourceDesc`);
    w.text(3, 'mimeType', resource.mimeType, `${at}/mimeType`);
    w.text(3, 'size', resource.size, `${at}/size`);
    w.text(3, 'uri', resource.uri, `${at}/uri`);
    w.text(3, 'derefUri', resource.derefUri, `${at}/derefUri`);
    w.text(3, 'digest', resource.digest, `${at}/digest`);
    w.close(2, 'resource');
  });
  info.area.forEach((area, index) => writeArea(w, area, `${path}/area[${index}]`));
  w.close(1, 'info');
}

/**
 * Writes a CAP alert as a CAP 1.2 XML document (UTF-8, elements in schema order). The alert is
 * validated first with {@link validateCapAlert}, so what comes out is valid CAP 1.2. A parsed
 * alert's XML signature is not written: the new bytes would not match it.
 *
 * @param alert - The alert.
 * @returns The XML text.
 * @throws CapValidationError when the alert is not valid CAP 1.2.
 * @example
 * ```ts
 * const xml = toCapXml(announcementToCap(announcement, { sender: 'protezione.civile@comune.jesi.an.it' }));
 * ```
 */
export function toCapXml(alert: CapAlert): string {
  const issues = validateCapAlert(alert);
  const w = new Writer();
  w.lines.push('<?xml version="1.0" encoding="UTF-8"?>', `<alert xmlns="${CAP_NAMESPACE}">`);
  for (const key of [
    'identifier',
    'sender',
    'sent',
    'status',
    'msgType',
    'source',
    'scope',
    'restriction',
    'addresses',
  ] as const) {
    w.text(1, key, alert[key], `alert/${key}`);
  }
  w.list(1, 'code', alert.code, 'alert');
  w.text(1, 'note', alert.note, 'alert/note');
  if (alert.references.length > 0) {
    const references = alert.references.map(
      (reference) => `${reference.sender},${reference.identifier},${reference.sent}`,
    );
    w.text(1, 'references', references.join(' '), 'alert/references');
  }
  if (alert.incidents.length > 0) w.text(1, 'incidents', alert.incidents.join(' '), 'alert/incidents');
  alert.info.forEach((info, index) => writeInfo(w, info, `alert/info[${index}]`));
  w.lines.push('</alert>', '');
  const all = [...issues, ...w.issues];
  if (all.length > 0) throw new CapValidationError('CAP alert for export', all);
  return w.lines.join('\n');
}
