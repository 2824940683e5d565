/** Painting onto an RgbFrame: every drawing primitive of the preview ends here. */
import type { RgbFrame } from '../core/types.ts';
import type { Rgb } from './colour.ts';

/** Mixes `colour` into pixel (x, y) by `alpha` (0..1); pixels outside the frame are ignored. */
export function blendPixel(image: RgbFrame, x: number, y: number, colour: Rgb, alpha: number): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height || !(alpha > 0)) return;
  const a = Math.min(1, alpha);
  const i = (y * image.width + x) * 3;
  for (let c = 0; c < 3; c++) image.data[i + c] = Math.round(image.data[i + c] + (colour[c] - image.data[i + c]) * a);
}

/** Fills the pixels of the rectangle [x, x + w) × [y, y + h) (integers), mixed in by `alpha`. */
export function fillRect(image: RgbFrame, x: number, y: number, w: number, h: number, colour: Rgb, alpha = 1): void {
  for (let py = y; py < y + h; py++) for (let px = x; px < x + w; px++) blendPixel(image, px, py, colour, alpha);
}
