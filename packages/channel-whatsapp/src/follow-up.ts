import type { Announcement, AnnouncementChange, AnnouncementContent, FollowUpContext } from '@banditore/core';
import { followUpMarker } from '@banditore/core';
/** Meta's limit on a text message body. */
const TEXT_MAX_LENGTH = 4096;

/** A follow-up stays short: the citizen has the first message above it. */
const FOLLOW_UP_BODY_LENGTH = 600;

/** What a changed field is called, per language (others get Italian). */
const CHANGE_NAMES: Readonly<Record<string, Readonly<Record<AnnouncementChange, string>>>> = {
  it: {
    severity: 'gravità',
    colorCode: 'livello di allerta',
    urgency: 'urgenza',
    certainty: 'certezza',
    event: 'evento',
    headline: 'titolo',
    body: 'testo',
    instruction: 'cosa fare',
    areas: 'zona',
    effective: 'inizio',
    expires: 'scadenza',
    links: 'link',
    image: 'immagine',
  },
  en: {
    severity: 'severity',
    colorCode: 'alert level',
    urgency: 'urgency',
    certainty: 'certainty',
    event: 'event',
    headline: 'headline',
    body: 'text',
    instruction: 'what to do',
    areas: 'area',
    effective: 'start',
    expires: 'expiry',
    links: 'links',
    image: 'image',
  },
};

const PHRASES: Readonly<Record<string, { changed: string; from: string; to: string; none: string }>> = {
  it: { changed: 'Cambia', from: 'da', to: 'a', none: 'nessun cambiamento nei dettagli' },
  en: { changed: 'Changed', from: 'from', to: 'to', none: 'no change in the details' },
};

const primary = (language: string): string => {
  const base = language.toLowerCase().split(/[-_]/)[0] ?? 'it';
  return base in CHANGE_NAMES ? base : 'it';
};

/**
 * Names what changed, in the citizen's language: "livello di allerta (da arancione a rossa),
 * testo, scadenza". Empty context (a cancel) gives the marker alone.
 *
 * @param context - The follow-up's context, or `undefined` for a first message.
 * @param language - The language tag.
 * @returns A short phrase, never empty.
 */
export function describeChanges(context: FollowUpContext | undefined, language: string): string {
  if (context === undefined) return '-';
  const code = primary(language);
  if (context.kind === 'cancel') return followUpMarker('cancel', code);
  const names = CHANGE_NAMES[code]!;
  const phrases = PHRASES[code]!;
  if (context.changes.length === 0) return phrases.none;
  return context.changes
    .map((change) => {
      const name = names[change];
      const previous = context.previous;
      if (previous === undefined || (change !== 'colorCode' && change !== 'severity')) return name;
      const before = previous[change];
      return before === undefined ? name : `${name} (${phrases.from} ${before})`;
    })
    .join(', ');
}

/**
 * The free-form follow-up: the marker and what changed, then the new headline, a short body and
 * what to do. "*Aggiornamento* — cambia: livello di allerta (da arancione), testo".
 *
 * @param announcement - The update or cancel.
 * @param picked - Its content in the citizen's language.
 * @param context - The follow-up's kind and changes.
 * @returns WhatsApp text.
 */
export function followUpText(
  announcement: Announcement,
  picked: { language: string; content: AnnouncementContent },
  context: FollowUpContext,
): string {
  const { language, content } = picked;
  const code = primary(language);
  const marker = `*${followUpMarker(context.kind, code)}*`;
  const first =
    context.kind === 'cancel'
      ? marker
      : `${marker} — ${PHRASES[code]!.changed.toLowerCase()}: ${describeChanges(context, code)}`;
  const body = content.body ?? '';
  const short = body.length > FOLLOW_UP_BODY_LENGTH ? `${body.slice(0, FOLLOW_UP_BODY_LENGTH - 1).trimEnd()}…` : body;
  const links = announcement.links.map((link) => `${link.label}: ${link.url}`).join('\n');
  const text = [first, `*${content.headline.replace(/\*/g, '')}*`, short, content.instruction ?? '', links]
    .filter((part) => part.length > 0)
    .join('\n\n');
  return text.length <= TEXT_MAX_LENGTH ? text : `${text.slice(0, TEXT_MAX_LENGTH - 1)}…`;
}
