/**
 * A region seen through a moving camera, accumulated in scene coordinates: each frame votes, with
 * exact area coverage, on which scene pixels are inside the region, within that frame's view.
 * The average is a matte of the whole scene the shot saw, wider than any one frame.
 */
import { applySimilarity, type Similarity } from './motion.ts';
import { EdgeSweep, SWEEP_CHUNK, sweepChunks } from './coverage.ts';
import type { MatteRows } from './trace.ts';

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
   * The mosaic's matte, made a row at a time as it is read (see MatteRows; the whole matte of a long
   * pan would take tens of MB): the share of views that saw each pixel inside the region. Pixels no
   * view saw take the value of the nearest seen pixel along their row, and rows no view saw copy the
   * nearest row that has one (the lower of two as near): the region simply goes on there, so its
   * outline does not cut into a frame where some other frame's view ended. The mosaic is used up.
   */
  rows(): MatteRows {
    return new MosaicRows(this.inside, this.seen, this.width, this.height);
  }
}

class MosaicRows implements MatteRows {
  /** Two rows, row y in slot y % 2: the row asked for and the one before it. */
  readonly data: Float32Array;
  /** The edges' accumulations of the row being swept: zero outside the touched chunks, and cleared after each row. */
  private readonly insideRow: Float32Array;
  private readonly seenRow: Float32Array;
  /** Which chunks of SWEEP_CHUNK cells the row's edges added to. */
  private readonly touched: Uint8Array;
  /** Where the row being swept turns from unseen to seen or back. */
  private readonly turns: Int32Array;
  /** The last row made, and the next row to sweep (ahead of it where rows no view saw were looked past). */
  private made = -1;
  private swept = 0;
  /**
   * Around a gap of rows no view saw: the last row above it that a view saw (its values copied out
   * of `data` once the gap begins) and the first below it (y −∞, +∞: none).
   */
  private above: { y: number; values?: Float32Array } = { y: -Infinity };
  private below: { y: number; values?: Float32Array } = { y: Infinity };

  constructor(private readonly inside: EdgeSweep, private readonly seen: EdgeSweep, readonly width: number, readonly height: number) {
    this.data = new Float32Array(2 * width);
    this.insideRow = new Float32Array(width);
    this.seenRow = new Float32Array(width);
    this.touched = new Uint8Array(sweepChunks(width));
    this.turns = new Int32Array(width + 1);
  }

  row(y: number): number {
    const { width } = this;
    const at = (y & 1) * width;
    if (y === this.made) return at;
    if (y !== this.made + 1) throw new RangeError(`mosaic row ${y} asked for after row ${this.made}`);
    this.made = y;
    const out = this.data.subarray(at, at + width);
    if (y < this.swept) {
      this.copyNearestSeen(y, out);
    } else if (this.sweep(out)) {
      this.above = { y };
    } else {
      // A gap begins: keep the row above it, and look for the first row below it that a view saw.
      if (this.above.y === y - 1) this.above.values = this.data.slice(width - at, 2 * width - at);
      const values = new Float32Array(width);
      this.below = { y: Infinity, values };
      while (this.swept < this.height) {
        const next = this.swept;
        if (this.sweep(values)) {
          this.below.y = next;
          break;
        }
      }
      this.copyNearestSeen(y, out);
    }
    return at;
  }

  /** Row y of a gap: the nearest row a view saw (the lower of two as near), or 0 where none did. */
  private copyNearestSeen(y: number, out: Float32Array): void {
    const { above, below } = this;
    const nearest = below.y - y <= y - above.y ? below : above;
    if (nearest.values) out.set(nearest.values);
    else out.fill(0);
    if (y === below.y) this.above = below;
  }

  /**
   * Sweeps the next row into `out`; whether a view saw any of it. The running sums change only at
   * cells an edge touched, so only there are they summed and divided, and only the chunks of cells
   * the edges touched are read: between them the row keeps its value (most of a wide mosaic's row).
   */
  private sweep(out: Float32Array): boolean {
    const { width, insideRow, seenRow, turns, touched } = this;
    const y = this.swept++;
    this.inside.depositRow(y, insideRow, touched);
    this.seen.depositRow(y, seenRow, touched);
    let insideSum = 0, viewSum = 0, value = 0, seen = false, count = 0;
    let filled = 0;
    for (let c = 0; c < touched.length; c++) {
      if (touched[c] === 0) continue;
      touched[c] = 0;
      const from = c * SWEEP_CHUNK, to = Math.min(width, from + SWEEP_CHUNK);
      if (from >= width) continue;
      out.fill(value, filled, from);
      for (let x = from; x < to; x++) {
        const dInside = insideRow[x], dSeen = seenRow[x];
        if (dInside !== 0 || dSeen !== 0) {
          insideRow[x] = 0;
          seenRow[x] = 0;
          insideSum += dInside;
          viewSum += dSeen;
          const now = viewSum > MIN_VIEW_COVERAGE;
          value = now ? insideSum / viewSum : 0;
          if (now !== seen) turns[count++] = x;
          seen = now;
        }
        out[x] = value;
      }
      filled = to;
    }
    out.fill(value, filled, width);
    if (count === 0) return false;
    // Unseen from 0 to the first turn, and from every second turn on to the next (or the row's end).
    if (!seen) turns[count++] = width;
    for (let k = 0; k < count; k += 2) fillUnseenRun(out, k === 0 ? 0 : turns[k - 1], turns[k]);
    return true;
  }
}

/** Cells start … end − 1 of a row, which no view saw, take the value of the nearer seen cell beside them (the left one of two as near). */
function fillUnseenRun(row: Float32Array, start: number, end: number): void {
  if (start === end) return;
  const left = start - 1, right = end;
  if (left < 0) row.fill(row[right], start, end);
  else if (right >= row.length) row.fill(row[left], start, end);
  else {
    const split = ((left + right) >> 1) + 1;
    row.fill(row[left], start, split);
    row.fill(row[right], split, end);
  }
}
