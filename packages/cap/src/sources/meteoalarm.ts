import { announcementSchema, type Severity } from '@banditore/core';
import { isCapValidationError } from '../cap-error.js';
import { capToAnnouncements } from '../cap-to-announcement.js';
import type { CapAlert, CapInfo } from '../cap-types.js';
import { parseCap } from '../parse-cap.js';
import { validateCapAlert } from '../validate-cap.js';
import { romeParts } from './rome-time.js';
import { SourceParseError, type AlertSource, type SourceDraft } from './source.js';

/** MeteoAlarm's disclaimer, which its terms require redistributors to publish, word for word. */
export const METEOALARM_DISCLAIMER =
  'Time delays between this website and the www.meteoalarm.org website are possible. For the most up-to-date awareness information as published by the participating National Meteorological and Hydrological Services, please refer to www.meteoalarm.org.';
/** The same disclaimer in Italian, shown with the Italian text. */
export const METEOALARM_DISCLAIMER_IT =
  'Sono possibili ritardi tra questo servizio e il sito www.meteoalarm.org. Per le informazioni più aggiornate pubblicate dai servizi meteorologici nazionali partecipanti consultare www.meteoalarm.org.';
/** Attribution for Italian warnings (one national service: it is named). */
export const METEOALARM_ATTRIBUTION =
  'Italian Air Force National Meteorological Service via EUMETNET – MeteoAlarm, www.meteoalarm.org';
const ATTRIBUTION_IT =
  "Fonte: Servizio Meteorologico dell'Aeronautica Militare tramite EUMETNET – MeteoAlarm, www.meteoalarm.org";

/** A MeteoAlarm awareness level, read from `awareness_level` (`"3; orange; Severe"`). */
export interface AwarenessLevel {
  level: 1 | 2 | 3 | 4;
  colour: 'green' | 'yellow' | 'orange' | 'red';
}

const LEVEL_SEVERITY: Record<AwarenessLevel['level'], Severity> = {
  1: 'minor',
  2: 'moderate',
  3: 'severe',
  4: 'extreme',
};

/**
 * Reads MeteoAlarm's `awareness_level` and `awareness_type` parameters of an info.
 *
 * @returns The level and the type (number and name, e.g. `{ id: 5, name: 'High-temperature' }`), when present.
 */
export function awarenessOf(info: CapInfo): { level?: AwarenessLevel; type?: { id: number; name: string } } {
  const parameter = (name: string): string | undefined => info.parameter.find((p) => p.valueName === name)?.value;
  const out: { level?: AwarenessLevel; type?: { id: number; name: string } } = {};
  const level = /^\s*([1-4])\s*;\s*(green|yellow|orange|red)\b/i.exec(parameter('awareness_level') ?? '');
  if (level)
    out.level = {
      level: Number(level[1]) as AwarenessLevel['level'],
      colour: level[2]!.toLowerCase() as AwarenessLevel['colour'],
    };
  const type = /^\s*(\d+)\s*;\s*(.+?)\s*$/.exec(parameter('awareness_type') ?? '');
  if (type) out.type = { id: Number(type[1]), name: type[2]! };
  return out;
}

const asArray = (value: unknown): unknown[] => (Array.isArray(value) ? value : value === undefined ? [] : [value]);
const asText = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
const pairs = (value: unknown) =>
  asArray(value).map((pair) => ({
    valueName: asText((pair as Record<string, unknown>)?.valueName) ?? '',
    value: asText((pair as Record<string, unknown>)?.value) ?? '',
  }));

function optional<K extends string>(key: K, value: unknown): Partial<Record<K, string>> {
  const text = asText(value);
  return (text === undefined ? {} : { [key]: text }) as Partial<Record<K, string>>;
}

/**
 * Turns one entry of MeteoAlarm's JSON feed (`warnings[].alert`, CAP written as JSON) into a CAP
 * alert and validates it like a parsed CAP document.
 *
 * @param json - The `alert` object of one warning.
 * @returns The CAP alert.
 * @throws SourceParseError when it is not a valid CAP alert.
 */
