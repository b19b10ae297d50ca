/**
 * The feed as the widget understands it: defensive parsing of the JSON document (the widget has no
 * runtime dependencies, so no zod), severity levels, ordering, filters and safe links.
 * Pure functions only: no DOM, so they are unit-tested in Node.
 */

/** Normalised severity levels, most severe first; `all-clear` is a cancelled alert. */
export const LEVELS = ['critical', 'high', 'medium', 'info', 'all-clear'] as const;
/** A normalised severity level. */
export type Level = (typeof LEVELS)[number];

/** The text of an alert in one language (plain text). */
export interface AlertInfo {
  language: string;
  headline: string;
  description?: string;
  instruction?: string;
}

/** One alert as the widget uses it, after validation and cleaning. */
export interface WidgetAlert {
  id: string;
  revision: number;
  level: Level;
  status: string;
  msgType: string;
  severity: string;
  references: string[];
  topics: string[];
  event?: string;
  area?: string;
  sender?: string;
  effective?: string;
  expires?: string;
  sent?: string;
  info: AlertInfo[];
  links: { label: string; url: string }[];
}

/** Feed metadata the widget shows or passes to the subscription panel. */
export interface FeedMeta {
  comune: string;
  topics: { id: string; label: Record<string, string> }[];
  channels: {
    telegram?: { bot?: string; channel?: string };
    whatsapp?: { number: string; optinKeyword: string };
    page?: string;
  };
  sse?: string;
  revision: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);

// Bidi overrides/isolates could make text read differently from what the comune wrote; other
// control characters have no place in an alert.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\u0000-\u0008\u000B-\u001F\u007F\u202A-\u202E\u2066-\u2069]/g;

