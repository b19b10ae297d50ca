import { LEVELS } from './model.js';
import { BRAND, PALETTE } from './palette.js';

// Public custom properties (--banditore-*) feed private ones (--_*); the runtime contrast check
// can then pin a private one back to its default without touching the host's styles.
const levelVars = LEVELS.map((level) =>
  (['bg', 'fg', 'border'] as const)
    .map((part) => `--_${level}-${part}:var(--banditore-${level}-${part},${PALETTE[level][part]});`)
    .join(''),
).join('');

const levelRules = LEVELS.map(
  (level) =>
    `.l-${level}{background:var(--_${level}-bg);color:var(--_${level}-fg);border-left-color:var(--_${level}-border)}`,
).join('');

/**
 * The widget's whole stylesheet. Sizes are in `em` (never `rem`) so the widget follows the text
 * around it, even on hosts that shrink the root font size; `all: initial` on the wrapper keeps the
 * host's inherited oddities (letter-spacing, text-transform…) out.
 */
export const CSS = `:host{display:block;${levelVars}--_brand:var(--banditore-brand,${BRAND.bg});--_brand-fg:var(--banditore-brand-contrast,${BRAND.fg});--_text:var(--banditore-text,#1a1a1a);--_surface:var(--banditore-surface,#fff);--_muted:var(--banditore-border,#6b6b6b);--_focus:var(--banditore-focus,#1a1a1a);--_halo:var(--banditore-focus-halo,#fd0)}
:host([hidden]){display:none}
.w{all:initial;display:block;font-family:var(--banditore-font-family,inherit);font-size:var(--banditore-font-size,1em);line-height:1.5;color:var(--_text);background:var(--_surface);max-width:var(--banditore-max-width,none);overflow-wrap:anywhere}
.w *{box-sizing:border-box;font:inherit;color:inherit;margin:0;padding:0}
.t,.tt{font-weight:700}.t{font-size:1.25em;margin:0 0 .5em}
.w ul{list-style:none}
.a{border:1px solid var(--_muted);border-left-width:.5em;border-radius:var(--banditore-radius,.25em);padding:var(--banditore-space,1em);margin:0 0 .75em}
${levelRules}
.h{font-weight:700;font-size:1.125em;line-height:1.3}
.lab{display:block;font-size:.85em}
.bd p,.todo,.meta,.lk{margin-top:.5em}
.meta{font-size:.9em}
.w button{cursor:pointer;border:2px solid currentColor;border-radius:.25em;background:transparent;padding:.4em .9em;min-height:2.75em;font-weight:600}
.row{display:flex;flex-wrap:wrap;gap:.5em;align-items:center;margin-top:.5em}
.w .sub{background:var(--_brand);color:var(--_brand-fg);border-color:var(--_brand)}
.st{font-size:.9em;margin:.25em 0 .5em}
summary{cursor:pointer}
*:focus-visible{outline:3px solid transparent;box-shadow:0 0 0 3px var(--_halo),0 0 0 6px var(--_focus)}
.vh{position:absolute!important;width:1px;height:1px;overflow:hidden;clip-path:inset(50%);white-space:nowrap}
[hidden]{display:none!important}
@media (prefers-reduced-motion:no-preference){.new{animation:f .15s ease-out}}
@keyframes f{from{opacity:0}}
@media (forced-colors:active){.a{border:2px solid CanvasText;border-left-width:.5em}button{border-color:ButtonText}*:focus-visible{outline:3px solid Highlight}}`;

let shared: CSSStyleSheet | undefined;

/** The constructed stylesheet, shared by every instance (CSP-safe: no `<style>` element, no inline styles). */
export function styleSheet(): CSSStyleSheet {
  if (!shared) {
    shared = new CSSStyleSheet();
    shared.replaceSync(CSS);
  }
  return shared;
}
