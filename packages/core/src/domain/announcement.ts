import { z } from 'zod';
import { hasVisibleText } from './visible-text.js';

/** CAP 1.2 severities, lower-cased. */
export const SEVERITIES = ['extreme', 'severe', 'moderate', 'minor', 'unknown'] as const;
/** Protezione Civile colour codes (verde = no alert … rossa = very high danger). */
export const COLOR_CODES = ['verde', 'gialla', 'arancione', 'rossa'] as const;

const slug = z
  .string()
  .min(1)
  .max(64)
  .regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes, e.g. "protezione-civile"');

const identifier = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9._:-]*$/, 'must be letters, digits, ".", "_", ":" or "-"');

const language = z.string().regex(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'must be a language tag such as "it" or "en"');

const isoDateTime = z.iso.datetime({ offset: true });

const safeUrl = z
  .url({
    protocol: /^(https|tel|mailto)$/,
    error: 'must be an https:, tel: or mailto: URL (no other scheme is allowed)',
  })
  .max(2048)
  .describe('an https:, tel: or mailto: URL');

const httpsUrl = z.url({ protocol: /^https$/, error: 'must be an https: URL' }).max(2048);

/** Text a reader must see: trimmed, bounded, and not made only of control or bidi characters. */
const visibleText = (max: number) =>
  z
    .string()
    .trim()
    .min(1)
    .max(max)
    .refine(hasVisibleText, { message: 'must contain visible text (control and bidi characters do not count)' });

/** zod drops a `__proto__` key of a record without a word; refuse it before the record sees it. */
const hasProtoKey = (value: unknown): boolean =>
  typeof value === 'object' && value !== null && Object.hasOwn(value, '__proto__');

/** The text of an announcement in one language. */
export const announcementContentSchema = z.object({
  /** One line, shown as the title and as the first line of a message. */
  headline: visibleText(200),
  /** The announcement itself, plain text; paragraphs separated by blank lines. */
  body: z.string().trim().max(20_000).optional(),
  /** What citizens should do ("Cosa fare"), plain text. */
  instruction: z.string().trim().max(5_000).optional(),
});

/** A link shown with the announcement. */
export const announcementLinkSchema = z.object({
  label: visibleText(200),
  url: safeUrl,
});

const contentRecord = z
  .record(language, announcementContentSchema)
  .refine((value) => Object.keys(value).length > 0, { message: 'must hold the text in at least one language' });

// The pipe's input type is `unknown`; the cast keeps the record's input type for publishers, which
// is what the pipe accepts once the `__proto__` check has passed.
const contentByLanguage = z
  .unknown()
  .refine((value) => !hasProtoKey(value), { message: 'must not use "__proto__" as a language' })
  .pipe(contentRecord) as unknown as typeof contentRecord;

/**
 * An announcement of the comune, aligned with CAP 1.2 (`alert`/`info` flattened).
 *
 * Content is given per language; `render()` is called once per language, never per recipient.
 */
export const announcementSchema = z
  .object({
    /** Stable id chosen by the publisher; also the default idempotency key of a broadcast. */
    id: identifier,
    /** Bumped on every change of the same announcement. */
    revision: z.number().int().min(1).default(1),
    /** CAP status: only `actual` reaches citizens by default. */
    status: z.enum(['actual', 'exercise', 'test']).default('actual'),
    /** CAP msgType. */
    type: z.enum(['alert', 'update', 'cancel']).default('alert'),
    /** Ids of the announcements an `update` or `cancel` refers to. */
    references: z.array(identifier).max(100).default([]),
    severity: z.enum(SEVERITIES),
    /** The Italian colour code, when the announcement is a Protezione Civile alert. */
    colorCode: z.enum(COLOR_CODES).optional(),
    urgency: z.enum(['immediate', 'expected', 'future', 'past', 'unknown']).default('unknown'),
    certainty: z.enum(['observed', 'likely', 'possible', 'unlikely', 'unknown']).default('unknown'),
    /** CAP event, e.g. "Allerta meteo idrogeologica". */
    event: visibleText(200).optional(),
    /** Topic slugs, e.g. `meteo`, `viabilita`, `eventi`. */
    topics: z.array(slug).max(50).default([]),
    /** Area slugs (frazioni, quartieri); empty means the whole comune. */
    areas: z.array(slug).max(200).default([]),
    /** Human description of the area, e.g. "Centro storico e Smia". */
    areaDescription: visibleText(500).optional(),
    /** Text per language tag; at least one. */
    content: contentByLanguage,
    /** The language used for subscribers whose own language is missing; defaults to the first in `content`. */
    defaultLanguage: language.optional(),
    links: z.array(announcementLinkSchema).max(10).default([]),
    image: z.object({ url: httpsUrl, alt: visibleText(500) }).optional(),
    /** The authority issuing it, e.g. "Comune di Jesi — Protezione Civile". */
    sender: visibleText(200).optional(),
    sent: isoDateTime.optional(),
    effective: isoDateTime.optional(),
    expires: isoDateTime.optional(),
  })
  .superRefine((value, ctx) => {
    if (value.type !== 'alert' && value.references.length === 0) {
      ctx.addIssue({
        code: 'custom',
        path: ['references'],
        message: `an ${value.type} must reference what it changes`,
      });
    }
    if (value.defaultLanguage !== undefined && !(value.defaultLanguage in value.content)) {
      ctx.addIssue({ code: 'custom', path: ['defaultLanguage'], message: 'must be one of the languages in content' });
    }
    if (
      value.effective !== undefined &&
      value.expires !== undefined &&
      Date.parse(value.expires) <= Date.parse(value.effective)
    ) {
      ctx.addIssue({ code: 'custom', path: ['expires'], message: 'must be after effective' });
    }
  });

/** A validated announcement (defaults applied). */
export type Announcement = z.output<typeof announcementSchema>;
/** What a publisher may pass: the announcement before defaults are applied. */
export type AnnouncementInput = z.input<typeof announcementSchema>;
/** One language's text. */
export type AnnouncementContent = z.output<typeof announcementContentSchema>;
/** CAP severity. */
export type Severity = (typeof SEVERITIES)[number];
/** Protezione Civile colour code. */
export type ColorCode = (typeof COLOR_CODES)[number];

/**
 * Picks the text for a language, falling back to the language without its region (`en-GB` →
 * `en`), then to the default language, then to the first one.
 *
 * @param announcement - A validated announcement.
 * @param language - The wanted language tag.
 * @returns The language actually used and its content.
 */
export function contentFor(
  announcement: Announcement,
  language: string,
): { language: string; content: AnnouncementContent } {
  const direct = announcement.content[language];
  if (direct) return { language, content: direct };
  // A regional tag reads the language's own text before the default (`en-GB` → `en`).
  const primary = language.split('-')[0]!;
  const general = announcement.content[primary];
  if (general) return { language: primary, content: general };
  const fallback = announcement.defaultLanguage ?? Object.keys(announcement.content)[0]!;
  return { language: fallback, content: announcement.content[fallback]! };
}

/** The languages an announcement is written in. */
export function languagesOf(announcement: Announcement): string[] {
  return Object.keys(announcement.content);
}

/**
 * Whether the announcement has expired at `nowMs`.
 *
 * @param announcement - The announcement.
 * @param nowMs - Current time in ms since the epoch.
 */
export function isExpired(announcement: Announcement, nowMs: number): boolean {
  return announcement.expires !== undefined && Date.parse(announcement.expires) <= nowMs;
}
