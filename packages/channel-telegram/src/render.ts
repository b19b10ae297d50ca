import { contentFor, type Announcement, type Severity } from '@banditore/core';
import { COLOR_EMOJI, labelsFor, type RenderLabels } from './labels.js';
import { layoutParts, measureBlocks, type Block, type Inline } from './text-layout.js';

/** Most visible characters of a text message (Bot API `sendMessage.text`). */
export const MESSAGE_MAX_LENGTH = 4096;
/** Most visible characters of a photo caption (Bot API `sendPhoto.caption`). */
export const CAPTION_MAX_LENGTH = 1024;

/** One Bot API call of a rendered announcement. */
export type TelegramMessagePart =
  | { readonly method: 'sendMessage'; readonly text: string }
  | { readonly method: 'sendPhoto'; readonly photo: string; readonly caption: string };

/**
 * An announcement rendered for Telegram in one language: the parts go to each chat in order
 * (a long text is split; an image goes first as a photo with the headline as caption).
 */
export interface TelegramMessage {
  /** The language the content was taken from (after fallback). */
  readonly language: string;
  /** Bot API calls, in order; at least one. */
  readonly parts: readonly TelegramMessagePart[];
  /** Sent with `disable_notification` (low severity). */
  readonly silent: boolean;
  /**
   * A follow-up that escalates (higher severity or colour than the message the citizen has): sent
   * as a new message, which rings, instead of a silent edit. @defaultValue false
   */
  readonly ring?: boolean;
}

/** Options of {@link renderTelegramMessage}. */
export interface RenderOptions {
  /** Severities below this one are sent silently. `undefined`: never silent. */
  silentBelow?: Severity | undefined;
  /** Time zone for the "valid until" line. @defaultValue `"Europe/Rome"` */
  timeZone?: string | undefined;
}

const SEVERITY_RANK: Record<Severity, number> = { unknown: 0, minor: 1, moderate: 2, severe: 3, extreme: 4 };
const COLOR_RANK: Record<NonNullable<Announcement['colorCode']>, number> = {
  verde: 0,
  gialla: 1,
  arancione: 2,
  rossa: 3,
};

/**
 * Whether an update raises the alert above the one the citizen has: a higher severity or a
 * higher colour code. Telegram's edits do not ring, so an escalation goes as a new message.
 *
 * @param previous - The announcement the citizen has.
 * @param next - The update.
 */
export function escalates(previous: Announcement, next: Announcement): boolean {
  if (SEVERITY_RANK[next.severity] > SEVERITY_RANK[previous.severity]) return true;
  const before = previous.colorCode === undefined ? -1 : COLOR_RANK[previous.colorCode];
  return next.colorCode !== undefined && COLOR_RANK[next.colorCode] > before;
}

/**
 * Renders an announcement as Telegram HTML: a badge line (colour, exercise, update), the bold
 * headline, the area, the body paragraphs, "Cosa fare" with the instruction, the links and the
 * expiry. Every piece of announcement text is escaped; parts never exceed Telegram's limits.
 *
 * @param announcement - A validated announcement.
 * @param language - The wanted language; falls back as `contentFor` does.
 * @param options - Silence threshold and time zone.
 * @returns The message, deterministic for the same input.
 * @example
 * ```ts
 * const message = renderTelegramMessage(announcement, 'it', { silentBelow: 'moderate' })
 * message.parts[0] // { method: 'sendMessage', text: '<b>Allerta meteo</b>\n\n…' }
 * ```
 */
