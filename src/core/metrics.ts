/** Quality measures between binary masks (1 = sky): what the tests and benchmarks report. */
import type { Matte } from './types.ts';

/** The matte's sky pixels: value > 0.5 (DESIGN.md's iso level). */
export function threshold(matte: Matte): Uint8Array {
  const out = new Uint8Array(matte.width * matte.height);
  for (let i = 0; i < out.length; i++) out[i] = matte.data[i] > 0.5 ? 1 : 0;
  return out;
}

/** Intersection over union; 1 when both are empty. */
export function iou(a: Uint8Array, b: Uint8Array): number {
  let inter = 0, union = 0;
  for (let i = 0; i < a.length; i++) {
    inter += a[i] & b[i];
    union += a[i] | b[i];
  }
  return union === 0 ? 1 : inter / union;
}

/** Pixels of `mask` that are inside with a 4-neighbour outside (the frame's border is not a boundary). */
export function boundaryPixels(mask: Uint8Array, width: number, height: number): Uint8Array {
  const out = new Uint8Array(mask.length);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!mask[i]) continue;
      if ((x > 0 && !mask[i - 1]) || (x < width - 1 && !mask[i + 1]) ||
        (y > 0 && !mask[i - width]) || (y < height - 1 && !mask[i + width])) out[i] = 1;
    }
  }
  return out;
}

/** Exact squared Euclidean distance to the nearest set pixel (Felzenszwalb & Huttenlocher). */
export function squaredDistanceTransform(set: Uint8Array, width: number, height: number): Float64Array {
  const INF = 1e20;
  const d = new Float64Array(set.length);
  for (let i = 0; i < set.length; i++) d[i] = set[i] ? 0 : INF;
  const n = Math.max(width, height);
  const f = new Float64Array(n), g = new Float64Array(n), z = new Float64Array(n + 1);
  const v = new Int32Array(n);
  const pass = (len: number, get: (k: number) => number, put: (k: number, value: number) => void) => {
    for (let k = 0; k < len; k++) f[k] = get(k);
    let j = 0;
    v[0] = 0; z[0] = -Infinity; z[1] = Infinity;
    for (let q = 1; q < len; q++) {
      let s = (f[q] + q * q - (f[v[j]] + v[j] * v[j])) / (2 * q - 2 * v[j]);
      while (s <= z[j]) {
        j--;
        s = (f[q] + q * q - (f[v[j]] + v[j] * v[j])) / (2 * q - 2 * v[j]);
      }
      j++;
      v[j] = q; z[j] = s; z[j + 1] = Infinity;
    }
    j = 0;
    for (let q = 0; q < len; q++) {
      while (z[j + 1] < q) j++;
      g[q] = (q - v[j]) * (q - v[j]) + f[v[j]];
    }
    for (let k = 0; k < len; k++) put(k, g[k]);
  };
  for (let x = 0; x < width; x++) pass(height, (k) => d[k * width + x], (k, value) => { d[k * width + x] = value; });
  for (let y = 0; y < height; y++) pass(width, (k) => d[y * width + k], (k, value) => { d[y * width + k] = value; });
  return d;
}

export interface BoundaryError {
  /** Mean distance in px from each boundary pixel of either mask to the other's boundary. */
  mean: number;
  /** The largest such distance (symmetric Hausdorff distance between the boundaries). */
  max: number;
}

/** How far apart the boundaries of two masks are; 0 when they agree, Infinity when one has none. */
export function boundaryError(a: Uint8Array, b: Uint8Array, width: number, height: number): BoundaryError {
  const ba = boundaryPixels(a, width, height);
  const bb = boundaryPixels(b, width, height);
  const da = squaredDistanceTransform(ba, width, height);
  const db = squaredDistanceTransform(bb, width, height);
  let sum = 0, count = 0, max = 0;
  const visit = (from: Uint8Array, to: Float64Array) => {
    for (let i = 0; i < from.length; i++) {
      if (!from[i]) continue;
      const dist = to[i] >= 1e20 ? Infinity : Math.sqrt(to[i]);
      sum += dist; count++;
      if (dist > max) max = dist;
    }
  };
  visit(ba, db);
  visit(bb, da);
  return count === 0 ? { mean: 0, max: 0 } : { mean: sum / count, max };
}

/**
 * `mask` without its connected components smaller than `minArea` pixels: specks are removed and small
 * holes filled, as the tracer drops them. Pixels connect through edges, and through a corner where two
 * pixels of a kind meet diagonally between two of the other (a saddle) as the tracer reads it: sky when
 * the mean of the four `soft` values (the matte `mask` was thresholded from) is above 0.5, else not-sky.
 * Without `soft` the mask is taken as hard-edged, where a saddle's mean is exactly 0.5: not sky.
 */
