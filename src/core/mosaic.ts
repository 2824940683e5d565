/**
 * A region seen through a moving camera, accumulated in scene coordinates: each frame votes, with
 * exact area coverage, on which scene pixels are inside the region, within that frame's view.
 * The average is a matte of the whole scene the shot saw, wider than any one frame.
 */
import type { Matte } from './types.ts';
import { applySimilarity, type Similarity } from './motion.ts';
import { EdgeSweep } from './coverage.ts';

/**
 * Views must cover this share of a pixel, summed, for it to count as seen; less is filled as unseen.
 * The rows' edges are summed in float32, so past a view's far edge the running sum is left with a
 * residual of a few 1e-6 per dozen frames, not 0: read as seen, such a pixel took the ratio of two
 * residuals for its value and cut a one-pixel crack across the region past the views (a static
 * 1001×563 shot's mosaic had 25 of them, and its scene shape 96 vertices instead of 26).
 */
const MIN_VIEW_COVERAGE = 0.01;

export class Mosaic {
  // Summed over frames: each frame's edges are kept and accumulated a row at a time when the matte is
  // made, so that no buffer of the whole mosaic is held but the matte itself.
  private readonly inside: EdgeSweep;
  private readonly seen: EdgeSweep;

  /** A mosaic of the rectangle [0, width) × [0, height) of its own coordinates. */
  constructor(readonly width: number, readonly height: number) {
    this.inside = new EdgeSweep(width, height);
    this.seen = new EdgeSweep(width, height);
  }

  /**
   * Adds one frame: its outline (frame coordinates, inside the frame, as traced) and its view, both
   * mapped by `toMosaic`. The outline lies within the view, so what it covers is what the view saw inside.
   */
  add(outline: Float32Array | Float64Array, frameWidth: number, frameHeight: number, toMosaic: Similarity): void {
    const mapped = new Float64Array(outline.length);
    for (let i = 0; i < outline.length; i += 2) [mapped[i], mapped[i + 1]] = applySimilarity(toMosaic, outline[i], outline[i + 1]);
    const view = new Float64Array(8);
    [[0, 0], [frameWidth, 0], [frameWidth, frameHeight], [0, frameHeight]].forEach(([x, y], k) => {
      [view[2 * k], view[2 * k + 1]] = applySimilarity(toMosaic, x, y);
    });
    this.seen.polygon(view);
    this.inside.polygon(mapped);
  }

  /**
   * The mosaic's matte: the share of views that saw each pixel inside the region. Pixels no view saw
   * take the value of the nearest seen pixel along their row, and rows no view saw copy the nearest
   * row that has one: the region simply goes on there, so its outline does not cut into a frame where
   * some other frame's view ended. The mosaic is used up.
   */
  matte(): Matte {
    const { width, height } = this;
    const data = new Float32Array(width * height);
    const insideRow = new Float32Array(width), seenRow = new Float32Array(width);
    const seen = new Uint8Array(width);
    const rowSeen: boolean[] = [];
    for (let y = 0; y < height; y++) {
      insideRow.fill(0);
      seenRow.fill(0);
      this.inside.depositRow(y, insideRow);
      this.seen.depositRow(y, seenRow);
      const row = y * width;
      // The running sums along the row turn the accumulated edges into summed coverage.
      let any = false, insideSum = 0, viewSum = 0;
      for (let x = 0; x < width; x++) {
        insideSum += insideRow[x];
        viewSum += seenRow[x];
        seen[x] = viewSum > MIN_VIEW_COVERAGE ? 1 : 0;
        data[row + x] = seen[x] ? insideSum / viewSum : 0;
        if (seen[x]) any = true;
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
function fillRow(data: Float32Array, seen: Uint8Array, row: number, width: number): void {
  let previous = -1;
  for (let x = 0; x < width; x++) {
    if (seen[x]) { previous = x; continue; }
    let next = x + 1;
    while (next < width && !seen[next]) next++;
    for (let k = x; k < next; k++) {
      const from = previous < 0 ? next : next >= width ? previous : k - previous <= next - k ? previous : next;
      data[row + k] = data[row + from];
    }
    x = next - 1;
  }
}