export function renderTelegramMessage(
  announcement: Announcement,
  language: string,
  options: RenderOptions = {},
): TelegramMessage {
  const { language: used, content } = contentFor(announcement, language);
  const labels = labelsFor(used);
  const head: Block[] = [];
  const badge = badgeLine(announcement, labels);
  head.push([
    ...(badge === '' ? [] : [{ text: `${badge}\n`, style: 'plain' as const }]),
    { text: content.headline, style: 'bold' },
  ]);
  if (announcement.areaDescription !== undefined) {
    head.push([{ text: `📍 ${labels.area}: ${announcement.areaDescription}`, style: 'italic' }]);
  }
  const rest: Block[] = [...paragraphs(content.body)];
  const instruction = paragraphs(content.instruction);
  if (instruction.length > 0) {
    const [first, ...others] = instruction;
    rest.push([{ text: labels.whatToDo, style: 'bold' }, { text: '\n', style: 'plain' }, ...first!], ...others);
  }
  const links = linkBlock(announcement);
  if (links.length > 0) rest.push(links);
  if (announcement.expires !== undefined) {
    rest.push([
      {
        text: `${labels.validUntil}: ${formatDate(announcement.expires, labels.locale, options.timeZone)}`,
        style: 'italic',
      },
    ]);
  }

  const silent =
    options.silentBelow !== undefined && SEVERITY_RANK[announcement.severity] < SEVERITY_RANK[options.silentBelow];
  const all = [...head, ...rest];
  if (announcement.image === undefined) {
    return {
      language: used,
      silent,
      parts: layoutParts(all, MESSAGE_MAX_LENGTH).map((text) => ({ method: 'sendMessage', text })),
    };
  }
  // With an image: everything in the caption when it fits, else the headline as caption and the text after it.
  const photo = announcement.image.url;
  if (measureBlocks(all) <= CAPTION_MAX_LENGTH) {
    return {
      language: used,
      silent,
      parts: [{ method: 'sendPhoto', photo, caption: layoutParts(all, CAPTION_MAX_LENGTH)[0]! }],
    };
  }
  const [caption, ...overflow] = layoutParts(head, CAPTION_MAX_LENGTH);
  const texts = [...(overflow.length > 0 ? [overflow.join('\n\n')] : []), ...layoutParts(rest, MESSAGE_MAX_LENGTH)];
  return {
    language: used,
    silent,
    parts: [
      { method: 'sendPhoto', photo, caption: caption! },
      ...texts.map((text) => ({ method: 'sendMessage' as const, text })),
    ],
  };
}

function badgeLine(announcement: Announcement, labels: RenderLabels): string {
  const words: string[] = [];
  if (announcement.colorCode !== undefined) {
    words.push(`${COLOR_EMOJI[announcement.colorCode]} ${labels.colors[announcement.colorCode]}`);
  }
  if (announcement.status === 'exercise') words.push(`[${labels.exercise}]`);
  if (announcement.status === 'test') words.push(`[${labels.test}]`);
  if (announcement.type === 'update') words.push(labels.update);
  if (announcement.type === 'cancel') words.push(`❌ ${labels.cancel}`);
  return words.join(' · ');
}

function paragraphs(text: string | undefined): Inline[][] {
  if (text === undefined || text.trim() === '') return [];
  return text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter((paragraph) => paragraph !== '')
    .map((paragraph) => [{ text: paragraph, style: 'plain' }]);
}

/**
 * Links: https URLs become anchors; `tel:` and `mailto:` are written out, because Telegram only
 * accepts http(s) and tg: in anchors and recognises phone numbers and e-mail addresses itself.
 */
function linkBlock(announcement: Announcement): Inline[] {
  const inlines: Inline[] = [];
  announcement.links.forEach((link, index) => {
    if (index > 0) inlines.push({ text: '\n', style: 'plain' });
    if (link.url.startsWith('https:')) {
      inlines.push({ text: '🔗 ', style: 'plain' }, { text: link.label, style: 'plain', href: link.url });
    } else {
      const target = safeDecode(link.url.replace(/^(tel|mailto):/, ''));
      inlines.push({ text: `${link.url.startsWith('tel:') ? '📞' : '✉️'} ${link.label}: ${target}`, style: 'plain' });
    }
  });
  return inlines;
}

function safeDecode(value: string): string {
  try {
    return decodeURIComponent(value);
  } catch {
    return value;
  }
}

function formatDate(iso: string, locale: string, timeZone = 'Europe/Rome'): string {
  return new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: 'short', timeZone }).format(new Date(iso));
}