export function removeSpecks(mask: Uint8Array, width: number, height: number, minArea: number, soft?: Float32Array): Uint8Array {
  const out = mask.slice();
  const seen = new Uint8Array(mask.length);
  const stack = new Int32Array(mask.length);
  const component: number[] = [];
  // Whether the diagonal neighbours i and j (in the same 2×2 block, both of i's kind) connect.
  const joinsDiagonally = (i: number, j: number, value: number): boolean => {
    const a = i - (i % width) + (j % width), b = j - (j % width) + (i % width);
    if (mask[a] === value || mask[b] === value) return true;
    const skyCentre = soft !== undefined && soft[i] + soft[j] + soft[a] + soft[b] > 2;
    return skyCentre === (value === 1);
  };
  for (let start = 0; start < mask.length; start++) {
    if (seen[start]) continue;
    const value = mask[start];
    let top = 0;
    stack[top++] = start;
    seen[start] = 1;
    component.length = 0;
    let touchesEdge = false;
    while (top > 0) {
      const i = stack[--top];
      component.push(i);
      const x = i % width, y = (i - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) touchesEdge = true;
      if (x > 0 && !seen[i - 1] && mask[i - 1] === value) { seen[i - 1] = 1; stack[top++] = i - 1; }
      if (x < width - 1 && !seen[i + 1] && mask[i + 1] === value) { seen[i + 1] = 1; stack[top++] = i + 1; }
      if (y > 0 && !seen[i - width] && mask[i - width] === value) { seen[i - width] = 1; stack[top++] = i - width; }
      if (y < height - 1 && !seen[i + width] && mask[i + width] === value) { seen[i + width] = 1; stack[top++] = i + width; }
      for (const j of [i - width - 1, i - width + 1, i + width - 1, i + width + 1]) {
        if (j < 0 || j >= mask.length || Math.abs((j % width) - x) !== 1 || seen[j] || mask[j] !== value) continue;
        if (!joinsDiagonally(i, j, value)) continue;
        seen[j] = 1;
        stack[top++] = j;
      }
    }
    // Non-sky touching the frame edge is the outside of every region, never a hole to fill.
    if (component.length < minArea && !(value === 0 && touchesEdge)) for (const i of component) out[i] = value ^ 1;
  }
  return out;
}

/** Boundary pixels count as matched within this distance (px) of the other mask's boundary. */
export const BOUNDARY_TOLERANCE = 2;

export interface SegmentationResult {
  /** Sky intersection over union, summed over the images (1 when neither has sky). */
  iou: number;
  /** Share of predicted boundary pixels within BOUNDARY_TOLERANCE of the true boundary. */
  precision: number;
  /** Share of true boundary pixels within BOUNDARY_TOLERANCE of the predicted boundary. */
  recall: number;
  /** Harmonic mean of precision and recall. */
  f1: number;
}

/**
 * Sky IoU and boundary F1 within 2 px, summed over a set of images (so sky-less images count through
 * their false positives, not as undefined ratios). `known` (1 = labelled) leaves void pixels out of
 * both, and boundary pixels within the tolerance of void: the true edge lies somewhere in that band.
 * training/evaluate.py computes the same numbers for checkpoint selection.
 */
export class SegmentationScore {
  private inter = 0;
  private union = 0;
  private matchedPredicted = 0;
  private predicted = 0;
  private matchedTrue = 0;
  private truthCount = 0;

  add(prediction: Uint8Array, truth: Uint8Array, width: number, height: number, known?: Uint8Array): this {
    const r2 = BOUNDARY_TOLERANCE * BOUNDARY_TOLERANCE;
    let nearVoid: Float64Array | undefined;
    if (known && known.some((k) => !k)) nearVoid = squaredDistanceTransform(known.map((k) => (k ? 0 : 1)), width, height);
    for (let i = 0; i < truth.length; i++) {
      if (known && !known[i]) continue;
      this.inter += prediction[i] & truth[i];
      this.union += prediction[i] | truth[i];
    }
    const bp = boundaryPixels(prediction, width, height);
    const bt = boundaryPixels(truth, width, height);
    const dp = squaredDistanceTransform(bp, width, height);
    const dt = squaredDistanceTransform(bt, width, height);
    for (let i = 0; i < truth.length; i++) {
      if (nearVoid && nearVoid[i] <= r2) continue;
      if (bp[i]) {
        this.predicted++;
        if (dt[i] <= r2) this.matchedPredicted++;
      }
      if (bt[i]) {
        this.truthCount++;
        if (dp[i] <= r2) this.matchedTrue++;
      }
    }
    return this;
  }

  result(): SegmentationResult {
    const iou = this.union === 0 ? 1 : this.inter / this.union;
    const precision = this.predicted === 0 ? 1 : this.matchedPredicted / this.predicted;
    const recall = this.truthCount === 0 ? 1 : this.matchedTrue / this.truthCount;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    return { iou, precision, recall, f1 };
  }
}
