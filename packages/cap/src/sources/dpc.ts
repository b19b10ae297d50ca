import { announcementSchema, type ColorCode, type Severity } from '@banditore/core';
import { isCapValidationError } from '../cap-error.js';
import type { CapAlert } from '../cap-types.js';
import { parseCap } from '../parse-cap.js';
import { italianDate, nextDay, romeDateTime, romeParts } from './rome-time.js';
import { SourceParseError, type AlertSource, type SourceDraft } from './source.js';

/** The three risks of the DPC criticality bulletin. */
export type DpcRisk = 'idraulico' | 'idrogeologico' | 'temporali';

/** A zone's alert level for one day, per risk (only the risks with an alert are listed). */
export interface DpcZoneDay {
  /** `YYYY-MM-DD`, Italian calendar day. */
  date: string;
  /** The highest level over the risks; `verde` when none. */
  level: ColorCode;
  risks: Partial<Record<DpcRisk, Exclude<ColorCode, 'verde'>>>;
}

/** What one bulletin says of one zone. */
export interface DpcZoneBulletin {
  /** When DPC issued the bulletin, ISO date-time. */
  issuedAt: string;
  /** The bulletin's own name, e.g. `Bollettino del 16 maggio 2023 ore 15:22`. */
  name: string;
  today: DpcZoneDay;
  tomorrow: DpcZoneDay;
}

const RANK: Record<ColorCode, number> = { verde: 0, gialla: 1, arancione: 2, rossa: 3 };
const SEVERITY: Record<ColorCode, Severity> = {
  verde: 'minor',
  gialla: 'moderate',
  arancione: 'severe',
  rossa: 'extreme',
};
const CRITICITA: Record<Exclude<ColorCode, 'verde'>, string> = {
  gialla: 'ordinaria',
  arancione: 'moderata',
  rossa: 'elevata',
};

/** Reads "… CRITICITA' PER RISCHIO IDRAULICO / ALLERTA ARANCIONE" into a risk and a colour. */
function heading(text: string): { risk: DpcRisk; level: Exclude<ColorCode, 'verde'> } | undefined {
  const upper = text.toUpperCase();
  const level = /ALLERTA (GIALLA|ARANCIONE|ROSSA)/.exec(upper)?.[1]?.toLowerCase() as
    Exclude<ColorCode, 'verde'> | undefined;
  const risk = /RISCHIO (IDRAULICO|IDROGEOLOGICO|TEMPORALI)/.exec(upper)?.[1]?.toLowerCase() as DpcRisk | undefined;
  return level && risk ? { risk, level } : undefined;
}

function day(date: string, found: Partial<Record<DpcRisk, Exclude<ColorCode, 'verde'>>>): DpcZoneDay {
  const level = Object.values(found).reduce<ColorCode>(
    (max, value) => (RANK[value] > RANK[max] ? value : max),
    'verde',
  );
  return { date, level, risks: found };
}

function raise(
  risks: Partial<Record<DpcRisk, Exclude<ColorCode, 'verde'>>>,
  risk: DpcRisk,
  level: Exclude<ColorCode, 'verde'>,
): void {
  const current = risks[risk];
  if (current === undefined || RANK[level] > RANK[current]) risks[risk] = level;
}

/** Whether a comma-separated list of zones (codes or names; names may hold commas) names the zone. */
function listsZone(list: string, zone: { code: string; name?: string }): boolean {
  const padded = `, ${list.trim().replace(/\s+/g, ' ')}, `;
  return [zone.code, zone.name].some((name) => name !== undefined && padded.includes(`, ${name}, `));
}

/**
 * Reads DPC's daily bulletin index (`files/<date>_<time>.json` of
 * pcm-dpc/DPC-Bollettini-Criticita-Idrogeologica-Idraulica): the HTML summary of each day lists,
 * per level and risk, the zones of each region (by code, e.g. `Marc-4`, or by name).
 *
 * @param json - The index's text.
 * @param zone - The comune's alert zone: its code, and its name where DPC lists it by name.
 * @returns What the bulletin says of the zone today and tomorrow.
 * @throws SourceParseError when the text is not a bulletin index.
 */
