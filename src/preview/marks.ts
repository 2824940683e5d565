/** Small markers: vertex squares and the keyframe diamond. */
import type { RgbFrame } from '../core/types.ts';
import type { Rgb } from './colour.ts';
import { blendPixel, fillRect } from './blend.ts';

/** A `size` px square centred on the pixel nearest (x, y), with a dark rim so it shows on any colour. */
export function vertexSquare(image: RgbFrame, x: number, y: number, colour: Rgb, size = 4): void {
  const left = Math.round(x - size / 2), top = Math.round(y - size / 2);
  fillRect(image, left - 1, top - 1, size + 2, size + 2, [0, 0, 0], 0.6);
  fillRect(image, left, top, size, size, colour);
}

/** An anti-aliased diamond (a square on its corner) of half-diagonal `radius` centred on (cx, cy). */
export function diamond(image: RgbFrame, cx: number, cy: number, radius: number, colour: Rgb): void {
  for (let y = Math.floor(cy - radius - 1); y <= Math.ceil(cy + radius + 1); y++) {
    for (let x = Math.floor(cx - radius - 1); x <= Math.ceil(cx + radius + 1); x++) {
      // Distance of the pixel centre outside the diamond's edge, along the edge's normal.
      const outside = (Math.abs(x + 0.5 - cx) + Math.abs(y + 0.5 - cy) - radius) / Math.SQRT2;
      blendPixel(image, x, y, colour, Math.max(0, Math.min(1, 0.5 - outside)));
    }
  }
}
