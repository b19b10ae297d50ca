import { describe, expect, it } from 'vitest';
import { readData } from '../test-support/data.js';
import { xmllintSchema } from '../test-support/xmllint.js';
import { toCapXml } from '../write-cap.js';
import { METEOALARM_DISCLAIMER, awarenessOf, createMeteoalarmSource, meteoalarmToCap } from './meteoalarm.js';
import { isSourceParseError } from './source.js';

const feed = readData('meteoalarm/feeds-italy.sample-2026-07-31.json');
const warnings = (JSON.parse(feed) as { warnings: { alert: unknown }[] }).warnings;

describe('MeteoAlarm', () => {
  it('reads every recorded warning as valid CAP, which exports XSD-valid', () => {
    for (const warning of warnings) {
      const cap = meteoalarmToCap(warning.alert);
      expect(cap.info.map((info) => info.language)).toEqual(['en-GB', 'it-IT']);
      expect(xmllintSchema(toCapXml(cap)).valid).toBe(true);
    }
  });

  it('maps awareness levels 1–4 to the CAP severities, as MeteoAlarm writes them', () => {
    const seen = warnings.map((warning) => {
      const cap = meteoalarmToCap(warning.alert);
      const { level, type } = awarenessOf(cap.info[0]!);
      return [level?.level, level?.colour, cap.info[0]?.severity, type?.id];
    });
    const bySeverity = { 1: 'Minor', 2: 'Moderate', 3: 'Severe', 4: 'Extreme' } as const;
    for (const [level, , severity] of seen) expect(severity).toBe(bySeverity[level as 1 | 2 | 3 | 4]);
    expect(new Set(seen.map(([level]) => level))).toEqual(new Set([1, 2, 3, 4]));
    expect(new Set(seen.map(([, , , type]) => type))).toEqual(new Set([1, 3, 5, 10]));
  });

  it('drafts the warnings of the comune’s region, Italian first, with attribution and the disclaimer', () => {
    const drafts = createMeteoalarmSource({ regions: ['IT012'] }).parse(feed, 'application/json', 0); // Lazio
    expect(drafts.length).toBeGreaterThan(0);
    const heat = drafts.find((draft) => draft.key.startsWith('meteoalarm:IT012:5:'))!;
    expect(heat).toMatchObject({
      source: 'meteoalarm',
      announcement: {
        type: 'alert',
        severity: 'severe',
        defaultLanguage: 'it-IT',
        topics: ['meteo'],
        event: 'Arancione Onda Di Calore Allerta',
        content: { 'it-IT': { headline: "Allerta Onda Di Calore Arancione per l'Italia - Lazio" } },
      },
    });
    // MeteoAlarm's colours are not Protezione Civile alerts: no Italian colour code.
    expect(heat.announcement.colorCode).toBeUndefined();
    expect(heat.announcement.content['en-GB']?.body).toContain(METEOALARM_DISCLAIMER);
    expect(heat.announcement.content['it-IT']?.body).toContain('EUMETNET – MeteoAlarm');
    // The national service's own disclaimer stays in its words.
    expect(heat.announcement.content['it-IT']?.body).toContain('non rappresentano i messaggi di Allerta Ufficiali');
    expect(heat.announcement.links.map((link) => link.url)).toContain(
      'https://meteoalarm.org/it/live/region/IT?s=lazio',
    );
  });

  it('makes green warnings quiet and ignores regions that are not the comune’s', () => {
    const regions = Array.from({ length: 20 }, (_, index) => `IT${String(index + 1).padStart(3, '0')}`).filter(
      (code) => code !== 'IT011',
    );
    const all = createMeteoalarmSource({ regions });
    const drafts = all.parse(feed, undefined, 0);
    const quiet = drafts.filter((draft) => draft.quiet);
    expect(quiet.length).toBeGreaterThan(0);
    expect(quiet.every((draft) => draft.announcement.severity === 'minor')).toBe(true);
    expect(createMeteoalarmSource({ regions: ['IT011'] }).parse(feed, undefined, 0)).toEqual([]); // no Marche entry recorded
  });

  it('reads a warning as a CAP 1.2 document the same way as its JSON entry', () => {
    const lazio = { warnings: warnings.filter((warning) => JSON.stringify(warning).includes('"IT012"')).slice(0, 1) };
    const source = createMeteoalarmSource({ regions: ['IT012'] });
    const fromJson = source.parse(JSON.stringify(lazio), 'application/json', 0);
    const xml = toCapXml(meteoalarmToCap(lazio.warnings[0]!.alert));
    expect(fromJson).toHaveLength(1);
    expect(source.parse(xml, 'application/cap+xml', 0)).toEqual(fromJson);
  });

  it.each([
    ['not JSON', 'nonsense'],
    ['an HTML page', '<html>'],
    ['no warnings', '{"alerts":[]}'],
    ['a warning that is not CAP', '{"warnings":[{"alert":{"identifier":"x"}}]}'],
  ])('refuses %s', (_name, body) => {
    let caught: unknown;
    try {
      createMeteoalarmSource({ regions: ['IT012'] }).parse(body, undefined, 0);
    } catch (error) {
      caught = error;
    }
    expect(isSourceParseError(caught)).toBe(true);
  });
});
