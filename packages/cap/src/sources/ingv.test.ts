import { describe, expect, it } from 'vitest';
import { readData } from '../test-support/data.js';
import { createIngvSource, ingvDrafts, parseIngvText, parseQuakeMl } from './ingv.js';
import { isSourceParseError } from './source.js';

const JESI = { name: 'Jesi', lat: 43.5236, lon: 13.2439 };

// The FDSN text answer for the same two events as the recorded QuakeML answer
// (ingv/quakeml/marche-2022-11-aftershocks.fanolug.xml), written from its values in the
// service's 14-column text format: no text answer for these events was recorded.
const MARCHE_TEXT = `#EventID|Time|Latitude|Longitude|Depth/Km|Author|Catalog|Contributor|ContributorID|MagType|Magnitude|MagAuthor|EventLocationName|EventType
33389921|2022-11-16T08:57:08.040000|43.934|13.337|4.4|SURVEY-INGV||||ML|3.2|--|Costa Marchigiana Anconetana (Ancona)|earthquake
33378441|2022-11-14T23:10:55.070000|43.9477|13.3335|7.4|SURVEY-INGV||||ML|3.5|--|Costa Marchigiana Pesarese (Pesaro-Urbino)|earthquake
`;

describe('INGV', () => {
  it('reads the recorded text answer (Emilia, 29 May 2012)', () => {
    const events = parseIngvText(readData('ingv/text/ingv_emilia_2012-05-29.txt'));
    expect(events).toHaveLength(8);
    expect(events[1]).toEqual({
      eventId: '863291',
      time: '2012-05-29T23:58:43.190Z',
      lat: 44.8993,
      lon: 10.9168,
      depthKm: 5.5,
      magnitude: 2.9,
      magnitudeType: 'ML',
      place: '1 km E Novi di Modena (MO)',
      eventType: 'earthquake',
    });
  });

  it('reads the recorded QuakeML answers, preferred origin and magnitude', () => {
    const [first, second] = parseQuakeMl(readData('ingv/quakeml/marche-2022-11-aftershocks.fanolug.xml'));
    expect(first).toMatchObject({
      eventId: '33389921',
      magnitude: 3.2,
      magnitudeType: 'ML',
      depthKm: 4.4,
      place: 'Costa Marchigiana Anconetana (Ancona)',
    });
    expect(second).toMatchObject({
      eventId: '33378441',
      magnitude: 3.5,
      lat: 43.9477,
      time: '2022-11-14T23:10:55.070Z',
    });
    const [ussita] = parseQuakeMl(readData('ingv/quakeml/20210101-014933__25883681__INGV-EVENT.qml'));
    // Three ML magnitudes; the preferred one is 0.8.
    expect(ussita).toMatchObject({ eventId: '25883681', magnitude: 0.8, place: '2 km SW Ussita (MC)' });
    const [pozzuoli] = parseQuakeMl(readData('ingv/quakeml/20210101-021358__25883901__INGV-EVENT.qml'));
    expect(pozzuoli).toMatchObject({ eventId: '25883901', magnitudeType: 'Md', depthKm: 1.64 });
  });

  it('makes the same drafts from text and from QuakeML', () => {
    const fromText = ingvDrafts(parseIngvText(MARCHE_TEXT), { comune: JESI });
    const fromXml = ingvDrafts(parseQuakeMl(readData('ingv/quakeml/marche-2022-11-aftershocks.fanolug.xml')), {
      comune: JESI,
    });
    expect(fromText).toEqual(fromXml);
    expect(fromText.map((draft) => draft.announcement.content.it?.headline)).toEqual([
      'Terremoto di magnitudo 3.5 a 48 km da Jesi',
      'Terremoto di magnitudo 3.2 a 46 km da Jesi',
    ]);
    expect(fromText[0]).toMatchObject({
      source: 'ingv',
      key: 'ingv:33378441',
      announcement: {
        id: 'ingv-33378441',
        type: 'alert',
        status: 'actual',
        severity: 'minor',
        urgency: 'past',
        certainty: 'observed',
        event: 'Terremoto',
        effective: '2022-11-15T00:10:55+01:00',
        expires: '2022-11-16T00:10:55+01:00',
        links: [{ url: 'https://terremoti.ingv.it/event/33378441' }],
      },
    });
    expect(fromText[0]?.announcement.content.it?.body).toContain('il 15 novembre 2022 alle 00:10 (ora italiana)');
    expect(fromText[0]?.announcement.content.it?.body).toContain('Fonte: INGV');
  });

  it('keeps only earthquakes above the magnitude and within the radius', () => {
    const events = parseIngvText(MARCHE_TEXT);
    expect(ingvDrafts(events, { comune: JESI, minMagnitude: 3.3 })).toHaveLength(1);
    expect(ingvDrafts(events, { comune: JESI, radiusKm: 47 })).toHaveLength(1);
    expect(ingvDrafts(events, { comune: JESI, radiusKm: 20 })).toHaveLength(0);
    // Honshu 2024: far beyond any Italian comune's radius.
    expect(
      ingvDrafts(parseIngvText(readData('ingv/text/ingv_honshu_2024-01-01.txt')), { comune: JESI, radiusKm: 500 }),
    ).toHaveLength(0);
    expect(ingvDrafts([{ ...events[0]!, eventType: 'quarry blast' }], { comune: JESI })).toHaveLength(0);
  });

  it('maps the magnitude to a severity', () => {
    const [event] = parseIngvText(MARCHE_TEXT);
    const severity = (magnitude: number) =>
      ingvDrafts([{ ...event!, magnitude }], { comune: JESI })[0]?.announcement.severity;
    expect([3.2, 4.1, 5.5, 6.3].map(severity)).toEqual(['minor', 'moderate', 'severe', 'extreme']);
  });

  it.each([
    ['an HTML error page', '<html><body>Service unavailable</body></html>'],
    ['text without the header', '33389921|2022-11-16T08:57:08|43.9|13.3|4|x||||ML|3.2|--|x|earthquake'],
    ['a line with missing columns', '#EventID|Time|Latitude|Longitude|Depth/Km|Author\n1|2|3'],
    ['a magnitude that is not a number', MARCHE_TEXT.replace('|3.2|', '|tre|')],
  ])('refuses %s', (_name, body) => {
    let caught: unknown;
    try {
      createIngvSource({ comune: JESI }).parse(body, undefined, 0);
    } catch (error) {
      caught = error;
    }
    expect(isSourceParseError(caught)).toBe(true);
  });

  it('reads an empty answer (204 No Content) as no event', () => {
    expect(createIngvSource({ comune: JESI }).parse('', undefined, 0)).toEqual([]);
  });

  it('asks the FDSN service around the comune, with a start time that holds all day', () => {
    const source = createIngvSource({
      comune: JESI,
      minMagnitude: 2.5,
      radiusKm: 80,
      baseUrl: 'http://127.0.0.1:1/fdsnws/event/1/query',
    });
    const morning = source.url(Date.parse('2026-12-06T06:00:00Z'));
    expect(source.url(Date.parse('2026-12-06T20:00:00Z'))).toBe(morning);
    const url = new URL(morning);
    expect(Object.fromEntries(url.searchParams)).toEqual({
      starttime: '2026-12-04T00:00:00',
      lat: '43.5236',
      lon: '13.2439',
      maxradiuskm: '80',
      minmag: '2.5',
      orderby: 'time',
      format: 'text',
    });
  });
});
