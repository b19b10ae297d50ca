import { describe, expect, it } from 'vitest';
import { readData } from '../test-support/data.js';
import { createDpcSource, dpcDrafts, parseDpcCap, parseDpcIndex } from './dpc.js';
import { isSourceParseError } from './source.js';

const MARC_4 = { code: 'Marc-4' };

/** The colour per zone of opendatasicilia's CSV rendering of DPC's shapefiles (an independent reading). */
function csvColours(file: string): Map<string, string> {
  const [, ...rows] = readData(file).trim().split('\n');
  return new Map(
    rows.map((row) => {
      const cells = row.split(',');
      const colour = /ALLERTA (GIALLA|ARANCIONE|ROSSA)/.exec(cells[4] ?? '')?.[1]?.toLowerCase() ?? 'verde';
      return [cells[3]!, colour];
    }),
  );
}

describe('DPC criticality bulletin', () => {
  it('gives Jesi (zone Marc-4) orange for hydraulic and hydro-geological risk today and tomorrow on 16 May 2023', () => {
    const bulletin = parseDpcIndex(readData('dpc/20230516_1522.json'), MARC_4);
    expect(bulletin.name).toBe('Bollettino del 16 maggio 2023 ore 15:22');
    expect(bulletin.today).toEqual({
      date: '2023-05-16',
      level: 'arancione',
      risks: { idraulico: 'arancione', idrogeologico: 'arancione' },
    });
    expect(bulletin.tomorrow).toMatchObject({ date: '2023-05-17', level: 'arancione' });
    const zoneOfJesi = readData('dpc/opendatasicilia/zone_comuni.marche.csv')
      .split('\n')
      .find((row) => row.startsWith('042021,Jesi,'));
    expect(zoneOfJesi?.split(',')[5]).toBe('Marc-4');
  });

  it.each(['Marc-1', 'Marc-2', 'Marc-3', 'Marc-4', 'Marc-5', 'Marc-6'])(
    'agrees with the CSV rendering of the same day for %s',
    (code) => {
      const bulletin = parseDpcIndex(readData('dpc/20230516_1522.json'), { code });
      expect(bulletin.today.level).toBe(csvColours('dpc/opendatasicilia/20230516-bollettino-oggi-zone.csv').get(code));
      expect(bulletin.tomorrow.level).toBe(
        csvColours('dpc/opendatasicilia/20230516-bollettino-domani-zone.csv').get(code),
      );
    },
  );

  it('matches zones DPC lists by name, names with commas included', () => {
    const bologna = parseDpcIndex(readData('dpc/20230516_1522.json'), { code: 'Emil-C', name: 'Collina bolognese' });
    expect(bologna.today.risks).toEqual({ idraulico: 'rossa', idrogeologico: 'rossa' });
    const eolie = parseDpcIndex(readData('dpc/20230516_1522.json'), {
      code: 'Sici-B',
      name: 'Nord-Orientale, versante tirrenico e isole Eolie',
    });
    expect(eolie.today.risks.temporali).toBe('gialla');
  });

  it('drafts one announcement per day with the Italian colour code', () => {
    const drafts = dpcDrafts(parseDpcIndex(readData('dpc/20230516_1522.json'), MARC_4), {
      comune: 'Jesi',
      zone: MARC_4,
    });
    expect(drafts.map((draft) => draft.key)).toEqual(['dpc:Marc-4:2023-05-16', 'dpc:Marc-4:2023-05-17']);
    expect(drafts[0]).toMatchObject({
      source: 'dpc',
      announcement: {
        id: 'dpc-Marc-4-20230516',
        severity: 'severe',
        colorCode: 'arancione',
        topics: ['protezione-civile', 'meteo'],
        effective: '2023-05-16T14:14:37.342Z',
        expires: '2023-05-16T23:59:59+02:00',
        content: { it: { headline: 'Allerta arancione per rischio idraulico e idrogeologico oggi 16 maggio a Jesi' } },
      },
    });
    expect(drafts[0]?.quiet).toBeUndefined();
    expect(drafts[0]?.announcement.content.it?.body).toContain(
      'Rischio idraulico: allerta arancione (criticità moderata).',
    );
    expect(drafts[1]?.announcement).toMatchObject({
      effective: '2023-05-16T22:00:00.000Z',
      expires: '2023-05-17T23:59:59+02:00',
    });
  });

  it('reads the DPC CAP file: a quiet day is a quiet draft, a zone with an alert gets its colour', () => {
    const quiet = parseDpcCap(readData('dpc/cap/Cap_20260730_1511.xml'), MARC_4);
    expect(quiet.today.level).toBe('verde');
    expect(quiet.tomorrow.level).toBe('verde');
    const drafts = dpcDrafts(quiet, { comune: 'Jesi', zone: MARC_4 });
    expect(drafts.every((draft) => draft.quiet)).toBe(true);
    expect(parseDpcCap(readData('dpc/cap/Cap_20260730_1511.xml'), { code: 'Tren-A' }).tomorrow).toEqual({
      date: '2026-07-31',
      level: 'gialla',
      risks: { temporali: 'gialla' },
    });
    const calabria = parseDpcCap(readData('dpc/cap/Cap_20260118_1515.xml'), { code: 'Cala-7' });
    expect(calabria.today).toMatchObject({ date: '2026-01-18', level: 'arancione' });
  });

  it('refuses a body that is not a bulletin', () => {
    const source = createDpcSource({ comune: 'Jesi', zone: MARC_4, url: 'http://127.0.0.1:1/x' });
    for (const body of ['not json', '{"today":{}}', '<html></html>']) {
      let caught: unknown;
      try {
        source.parse(body, undefined, 0);
      } catch (error) {
        caught = error;
      }
      expect(isSourceParseError(caught)).toBe(true);
    }
  });
});