export function meteoalarmToCap(json: unknown): CapAlert {
  if (typeof json !== 'object' || json === null) throw new SourceParseError('MeteoAlarm: a warning has no alert');
  const a = json as Record<string, unknown>;
  const words = (value: unknown): string[] => (asText(value) ?? '').split(/\s+/).filter(Boolean);
  const alert = {
    identifier: asText(a.identifier) ?? '',
    sender: asText(a.sender) ?? '',
    sent: asText(a.sent) ?? '',
    status: asText(a.status) ?? '',
    msgType: asText(a.msgType) ?? '',
    ...optional('source', a.source),
    scope: asText(a.scope) ?? '',
    ...optional('restriction', a.restriction),
    ...optional('addresses', a.addresses),
    code: asArray(a.code).filter((code): code is string => typeof code === 'string'),
    ...optional('note', a.note),
    references: words(a.references).map((triple) => {
      const parts = triple.split(',');
      const sent = parts.length >= 3 ? parts.pop()! : '';
      const identifier = parts.length >= 2 ? parts.pop()! : '';
      return { sender: parts.join(','), identifier, sent };
    }),
    incidents: words(a.incidents),
    info: asArray(a.info).map((value) => {
      const i = (value ?? {}) as Record<string, unknown>;
      return {
        ...optional('language', i.language),
        category: asArray(i.category),
        event: asText(i.event) ?? '',
        responseType: asArray(i.responseType),
        urgency: asText(i.urgency) ?? '',
        severity: asText(i.severity) ?? '',
        certainty: asText(i.certainty) ?? '',
        ...optional('audience', i.audience),
        eventCode: pairs(i.eventCode),
        ...optional('effective', i.effective),
        ...optional('onset', i.onset),
        ...optional('expires', i.expires),
        ...optional('senderName', i.senderName),
        ...optional('headline', i.headline),
        ...optional('description', i.description),
        ...optional('instruction', i.instruction),
        ...optional('web', i.web),
        ...optional('contact', i.contact),
        parameter: pairs(i.parameter),
        resource: [],
        area: asArray(i.area).map((area) => {
          const r = (area ?? {}) as Record<string, unknown>;
          return {
            areaDesc: asText(r.areaDesc) ?? '',
            polygon: asArray(r.polygon).filter((p): p is string => typeof p === 'string'),
            circle: asArray(r.circle).filter((c): c is string => typeof c === 'string'),
            geocode: pairs(r.geocode),
          };
        }),
      };
    }),
  } as unknown as CapAlert;
  const issues = validateCapAlert(alert);
  if (issues.length > 0) throw new SourceParseError(`MeteoAlarm: ${issues[0]!.path} ${issues[0]!.message}`);
  return alert;
}

/** Options of {@link createMeteoalarmSource} and {@link meteoalarmDrafts}. */
export interface MeteoalarmSourceOptions {
  /** EMMA_ID codes of the regions that concern the comune, e.g. `['IT011']` for Marche. */
  regions: string[];
  /** Lowest awareness level that makes a draft (1 green … 4 red); lower levels are quiet. @defaultValue 2 (yellow) */
  minLevel?: 1 | 2 | 3 | 4;
  /** The country feed. @defaultValue `https://feeds.meteoalarm.org/api/v1/warnings/feeds-italy` */
  url?: string;
  /** Topics of the drafts. @defaultValue `['meteo']` */
  topics?: string[];
}

/**
 * Drafts for the MeteoAlarm warnings of the comune's regions, one per region, awareness type and
 * day (the key), the highest level when several overlap. MeteoAlarm colours are weather
 * awareness levels, not Protezione Civile alerts: the drafts carry no Italian colour code, and
 * each text keeps the warning's own words, followed by the attribution and the disclaimer that
 * MeteoAlarm's terms require.
 *
 * @param alerts - CAP alerts from {@link meteoalarmToCap}.
 * @param options - See {@link MeteoalarmSourceOptions}.
 * @returns The drafts.
 */
