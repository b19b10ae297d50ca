import { describe, expect, it } from 'vitest';
import { isCapValidationError, type CapIssue } from './cap-error.js';
import { safeParseCap } from './parse-cap.js';
import { xmllintSchema } from './test-support/xmllint.js';
import { isCapDateTime } from './validate-cap.js';

const NS = 'urn:oasis:names:tc:emergency:cap:1.2';

/** A small valid alert; each case below changes one thing. */
function alert(parts: { head?: string; info?: string; area?: string; tail?: string } = {}): string {
  const area =
    parts.area ??
    `<area><areaDesc>Jesi</areaDesc><geocode><valueName>ISTAT</valueName><value>042021</value></geocode></area>` +
      `<area><areaDesc>Zona di allerta</areaDesc><geocode><valueName>Zona di Allerta</valueName><value>Marc-4</value></geocode></area>`;
  const info =
    parts.info ??
    `<info><language>it-IT</language><category>Met</category><event>Temporali</event><urgency>Expected</urgency>` +
      `<severity>Moderate</severity><certainty>Likely</certainty><effective>2026-05-16T16:00:00+02:00</effective>` +
      `<expires>2026-05-16T23:59:59+02:00</expires><headline>Allerta gialla</headline>${area}</info>`;
  const head =
    parts.head ??
    `<identifier>jesi-1</identifier><sender>protezione.civile@comune.jesi.an.it</sender><sent>2026-05-16T15:22:00+02:00</sent>` +
      `<status>Actual</status><msgType>Alert</msgType><scope>Public</scope>`;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<alert xmlns="${NS}">${head}${info}${parts.tail ?? ''}</alert>`;
}

const HEAD_UPDATE = (references: string) =>
  `<identifier>jesi-2</identifier><sender>pc@jesi</sender><sent>2026-05-16T17:00:00+02:00</sent><status>Actual</status>` +
  `<msgType>Update</msgType><scope>Public</scope>${references}`;

function issues(xml: string): CapIssue[] {
  const result = safeParseCap(xml);
  if (result.ok) return [];
  expect(isCapValidationError(result.error)).toBe(true);
  return [...result.error.issues];
}

describe('CAP validation', () => {
  it('accepts the base alert, as xmllint does', () => {
    expect(issues(alert())).toEqual([]);
    expect(xmllintSchema(alert()).valid).toBe(true);
  });

  // [what, document, expected kind, expected path, does the XSD (xmllint) also refuse it?]
  it.each([
    [
      'a missing value of a geocode',
      alert({
        area: '<area><areaDesc>x</areaDesc></area><area><areaDesc>y</areaDesc><geocode><valueName>ISTAT</valueName></geocode></area>',
      }),
      'schema',
      'alert/info[0]/area[1]/geocode[0]/value',
      true,
    ],
    [
      'elements out of order',
      alert({
        head: '<sender>a</sender><identifier>b</identifier><sent>2026-05-16T15:22:00+02:00</sent><status>Actual</status><msgType>Alert</msgType><scope>Public</scope>',
      }),
      'schema',
      'alert/identifier',
      true,
    ],
    ['an unknown element', alert({ tail: '<colour>red</colour>' }), 'schema', 'alert/colour', true],
    [
      'an element of another namespace',
      alert({ tail: '<x:note xmlns:x="urn:other">n</x:note>' }),
      'schema',
      'alert/{urn:other}note',
      true,
    ],
    [
      'a second sent',
      alert({
        head: alert()
          .match(/<identifier>.*<scope>Public<\/scope>/)![0]
          .replace('<status>', '<sent>2026-05-16T15:22:00+02:00</sent><status>'),
      }),
      'schema',
      'alert/sent',
      true,
    ],
    [
      'a severity out of the enumeration',
      alert({
        info: alert()
          .match(/<info>.*<\/info>/)![0]
          .replace('Moderate', 'Medium'),
      }),
      'schema',
      'alert/info[0]/severity',
      true,
    ],
    [
      'an enumeration with spaces around it',
      alert({
        info: alert()
          .match(/<info>.*<\/info>/)![0]
          .replace('>Moderate<', '> Moderate <'),
      }),
      'schema',
      'alert/info[0]/severity',
      true,
    ],
    [
      'a "Z" time zone',
      alert({
        head: HEAD_UPDATE('<references>a,b,2026-05-16T15:22:00+02:00</references>').replace(
          '17:00:00+02:00',
          '15:00:00Z',
        ),
      }),
      'schema',
      'alert/sent',
      true,
    ],
    [
      'fractional seconds',
      alert({
        head: HEAD_UPDATE('<references>a,b,2026-05-16T15:22:00+02:00</references>').replace(
          '17:00:00+02:00',
          '17:00:00.5+02:00',
        ),
      }),
      'schema',
      'alert/sent',
      true,
    ],
    [
      'a 30th of February',
      alert({
        head: HEAD_UPDATE('<references>a,b,2026-05-16T15:22:00+02:00</references>').replace(
          '2026-05-16T17',
          '2026-02-30T17',
        ),
      }),
      'schema',
      'alert/sent',
      true,
    ],
    [
      'an element inside a text element',
      alert({
        info: alert()
          .match(/<info>.*<\/info>/)![0]
          .replace('<event>Temporali</event>', '<event>Temporali<b>!</b></event>'),
      }),
      'schema',
      'alert/info[0]/event',
      true,
    ],
    ['an Update without references', alert({ head: HEAD_UPDATE('') }), 'rule', 'alert/references', false],
    [
      'references that are not triples',
      alert({ head: HEAD_UPDATE('<references>jesi-1</references>') }),
      'rule',
      'alert/references',
      false,
    ],
    [
      'a reference with a bad date',
      alert({ head: HEAD_UPDATE('<references>pc@jesi,jesi-1,yesterday</references>') }),
      'rule',
      'alert/references',
      false,
    ],
    [
      'an identifier with a space',
      alert({
        head: alert()
          .match(/<identifier>.*<scope>Public<\/scope>/)![0]
          .replace('jesi-1', 'jesi 1'),
      }),
      'rule',
      'alert/identifier',
      false,
    ],
    [
      'a sender with a comma',
      alert({
        head: alert()
          .match(/<identifier>.*<scope>Public<\/scope>/)![0]
          .replace('protezione.civile@', 'a,b@'),
      }),
      'rule',
      'alert/sender',
      false,
    ],
    [
      'Restricted scope without restriction',
      alert({
        head: alert()
          .match(/<identifier>.*<scope>Public<\/scope>/)![0]
          .replace('Public', 'Restricted'),
      }),
      'rule',
      'alert/restriction',
      false,
    ],
    [
      'Private scope without addresses',
      alert({
        head: alert()
          .match(/<identifier>.*<scope>Public<\/scope>/)![0]
          .replace('Public', 'Private'),
      }),
      'rule',
      'alert/addresses',
      false,
    ],
    [
      'expires before effective',
      alert({
        info: alert()
          .match(/<info>.*<\/info>/)![0]
          .replace('23:59:59', '10:00:00'),
      }),
      'rule',
      'alert/info[0]/expires',
      false,
    ],
    [
      'an open polygon',
      alert({ area: '<area><areaDesc>x</areaDesc><polygon>43.5,13.2 43.6,13.2 43.6,13.3 43.5,13.3</polygon></area>' }),
      'rule',
      'alert/info[0]/area[0]/polygon[0]',
      false,
    ],
    [
      'a polygon with three points',
      alert({ area: '<area><areaDesc>x</areaDesc><polygon>43.5,13.2 43.6,13.2 43.5,13.2</polygon></area>' }),
      'rule',
      'alert/info[0]/area[0]/polygon[0]',
      false,
    ],
    [
      'a latitude beyond 90',
      alert({ area: '<area><areaDesc>x</areaDesc><circle>93.5,13.2 5</circle></area>' }),
      'rule',
      'alert/info[0]/area[0]/circle[0]',
      false,
    ],
    [
      'a ceiling without altitude',
      alert({ area: '<area><areaDesc>x</areaDesc><ceiling>100</ceiling></area>' }),
      'rule',
      'alert/info[0]/area[0]/ceiling',
      false,
    ],
    [
      'an altitude that is not a number',
      alert({ area: '<area><areaDesc>x</areaDesc><altitude>alto</altitude></area>' }),
      'schema',
      'alert/info[0]/area[0]/altitude',
      true,
    ],
  ] as const)('refuses %s, naming the element', (_what, xml, kind, path, xsdRefuses) => {
    const found = issues(xml);
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]).toMatchObject({ kind, path });
    expect(found[0]?.line).toBe(xml.startsWith('<?xml') ? 2 : 1);
    // The schema rules agree with libxml2; the semantic rules are what the XSD cannot say.
    expect(xmllintSchema(xml).valid).toBe(!xsdRefuses);
  });

  it.each([
    ['not XML at all', 'garbage', 'CAP_NOT_XML'],
    ['an unclosed element', `<alert xmlns="${NS}"><identifier>x</alert>`, 'CAP_NOT_XML'],
    [
      'a DOCTYPE (no entity expansion, ever)',
      `<!DOCTYPE alert [<!ENTITY a "aaaa">]><alert xmlns="${NS}"/>`,
      'CAP_NOT_XML',
    ],
    ['a lone surrogate handed over in a string', `<alert xmlns="${NS}">\ud800</alert>`, 'CAP_NOT_XML'],
    ['a control character', `<alert xmlns="${NS}">\u0001</alert>`, 'CAP_NOT_XML'],
    ['CAP 1.1', `<alert xmlns="urn:oasis:names:tc:emergency:cap:1.1"/>`, 'CAP_SCHEMA'],
    ['an alert without namespace', `<alert/>`, 'CAP_SCHEMA'],
  ])('refuses %s', (_what, xml, code) => {
    const result = safeParseCap(xml);
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe(code);
  });

  it('refuses a document over the size limit before parsing it', () => {
    const result = safeParseCap(alert(), { maxChars: 100 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.issues[0]).toMatchObject({ kind: 'xml', path: '(document)' });
  });

  it('accepts a prefixed CAP namespace, CDATA, comments and an enveloped signature', () => {
    const xml = `<cap:alert xmlns:cap="${NS}"><!-- c --><cap:identifier>x</cap:identifier><cap:sender>y</cap:sender><cap:sent>2026-05-16T15:22:00-00:00</cap:sent><cap:status>Test</cap:status><cap:msgType>Alert</cap:msgType><cap:scope>Public</cap:scope><cap:note><![CDATA[a < b & c]]></cap:note><ds:Signature xmlns:ds="http://www.w3.org/2000/09/xmldsig#"/></cap:alert>`;
    const result = safeParseCap(xml);
    expect(result.ok && result.alert).toMatchObject({ note: 'a < b & c', status: 'Test', signed: true, info: [] });
    expect(xmllintSchema(xml).valid).toBe(true);
  });

  it('never repeats the document text in the error message', () => {
    const secret = 'Mario Rossi 3331234567';
    const result = safeParseCap(
      alert({
        info: alert()
          .match(/<info>.*<\/info>/)![0]
          .replace('Moderate', secret),
      }),
    );
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.message).not.toContain('3331234567');
  });

  it.each([
    ['2026-05-16T15:22:00+02:00', true],
    ['2024-02-29T00:00:00-00:00', true],
    ['2023-02-29T00:00:00-00:00', false],
    ['2026-05-16T24:00:00+02:00', false],
    ['2026-05-16T15:22:00Z', false],
    ['2026-05-16T15:22:00', false],
    ['2026-05-16T15:22:00+15:00', false],
  ])('isCapDateTime(%s) is %s', (value, expected) => {
    expect(isCapDateTime(value)).toBe(expected);
  });
});
