import { BanditoreAlertsElement } from './element.js';

/**
 * Registers `<banditore-alerts>` (or another tag name). Safe to call twice, and safe when the
 * script is loaded twice: an already registered name is left alone instead of throwing.
 *
 * @param tagName - The tag to register. @defaultValue `"banditore-alerts"`
 * @returns The constructor registered under that name (ours, or the one registered first).
 * @throws Error outside a browser (no `customElements`); importing the package is safe anywhere.
 * @example
 * ```ts
 * import { defineBanditoreAlerts } from '@banditore/web-widget';
 * defineBanditoreAlerts(); // or defineBanditoreAlerts('comune-avvisi') on a name clash
 * ```
 */
export function defineBanditoreAlerts(tagName = 'banditore-alerts'): CustomElementConstructor {
  if (typeof customElements === 'undefined') {
    throw new Error('defineBanditoreAlerts needs a browser: there is no customElements registry here');
  }
  const existing = customElements.get(tagName);
  if (existing) return existing;
  // A second name needs its own subclass: one constructor cannot be registered twice.
  const constructor = customElements.getName?.(BanditoreAlertsElement)
    ? class extends BanditoreAlertsElement {}
    : BanditoreAlertsElement;
  customElements.define(tagName, constructor);
  return constructor;
}
