import { uiLanguage, type UiLanguage } from './i18n.js';
import type { Level } from './model.js';

/** The element's attributes, parsed once per render with their defaults. */
export interface WidgetConfig {
  feed: string | null;
  stream: string | null;
  lang: UiLanguage;
  layout: 'list' | 'banner' | 'compact';
  minLevel: Level;
  topics: string[];
  maxItems: number;
  headingLevel: number;
  live: 'auto' | 'sse' | 'poll' | 'off';
  pollMs: number;
  announce: 'auto' | 'polite' | 'off';
  preview: boolean;
  rememberDismissals: boolean;
  subscribe: boolean;
}

/** Attributes that change what is fetched: changing one reconnects. */
export const CONNECTION_ATTRIBUTES = ['feed', 'stream', 'live', 'poll-interval', 'preview', 'remember-dismissals'];

/** Every observed attribute. */
export const ATTRIBUTES = [
  ...CONNECTION_ATTRIBUTES,
  'lang',
  'layout',
  'min-severity',
  'topics',
  'max-items',
  'heading-level',
  'announce',
  'subscribe',
];

// The first allowed value is the default.
const oneOf = <T extends string>(value: string | null, allowed: readonly T[]): T =>
  allowed.includes(value as T) ? (value as T) : allowed[0]!;

const int = (value: string | null, fallback: number, min: number, max: number): number =>
  Math.min(max, Math.max(min, Number.parseInt(value ?? '', 10) || fallback));

/**
 * Reads the configuration from the element's attributes. Invalid values fall back to the
 * default rather than break the page (an editor's typo must not hide an emergency).
 *
 * @param element - The widget element.
 */
export function readConfig(element: HTMLElement): WidgetConfig {
  const attr = (name: string): string | null => element.getAttribute(name);
  const has = (name: string): boolean => element.hasAttribute(name);
  const heading = Number(attr('heading-level'));
  return {
    feed: attr('feed'),
    stream: attr('stream'),
    lang: uiLanguage(element.closest('[lang]')?.getAttribute('lang') ?? document.documentElement.lang),
    layout: oneOf(attr('layout'), ['list', 'banner', 'compact']),
    minLevel: oneOf(attr('min-severity'), ['info', 'medium', 'high', 'critical']),
    topics: (attr('topics') ?? '').split(/[\s,]+/).filter(Boolean),
    maxItems: int(attr('max-items'), 5, 1, 100),
    headingLevel: heading >= 2 && heading <= 6 ? Math.floor(heading) : 2,
    live: oneOf(attr('live'), ['auto', 'sse', 'poll', 'off']),
    // Polling faster than every 2 s only loads the comune's server; 60 s is the sensible default.
    pollMs: int(attr('poll-interval'), 60, 2, 3600) * 1000,
    announce: oneOf(attr('announce'), ['auto', 'polite', 'off']),
    preview: has('preview'),
    rememberDismissals: has('remember-dismissals'),
    subscribe: attr('subscribe') !== 'off',
  };
}
