/**
 * The camera's motion between two frames as one affine map, by coarse-to-fine Gauss–Newton
 * (Lucas–Kanade) on luma at the working size, with Huber weights so that a bird, a car or parallax
 * in the foreground does not pull the estimate.
 *
 * `estimateAffine(previous, current)` returns M with current(x) ≈ previous(M·x): it carries a pixel of
 * the current frame to where the same scene point was in the previous one.
 */
import type { Size } from './working-size.ts';

/** [a, b, c, d, e, f]: x' = a·x + b·y + c, y' = d·x + e·y + f (pixel centres at integer + 0.5). */
export type Affine = [number, number, number, number, number, number];

export const IDENTITY_AFFINE: Affine = [1, 0, 0, 0, 1, 0];

interface Level {
  data: Float32Array;
  width: number;
  height: number;
}

/** Level `into` (half of `level`'s size) as the 2×2 means of `level`. */
function halve(level: Level, into: Level): void {
  const { data, width, height } = into;
  const src = level.data, W = level.width;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = 2 * y * W + 2 * x;
      data[y * width + x] = 0.25 * (src[i] + src[i + 1] + src[i + W] + src[i + W + 1]);
    }
  }
}

/** The pyramid's level sizes: halved while both sides are at least 64, at most `levels` of them. */
function levelSizes(size: Size, levels: number): Size[] {
  const out = [size];
  while (out.length < levels && out[out.length - 1].width >= 64 && out[out.length - 1].height >= 64) {
    const last = out[out.length - 1];
    out.push({ width: Math.max(1, last.width >> 1), height: Math.max(1, last.height >> 1) });
  }
  return out;
}

/** Solves the 6×6 system h·x = g (symmetric positive definite after damping) by Gaussian elimination. */
function solve6(h: Float64Array, g: Float64Array): Float64Array | undefined {
  const a = Float64Array.from(h), b = Float64Array.from(g);
  for (let c = 0; c < 6; c++) {
    let pivot = c;
    for (let r = c + 1; r < 6; r++) if (Math.abs(a[r * 6 + c]) > Math.abs(a[pivot * 6 + c])) pivot = r;
    if (Math.abs(a[pivot * 6 + c]) < 1e-12) return undefined;
    if (pivot !== c) {
      for (let k = 0; k < 6; k++) [a[c * 6 + k], a[pivot * 6 + k]] = [a[pivot * 6 + k], a[c * 6 + k]];
      [b[c], b[pivot]] = [b[pivot], b[c]];
    }
    for (let r = c + 1; r < 6; r++) {
      const f = a[r * 6 + c] / a[c * 6 + c];
      for (let k = c; k < 6; k++) a[r * 6 + k] -= f * a[c * 6 + k];
      b[r] -= f * b[c];
    }
  }
  const x = new Float64Array(6);
  for (let r = 5; r >= 0; r--) {
    let s = b[r];
    for (let k = r + 1; k < 6; k++) s -= a[r * 6 + k] * x[k];
    x[r] = s / a[r * 6 + r];
  }
  return x;
}

/** 1.4826 × the median absolute residual: the residuals' spread, unmoved by outliers. */
function robustScale(abs: Float32Array, count: number, scratch: Float32Array): number {
  // Quickselect for the median: a sort per iteration would cost more than the iteration. It reorders
  // a copy, in a view of `count` values (past them it reads undefined, as the partition expects).
  const a = scratch.subarray(0, count);
  a.set(abs.subarray(0, count));
  const k = count >> 1;
  let lo = 0, hi = count - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1];
    let i = lo, j = hi;
    while (i <= j) {
      while (a[i] < pivot) i++;
      while (a[j] > pivot) j--;
      if (i <= j) {
        const t = a[i]; a[i] = a[j]; a[j] = t;
        i++; j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return 1.4826 * a[k];
}

/** Central-difference gradients of a level, so each sample reads value and slope with one set of weights. */
function gradients(level: Level, gx: Float32Array, gy: Float32Array): void {
  const { data, width: w, height: h } = level;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      gx[i] = 0.5 * (data[x < w - 1 ? i + 1 : i] - data[x > 0 ? i - 1 : i]);
      gy[i] = 0.5 * (data[y < h - 1 ? i + w : i] - data[y > 0 ? i - w : i]);
    }
  }
}

/** A few thousand samples pin down six parameters; more only cost time. */
function sampleStep(size: Size): number {
  return Math.max(1, Math.round(Math.sqrt((size.width * size.height) / 6000)));
}

