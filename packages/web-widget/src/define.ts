/**
 * Side-effect entry: importing it registers `<banditore-alerts>`.
 *
 * @example
 * ```ts
 * import '@banditore/web-widget/define';
 * ```
 * @module
 */
import { defineBanditoreAlerts } from './register.js';

defineBanditoreAlerts();

export { defineBanditoreAlerts };
