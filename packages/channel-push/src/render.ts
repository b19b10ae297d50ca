import { createHash } from 'node:crypto';
import type { Announcement, Severity } from '@banditore/core';
import { MAX_PLAINTEXT_BYTES } from './ece.js';
import { markedTitle } from './status-mark.js';

/** RFC 8030 `Urgency` values. */
export type PushUrgency = 'very-low' | 'low' | 'normal' | 'high';

/** What the service worker receives, as JSON. */
export interface PushPayload {
  title: string;
  body: string;
  severity: Severity;
  /** The announcement page, when the announcement has an https link. */
  url?: string;
  /** Notification tag: an update replaces the shown notification of the same announcement. */
  tag: string;
  lang: string;
}

/** One announcement rendered for one language: the plaintext and the delivery headers. */
export interface PushMessage {
  /** UTF-8 JSON of {@link PushPayload}, at most the configured bytes. */
  plaintext: Buffer;
  /** 32 base64url characters, equal for an announcement and its updates and cancellation. */
  topic: string;
  urgency: PushUrgency;
  /** When the announcement expires (epoch ms), to shorten the TTL. */
  expiresAt: number | undefined;
}

const URGENCY: Record<Severity, PushUrgency> = {
  extreme: 'high',
  severe: 'high',
  moderate: 'normal',
  unknown: 'normal',
  minor: 'low',
};

const ELLIPSIS = '…';

/**
 * Renders an announcement as a Web Push message for one language. The body is cut (at a
 * character boundary, with an ellipsis) so the JSON fits `maxBytes`; the title is the headline.
 *
 * @param announcement - The announcement.
 * @param language - The subscriber language; falls back to the default language.
 * @param maxBytes - Largest plaintext. @defaultValue 3,072 (some services accept less than the RFC's 4,096-byte body)
 * @returns The message.
 */
export function renderPushMessage(announcement: Announcement, language: string, maxBytes = 3072): PushMessage {
  const limit = Math.min(maxBytes, MAX_PLAINTEXT_BYTES);
  const languages = Object.keys(announcement.content);
  const lang = language in announcement.content ? language : (announcement.defaultLanguage ?? languages[0]!);
  const content = announcement.content[lang]!;
  const root = announcement.type === 'alert' ? announcement.id : (announcement.references[0] ?? announcement.id);
  const link = announcement.links.find((entry) => entry.url.startsWith('https:'));
  const payload: PushPayload = {
    title: clip(markedTitle(announcement, lang, content.headline), 200),
    body: [content.body, content.instruction].filter((part) => part !== undefined && part !== '').join('\n\n'),
    severity: announcement.severity,
    ...(link ? { url: link.url } : {}),
    tag: root,
    lang,
  };
  let plaintext: Buffer = Buffer.from(JSON.stringify(payload));
  if (plaintext.length > limit) {
    // Binary search for the longest body prefix that fits: bytes per character vary (accents,
    // emoji, JSON escapes), so no single subtraction gets it right. Once per language, ~15 steps.
    const chars = [...payload.body];
    const fits = (count: number): Buffer | undefined => {
      const body = count === 0 ? '' : chars.slice(0, count).join('').trimEnd() + ELLIPSIS;
      const bytes = Buffer.from(JSON.stringify({ ...payload, body }));
      return bytes.length <= limit ? bytes : undefined;
    };
    let low = 0;
    let high = chars.length - 1;
    while (low < high) {
      const middle = Math.ceil((low + high) / 2);
      if (fits(middle)) low = middle;
      else high = middle - 1;
    }
    plaintext = fits(low) ?? plaintext;
  }
  return {
    plaintext,
    topic: createHash('sha256').update(`banditore:${root}`).digest('base64url').slice(0, 32),
    urgency: announcement.type === 'cancel' ? 'normal' : URGENCY[announcement.severity],
    expiresAt: announcement.expires === undefined ? undefined : Date.parse(announcement.expires),
  };
}

function clip(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : chars.slice(0, max - 1).join('') + ELLIPSIS;
}
