/** The preview's colours: one per mask (so neighbouring masks tell apart), and the keyframe marker's. */

export type Rgb = readonly [number, number, number];

/**
 * Bright, saturated colours that stand out over sky, foliage and buildings alike. Red is left out
 * of the palette: it is the keyframe marker's.
 */
const MASK_PALETTE: readonly Rgb[] = [
  [255, 212, 0], [0, 229, 255], [255, 77, 255], [125, 255, 60], [255, 150, 40], [150, 130, 255], [255, 255, 255],
];

export const KEY_COLOUR: Rgb = [255, 40, 40];
export const LABEL_BACKING: Rgb = [0, 0, 0];
export const TEXT_COLOUR: Rgb = [255, 255, 255];

/** The outline colour of the mask at `index` in the document (the palette repeats past its end). */
export function maskColour(index: number): Rgb {
  return MASK_PALETTE[index % MASK_PALETTE.length];
}

/** `#rrggbb` for CSS and SVG. */
export function cssColour([r, g, b]: Rgb): string {
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}
