import type { Level } from './model.js';

/** Default colours per level: background, text, border. Checked by a unit test against WCAG 2.1. */
export const PALETTE: Record<Level, { bg: string; fg: string; border: string }> = {
  critical: { bg: '#a4161a', fg: '#ffffff', border: '#a4161a' },
  high: { bg: '#b34700', fg: '#ffffff', border: '#b34700' },
  medium: { bg: '#fff6cc', fg: '#1a1a1a', border: '#8a6d00' },
  info: { bg: '#ffffff', fg: '#1a1a1a', border: '#0b5cad' },
  'all-clear': { bg: '#ffffff', fg: '#1a1a1a', border: '#00703c' },
};

/** Default brand pair (buttons, links outside alerts). */
export const BRAND = { bg: '#0b5cad', fg: '#ffffff' };

/** An sRGB colour, channels 0–255, alpha 0–1. */
export type Rgba = [number, number, number, number];

/**
 * Parses the colours browsers return from `getComputedStyle` (`rgb()`/`rgba()`, `#rrggbb`).
 * Anything else gives `undefined` and the caller resolves it another way.
 */
export function parseColor(value: string): Rgba | undefined {
  const hex = /^#([0-9a-f]{6})$/i.exec(value.trim());
  if (hex) {
    const n = parseInt(hex[1]!, 16);
    return [(n >> 16) & 255, (n >> 8) & 255, n & 255, 1];
  }
  const rgb = /^rgba?\(\s*([\d.]+)[\s,]+([\d.]+)[\s,]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)$/i.exec(value.trim());
  if (!rgb) return undefined;
  const alpha = rgb[4] === undefined ? 1 : rgb[4].endsWith('%') ? parseFloat(rgb[4]) / 100 : parseFloat(rgb[4]);
  return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), alpha];
}

const channel = (value: number): number => {
  const c = value / 255;
  return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
};

/** WCAG 2.1 relative luminance. */
export function luminance([r, g, b]: Rgba): number {
  return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
}

/** WCAG 2.1 contrast ratio between two opaque colours (1–21). */
export function contrast(a: Rgba, b: Rgba): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

/** Composites `top` over an opaque `bottom` (a translucent background is judged as it is seen). */
export function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i]! * a + bottom[i]! * (1 - a)).concat(1) as Rgba;
}
