import { describe, expect, it } from 'vitest';
import { isCapValidationError } from './cap-error.js';
import { parseCap, safeParseCap } from './parse-cap.js';
import { listData, readData } from './test-support/data.js';
import { xmllintSchema } from './test-support/xmllint.js';
import { toCapXml } from './write-cap.js';

const samples = [...listData('cap/samples', '.xml'), ...listData('dpc/cap', '.xml')];
const valid = samples.filter((file) => !file.includes('invalid'));
const invalid = samples.filter((file) => file.includes('invalid'));

describe('parseCap on the real samples', () => {
  it('finds the samples', () => {
    expect(valid.length).toBeGreaterThanOrEqual(8);
    expect(invalid.length).toBe(3);
  });

  it.each(valid)('%s parses, re-exports XSD-valid, and round-trips', (file) => {
    const xml = readData(file);
    expect(xmllintSchema(xml).valid).toBe(true);
    const alert = parseCap(xml);
    const exported = toCapXml(alert);
    const lint = xmllintSchema(exported);
    expect(lint.output).toMatch(/validates/);
    expect(lint.valid).toBe(true);
    const again = parseCap(exported);
    const { signed: _signed, ...unsigned } = alert;
    expect(again).toEqual(unsigned);
    expect(toCapXml(again)).toBe(exported);
  });

  it.each(invalid)('%s is refused, as xmllint refuses it, with the element path', (file) => {
    const xml = readData(file);
    expect(xmllintSchema(xml).valid).toBe(false);
    const result = safeParseCap(xml);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(isCapValidationError(result.error)).toBe(true);
    expect(result.error.code).toBe('CAP_SCHEMA');
    expect(result.error.issues[0]?.path).toMatch(/^(alert|schema)/);
  });

  it('names the element out of order in the Burkina Faso fault (certainty before severity)', () => {
    const result = safeParseCap(readData('cap/samples/bf-invalid_schema.xml'));
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.error.issues.map((issue) => issue.path)).toContain('alert/info[0]/severity');
  });
});
