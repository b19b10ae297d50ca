import { BRAND, PALETTE, contrast, over, parseColor, type Rgba } from './palette.js';

let canvas: CanvasRenderingContext2D | null | undefined;

/** Resolves any CSS colour the browser understands (oklch, color(), …) to sRGB through a 1×1 canvas. */
function toRgba(value: string): Rgba | undefined {
  const parsed = parseColor(value);
  if (parsed) return parsed;
  canvas ??= document.createElement('canvas').getContext('2d', { willReadFrequently: true });
  if (!canvas) return undefined;
  canvas.clearRect(0, 0, 1, 1);
  canvas.fillStyle = value;
  canvas.fillRect(0, 0, 1, 1);
  const [r, g, b, a] = canvas.getImageData(0, 0, 1, 1).data;
  return [r!, g!, b!, a! / 255];
}

/** One thing to check: an element whose text must stand out from its own background. */
export interface ContrastProbe {
  element: Element;
  /** Name used in the error event, e.g. `"critical"`. */
  name: string;
}

/**
 * Measures the rendered text/background contrast of each probe (after the host's custom
 * properties are applied) and returns the names of those under 4.5:1. A transparent background
 * is judged over `surface`.
 *
 * @param probes - Elements to measure.
 * @param surface - The widget's background colour.
 */
export function failingContrast(probes: ContrastProbe[], surface: string): string[] {
  const base = toRgba(surface);
  const white: Rgba = [255, 255, 255, 1];
  const page = base && base[3] === 1 ? base : white;
  const failing: string[] = [];
  for (const { element, name } of probes) {
    const style = getComputedStyle(element);
    const fg = toRgba(style.color);
    const bg = toRgba(style.backgroundColor);
    if (!fg || !bg) continue;
    const background = over(bg, page);
    if (contrast(over(fg, background), background) < 4.5) failing.push(name);
  }
  return failing;
}

/**
 * CSS that pins the named colour pairs back to the widget's defaults (`!important` on `:host`,
 * in the widget's own adopted sheet: nothing is written to the host page).
 *
 * @param names - Level names, `brand` or `text`, as returned by {@link failingContrast}.
 */
export function fallbackCss(names: string[]): string {
  const rules = Object.entries(PALETTE)
    .filter(([level]) => names.includes(level))
    .map(
      ([level, c]) =>
        `--_${level}-bg:${c.bg}!important;--_${level}-fg:${c.fg}!important;--_${level}-border:${c.border}!important;`,
    );
  if (names.includes('brand')) rules.push(`--_brand:${BRAND.bg}!important;--_brand-fg:${BRAND.fg}!important;`);
  if (names.includes('text')) rules.push('--_text:#1a1a1a!important;--_surface:#fff!important;');
  return `:host{${rules.join('')}}`;
}

const state = new WeakMap<ShadowRoot, { pinned: string[]; sheet: CSSStyleSheet }>();

/**
 * Checks a rendered widget: each alert card, the subscribe button and the base text. Pairs under
 * 4.5:1 are pinned back to the defaults in the widget's own extra stylesheet, and reported once.
 *
 * @param root - The widget's shadow root.
 * @param report - Receives `{ code: 'CONTRAST', message }` for each newly failing pair.
 */
export function checkContrast(root: ShadowRoot, report: (detail: { code: string; message: string }) => void): void {
  let entry = state.get(root);
  if (!entry) {
    entry = { pinned: [], sheet: new CSSStyleSheet() };
    state.set(root, entry);
    root.adoptedStyleSheets = [...root.adoptedStyleSheets, entry.sheet];
  }
  const wrapper = root.querySelector('.w')!;
  const probes: ContrastProbe[] = [...root.querySelectorAll('li.a')].map((element) => ({
    element,
    name: /l-([a-z-]+)/.exec(element.className)?.[1] ?? '',
  }));
  const subscribe = root.querySelector<HTMLElement>('.sub');
  if (subscribe && !subscribe.hidden) probes.push({ element: subscribe, name: 'brand' });
  probes.push({ element: wrapper, name: 'text' });
  const failing = failingContrast(probes, getComputedStyle(wrapper).backgroundColor).filter(
    (name) => !entry.pinned.includes(name),
  );
  if (failing.length === 0) return;
  entry.pinned.push(...failing);
  for (const name of failing) report({ code: 'CONTRAST', message: `${name} colours under 4.5:1, defaults used` });
  entry.sheet.replaceSync(fallbackCss(entry.pinned));
}

/** The lazily loaded contrast-check module. */
export interface ContrastModule {
  checkContrast: typeof checkContrast;
}