function sampleCapacity(size: Size): number {
  const step = sampleStep(size);
  return Math.ceil(size.width / step) * Math.ceil(size.height / step);
}

/** Per-sample values of one Gauss–Newton step, and the copy the median reorders. */
interface Samples {
  res: Float32Array;
  sgx: Float32Array;
  sgy: Float32Array;
  sx: Float32Array;
  sy: Float32Array;
  abs: Float32Array;
  scratch: Float32Array;
}

/**
 * Gauss–Newton steps at one level; the affine is in that level's pixel coordinates. `GX`, `GY`
 * hold the previous level's gradients. Stops after `iterations`, or once a step moves the
 * translation by less than `tolerance` pixels.
 */
function refine(
  previous: Level, current: Level, GX: Float32Array, GY: Float32Array, samples: Samples, start: Affine, iterations: number, tolerance: number,
): Affine {
  const m = [...start] as Affine;
  const { width, height } = current;
  const P = previous.data, pw = previous.width, ph = previous.height;
  const step = sampleStep(current);
  const { res, sgx, sgy, sx, sy, abs } = samples;
  for (let it = 0; it < iterations; it++) {
    let count = 0, absSum = 0;
    for (let y = 1; y < height - 1; y += step) {
      for (let x = 1; x < width - 1; x += step) {
        const cx = x + 0.5, cy = y + 0.5;
        const u = m[0] * cx + m[1] * cy + m[2] - 0.5, v = m[3] * cx + m[4] * cy + m[5] - 0.5;
        if (!(u >= 0 && v >= 0 && u < pw - 1 && v < ph - 1)) continue;
        const x0 = Math.floor(u), y0 = Math.floor(v), tx = u - x0, ty = v - y0;
        const i = y0 * pw + x0;
        const w00 = (1 - tx) * (1 - ty), w10 = tx * (1 - ty), w01 = (1 - tx) * ty, w11 = tx * ty;
        const r = w00 * P[i] + w10 * P[i + 1] + w01 * P[i + pw] + w11 * P[i + pw + 1] - current.data[y * width + x];
        res[count] = r;
        sgx[count] = w00 * GX[i] + w10 * GX[i + 1] + w01 * GX[i + pw] + w11 * GX[i + pw + 1];
        sgy[count] = w00 * GY[i] + w10 * GY[i + 1] + w01 * GY[i + pw] + w11 * GY[i + pw + 1];
        sx[count] = cx;
        sy[count] = cy;
        abs[count] = Math.abs(r);
        absSum += abs[count];
        count++;
      }
    }
    if (count < 50) return m;
    // Robust weights: Huber on the first pass (the estimate may still be far), then Tukey's biweight,
    // which gives pixels that move on their own (a bird, a car, parallax) no say at all.
    const huber = it === 0;
    const k = huber ? Math.max(1e-3, 1.5 * (absSum / count)) : Math.max(1e-3, 4.685 * robustScale(abs, count, samples.scratch));
    // The normal equations' 21 distinct sums and 6 gradient sums in locals, written out: as arrays
    // indexed in nested loops they took most of an estimate's time. Each sum takes the same terms in
    // the same order, (w·J_i)·J_j, as the loops did.
    let h00 = 0, h01 = 0, h02 = 0, h03 = 0, h04 = 0, h05 = 0, h11 = 0, h12 = 0, h13 = 0, h14 = 0, h15 = 0;
    let h22 = 0, h23 = 0, h24 = 0, h25 = 0, h33 = 0, h34 = 0, h35 = 0, h44 = 0, h45 = 0, h55 = 0;
    let g0 = 0, g1 = 0, g2 = 0, g3 = 0, g4 = 0, g5 = 0;
    for (let n = 0; n < count; n++) {
      const r = res[n], a = Math.abs(r);
      let w: number;
      if (huber) w = a <= k ? 1 : k / a;
      else if (a >= k) continue;
      else w = (1 - (r / k) ** 2) ** 2;
      const gx = sgx[n], gy = sgy[n], cx = sx[n], cy = sy[n];
      const j0 = gx * cx, j1 = gx * cy, j2 = gx, j3 = gy * cx, j4 = gy * cy, j5 = gy;
      const w0 = w * j0, w1 = w * j1, w2 = w * j2, w3 = w * j3, w4 = w * j4, w5 = w * j5;
      g0 -= w0 * r; g1 -= w1 * r; g2 -= w2 * r; g3 -= w3 * r; g4 -= w4 * r; g5 -= w5 * r;
      h00 += w0 * j0; h01 += w0 * j1; h02 += w0 * j2; h03 += w0 * j3; h04 += w0 * j4; h05 += w0 * j5;
      h11 += w1 * j1; h12 += w1 * j2; h13 += w1 * j3; h14 += w1 * j4; h15 += w1 * j5;
      h22 += w2 * j2; h23 += w2 * j3; h24 += w2 * j4; h25 += w2 * j5;
      h33 += w3 * j3; h34 += w3 * j4; h35 += w3 * j5;
      h44 += w4 * j4; h45 += w4 * j5;
      h55 += w5 * j5;
    }
    const h = Float64Array.of(
      h00, h01, h02, h03, h04, h05,
      h01, h11, h12, h13, h14, h15,
      h02, h12, h22, h23, h24, h25,
      h03, h13, h23, h33, h34, h35,
      h04, h14, h24, h34, h44, h45,
      h05, h15, h25, h35, h45, h55);
    const g = Float64Array.of(g0, g1, g2, g3, g4, g5);
    // Damping keeps a textureless frame (all sky) at the current estimate instead of wandering.
    for (let i = 0; i < 6; i++) h[i * 7] = h[i * 7] * 1.001 + 1e-6;
    const delta = solve6(h, g);
    if (!delta) return m;
    for (let i = 0; i < 6; i++) m[i] += delta[i];
    if (Math.abs(delta[2]) + Math.abs(delta[5]) < tolerance) break;
  }
  return m;
}

