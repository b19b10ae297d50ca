import type { CapAlert } from './cap-types.js';
import { CAP_NAMESPACE } from './cap-types.js';

/** One entry of the Atom index: a CAP message and where it is served. */
export interface AtomEntry {
  cap: CapAlert;
  /** Absolute URL of the CAP document. */
  url: string;
}

/** What the index says about itself. */
export interface AtomFeedMeta {
  /** Absolute URL of the index itself (also its id). */
  self: string;
  title: string;
  author: string;
  /** RFC 3339 time of the last change. */
  updated: string;
}

const escapeXml = (text: string): string =>
  text.replace(
    /[&<>"\r]/g,
    (char) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\r': '&#13;' })[char]!,
  );

/** Words that mark a message that is not a real alert, in the title every reader shows. */
export const STATUS_MARK: Partial<Record<CapAlert['status'], string>> = {
  Exercise: '[ESERCITAZIONE]',
  Test: '[PROVA]',
};

/** RFC 3339 (Atom's date format) from a CAP date-time: the same text, CAP's `-00:00` is valid RFC 3339. */
const rfc3339 = (capDateTime: string): string => capDateTime;

/**
 * Writes the Atom index of CAP messages, in the form of the OASIS *CAP Feeds* note and Google
 * Public Alerts: one entry per message, linking to the CAP document (`application/cap+xml`),
 * with the main CAP fields repeated as `cap:` elements for readers that only poll the index.
 *
 * @param meta - The feed's own URL, title, author and update time.
 * @param entries - The messages, most severe first.
 * @returns The Atom XML text.
 */
export function toAtom(meta: AtomFeedMeta, entries: readonly AtomEntry[]): string {
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<feed xmlns="http://www.w3.org/2005/Atom" xmlns:cap="${CAP_NAMESPACE}">`,
    `  <id>${escapeXml(meta.self)}</id>`,
    `  <title>${escapeXml(meta.title)}</title>`,
    `  <updated>${escapeXml(meta.updated)}</updated>`,
    `  <author><name>${escapeXml(meta.author)}</name></author>`,
    `  <link rel="self" type="application/atom+xml" href="${escapeXml(meta.self)}"/>`,
  ];
  for (const { cap, url } of entries) {
    const info = cap.info[0];
    const mark = STATUS_MARK[cap.status];
    const headline = info?.headline ?? info?.event ?? cap.identifier;
    lines.push(
      '  <entry>',
      `    <id>${escapeXml(url)}</id>`,
      `    <title>${escapeXml(mark ? `${mark} ${headline}` : headline)}</title>`,
      `    <updated>${escapeXml(rfc3339(cap.sent))}</updated>`,
      `    <published>${escapeXml(rfc3339(cap.sent))}</published>`,
      `    <author><name>${escapeXml(info?.senderName ?? cap.sender)}</name></author>`,
      `    <link rel="alternate" type="application/cap+xml" href="${escapeXml(url)}"/>`,
    );
    if (info?.description !== undefined) lines.push(`    <summary>${escapeXml(info.description)}</summary>`);
    const cell = (name: string, value: string | undefined): void => {
      if (value !== undefined) lines.push(`    <cap:${name}>${escapeXml(value)}</cap:${name}>`);
    };
    cell('identifier', cap.identifier);
    cell('sender', cap.sender);
    cell('sent', cap.sent);
    cell('status', cap.status);
    cell('msgType', cap.msgType);
    cell('scope', cap.scope);
    if (info) {
      cell('language', info.language);
      cell('event', info.event);
      cell('urgency', info.urgency);
      cell('severity', info.severity);
      cell('certainty', info.certainty);
      cell('effective', info.effective);
      cell('expires', info.expires);
      cell('areaDesc', info.area.map((area) => area.areaDesc).join('; ') || undefined);
    }
    lines.push('  </entry>');
  }
  lines.push('</feed>', '');
  return lines.join('\n');
}
