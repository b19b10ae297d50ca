/**
 * Side-effect entry: importing it registers `<banditore-alerts>`. On a server (server-side
 * rendering) it registers nothing and does not throw; the browser registers the tag when it loads it.
 *
 * @example
 * ```ts
 * import '@banditore/web-widget/define';
 * ```
 * @module
 */
import { defineBanditoreAlerts } from './register.js';

if (typeof customElements !== 'undefined') defineBanditoreAlerts();

export { defineBanditoreAlerts };
