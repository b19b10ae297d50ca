import { announcementSchema, type Announcement, type AnnouncementInput, type Clock } from '@banditore/core';
import { defaultCategoriesFor } from './categories.js';
import { formatCapDateTime, sameInstant, toCapDateTime } from './cap-dates.js';
import { CAP_DEFAULT_LANGUAGE, clip, COLOR_PARAMETER } from './cap-to-announcement.js';
import type { CapAlert, CapArea, CapInfo, CapReference, CapResource, CapValuePair } from './cap-types.js';
import { CapValidationError } from './cap-error.js';
import { replaceNonXmlChars } from './xml-chars.js';

/** Options of {@link announcementToCap}. */
export interface AnnouncementToCapOptions {
  /** CAP `sender`: a stable id of the comune's alerting, e.g. `protezione.civile@comune.jesi.an.it`. No spaces or commas. */
  sender: string;
  /**
   * The CAP alert the announcement came from (`capToAnnouncements(...)[i].cap`): its identifiers,
   * areas, geocodes, parameters and resources are kept, and what the announcement holds replaces
   * the rest. Without it, the CAP is built from the announcement and these options alone.
   */
  base?: CapAlert;
  /** CAP `identifier`. @defaultValue the announcement id, plus `.r<revision>` after the first revision */
  identifier?: string;
  /**
   * The earlier CAP message(s) of each referenced announcement id (sender, identifier and sent
   * time). Required for updates and cancels without `base`.
   */
  references?: (announcementId: string) => CapReference | readonly CapReference[] | undefined;
  /** Clock for `sent` when the announcement has none. @defaultValue the system clock */
  clock?: Pick<Clock, 'now'>;
  /** Area written when the announcement has no `areaDescription`, e.g. `{ areaDesc: 'Comune di Jesi', geocode: [{ valueName: 'ISTAT', value: '042021' }] }`. */
  area?: CapArea;
  /** CAP categories. @defaultValue from the topics (`meteo` → `Met`, …), or `Other` */
  categories?: CapInfo['category'];
  /** Language an info without `language` stands for (only used with `base`). @defaultValue `'en-US'` */
  assumeLanguage?: string;
  /** CAP `source`, e.g. the office that wrote the announcement. */
  source?: string;
}

/** The note of a message that is not real, so that no reader mistakes it for an alert. */
export const STATUS_NOTES: Partial<Record<Announcement['status'], string>> = {
  exercise: 'ESERCITAZIONE: messaggio di esercitazione, non è in corso alcuna emergenza reale.',
  test: 'PROVA: messaggio di prova tecnica, non è in corso alcuna emergenza reale.',
};

const upper = <T extends string>(value: string): T => (value.charAt(0).toUpperCase() + value.slice(1)) as T;

/** Keeps the CAP text as written when the announcement's text is the same one, trimmed or clipped. */
function keep(original: string | undefined, value: string | undefined, max: number): string | undefined {
  if (original !== undefined && value !== undefined && clip(original, max) === value) return original;
  return value;
}

