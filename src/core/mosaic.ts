/**
 * A region seen through a moving camera, accumulated in scene coordinates: each frame votes, with
 * exact area coverage, on which scene pixels are inside the region, within that frame's view.
 * The average is a matte of the whole scene the shot saw, wider than any one frame.
 */
import type { Matte } from './types.ts';
import { applySimilarity, type Similarity } from './motion.ts';
import { scanSpans } from './scanline.ts';

/** Sub-rows per pixel row: coverage is exact along rows and sampled four times down columns. */
const SUBROWS = 4;

/**
 * Coverage summed over many spans, each added in constant time: the partial pixels at a span's ends
 * go straight into `ends`, the whole pixels between into a difference array `steps` that one prefix
 * sum per row turns into coverage.
 */
class CoverageSum {
  private readonly ends: Float32Array;
  private readonly steps: Float32Array;

  constructor(readonly width: number, readonly height: number) {
    this.ends = new Float32Array(width * height);
    this.steps = new Float32Array(width * height + 1);
  }

  /** Adds weight × the overlap of [lo, hi) (pixel units, 0 ≤ lo < hi ≤ width) with each pixel of `row`. */
  add(row: number, lo: number, hi: number, weight: number): void {
    const base = row * this.width;
    const first = Math.floor(lo), last = Math.min(this.width - 1, Math.floor(hi - 1e-12));
    if (first === last) {
      this.ends[base + first] += (hi - lo) * weight;
      return;
    }
    this.ends[base + first] += (first + 1 - lo) * weight;
    this.ends[base + last] += (hi - last) * weight;
    this.steps[base + first + 1] += weight;
    this.steps[base + last] -= weight;
  }

  value(out: Float32Array): Float32Array {
    for (let y = 0; y < this.height; y++) {
      let running = 0;
      for (let x = 0, i = y * this.width; x < this.width; x++, i++) {
        running += this.steps[i];
        out[i] = this.ends[i] + running;
      }
    }
    return out;
  }
}

export class Mosaic {
  private readonly inside: CoverageSum;
  private readonly seen: CoverageSum;
  private readonly ys: Float64Array;

  /** A mosaic of the scene rectangle [x0, x0 + width) × [y0, y0 + height). */
  constructor(readonly x0: number, readonly y0: number, readonly width: number, readonly height: number) {
    this.inside = new CoverageSum(width, height);
    this.seen = new CoverageSum(width, height);
    this.ys = Float64Array.from({ length: height * SUBROWS }, (_, i) => y0 + (i + 0.5) / SUBROWS);
  }

  /** Adds one frame: its outline (frame coordinates) and its view, both mapped by `toScene`. */
  add(outline: Float32Array | Float64Array, frameWidth: number, frameHeight: number, toScene: Similarity): void {
    const mapped = new Float64Array(outline.length);
    for (let i = 0; i < outline.length; i += 2) [mapped[i], mapped[i + 1]] = applySimilarity(toScene, outline[i], outline[i + 1]);
    const view = new Float64Array(8);
    [[0, 0], [frameWidth, 0], [frameWidth, frameHeight], [0, frameHeight]].forEach(([x, y], k) => {
      [view[2 * k], view[2 * k + 1]] = applySimilarity(toScene, x, y);
    });
    // The view is convex: one span per sub-row.
    const from = new Float64Array(this.ys.length).fill(Infinity), to = new Float64Array(this.ys.length).fill(-Infinity);
    scanSpans([view], this.ys, (i, a, b) => { from[i] = Math.min(from[i], a); to[i] = Math.max(to[i], b); });
    for (let i = 0; i < this.ys.length; i++) if (from[i] < to[i]) this.cover(this.seen, i, from[i], to[i]);
    scanSpans([mapped], this.ys, (i, a, b) => {
      const lo = Math.max(a, from[i]), hi = Math.min(b, to[i]);
      if (lo < hi) this.cover(this.inside, i, lo, hi);
    });
  }

  /** Adds the overlap of [a, b) (scene x) with each pixel of the sub-row's row, a quarter per sub-row. */
  private cover(target: CoverageSum, subrow: number, a: number, b: number): void {
    const lo = Math.max(0, a - this.x0), hi = Math.min(this.width, b - this.x0);
    if (hi > lo) target.add(Math.floor(subrow / SUBROWS), lo, hi, 1 / SUBROWS);
  }

  /**
   * The scene matte: the share of views that saw each pixel inside the region. Pixels no view saw
   * take the value of the nearest seen pixel along their row, and rows no view saw copy the nearest
   * row that has one: the region simply goes on there, so its outline does not cut into a frame where
   * some other frame's view ended.
   */
  matte(): Matte {
    const { width, height } = this;
    const data = this.inside.value(new Float32Array(width * height));
    const seen = this.seen.value(new Float32Array(width * height));
    const rowSeen: boolean[] = [];
    for (let y = 0; y < height; y++) {
      const row = y * width;
      let any = false;
      for (let i = row; i < row + width; i++) {
        if (seen[i] > 1e-6) { data[i] /= seen[i]; seen[i] = 1; any = true; } else seen[i] = 0;
      }
      if (any) fillRow(data, seen, row, width);
      rowSeen.push(any);
    }
    const seenRows = rowSeen.flatMap((any, y) => (any ? [y] : []));
    if (seenRows.length === 0) return { width, height, data };
    for (let y = 0, k = 0; y < height; y++) {
      if (rowSeen[y]) continue;
      while (k + 1 < seenRows.length && Math.abs(seenRows[k + 1] - y) <= Math.abs(seenRows[k] - y)) k++;
      data.copyWithin(y * width, seenRows[k] * width, (seenRows[k] + 1) * width);
    }
    return { width, height, data };
  }
}

/** In one row, copies the nearest seen value (`seen` 1) into each unseen cell. */
function fillRow(data: Float32Array, seen: Float32Array, row: number, width: number): void {
  let previous = -1;
  for (let x = 0; x < width; x++) {
    if (seen[row + x]) { previous = x; continue; }
    let next = x + 1;
    while (next < width && !seen[row + next]) next++;
    for (let k = x; k < next; k++) {
      const from = previous < 0 ? next : next >= width ? previous : k - previous <= next - k ? previous : next;
      data[row + k] = data[row + from];
    }
    x = next - 1;
  }
}
