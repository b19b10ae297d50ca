import { announcementSchema, type Severity } from '@banditore/core';
import { parseXmlTree, XmlSyntaxError, type XmlElement } from '../xml-tree.js';
import { distanceKm, type LatLon } from './geo.js';
import { italianDate, romeIso, romeParts } from './rome-time.js';
import { SourceParseError, type AlertSource, type SourceDraft } from './source.js';

/** One earthquake as INGV's FDSN event service describes it (text or QuakeML alike). */
export interface QuakeEvent {
  eventId: string;
  /** Origin time, ISO 8601 UTC (`…Z`). */
  time: string;
  lat: number;
  lon: number;
  depthKm: number;
  magnitude: number;
  /** `ML`, `Mw`, `Md`, … */
  magnitudeType: string;
  /** INGV's place name, e.g. `Costa Marchigiana Anconetana (Ancona)`. */
  place: string;
  /** `earthquake`, `quarry blast`, … */
  eventType: string;
}

const TEXT_COLUMNS = 14;
const NUMBER = /^-?\d+(\.\d+)?$/;

// INGV writes origin times in UTC without an offset, sometimes with microseconds.
function utc(time: string): string {
  const match = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(\.\d+)?Z?$/.exec(time.trim());
  if (!match) throw new SourceParseError('INGV: an origin time is not an ISO date-time');
  return `${match[1]}${match[2] ? match[2].slice(0, 4) : ''}Z`;
}

function number(text: string | undefined, what: string): number {
  if (text === undefined || !NUMBER.test(text.trim())) throw new SourceParseError(`INGV: ${what} is not a number`);
  return Number(text);
}

/**
 * Reads an FDSN `format=text` answer: a `#EventID|Time|…` header and one pipe-separated line of
 * 14 columns per event. An empty body (INGV answers `204 No Content` when nothing matches) is no
 * event.
 *
 * @param body - The answer.
 * @returns The events.
 * @throws SourceParseError when the body is not that format.
 */
export function parseIngvText(body: string): QuakeEvent[] {
  const lines = body.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (lines.length === 0) return [];
  if (!/^#\s*EventID\|Time\|Latitude\|Longitude\|Depth\/Km\|/i.test(lines[0]!)) {
    throw new SourceParseError('INGV: the answer has no FDSN text header');
  }
  return lines.slice(1).map((line) => {
    const cells = line.split('|');
    if (cells.length !== TEXT_COLUMNS)
      throw new SourceParseError(`INGV: a line has ${cells.length} columns, not ${TEXT_COLUMNS}`);
    const [eventId, time, lat, lon, depth, , , , , magType, magnitude, , place, eventType] = cells;
    if (!/^[A-Za-z0-9._-]+$/.test(eventId!)) throw new SourceParseError('INGV: an event id is not an id');
    return {
      eventId: eventId!,
      time: utc(time!),
      lat: number(lat, 'a latitude'),
      lon: number(lon, 'a longitude'),
      depthKm: number(depth, 'a depth'),
      magnitude: number(magnitude, 'a magnitude'),
      magnitudeType: magType!.trim(),
      place: place!.trim(),
      eventType: eventType!.trim(),
    };
  });
}

const child = (element: XmlElement | undefined, name: string): XmlElement | undefined =>
  element?.children.find((candidate) => candidate.local === name);
const childText = (element: XmlElement | undefined, ...path: string[]): string | undefined => {
  let current = element;
  for (const name of path) current = child(current, name);
  return current?.text.trim();
};
const publicId = (element: XmlElement): string | undefined =>
  element.attributes.find((attribute) => attribute.name === 'publicID')?.value;

/**
 * Reads a QuakeML 1.2 answer (INGV's default format): each event's preferred origin and
 * preferred magnitude (the first of each when no preference is given).
 *
 * @param xml - The answer.
 * @returns The events.
 * @throws SourceParseError when the body is not QuakeML 1.2.
 */
