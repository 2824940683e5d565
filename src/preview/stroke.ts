/**
 * Anti-aliased strokes. A whole polyline is stamped into one coverage buffer (each pixel keeps the
 * largest coverage any of its segments gives it) and blended once, so the joints between the many
 * short segments of a flattened curve are neither darker nor brighter than the line.
 */
import type { RgbFrame } from '../core/types.ts';
import type { Rgb } from './colour.ts';
import { blendPixel } from './blend.ts';

export interface StrokeStyle {
  colour: Rgb;
  /** Line width in pixels (default 1.5). */
  width?: number;
  /** Dash and gap lengths in pixels, measured along the line; solid when absent. */
  dash?: readonly [number, number];
}

/** Strokes the polyline x0, y0, x1, y1, … (pixel (x, y) covers [x, x+1] × [y, y+1]); `closed` joins the ends. */
export function strokePolyline(image: RgbFrame, points: ArrayLike<number>, closed: boolean, style: StrokeStyle): void {
  const half = (style.width ?? 1.5) / 2;
  const runs = style.dash ? dashes(points, closed, style.dash) : [closed ? closePolyline(points) : points];
  const coverage = new CoverageBuffer(image.width, image.height);
  for (const run of runs) {
    for (let i = 0; i + 3 < run.length; i += 2) coverage.segment(run[i], run[i + 1], run[i + 2], run[i + 3], half);
  }
  coverage.blendInto(image, style.colour);
}

/** The polyline with its first point repeated at the end. */
function closePolyline(points: ArrayLike<number>): number[] {
  const out = Array.from(points);
  if (out.length >= 4) out.push(out[0], out[1]);
  return out;
}

/** The dashes of a polyline as separate open polylines; the pattern runs on across its vertices. */
export function dashes(points: ArrayLike<number>, closed: boolean, [on, off]: readonly [number, number]): number[][] {
  const path = closed ? closePolyline(points) : Array.from(points);
  const runs: number[][] = [];
  let drawing = true, left = on;
  let run: number[] = [path[0], path[1]];
  for (let i = 0; i + 3 < path.length; i += 2) {
    let [x, y] = [path[i], path[i + 1]];
    const [x1, y1] = [path[i + 2], path[i + 3]];
    let length = Math.hypot(x1 - x, y1 - y);
    while (length > left) {
      // The dash (or gap) ends inside this segment.
      const t = left / length;
      x += (x1 - x) * t;
      y += (y1 - y) * t;
      length -= left;
      if (drawing) runs.push([...run, x, y]);
      else run = [x, y];
      drawing = !drawing;
      left = drawing ? on : off;
    }
    left -= length;
    if (drawing) run.push(x1, y1);
  }
  if (drawing && run.length >= 4) runs.push(run);
  return runs;
}

/** Per-pixel coverage (0..1) of the strokes stamped so far, with the bounding box they touched. */
class CoverageBuffer {
  private readonly data: Float32Array;
  private x0: number;
  private y0: number;
  private x1 = -1;
  private y1 = -1;

  constructor(private readonly width: number, private readonly height: number) {
    this.data = new Float32Array(width * height);
    this.x0 = width;
    this.y0 = height;
  }

  /** A segment of half-width `half`: coverage falls from 1 to 0 over the pixel at its edge. */
  segment(ax: number, ay: number, bx: number, by: number, half: number): void {
    const reach = half + 0.5;
    const left = Math.max(0, Math.floor(Math.min(ax, bx) - reach));
    const right = Math.min(this.width - 1, Math.ceil(Math.max(ax, bx) + reach));
    const top = Math.max(0, Math.floor(Math.min(ay, by) - reach));
    const bottom = Math.min(this.height - 1, Math.ceil(Math.max(ay, by) + reach));
    if (left > right || top > bottom) return;
    [this.x0, this.y0] = [Math.min(this.x0, left), Math.min(this.y0, top)];
    [this.x1, this.y1] = [Math.max(this.x1, right), Math.max(this.y1, bottom)];
    const dx = bx - ax, dy = by - ay;
    const lengthSq = dx * dx + dy * dy;
    for (let py = top; py <= bottom; py++) {
      for (let px = left; px <= right; px++) {
        const cx = px + 0.5 - ax, cy = py + 0.5 - ay;
        const t = lengthSq > 0 ? Math.max(0, Math.min(1, (cx * dx + cy * dy) / lengthSq)) : 0;
        const cover = reach - Math.hypot(cx - t * dx, cy - t * dy);
        const i = py * this.width + px;
        if (cover > this.data[i]) this.data[i] = Math.min(1, cover);
      }
    }
  }

  blendInto(image: RgbFrame, colour: Rgb): void {
    for (let y = this.y0; y <= this.y1; y++) {
      for (let x = this.x0; x <= this.x1; x++) blendPixel(image, x, y, colour, this.data[y * this.width + x]);
    }
  }
}