export function parseDpcIndex(json: string, zone: { code: string; name?: string }): DpcZoneBulletin {
  let index: unknown;
  try {
    index = JSON.parse(json);
  } catch {
    throw new SourceParseError('DPC: the index is not JSON');
  }
  const read = (key: 'today' | 'tomorrow'): string => {
    const part = (index as Record<string, Record<string, unknown> | undefined>)[key];
    // The key is spelled "html_descrition" in DPC's files.
    const html = part?.html_descrition ?? part?.html_description;
    if (typeof html !== 'string') throw new SourceParseError(`DPC: the index has no ${key} summary`);
    return html;
  };
  const { date, name } = index as { date?: unknown; name?: unknown };
  if (typeof date !== 'string' || Number.isNaN(Date.parse(date)) || typeof name !== 'string') {
    throw new SourceParseError('DPC: the index has no date or name');
  }
  const scan = (html: string): Partial<Record<DpcRisk, Exclude<ColorCode, 'verde'>>> => {
    const risks: Partial<Record<DpcRisk, Exclude<ColorCode, 'verde'>>> = {};
    let current: ReturnType<typeof heading>;
    // One line per heading or region: "<b>HEADING:</b>" or "<b>Region</b>: zone, zone".
    for (const line of html.split(/<br\s*\/?>/i)) {
      const bold = /<b>([^<]*)<\/b>\s*(:?)\s*(.*)$/is.exec(line);
      if (!bold) continue;
      const [, label = '', colon, rest = ''] = bold;
      if (colon === '' && heading(label)) current = heading(label);
      else if (current && listsZone(rest.replace(/<[^>]*>/g, ''), zone)) raise(risks, current.risk, current.level);
    }
    return risks;
  };
  const today = romeParts(Date.parse(date)).date;
  return {
    issuedAt: date,
    name,
    today: day(today, scan(read('today'))),
    tomorrow: day(nextDay(today), scan(read('tomorrow'))),
  };
}

/**
 * Reads DPC's CAP rendering of the bulletin (`Cap_<date>_<time>.xml`, one `info` per level,
 * risk and day, zones as `geocode` `Zona di Allerta`).
 *
 * @param xml - The CAP document.
 * @param zone - The comune's alert zone code, e.g. `Marc-4`.
 * @returns What the bulletin says of the zone today and tomorrow.
 * @throws SourceParseError when the document is not valid CAP.
 */
export function parseDpcCap(xml: string, zone: { code: string }): DpcZoneBulletin {
  let alert: CapAlert;
  try {
    alert = parseCap(xml);
  } catch (error) {
    if (isCapValidationError(error))
      throw new SourceParseError(`DPC: ${error.issues[0]?.path ?? ''} ${error.issues[0]?.message ?? ''}`);
    throw error;
  }
  const today = romeParts(Date.parse(alert.sent)).date;
  const tomorrow = nextDay(today);
  const byDay: Record<string, Partial<Record<DpcRisk, Exclude<ColorCode, 'verde'>>>> = { [today]: {}, [tomorrow]: {} };
  for (const info of alert.info) {
    const found = heading(info.event);
    const inZone = info.area.some((area) =>
      area.geocode.some((code) => code.valueName === 'Zona di Allerta' && code.value === zone.code),
    );
    const date = info.onset ? info.onset.slice(0, 10) : /PER DOMANI/i.test(info.description ?? '') ? tomorrow : today;
    if (found && inZone && byDay[date]) raise(byDay[date], found.risk, found.level);
  }
  return {
    issuedAt: alert.sent,
    name: `Bollettino del ${italianDate(today)}`,
    today: day(today, byDay[today]!),
    tomorrow: day(tomorrow, byDay[tomorrow]!),
  };
}

/** Options of {@link createDpcSource} and {@link dpcDrafts}. */
export interface DpcSourceOptions {
  /** The comune's name, for the headline. */
  comune: string;
  /** The comune's alert zone (Jesi: `{ code: 'Marc-4' }`); its name too where DPC lists zones by name. */
  zone: { code: string; name?: string };
  /** Where to fetch the bulletin: its daily index (JSON) or its CAP file. A function gets the time. */
  url: string | ((nowMs: number) => string);
  /** Topics of the drafts. @defaultValue `['protezione-civile', 'meteo']` */
  topics?: string[];
}

const RISK_WORDS: Record<DpcRisk, string> = {
  idraulico: 'idraulico',
  idrogeologico: 'idrogeologico',
  temporali: 'temporali',
};