export function meteoalarmDrafts(alerts: readonly CapAlert[], options: MeteoalarmSourceOptions): SourceDraft[] {
  const minLevel = options.minLevel ?? 2;
  const best = new Map<string, { draft: SourceDraft; level: number }>();
  for (const alert of alerts) {
    if (alert.status !== 'Actual' || alert.msgType === 'Ack' || alert.msgType === 'Error') continue;
    const region = alert.info
      .flatMap((info) => info.area.flatMap((area) => area.geocode))
      .find((code) => code.valueName === 'EMMA_ID' && options.regions.includes(code.value))?.value;
    const main = alert.info.find((info) => info.language?.startsWith('it')) ?? alert.info[0];
    if (!region || !main) continue;
    const { level, type } = awarenessOf(main);
    const day = romeParts(Date.parse(main.onset ?? main.effective ?? alert.sent)).date;
    const key = `meteoalarm:${region}:${type?.id ?? main.event}:${day}`;
    let converted;
    try {
      converted = capToAnnouncements({ ...alert, msgType: 'Alert', references: [] }, { preferLanguages: ['it'] })[0];
    } catch (error) {
      if (isCapValidationError(error)) continue;
      throw error;
    }
    if (!converted) continue;
    const { sent: _sent, ...source } = converted.announcement;
    const content = Object.fromEntries(
      Object.entries(source.content).map(([language, text]) => {
        const italian = language.startsWith('it');
        const footer = italian
          ? `${ATTRIBUTION_IT}.\n\n${METEOALARM_DISCLAIMER_IT}`
          : `Source: ${METEOALARM_ATTRIBUTION}.\n\n${METEOALARM_DISCLAIMER}`;
        return [language, { ...text, body: `${text.body ?? ''}\n\n${footer}`.trim() }];
      }),
    );
    const announcement = announcementSchema.parse({
      ...source,
      id: `meteoalarm-${region}-${type?.id ?? 0}-${day.replaceAll('-', '')}`,
      type: 'alert',
      references: [],
      severity: level ? LEVEL_SEVERITY[level.level] : source.severity,
      topics: options.topics ?? ['meteo'],
      content,
      links: [
        ...source.links.filter((link) => !link.url.startsWith('https://meteoalarm.org')),
        { label: 'MeteoAlarm', url: main.web?.startsWith('https://') ? main.web : 'https://www.meteoalarm.org' },
      ].slice(0, 10),
    });
    const rank = level?.level ?? 0;
    const draft: SourceDraft = { source: 'meteoalarm', key, announcement, ...(rank < minLevel ? { quiet: true } : {}) };
    const previous = best.get(key);
    if (!previous || rank > previous.level) best.set(key, { draft, level: rank });
  }
  return [...best.values()].map((entry) => entry.draft);
}

/**
 * The MeteoAlarm source: the country's JSON feed (`warnings[].alert`, CAP as JSON), filtered to
 * the comune's regions. A `url` that serves one warning's CAP 1.2 document is read too.
 *
 * @param options - See {@link MeteoalarmSourceOptions}.
 * @returns The source, for {@link createSourcePoller}.
 * @example
 * ```ts
 * const meteoalarm = createMeteoalarmSource({ regions: ['IT011'] }); // Marche
 * ```
 */
export function createMeteoalarmSource(options: MeteoalarmSourceOptions): AlertSource {
  const url = options.url ?? 'https://feeds.meteoalarm.org/api/v1/warnings/feeds-italy';
  return {
    name: 'meteoalarm',
    url: () => url,
    parse(body, contentType) {
      // One warning's CAP document (what the Atom index links to) is read like the JSON entries.
      if (/xml/i.test(contentType ?? '') || body.trimStart().startsWith('<')) {
        try {
          return meteoalarmDrafts([parseCap(body)], options);
        } catch (error) {
          if (isCapValidationError(error)) {
            throw new SourceParseError(`MeteoAlarm: ${error.issues[0]?.path ?? ''} ${error.issues[0]?.message ?? ''}`);
          }
          throw error;
        }
      }
      let feed: unknown;
      try {
        feed = JSON.parse(body);
      } catch {
        throw new SourceParseError('MeteoAlarm: the feed is not JSON');
      }
      const warnings = (feed as { warnings?: unknown })?.warnings;
      if (!Array.isArray(warnings)) throw new SourceParseError('MeteoAlarm: the feed has no warnings list');
      return meteoalarmDrafts(
        warnings.map((warning) => meteoalarmToCap((warning as { alert?: unknown })?.alert)),
        options,
      );
    },
  };
}
