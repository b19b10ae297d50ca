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

// What the element's events and `alerts` property carry
export type { AlertInfo, FeedMeta, Level, WidgetAlert } from './model.js';
