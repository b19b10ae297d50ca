import { describe, expect, it } from 'vitest';
import { LEVELS } from './model.js';
import { BRAND, PALETTE, contrast, over, parseColor } from './palette.js';

const rgb = (hex: string) => parseColor(hex)!;

describe('contrast', () => {
  it('matches the WCAG reference values', () => {
    expect(contrast(rgb('#000000'), rgb('#ffffff'))).toBeCloseTo(21, 5);
    // #767676 on white is the classic "just passes AA" grey: 4.54:1.
    expect(contrast(rgb('#767676'), rgb('#ffffff'))).toBeCloseTo(4.54, 2);
    expect(contrast(rgb('#ffffff'), rgb('#ffffff'))).toBe(1);
  });

  it('parses what getComputedStyle returns', () => {
    expect(parseColor('rgb(164, 22, 26)')).toEqual([164, 22, 26, 1]);
    expect(parseColor('rgba(0, 0, 0, 0.5)')).toEqual([0, 0, 0, 0.5]);
    expect(parseColor('rgb(0 0 0 / 50%)')).toEqual([0, 0, 0, 0.5]);
    expect(parseColor('oklch(0.5 0.1 20)')).toBeUndefined();
    expect(over([0, 0, 0, 0.5], [255, 255, 255, 1])).toEqual([127.5, 127.5, 127.5, 1]);
  });
});

describe('default palette', () => {
  it.each(LEVELS)('gives %s text at least 4.5:1 on its background', (level) => {
    expect(contrast(rgb(PALETTE[level].fg), rgb(PALETTE[level].bg))).toBeGreaterThanOrEqual(4.5);
  });

  it.each(LEVELS)('gives the %s stripe at least 3:1 against a white page (WCAG 1.4.11)', (level) => {
    expect(contrast(rgb(PALETTE[level].border), rgb('#ffffff'))).toBeGreaterThanOrEqual(3);
  });

  it('gives the brand button text at least 4.5:1', () => {
    expect(contrast(rgb(BRAND.fg), rgb(BRAND.bg))).toBeGreaterThanOrEqual(4.5);
  });
});