/** Scales an affine between levels whose pixel sizes differ by `factor` (coordinates × factor). */
function rescale(m: Affine, factor: number): Affine {
  return [m[0], m[1], m[2] * factor, m[3], m[4], m[5] * factor];
}

/**
 * Estimates for frames of one working size, with the pyramids, gradients and samples made once:
 * a shot's estimates then allocate no frame-sized buffers.
 */
export class MotionEstimator {
  private readonly previous: Level[];
  private readonly current: Level[];
  private readonly gx: Float32Array;
  private readonly gy: Float32Array;
  private readonly samples: Samples;

  constructor(readonly size: Size, levels = 4) {
    const sizes = levelSizes(size, levels);
    // Level 0 is the luma itself (see fill); the others have buffers of their own.
    const pyramid = () => sizes.map((s, l) => ({ data: new Float32Array(l === 0 ? 0 : s.width * s.height), width: s.width, height: s.height }));
    this.previous = pyramid();
    this.current = pyramid();
    this.gx = new Float32Array(size.width * size.height);
    this.gy = new Float32Array(size.width * size.height);
    const capacity = Math.max(...sizes.map(sampleCapacity));
    const buffer = () => new Float32Array(capacity);
    this.samples = { res: buffer(), sgx: buffer(), sgy: buffer(), sx: buffer(), sy: buffer(), abs: buffer(), scratch: buffer() };
  }

  estimate(previous: Float32Array, current: Float32Array, guess: Affine = IDENTITY_AFFINE): Affine {
    const prev = this.fill(this.previous, previous), cur = this.fill(this.current, current);
    const top = prev.length - 1;
    let m = rescale(guess, 1 / 2 ** top);
    for (let l = top; l >= 0; l--) {
      gradients(prev[l], this.gx, this.gy);
      // A coarser level only has to bring the estimate within the next level's reach: it stops at a
      // fiftieth of its pixel (at most 0.16 px of the finest), where its steps had gone on to the
      // thousandth, taking half of an estimate's time for no measurable gain in the finest's result.
      const [iterations, tolerance] = l === 0 ? [3, 1e-3] : [6, 2e-2];
      m = refine(prev[l], cur[l], this.gx, this.gy, this.samples, m, iterations, tolerance);
      if (l > 0) m = rescale(m, 2);
    }
    return m;
  }

  /** The pyramid of `luma`: level 0 is `luma` itself, the others are halved into their buffers. */
  private fill(pyramid: Level[], luma: Float32Array): Level[] {
    pyramid[0].data = luma;
    for (let l = 1; l < pyramid.length; l++) halve(pyramid[l - 1], pyramid[l]);
    return pyramid;
  }
}

export function estimateAffine(previous: Float32Array, current: Float32Array, size: Size, guess: Affine = IDENTITY_AFFINE): Affine {
  return new MotionEstimator(size).estimate(previous, current, guess);
}