function mimeTypeOf(url: string): string {
  const extension = /\.([a-z0-9]+)(?:[?#]|$)/i.exec(new URL(url).pathname)?.[1]?.toLowerCase();
  const types: Record<string, string> = {
    jpg: 'image/jpeg',
    jpeg: 'image/jpeg',
    png: 'image/png',
    gif: 'image/gif',
    webp: 'image/webp',
    svg: 'image/svg+xml',
  };
  return types[extension ?? ''] ?? 'image/*';
}

/**
 * Converts an announcement into a CAP 1.2 alert with one `info` per language (the default
 * language first). With `base`, the CAP the announcement was imported from is kept and updated.
 *
 * Status, message type, severity, urgency and certainty map one to one (`actual` → `Actual`, …);
 * the Protezione Civile colour code travels as the `allerta` parameter; the image becomes a
 * resource and the first link the `web` element.
 *
 * @param input - The announcement (validated here).
 * @param options - See {@link AnnouncementToCapOptions}.
 * @returns A valid CAP alert, ready for {@link toCapXml}.
 * @throws ConfigError when the announcement is invalid.
 * @throws CapValidationError (`CAP_RULE`) when a reference cannot be resolved or the result breaks a CAP rule.
 * @example
 * ```ts
 * const xml = toCapXml(announcementToCap(announcement, { sender: 'protezione.civile@comune.jesi.an.it' }));
 * ```
 */
export function announcementToCap(
  input: AnnouncementInput | Announcement,
  options: AnnouncementToCapOptions,
): CapAlert {
  const announcement = announcementSchema.parse(input);
  const base = options.base;
  const languages = Object.keys(announcement.content);
  const first = announcement.defaultLanguage ?? languages[0]!;
  const ordered = [first, ...languages.filter((language) => language !== first)];
  const sent = base?.sent ?? toCapDateTime(announcement.sent ?? formatCapDateTime((options.clock ?? Date).now()));

  const references: CapReference[] =
    base && base.references.length > 0
      ? base.references
      : announcement.references.flatMap((id, index) => {
          const found = options.references?.(id);
          if (!found || (Array.isArray(found) && found.length === 0)) {
            throw new CapValidationError('announcement for CAP', [
              {
                kind: 'rule',
                path: 'alert/references',
                message: `entry ${index}: the referenced announcement's CAP message is unknown (pass options.references)`,
              },
            ]);
          }
          return Array.isArray(found) ? [...(found as readonly CapReference[])] : [found as CapReference];
        });

  const infos = base
    ? infosFromBase(announcement, base, ordered, options)
    : ordered.map((language) => freshInfo(announcement, language, options));
  const alert: CapAlert = {
    identifier:
      base?.identifier ??
      options.identifier ??
      (announcement.revision === 1 ? announcement.id : `${announcement.id}.r${announcement.revision}`),
    sender: base?.sender ?? options.sender,
    sent,
    status: upper(announcement.status),
    msgType: upper(announcement.type),
    ...(base?.source !== undefined
      ? { source: base.source }
      : options.source !== undefined
        ? { source: options.source }
        : {}),
    scope: base?.scope ?? 'Public',
    ...(base?.restriction !== undefined ? { restriction: base.restriction } : {}),
    ...(base?.addresses !== undefined ? { addresses: base.addresses } : {}),
    code: base?.code ?? [],
    ...(base?.note !== undefined
      ? { note: base.note }
      : STATUS_NOTES[announcement.status] !== undefined
        ? { note: STATUS_NOTES[announcement.status] }
        : {}),
    references,
    incidents: base?.incidents ?? [],
    info: infos,
  };
  return xmlSafe(alert);
}

/**
 * Replaces the characters XML 1.0 cannot carry (C0 controls other than tab and line ends, lone
 * surrogates) with U+FFFD: an announcement may hold them, a CAP document may not.
 */
function xmlSafe<T>(value: T): T {
  if (typeof value === 'string') return replaceNonXmlChars(value) as T;
  if (Array.isArray(value)) return value.map((item: unknown) => xmlSafe(item)) as T;
  if (typeof value === 'object' && value !== null) {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, xmlSafe(item)])) as T;
  }
  return value;
}

