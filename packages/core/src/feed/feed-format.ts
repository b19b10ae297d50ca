import type { Announcement } from '../domain/announcement.js';

/** Version of the feed document; bumped only for changes a v1 reader could not ignore. */
export const FEED_VERSION = 1;

/** CAP 1.2 status, in CAP case. */
export type CapStatus = 'Actual' | 'Exercise' | 'Test';
/** CAP 1.2 msgType, in CAP case. */
export type CapMsgType = 'Alert' | 'Update' | 'Cancel';
/** CAP 1.2 severity, in CAP case. */
export type CapSeverity = 'Extreme' | 'Severe' | 'Moderate' | 'Minor' | 'Unknown';
/** CAP 1.2 urgency, in CAP case. */
export type CapUrgency = 'Immediate' | 'Expected' | 'Future' | 'Past' | 'Unknown';
/** CAP 1.2 certainty, in CAP case. */
export type CapCertainty = 'Observed' | 'Likely' | 'Possible' | 'Unlikely' | 'Unknown';

/** The text of an alert in one language (CAP `info`, text fields only). Plain text, never HTML. */
export interface FeedAlertInfo {
  language: string;
  headline: string;
  description?: string;
  instruction?: string;
}

/** One alert of the feed, CAP-aligned (see the widget guide for each field's use). */
export interface FeedAlert {
  id: string;
  /** Bumped on every change of this alert: the dismissal key of the widget. */
  revision: number;
  status: CapStatus;
  msgType: CapMsgType;
  references: string[];
  severity: CapSeverity;
  /** Protezione Civile colour code, when given. */
  allerta?: 'verde' | 'gialla' | 'arancione' | 'rossa';
  urgency: CapUrgency;
  certainty: CapCertainty;
  event?: string;
  topics: string[];
  area: { desc?: string; codes: string[] };
  /** One entry per language; the first is the default language. */
  info: FeedAlertInfo[];
  links: { label: string; url: string }[];
  image?: { url: string; alt: string };
  sender?: string;
  sent?: string;
  effective?: string;
  expires?: string;
}

/** A topic the comune offers, with its label per language. */
export interface FeedTopic {
  id: string;
  label: Record<string, string>;
}

/** How citizens can subscribe; the widget's panel builds its links from this. */
export interface FeedChannels {
  telegram?: { bot?: string; channel?: string };
  whatsapp?: { number: string; optinKeyword: string };
  /** A page of the comune explaining every way to subscribe. */
  page?: string;
}

/** The whole public feed document (version 1). */
export interface FeedDocument {
  version: typeof FEED_VERSION;
  comune: { name: string; istat?: string };
  generatedAt: string;
  /** Feed revision: grows on every change; the ETag and the event-stream ids derive from it. */
  revision: number;
  /** Seconds a client may keep this document before asking again. */
  ttl: number;
  live: { sse?: string; poll?: string };
  topics: FeedTopic[];
  channels: FeedChannels;
  alerts: FeedAlert[];
}

const cap = <T extends string>(value: string): T => (value.charAt(0).toUpperCase() + value.slice(1)) as T;

/**
 * Converts a validated announcement into its public feed form: CAP case for the enums, one
 * `info` entry per language with the default language first.
 *
 * @param announcement - A validated announcement.
 * @returns The feed alert.
 */
export function toFeedAlert(announcement: Announcement): FeedAlert {
  const languages = Object.keys(announcement.content);
  const first = announcement.defaultLanguage ?? languages[0]!;
  const ordered = [first, ...languages.filter((language) => language !== first)];
  const alert: FeedAlert = {
    id: announcement.id,
    revision: announcement.revision,
    status: cap(announcement.status),
    msgType: cap(announcement.type),
    references: [...announcement.references],
    severity: cap(announcement.severity),
    urgency: cap(announcement.urgency),
    certainty: cap(announcement.certainty),
    topics: [...announcement.topics],
    area: { codes: [...announcement.areas] },
    info: ordered.map((language) => {
      const content = announcement.content[language]!;
      return {
        language,
        headline: content.headline,
        ...(content.body === undefined ? {} : { description: content.body }),
        ...(content.instruction === undefined ? {} : { instruction: content.instruction }),
      };
    }),
    links: announcement.links.map((link) => ({ label: link.label, url: link.url })),
  };
  if (announcement.colorCode !== undefined) alert.allerta = announcement.colorCode;
  if (announcement.event !== undefined) alert.event = announcement.event;
  if (announcement.areaDescription !== undefined) alert.area.desc = announcement.areaDescription;
  if (announcement.image !== undefined) alert.image = { ...announcement.image };
  if (announcement.sender !== undefined) alert.sender = announcement.sender;
  if (announcement.sent !== undefined) alert.sent = announcement.sent;
  if (announcement.effective !== undefined) alert.effective = announcement.effective;
  if (announcement.expires !== undefined) alert.expires = announcement.expires;
  return alert;
}
