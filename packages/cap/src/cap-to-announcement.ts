import { createHash } from 'node:crypto';
import { announcementSchema, COLOR_CODES, type Announcement, type ColorCode } from '@banditore/core';
import { defaultTopicsFor, type CapCategory } from './categories.js';
import { CapValidationError } from './cap-error.js';
import type { CapAlert, CapArea, CapInfo } from './cap-types.js';

/** CAP's language when an info names none (CAP 1.2 §3.2.2). */
export const CAP_DEFAULT_LANGUAGE = 'en-US';
/** The parameter Banditore writes the Protezione Civile colour code into (`gialla`, …). */
export const COLOR_PARAMETER = 'allerta';

/** Options of {@link capToAnnouncements}. */
export interface CapToAnnouncementOptions {
  /** Language of an info without `language`. Italian sources that omit it want `'it'`. @defaultValue `'en-US'` (CAP's default) */
  assumeLanguage?: string;
  /** Languages preferred as the announcement's default, by prefix (`'it'` matches `it-IT`). @defaultValue `['it']` */
  preferLanguages?: readonly string[];
  /** Topic slugs for the categories of an info. @defaultValue {@link defaultTopicsFor} */
  topicsFor?: (categories: readonly CapCategory[], info: CapInfo) => string[];
  /** Area slugs (frazioni, quartieri) of a CAP area; none means the whole comune. @defaultValue none */
  areasFor?: (area: CapArea) => string[];
  /** Protezione Civile colour code of an info. @defaultValue the `allerta` parameter, when it holds one */
  colorCodeFor?: (info: CapInfo) => ColorCode | undefined;
  /** Announcement id of a CAP identifier. @defaultValue the identifier, with characters an id cannot hold replaced */
  idFor?: (identifier: string, sender: string) => string;
}

/** An announcement made from a CAP alert, with the CAP it came from. */
export interface ConvertedCap {
  /** The validated announcement. */
  announcement: Announcement;
  /**
   * The CAP alert restricted to the infos this announcement holds. Pass it as `base` to
   * `announcementToCap` and the same CAP comes back, with whatever the announcement changed.
   */
  cap: CapAlert;
}

const ID_CHARS = /[^A-Za-z0-9._:-]/g;

/**
 * The default announcement id of a CAP identifier: kept when it is already a valid id, otherwise
 * with other characters replaced by `-` and, past 128 characters, shortened with a hash.
 *
 * @param identifier - The CAP identifier.
 * @returns An announcement id.
 */
export function defaultIdFor(identifier: string): string {
  let id = identifier.replace(ID_CHARS, '-');
  if (!/^[A-Za-z0-9]/.test(id)) id = `cap-${id}`;
  if (id.length > 128) id = `${id.slice(0, 111)}-${createHash('sha256').update(identifier).digest('hex').slice(0, 16)}`;
  return id;
}

/** Cuts text to `max` characters, ending with an ellipsis when cut. */
export function clip(text: string, max: number): string {
  const trimmed = text.trim();
  return trimmed.length <= max ? trimmed : `${trimmed.slice(0, max - 1).trimEnd()}…`;
}

function bandKey(info: CapInfo): string {
  const areas = info.area.map((area) =>
    [area.areaDesc, ...area.geocode.map((code) => `${code.valueName}=${code.value}`)].join('|'),
  );
  return [info.severity, info.urgency, info.certainty, info.effective, info.onset, info.expires, ...areas.sort()].join(
    '\n',
  );
}

/**
 * Groups infos into bands: the infos of one band are the same alert in different languages (same
 * severity, urgency, certainty, times and areas); another severity or area is another band.
 */
function bands(infos: readonly CapInfo[], language: (info: CapInfo) => string): CapInfo[][] {
  const groups: { key: string; infos: CapInfo[] }[] = [];
  for (const info of infos) {
    const key = bandKey(info);
    const group = groups.find((g) => g.key === key && !g.infos.some((other) => language(other) === language(info)));
    if (group) group.infos.push(info);
    else groups.push({ key, infos: [info] });
  }
  return groups.map((group) => group.infos);
}

const lower = <T extends string>(value: string): Lowercase<T> => value.toLowerCase() as Lowercase<T>;

function colorParameter(info: CapInfo): ColorCode | undefined {
  const value = info.parameter.find((parameter) => parameter.valueName === COLOR_PARAMETER)?.value.trim();
  return (COLOR_CODES as readonly string[]).includes(value ?? '') ? (value as ColorCode) : undefined;
}

function languageTag(tag: string): string {
  const [primary = '', ...rest] = tag.split('-');
  return [primary.toLowerCase(), ...rest].join('-');
}

/**
 * Converts a CAP alert into announcements: one per band of infos (usually one), each holding
 * every language of its band. `System` and `Draft` messages, and `Ack` and `Error`, are not
 * announcements and are refused.
 *
 * What an announcement cannot hold (geocodes, polygons, parameters such as MeteoAlarm's
 * `awareness_level`, resources, categories) stays in the returned `cap`, from which
 * `announcementToCap` rebuilds the same CAP.
 *
 * @param alert - A valid CAP alert (from {@link parseCap}).
 * @param options - See {@link CapToAnnouncementOptions}.
 * @returns One `{ announcement, cap }` per band; empty when the alert has no info.
 * @throws CapValidationError (`CAP_UNSUPPORTED`) for a status or message type that is no announcement.
 * @example
 * ```ts
 * const [first] = capToAnnouncements(parseCap(xml), { assumeLanguage: 'it' });
 * await broadcaster.publish(first.announcement, audience);
 * ```
 */