export function parseQuakeMl(xml: string): QuakeEvent[] {
  let root: XmlElement;
  try {
    root = parseXmlTree(xml);
  } catch (error) {
    if (error instanceof XmlSyntaxError) throw new SourceParseError(`INGV: ${error.message}`);
    throw error;
  }
  if (root.local !== 'quakeml' || root.uri !== 'http://quakeml.org/xmlns/quakeml/1.2') {
    throw new SourceParseError('INGV: the answer is not QuakeML 1.2');
  }
  const parameters = root.children.find((element) => element.local === 'eventParameters');
  if (!parameters) throw new SourceParseError('INGV: QuakeML without eventParameters');
  return parameters.children
    .filter((element) => element.local === 'event')
    .map((event) => {
      const id = publicId(event) ?? '';
      const eventId = /[?&]eventId=([A-Za-z0-9._-]+)/.exec(id)?.[1] ?? /([A-Za-z0-9._-]+)$/.exec(id)?.[1];
      if (!eventId) throw new SourceParseError('INGV: an event has no id');
      const pick = (name: string, preferred: string | undefined): XmlElement | undefined => {
        const all = event.children.filter((element) => element.local === name);
        return all.find((element) => publicId(element) === preferred) ?? all[0];
      };
      const origin = pick('origin', childText(event, 'preferredOriginID'));
      const magnitude = pick('magnitude', childText(event, 'preferredMagnitudeID'));
      if (!origin || !magnitude) throw new SourceParseError('INGV: an event has no origin or magnitude');
      const description = event.children.find(
        (element) => element.local === 'description' && childText(element, 'type') === 'region name',
      );
      return {
        eventId,
        time: utc(childText(origin, 'time', 'value') ?? ''),
        lat: number(childText(origin, 'latitude', 'value'), 'a latitude'),
        lon: number(childText(origin, 'longitude', 'value'), 'a longitude'),
        // QuakeML depths are in metres.
        depthKm: number(childText(origin, 'depth', 'value') ?? '0', 'a depth') / 1000,
        magnitude: number(childText(magnitude, 'mag', 'value'), 'a magnitude'),
        magnitudeType: childText(magnitude, 'type') ?? '',
        place: childText(description, 'text') ?? '',
        eventType: childText(event, 'type') ?? 'earthquake',
      };
    });
}

/** Options of {@link createIngvSource} and {@link ingvDrafts}. */
export interface IngvSourceOptions {
  /** The comune and where it is (its town hall, say): distances and headlines are from there. */
  comune: { name: string } & LatLon;
  /** Smallest magnitude that makes a draft. @defaultValue 3 */
  minMagnitude?: number;
  /** Largest distance of the epicentre from the comune, in km. @defaultValue 100 */
  radiusKm?: number;
  /** Format asked of the service. @defaultValue `'text'` */
  format?: 'text' | 'quakeml';
  /** The FDSN event service. @defaultValue `https://webservices.ingv.it/fdsnws/event/1/query` */
  baseUrl?: string;
  /** How far back to ask, in hours (rounded down to the day so the URL stays the same all day). @defaultValue 48 */
  lookbackHours?: number;
  /** How long the announcement stays, from the origin time, in hours. @defaultValue 24 */
  expiresAfterHours?: number;
  /** Topics of the drafts. @defaultValue `['protezione-civile']` */
  topics?: string[];
}

/** Severity of an earthquake notice by magnitude: M ≥ 6 extreme, ≥ 5 severe, ≥ 4 moderate, else minor. */
export function severityForMagnitude(magnitude: number): Severity {
  if (magnitude >= 6) return 'extreme';
  if (magnitude >= 5) return 'severe';
  if (magnitude >= 4) return 'moderate';
  return 'minor';
}

/**
 * Drafts for the earthquakes that matter to the comune: type `earthquake`, magnitude at least
 * `minMagnitude`, epicentre within `radiusKm`. Headline in plain Italian ("Terremoto di magnitudo
 * 3.5 a 12 km da Jesi"); the key is the INGV event id, so a revised location or magnitude of the
 * same event is a revision, not a new alert.
 *
 * @param events - Events from {@link parseIngvText} or {@link parseQuakeMl}.
 * @param options - See {@link IngvSourceOptions}.
 * @returns One draft per event that matters, strongest first.
 */