function joinItalian(words: string[]): string {
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} e ${words[words.length - 1]}`;
}

/**
 * Drafts for the comune's zone, one per day (today, tomorrow), with the Protezione Civile colour
 * code. A green day is a quiet draft: nothing to announce, but it updates a published alert for
 * that day (the alert is over).
 *
 * @param bulletin - From {@link parseDpcIndex} or {@link parseDpcCap}.
 * @param options - See {@link DpcSourceOptions}.
 * @returns Two drafts, today's first.
 */
export function dpcDrafts(bulletin: DpcZoneBulletin, options: Omit<DpcSourceOptions, 'url'>): SourceDraft[] {
  const issuedMs = Date.parse(bulletin.issuedAt);
  return (['today', 'tomorrow'] as const).map((which) => {
    const { date, level, risks } = bulletin[which];
    const when = `${which === 'today' ? 'oggi' : 'domani'} ${italianDate(date).replace(/ \d{4}$/, '')}`;
    const riskNames = (Object.keys(risks) as DpcRisk[]).map((risk) => RISK_WORDS[risk]);
    const zone = options.zone.code;
    const headline =
      level === 'verde'
        ? `Nessuna allerta per rischio idrogeologico e idraulico ${when} a ${options.comune}`
        : `Allerta ${level} per rischio ${joinItalian(riskNames)} ${when} a ${options.comune}`;
    const lines = (Object.entries(risks) as [DpcRisk, Exclude<ColorCode, 'verde'>][]).map(
      ([risk, color]) => `Rischio ${RISK_WORDS[risk]}: allerta ${color} (criticità ${CRITICITA[color]}).`,
    );
    const start =
      which === 'today'
        ? Math.max(issuedMs, Date.parse(romeDateTime(date, '00:00:00')))
        : Date.parse(romeDateTime(date, '00:00:00'));
    const announcement = announcementSchema.parse({
      id: `dpc-${zone}-${date.replaceAll('-', '')}`,
      severity: SEVERITY[level],
      colorCode: level,
      urgency: 'expected',
      certainty: 'likely',
      event: level === 'verde' ? 'Nessuna allerta' : `Allerta ${level} per rischio ${joinItalian(riskNames)}`,
      topics: options.topics ?? ['protezione-civile', 'meteo'],
      areaDescription: `${options.comune} (zona di allerta ${zone})`,
      content: {
        it: {
          headline,
          body: [
            `Il bollettino di criticità nazionale del Dipartimento della Protezione Civile (${bulletin.name}) indica per la zona di allerta ${zone}, ${when}:`,
            lines.length > 0 ? lines.join('\n') : 'nessuna allerta.',
            'Il Centro Funzionale regionale può precisare queste indicazioni con il proprio bollettino.',
            'Fonte: Dipartimento della Protezione Civile – Presidenza del Consiglio dei Ministri (CC BY 4.0).',
          ].join('\n\n'),
        },
      },
      defaultLanguage: 'it',
      links: [{ label: 'Dipartimento della Protezione Civile', url: 'https://www.protezionecivile.gov.it' }],
      effective: new Date(start).toISOString(),
      expires: romeDateTime(date, '23:59:59'),
    });
    // Tomorrow's level repeated as today's by the next bulletin is the same news, not an update.
    const fingerprint = `${level}|${(Object.keys(risks) as DpcRisk[])
      .sort()
      .map((risk) => `${risk}=${risks[risk]}`)
      .join(',')}`;
    return {
      source: 'dpc',
      key: `dpc:${zone}:${date}`,
      announcement,
      fingerprint,
      ...(level === 'verde' ? { quiet: true } : {}),
    };
  });
}

/**
 * The DPC hydro-geological and hydraulic criticality bulletin for the comune's alert zone: reads
 * the daily index (JSON) or the CAP file, whichever `url` serves.
 *
 * @param options - See {@link DpcSourceOptions}.
 * @returns The source, for {@link createSourcePoller}.
 * @example
 * ```ts
 * const dpc = createDpcSource({ comune: 'Jesi', zone: { code: 'Marc-4' }, url: bulletinUrl });
 * ```
 */
export function createDpcSource(options: DpcSourceOptions): AlertSource {
  return {
    name: 'dpc',
    url: (nowMs) => (typeof options.url === 'function' ? options.url(nowMs) : options.url),
    parse(body, contentType) {
      const xml = /xml/i.test(contentType ?? '') || body.trimStart().startsWith('<');
      return dpcDrafts(xml ? parseDpcCap(body, options.zone) : parseDpcIndex(body, options.zone), options);
    },
  };
}