export function capToAnnouncements(alert: CapAlert, options: CapToAnnouncementOptions = {}): ConvertedCap[] {
  const assume = options.assumeLanguage ?? CAP_DEFAULT_LANGUAGE;
  const prefer = options.preferLanguages ?? ['it'];
  const idFor = options.idFor ?? ((identifier: string) => defaultIdFor(identifier));
  if (alert.status === 'System' || alert.status === 'Draft') {
    throw new CapValidationError('CAP alert for an announcement', [
      { kind: 'unsupported', path: 'alert/status', message: 'System and Draft messages are not announcements' },
    ]);
  }
  if (alert.msgType === 'Ack' || alert.msgType === 'Error') {
    throw new CapValidationError('CAP alert for an announcement', [
      { kind: 'unsupported', path: 'alert/msgType', message: 'Ack and Error messages are not announcements' },
    ]);
  }
  const language = (info: CapInfo): string => languageTag(info.language ?? assume);
  const groups = bands(alert.info, language);
  const baseId = idFor(alert.identifier, alert.sender);
  return groups.map((infos, index) => {
    const id = groups.length === 1 ? baseId : `${baseId.slice(0, 120)}:${index + 1}`;
    const preferred = prefer.flatMap((tag) => infos.filter((info) => language(info).startsWith(tag)))[0] ?? infos[0]!;
    const announcement = toAnnouncement(alert, infos, preferred, id, language, idFor, options);
    const { signed: _signed, ...unsigned } = alert;
    return { announcement, cap: { ...unsigned, info: infos } };
  });
}

function toAnnouncement(
  alert: CapAlert,
  infos: CapInfo[],
  main: CapInfo,
  id: string,
  language: (info: CapInfo) => string,
  idFor: (identifier: string, sender: string) => string,
  options: CapToAnnouncementOptions,
): Announcement {
  const italian = language(main).startsWith('it');
  const content = Object.fromEntries(
    infos.map((info) => {
      const body = info.description?.trim() ? clip(info.description, 20_000) : undefined;
      const instruction = info.instruction?.trim() ? clip(info.instruction, 5_000) : undefined;
      return [
        language(info),
        {
          headline: clip(info.headline?.trim() ? info.headline : info.event, 200),
          ...(body === undefined ? {} : { body }),
          ...(instruction === undefined ? {} : { instruction }),
        },
      ];
    }),
  );
  const https = (uri: string | undefined): uri is string => uri !== undefined && /^https:\/\//i.test(uri);
  const links = [
    ...(https(main.web) ? [{ label: italian ? 'Maggiori informazioni' : 'More information', url: main.web }] : []),
    ...main.resource
      .filter((resource) => !resource.mimeType.startsWith('image/') && https(resource.uri))
      .map((resource) => ({ label: clip(resource.resourceDesc || resource.mimeType, 200), url: resource.uri! })),
  ].slice(0, 10);
  const image = main.resource.find(
    (resource) => resource.mimeType.startsWith('image/') && https(resource.uri) && resource.resourceDesc.trim(),
  );
  const areaDescription = main.area
    .map((area) => area.areaDesc.trim())
    .filter(Boolean)
    .join('; ');
  const color = (options.colorCodeFor ?? colorParameter)(main);
  const categories = [...new Set(infos.flatMap((info) => info.category))];
  const sender = main.senderName?.trim() ? main.senderName : alert.sender;
  const input = {
    id,
    status: lower<'Actual' | 'Exercise' | 'Test'>(alert.status),
    type: lower<'Alert' | 'Update' | 'Cancel'>(alert.msgType),
    references: [...new Set(alert.references.map((reference) => idFor(reference.identifier, reference.sender)))],
    severity: lower(main.severity),
    ...(color === undefined ? {} : { colorCode: color }),
    urgency: lower(main.urgency),
    certainty: lower(main.certainty),
    event: clip(main.event, 200),
    topics: (options.topicsFor ?? defaultTopicsFor)(categories, main),
    areas: [...new Set(main.area.flatMap((area) => options.areasFor?.(area) ?? []))],
    ...(areaDescription ? { areaDescription: clip(areaDescription, 500) } : {}),
    content,
    defaultLanguage: language(main),
    links,
    ...(image ? { image: { url: image.uri!, alt: clip(image.resourceDesc, 500) } } : {}),
    sender: clip(sender, 200),
    sent: alert.sent,
    ...(main.effective === undefined ? {} : { effective: main.effective }),
    ...(main.expires === undefined ? {} : { expires: main.expires }),
  };
  const parsed = announcementSchema.safeParse(input);
  if (!parsed.success) {
    throw new CapValidationError(
      'CAP alert for an announcement',
      parsed.error.issues.map((issue) => ({
        kind: 'unsupported' as const,
        path: `announcement.${issue.path.filter((part) => typeof part !== 'symbol').join('.')}`,
        message: issue.message,
      })),
    );
  }
  return parsed.data;
}