export function ingvDrafts(events: readonly QuakeEvent[], options: IngvSourceOptions): SourceDraft[] {
  const minMagnitude = options.minMagnitude ?? 3;
  const radiusKm = options.radiusKm ?? 100;
  const expiresAfterMs = (options.expiresAfterHours ?? 24) * 3600_000;
  const { comune } = options;
  return events
    .filter((event) => event.eventType === 'earthquake' && event.magnitude >= minMagnitude)
    .map((event) => ({ event, km: distanceKm(comune, event) }))
    .filter(({ km }) => km <= radiusKm)
    .sort((a, b) => b.event.magnitude - a.event.magnitude)
    .map(({ event, km }) => {
      const at = Date.parse(event.time);
      const local = romeParts(at);
      const magnitude = event.magnitude.toFixed(1);
      const distance = Math.round(km);
      const where = distance < 1 ? `a ${comune.name}` : `a ${distance} km da ${comune.name}`;
      const clock = `${String(local.hour).padStart(2, '0')}:${String(local.minute).padStart(2, '0')}`;
      const announcement = announcementSchema.parse({
        id: `ingv-${event.eventId}`,
        severity: severityForMagnitude(event.magnitude),
        urgency: 'past',
        certainty: 'observed',
        event: 'Terremoto',
        topics: options.topics ?? ['protezione-civile'],
        ...(event.place ? { areaDescription: event.place } : {}),
        content: {
          it: {
            headline: `Terremoto di magnitudo ${magnitude} ${where}`,
            body: [
              `L'INGV ha localizzato un terremoto di magnitudo ${event.magnitudeType} ${magnitude} il ${italianDate(local.date)} alle ${clock} (ora italiana)` +
                `${event.place ? `, zona ${event.place}` : ''}, a ${Math.round(event.depthKm)} km di profondità. L'epicentro è ${where}.`,
              "I dati sono provvisori: l'INGV può rivedere posizione e magnitudo nelle ore successive.",
              'Fonte: INGV – Istituto Nazionale di Geofisica e Vulcanologia (CC BY 4.0).',
            ].join('\n\n'),
            instruction: 'In caso di danni o persone in pericolo chiama il 112.',
          },
        },
        defaultLanguage: 'it',
        links: [{ label: "Scheda dell'evento (INGV)", url: `https://terremoti.ingv.it/event/${event.eventId}` }],
        effective: romeIso(at),
        expires: romeIso(at + expiresAfterMs),
      });
      return { source: 'ingv', key: `ingv:${event.eventId}`, announcement };
    });
}

/**
 * The INGV earthquake source: asks the FDSN event service for events around the comune since
 * the start of the day `lookbackHours` ago, and drafts a notice for each one that matters.
 *
 * @param options - See {@link IngvSourceOptions}.
 * @returns The source, for {@link createSourcePoller}.
 * @example
 * ```ts
 * const ingv = createIngvSource({ comune: { name: 'Jesi', lat: 43.5236, lon: 13.2439 }, minMagnitude: 2.5 });
 * ```
 */
export function createIngvSource(options: IngvSourceOptions): AlertSource {
  const format = options.format ?? 'text';
  const base = options.baseUrl ?? 'https://webservices.ingv.it/fdsnws/event/1/query';
  const lookbackMs = (options.lookbackHours ?? 48) * 3600_000;
  return {
    name: 'ingv',
    url(nowMs) {
      const url = new URL(base);
      url.searchParams.set('starttime', `${new Date(nowMs - lookbackMs).toISOString().slice(0, 10)}T00:00:00`);
      url.searchParams.set('lat', String(options.comune.lat));
      url.searchParams.set('lon', String(options.comune.lon));
      url.searchParams.set('maxradiuskm', String(options.radiusKm ?? 100));
      url.searchParams.set('minmag', String(options.minMagnitude ?? 3));
      url.searchParams.set('orderby', 'time');
      url.searchParams.set('format', format === 'text' ? 'text' : 'xml');
      return url.toString();
    },
    parse(body, contentType) {
      const xml = /xml/i.test(contentType ?? '') || body.trimStart().startsWith('<');
      return ingvDrafts(xml ? parseQuakeMl(body) : parseIngvText(body), options);
    },
  };
}
