/**
 * `<banditore-alerts>`: live, accessible alerts of a comune on its website, with a lazily loaded
 * subscription panel. This entry has no side effects; `@banditore/web-widget/define` registers
 * the tag, and `dist/browser/banditore-alerts.js` is the one-file script-tag build.
 *
 * @module
 */

// The element
export { BanditoreAlertsElement, type UpdateDetail } from './element.js';
export { defineBanditoreAlerts } from './register.js';
export type { LiveStatus } from './live.js';

// Feed model (pure functions)
export {
  LEVELS,
  backoffMs,
  cleanText,
  infoFor,
  levelOf,
  parseAlert,
  parseFeed,
  safeUrl,
  selectAlerts,
  type AlertInfo,
  type FeedMeta,
  type Level,
  type ViewFilter,
  type WidgetAlert,
} from './model.js';

// Subscription links and palette
export { telegramLink, whatsappLink } from './links.js';
export { BRAND, PALETTE, contrast, type Rgba } from './palette.js';
