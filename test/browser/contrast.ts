import type { Locator } from 'playwright-core';

/**
 * WCAG 2.x contrast from what Chromium computed: the text (or outline, or border) colour over the
 * background the eye sees there, found by stacking the background colours of the element and its
 * ancestors (translucent layers blended, the first opaque one ends the walk).
 */
export type Rgba = [number, number, number, number];

export interface Sample {
  foreground: string;
  /** Background colours from the element (or, for an outline, its parent) up to <html>. */
  layers: string[];
  /** Product of the opacities on the way up: faded text is weaker text. */
  opacity: number;
  fontSizePx: number;
  fontWeight: number;
}

export type Part = 'text' | 'outline' | 'border' | 'fill';

export function parseColor(css: string): Rgba {
  const numbers = css.match(/-?[\d.]+/g)?.map(Number) ?? [];
  if (css.startsWith('rgb')) return [numbers[0], numbers[1], numbers[2], numbers[3] ?? 1];
  // color(srgb r g b / a), channels 0..1
  if (css.startsWith('color(srgb')) return [numbers[0] * 255, numbers[1] * 255, numbers[2] * 255, numbers[3] ?? 1];
  if (css === 'transparent') return [0, 0, 0, 0];
  throw new Error(`colour not understood: ${css}`);
}

/** `top` drawn over an opaque `bottom`. */
function over(top: Rgba, bottom: Rgba): Rgba {
  const a = top[3];
  return [0, 1, 2].map((i) => top[i] * a + bottom[i] * (1 - a)).concat(1) as Rgba;
}

function luminance([r, g, b]: Rgba): number {
  const linear = (channel: number) => {
    const c = channel / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * linear(r) + 0.7152 * linear(g) + 0.0722 * linear(b);
}

export function ratio(a: Rgba, b: Rgba): number {
  const [light, dark] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (light + 0.05) / (dark + 0.05);
}

export function effectiveBackground(layers: string[]): Rgba {
  let colour: Rgba = [255, 255, 255, 1]; // the canvas under an all-transparent page
  const stack = layers.map(parseColor);
  const opaque = stack.findIndex((layer) => layer[3] >= 1);
  const seen = opaque === -1 ? stack : stack.slice(0, opaque + 1);
  for (const layer of seen.reverse()) colour = over(layer, colour);
  return colour;
}

export function contrastOf(sample: Sample): { ratio: number; foreground: Rgba; background: Rgba } {
  const background = effectiveBackground(sample.layers);
  const [r, g, b, a] = parseColor(sample.foreground);
  const foreground = over([r, g, b, a * sample.opacity], background);
  return { ratio: ratio(foreground, background), foreground, background };
}

/** WCAG: 3:1 for large text (24 px, or 18.66 px bold) and for UI parts; 4.5:1 for other text. */
export function required(part: Part, sample: Sample): number {
  if (part !== 'text') return 3;
  const large = sample.fontSizePx >= 24 || (sample.fontSizePx >= 18.66 && sample.fontWeight >= 700);
  return large ? 3 : 4.5;
}

/** Reads one element's colours, again if the console re-rendered it mid-read (a detached node has no styles). */
export async function sample(locator: Locator, part: Part): Promise<Sample> {
  for (let attempt = 1; ; attempt++) {
    const read = await readColours(locator, part);
    if (read || attempt === 5) return read ?? Promise.reject(new Error(`no computed colours for ${locator}`));
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

/** Plain loops only: the function runs in Chromium. */
function readColours(locator: Locator, part: Part): Promise<Sample | null> {
  return locator.evaluate((el, what) => {
    if (!el.isConnected) return null;
    const style = getComputedStyle(el);
    const foreground =
      what === 'outline' ? style.outlineColor : what === 'border' ? style.borderTopColor : what === 'fill' ? style.backgroundColor : style.color;
    // An outline or a border is seen against what lies around the element; a fill against its parent.
    let node: Element | null = what === 'text' ? el : el.parentElement;
    const layers: string[] = [];
    let opacity = 1;
    for (let up: Element | null = el; up; up = up.parentElement) opacity *= Number(getComputedStyle(up).opacity);
    for (; node; node = node.parentElement) layers.push(getComputedStyle(node).backgroundColor);
    if (!foreground || layers.includes('')) return null;
    return { foreground, layers, opacity, fontSizePx: parseFloat(style.fontSize), fontWeight: Number(style.fontWeight) };
  }, part);
}