/** Strips control and bidi-override characters and clamps the length (with an ellipsis). */
export function cleanText(value: unknown, max: number): string | undefined {
  const text = str(value)?.replace(UNSAFE_CHARS, '').trim();
  if (!text) return undefined;
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

const ALLOWED_SCHEMES = ['https:', 'tel:', 'mailto:'];

/**
 * Returns the URL when it is absolute and uses an allowed scheme (`https:`, `tel:`, `mailto:`).
 * Relative URLs are refused too: they would resolve against the comune's page, not the feed.
 */
export function safeUrl(value: unknown): string | undefined {
  const text = str(value);
  if (!text) return undefined;
  try {
    const url = new URL(text);
    return ALLOWED_SCHEMES.includes(url.protocol) ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Maps CAP severity, msgType and the Italian colour code to a level (the colour code wins). */
export function levelOf(alert: { msgType?: unknown; allerta?: unknown; severity?: unknown }): Level {
  if (alert.msgType === 'Cancel' || alert.allerta === 'verde') return 'all-clear';
  const byColour: Record<string, Level> = { rossa: 'critical', arancione: 'high', gialla: 'medium' };
  const bySeverity: Record<string, Level> = { Extreme: 'critical', Severe: 'high', Moderate: 'medium' };
  return byColour[String(alert.allerta)] ?? bySeverity[String(alert.severity)] ?? 'info';
}

const setText = (target: Json, source: Json, keys: string[], max: number): void => {
  for (const key of keys) {
    const value = cleanText(source[key], max);
    if (value) target[key] = value;
  }
};

const list = (value: unknown): string[] =>
  Array.isArray(value) ? value.map((v) => cleanText(v, 64)).filter((v): v is string => !!v) : [];

/** Validates and cleans one feed alert; `undefined` when it cannot be shown safely. */
export function parseAlert(raw: unknown): WidgetAlert | undefined {
  if (!isObject(raw) || !Array.isArray(raw.info)) return undefined;
  const id = cleanText(raw.id, 128);
  const info = (raw.info as unknown[])
    .filter(isObject)
    .map((entry) => {
      const item: Json = { language: cleanText(entry.language, 35) ?? 'it' };
      setText(item, entry, ['headline'], 200);
      setText(item, entry, ['description', 'instruction'], 4000);
      return item as unknown as AlertInfo;
    })
    .filter((item) => item.headline);
  if (!id || info.length === 0) return undefined;
  const alert: Json = {
    id,
    revision: Number(raw.revision) || 1,
    level: levelOf(raw),
    status: str(raw.status) ?? 'Actual',
    msgType: str(raw.msgType) ?? 'Alert',
    severity: str(raw.severity) ?? 'Unknown',
    references: list(raw.references),
    topics: list(raw.topics),
    info,
    links: (Array.isArray(raw.links) ? (raw.links as unknown[]) : [])
      .filter(isObject)
      .map((link) => ({ label: cleanText(link.label, 200), url: safeUrl(link.url) }))
      .filter((link) => link.label && link.url),
  };
  setText(alert, raw, ['event', 'sender'], 200);
  const area = cleanText(isObject(raw.area) ? raw.area.desc : undefined, 500);
  if (area) alert.area = area;
  for (const key of ['effective', 'expires', 'sent']) {
    const value = str(raw[key]);
    if (value && !Number.isNaN(Date.parse(value))) alert[key] = value;
  }
  return alert as unknown as WidgetAlert;
}

/** Validates a whole feed document; `undefined` when it is not a version-1 feed. */
export function parseFeed(raw: unknown): { meta: FeedMeta; alerts: WidgetAlert[] } | undefined {
  if (!isObject(raw) || raw.version !== 1 || !Array.isArray(raw.alerts)) return undefined;
  const comune = isObject(raw.comune) ? cleanText(raw.comune.name, 200) : undefined;
  const channels = isObject(raw.channels) ? (raw.channels as FeedMeta['channels']) : {};
  const topics = (Array.isArray(raw.topics) ? (raw.topics as unknown[]) : []).filter(
    (topic): topic is FeedMeta['topics'][number] =>
      isObject(topic) && typeof topic.id === 'string' && isObject(topic.label),
  );
  const live = isObject(raw.live) ? raw.live : {};
  const meta: FeedMeta = { comune: comune ?? '', topics, channels, revision: Number(raw.revision) || 0 };
  const sse = str(live.sse);
  if (sse) meta.sse = sse;
  return { meta, alerts: (raw.alerts as unknown[]).map(parseAlert).filter((a): a is WidgetAlert => !!a) };
}

/** Picks the text in `language`, else the first (the feed's default language). */
export function infoFor(alert: WidgetAlert, language: string): AlertInfo {
  return alert.info.find((info) => info.language.split('-')[0] === language) ?? alert.info[0]!;
}

/** What to show: filters for the widget's attributes. */
export interface ViewFilter {
  preview: boolean;
  minLevel: Level;
  /** Empty = every topic. */
  topics: string[];
  now: number;
}

/**
 * Filters and orders alerts: most severe first, then the newest. Critical alerts and alerts with
 * no topic ignore the topic filter (a red alert is everyone's business); all-clears pass the
 * severity filter so a cancelled alert does not silently vanish.
 */
export function selectAlerts(alerts: Iterable<WidgetAlert>, filter: ViewFilter): WidgetAlert[] {
  const minRank = LEVELS.indexOf(filter.minLevel);
  const out: WidgetAlert[] = [];
  for (const alert of alerts) {
    if (!filter.preview && alert.status !== 'Actual') continue;
    if (alert.expires && Date.parse(alert.expires) <= filter.now) continue;
    const rank = LEVELS.indexOf(alert.level);
    if (alert.level !== 'all-clear' && rank > minRank) continue;
    const topicMatch =
      filter.topics.length === 0 ||
      alert.level === 'critical' ||
      alert.topics.length === 0 ||
      alert.topics.some((topic) => filter.topics.includes(topic));
    if (topicMatch) out.push(alert);
  }
  const time = (alert: WidgetAlert): number => Date.parse(alert.sent ?? alert.effective ?? '') || 0;
  return out.sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level) || time(b) - time(a));
}

/** The wait before reconnect attempt `attempt` (0-based): 2, 5, 10, 20, 40, then 120 s, ±20 % jitter. */
export function backoffMs(attempt: number, random: () => number = Math.random): number {
  const base = [2, 5, 10, 20, 40, 120][Math.min(attempt, 5)]! * 1000;
  return Math.round(base * (0.8 + 0.4 * random()));
}