function freshInfo(announcement: Announcement, language: string, options: AnnouncementToCapOptions): CapInfo {
  const content = announcement.content[language]!;
  const parameter: CapValuePair[] =
    announcement.colorCode === undefined ? [] : [{ valueName: COLOR_PARAMETER, value: announcement.colorCode }];
  const resource: CapResource[] = [];
  if (announcement.image) {
    resource.push({
      resourceDesc: announcement.image.alt,
      mimeType: mimeTypeOf(announcement.image.url),
      uri: announcement.image.url,
    });
  }
  const web = announcement.links.find((link) => link.url.startsWith('https:'));
  // The other https: links travel as resources (CAP has one `web` per info).
  for (const link of announcement.links) {
    if (link !== web && link.url.startsWith('https:'))
      resource.push({ resourceDesc: link.label, mimeType: 'text/html', uri: link.url });
  }
  const area: CapArea =
    announcement.areaDescription !== undefined
      ? { areaDesc: announcement.areaDescription, polygon: [], circle: [], geocode: options.area?.geocode ?? [] }
      : (options.area ?? {
          areaDesc: 'Territorio comunale',
          polygon: [],
          circle: [],
          geocode: [],
        });
  return {
    language,
    category: options.categories ?? defaultCategoriesFor(announcement.topics),
    event: announcement.event ?? content.headline,
    responseType: [],
    urgency: upper(announcement.urgency),
    severity: upper(announcement.severity),
    certainty: upper(announcement.certainty),
    eventCode: [],
    ...(announcement.effective === undefined ? {} : { effective: toCapDateTime(announcement.effective) }),
    ...(announcement.expires === undefined ? {} : { expires: toCapDateTime(announcement.expires) }),
    ...(announcement.sender === undefined ? {} : { senderName: announcement.sender }),
    headline: content.headline,
    ...(content.body === undefined ? {} : { description: content.body }),
    ...(content.instruction === undefined ? {} : { instruction: content.instruction }),
    ...(web === undefined ? {} : { web: web.url }),
    parameter,
    resource,
    area: [area],
  };
}

function infosFromBase(
  announcement: Announcement,
  base: CapAlert,
  ordered: string[],
  options: AnnouncementToCapOptions,
): CapInfo[] {
  const assume = options.assumeLanguage ?? CAP_DEFAULT_LANGUAGE;
  const languageOf = (info: CapInfo): string => {
    const [primary = '', ...rest] = (info.language ?? assume).split('-');
    return [primary.toLowerCase(), ...rest].join('-');
  };
  const template = base.info[0];
  if (!template) return ordered.map((language) => freshInfo(announcement, language, options));
  const main = base.info.find((info) => languageOf(info) === ordered[0]) ?? template;
  const kept = base.info.filter((info) => announcement.content[languageOf(info)] !== undefined);
  const added = ordered.filter((language) => !base.info.some((info) => languageOf(info) === language));
  const effectiveChanged = !sameInstant(main.effective, announcement.effective);
  const expiresChanged = !sameInstant(main.expires, announcement.expires);
  const merge = (info: CapInfo, language: string, fresh: boolean): CapInfo => {
    const content = announcement.content[language]!;
    const isMain = info === main && !fresh;
    const headline =
      info.headline === undefined && !fresh && clip(info.event, 200) === content.headline
        ? undefined
        : keep(info.headline, content.headline, 200);
    const description = keep(info.description, content.body, 20_000);
    const instruction = keep(info.instruction, content.instruction, 5_000);
    const event =
      isMain && announcement.event !== undefined && clip(info.event, 200) !== announcement.event
        ? announcement.event
        : info.event;
    const { headline: _h, description: _d, instruction: _i, effective: _e, expires: _x, language: _l, ...rest } = info;
    const effective = effectiveChanged
      ? announcement.effective && toCapDateTime(announcement.effective)
      : info.effective;
    const expires = expiresChanged ? announcement.expires && toCapDateTime(announcement.expires) : info.expires;
    const ownLanguage = fresh ? language : info.language;
    return {
      ...(ownLanguage === undefined ? {} : { language: ownLanguage }),
      ...rest,
      event,
      urgency: upper(announcement.urgency),
      severity: upper(announcement.severity),
      certainty: upper(announcement.certainty),
      ...(effective === undefined ? {} : { effective }),
      ...(expires === undefined ? {} : { expires }),
      ...(headline === undefined ? {} : { headline }),
      ...(description === undefined ? {} : { description }),
      ...(instruction === undefined ? {} : { instruction }),
    };
  };
  return [
    ...kept.map((info) => merge(info, languageOf(info), false)),
    ...added.map((language) => merge(main, language, true)),
  ];
}
