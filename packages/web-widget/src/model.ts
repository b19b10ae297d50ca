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
  /** Each channel, or its field, is `undefined` when the feed gave none or an invalid one. */
  channels: {
    telegram?: { bot?: string | undefined; channel?: string | undefined } | undefined;
    whatsapp?: { number: string; optinKeyword: string } | undefined;
    page?: string | undefined;
  };
  sse?: string;
  revision: number;
}

type Json = Record<string, unknown>;
const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null;
const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
/** The value when it is a string matching `pattern` (which bounds its length and characters). */
const match = (value: unknown, pattern: RegExp): string | undefined =>
  typeof value === 'string' && pattern.test(value) ? value : undefined;
/** A safe integer ≥ `min`, else `min`: never NaN, Infinity or negative, whatever the feed says. */
const count = (value: unknown, min: number): number =>
  typeof value === 'number' && value >= min && value < 1e15 ? Math.floor(value) : min;
/** The first `max` items of an array; nothing else is looked at. */
const items = (value: unknown, max: number): unknown[] => (Array.isArray(value) ? value.slice(0, max) : []);

// The same set as core's `UNSAFE_TEXT` (the widget has no runtime dependencies, so it is repeated;
// a property test checks both agree): C0 controls but tab and newline, DEL, C1 controls, bidi
// embeddings, overrides and isolates (they could make text read differently from what the comune
// wrote), and, thanks to the `u` flag, unpaired surrogates only.
// eslint-disable-next-line no-control-regex
const UNSAFE_CHARS = /[\0-\b\v-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/gu;
const LANGUAGE = /^[a-z]{2,3}(-[a-z\d]{1,8}){0,4}$/i;
// Digits and separators only, then `Date.parse` must accept it.
const ISO_DATE = /^\d{4}(-\d\d){2}T[\d:.]{5,18}(Z|[+-]\d\d:\d\d)$/;
const TELEGRAM_NAME = /^[a-z]\w{3,31}$/i;

/** Grapheme clusters where the browser can tell them (every current one), code points otherwise. */
const graphemes = (text: string): string[] =>
  typeof Intl.Segmenter === 'function'
    ? Array.from(new Intl.Segmenter().segment(text), (part) => part.segment)
    : Array.from(text);

/**
 * Strips control and bidi characters and clamps the length to `max` UTF-16 units, ellipsis
 * included, cutting between grapheme clusters (never inside an emoji or a surrogate pair).
 */
export function cleanText(value: unknown, max: number): string | undefined {
  const text = str(value)?.replace(UNSAFE_CHARS, '').trim();
  if (!text || text.length <= max) return text || undefined;
  let out = '';
  // Only a prefix is segmented: a boundary before `max` depends on the code point after it, no further.
  for (const part of graphemes(text.slice(0, max + 1))) {
    if (out.length + part.length >= max) break;
    out += part;
  }
  return `${out.trimEnd()}…`;
}

const ALLOWED_SCHEMES = ['https:', 'tel:', 'mailto:'];

/**
 * Returns the URL when it is absolute and uses an allowed scheme (`https:`, `tel:`, `mailto:`).
 * Relative URLs are refused too: they would resolve against the comune's page, not the feed.
 * The URL parser percent-encodes controls and non-ASCII characters, so the result is plain ASCII.
 */
export function safeUrl(value: unknown): string | undefined {
  const text = str(value);
  if (!text || text.length > 2048) return undefined;
  try {
    const url = new URL(text);
    return ALLOWED_SCHEMES.includes(url.protocol) && url.href.length <= 4096 ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** Maps CAP severity, msgType and the Italian colour code to a level (the colour code wins). */
export function levelOf(alert: { msgType?: unknown; allerta?: unknown; severity?: unknown }): Level {
  if (alert.msgType === 'Cancel' || alert.allerta === 'verde') return 'all-clear';
  // indexOf compares strictly: no conversion of the value, no lookup of a name like "constructor".
  const colour = ['rossa', 'arancione', 'gialla'].indexOf(alert.allerta as string);
  const severity = ['Extreme', 'Severe', 'Moderate'].indexOf(alert.severity as string);
  return LEVELS[colour < 0 ? (severity < 0 ? 3 : severity) : colour]!;
}

const setText = (target: Json, source: Json, keys: string[], max: number): void => {
  for (const key of keys) {
    const value = cleanText(source[key], max);
    if (value) target[key] = value;
  }
};

const list = (value: unknown): string[] =>
  items(value, 100)
    .map((v) => cleanText(v, 64))
    .filter((v): v is string => !!v);

/** Validates and cleans one feed alert; `undefined` when it cannot be shown safely. */
export function parseAlert(raw: unknown): WidgetAlert | undefined {
  if (!isObject(raw)) return undefined;
  const id = cleanText(raw.id, 128);
  const info = items(raw.info, 20)
    .filter(isObject)
    .map((entry) => {
      const item: Json = { language: match(entry.language, LANGUAGE) ?? 'it' };
      setText(item, entry, ['headline'], 200);
      setText(item, entry, ['description', 'instruction'], 4000);
      return item as unknown as AlertInfo;
    })
    .filter((item) => item.headline);
  if (!id || info.length === 0) return undefined;
  const alert: Json = {
    id,
    revision: count(raw.revision, 1),
    level: levelOf(raw),
    status: cleanText(raw.status, 16) ?? 'Actual',
    msgType: cleanText(raw.msgType, 16) ?? 'Alert',
    severity: cleanText(raw.severity, 16) ?? 'Unknown',
    references: list(raw.references),
    topics: list(raw.topics),
    info,
    links: items(raw.links, 10)
      .filter(isObject)
      .map((link) => ({ label: cleanText(link.label, 200), url: safeUrl(link.url) }))
      .filter((link) => link.label && link.url),
  };
  setText(alert, raw, ['event', 'sender'], 200);
  const area = cleanText(isObject(raw.area) ? raw.area.desc : undefined, 500);
  if (area) alert.area = area;
  for (const key of ['effective', 'expires', 'sent']) {
    const value = match(raw[key], ISO_DATE);
    if (value && !Number.isNaN(Date.parse(value))) alert[key] = value;
  }
  return alert as unknown as WidgetAlert;
}

/** The subscription channels, each kept only when valid (the panel builds links from them). */
function parseChannels(raw: unknown): FeedMeta['channels'] {
  const { telegram, whatsapp, page } = isObject(raw) ? raw : {};
  const { bot, channel } = isObject(telegram) ? telegram : {};
  const { number, optinKeyword } = isObject(whatsapp) ? whatsapp : {};
  const telegramBot = match(bot, TELEGRAM_NAME);
  const telegramChannel = match(channel, TELEGRAM_NAME);
  const keyword = cleanText(optinKeyword, 40);
  const https = safeUrl(page);
  return {
    telegram: telegramBot || telegramChannel ? { bot: telegramBot, channel: telegramChannel } : undefined,
    whatsapp: match(number, /^\d{8,15}$/) && keyword ? { number: number as string, optinKeyword: keyword } : undefined,
    page: https?.startsWith('https:') ? https : undefined,
  };
}

/** Topics with a slug id and their labels per language (other keys, `__proto__` included, are dropped). */
const parseTopics = (raw: unknown): FeedMeta['topics'] =>
  items(raw, 100)
    .filter((topic): topic is Json => isObject(topic) && !!match(topic.id, /^[a-z\d][a-z\d-]{0,63}$/))
    .map(({ id, label }) => ({
      id: id as string,
      label: Object.fromEntries(
        (isObject(label) ? Object.entries(label).slice(0, 20) : [])
          .map(([language, text]) => [language, cleanText(text, 100)])
          .filter(([language, text]) => text && LANGUAGE.test(language!)),
      ) as Record<string, string>,
    }));

/** Validates a whole feed document; `undefined` when it is not a version-1 feed. Never throws. */
export function parseFeed(raw: unknown): { meta: FeedMeta; alerts: WidgetAlert[] } | undefined {
  if (!isObject(raw) || raw.version !== 1 || !Array.isArray(raw.alerts)) return undefined;
  const comune = isObject(raw.comune) ? cleanText(raw.comune.name, 200) : undefined;
  const meta: FeedMeta = {
    comune: comune ?? '',
    topics: parseTopics(raw.topics),
    channels: parseChannels(raw.channels),
    revision: count(raw.revision, 0),
  };
  const sse = isObject(raw.live) ? str(raw.live.sse) : undefined;
  // A live URL is used as given or not at all: nothing is stripped from it.
  if (sse && cleanText(sse, 2048) === sse) meta.sse = sse;
  return {
    meta,
    alerts: items(raw.alerts, 200)
      .map(parseAlert)
      .filter((a): a is WidgetAlert => !!a),
  };
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
