/**
 * Soft edges: any scene's mattes blurred by a gaussian, so edges become ramps (a blurred straight
 * edge has a 10–90 % width of 2 · 1.2816 · σ). The blur is separable and sparse: a pixel whose whole
 * kernel window is one value keeps it, so only the pixels near edges are convolved.
 */
import type { Matte } from '../core/types.ts';
import type { SyntheticScene } from './scene.ts';

/** Normalised gaussian taps w[0..2r], r = ceil(4σ). */
export function gaussianKernel(sigma: number): Float32Array {
  const r = Math.max(1, Math.ceil(4 * sigma));
  const k = new Float32Array(2 * r + 1);
  let sum = 0;
  for (let i = -r; i <= r; i++) {
    const v = Math.exp((-i * i) / (2 * sigma * sigma));
    k[i + r] = v;
    sum += v;
  }
  for (let i = 0; i < k.length; i++) k[i] /= sum;
  return k;
}

/** Blurs each of `rows` rows of length `len` from src into dst (edges clamped), skipping flat runs. */
function blurRows(src: Float32Array, dst: Float32Array, len: number, rows: number, kernel: Float32Array): void {
  const r = (kernel.length - 1) >> 1;
  const taps = kernel.length;
  for (let row = 0; row < rows; row++) {
    const base = row * len;
    let x = 0; // next output to write
    for (let i = 1; ; i++) {
      while (i < len && src[base + i] === src[base + i - 1]) i++;
      // A change between i − 1 and i reaches outputs i − r … i + r − 1; the rest of the window is flat.
      const lo = i >= len ? len : Math.max(x, i - r);
      for (; x < lo; x++) dst[base + x] = src[base + x];
      if (i >= len) break;
      const hi = Math.min(len, i + r);
      for (; x < hi; x++) {
        let s = 0;
        if (x >= r && x + r < len) {
          const o = base + x - r;
          for (let k = 0; k < taps; k++) s += kernel[k] * src[o + k];
        } else {
          for (let k = -r; k <= r; k++) {
            const xi = x + k < 0 ? 0 : x + k >= len ? len - 1 : x + k;
            s += kernel[k + r] * src[base + xi];
          }
        }
        dst[base + x] = s;
      }
    }
  }
}

/**
 * Blurs the columns of src (width × height, row-major) into dst, row by row so memory is read in
 * order: a column is convolved at row y only if it changes somewhere in its window y − r … y + r.
 */
function blurColumns(src: Float32Array, dst: Float32Array, width: number, height: number, kernel: Float32Array): void {
  const r = (kernel.length - 1) >> 1;
  const taps = kernel.length;
  // lastChange[x]: the latest row i ≤ lead with src(x, i) ≠ src(x, i − 1).
  const lastChange = new Int32Array(width).fill(-1);
  const columns = new Int32Array(width); // the columns to convolve in this row
  const sums = new Float64Array(width);
  let lead = 0;
  for (let y = 0; y < height; y++) {
    const target = Math.min(height - 1, y + r);
    while (lead < target) {
      lead++;
      const cur = lead * width, prev = cur - width;
      for (let x = 0; x < width; x++) if (src[cur + x] !== src[prev + x]) lastChange[x] = lead;
    }
    const first = Math.max(1, y - r + 1);
    const row = y * width;
    let n = 0;
    for (let x = 0; x < width; x++) {
      if (lastChange[x] < first) dst[row + x] = src[row + x];
      else columns[n++] = x;
    }
    if (n === 0) continue;
    // Tap by tap over whole rows, so each source row is read in order.
    for (let j = 0; j < n; j++) sums[j] = 0;
    for (let k = 0; k < taps; k++) {
      const yy = y + k - r;
      const off = (yy < 0 ? 0 : yy >= height ? height - 1 : yy) * width;
      const w = kernel[k];
      for (let j = 0; j < n; j++) sums[j] += w * src[off + columns[j]];
    }
    for (let j = 0; j < n; j++) dst[row + columns[j]] = sums[j];
  }
}

/** The matte blurred by a gaussian of `sigma` px (edges clamped). `into` receives the result if given. */
export function gaussianBlur(matte: Matte, sigma: number, into?: Float32Array): Matte {
  const { width, height, data } = matte;
  const out = into ?? new Float32Array(width * height);
  if (out.length !== data.length) throw new RangeError('blur output has the wrong length');
  if (!(sigma > 0)) {
    out.set(data);
    return { width, height, data: out };
  }
  const kernel = gaussianKernel(sigma);
  const tmp = new Float32Array(width * height);
  blurRows(data, tmp, width, height, kernel);
  blurColumns(tmp, out, width, height, kernel);
  return { width, height, data: out };
}

export interface SoftEdgesOptions {
  /** Gaussian sigma in px (default 3). */
  sigma?: number;
}

export interface SoftEdgesScene extends SyntheticScene {
  readonly base: SyntheticScene;
  readonly sigma: number;
}

/**
 * `base` with soft edges. `isSky` is the base scene's exact shape: the 0.5 iso-line of the blurred
 * matte stays on it along straight edges and moves at most ~σ²/(2R) inward at curves of radius R.
 */
export function softEdges(base: SyntheticScene, options: SoftEdgesOptions = {}): SoftEdgesScene {
  const sigma = options.sigma ?? 3;
  if (!(sigma >= 0)) throw new RangeError(`bad sigma ${sigma}`);
  const { width, height } = base;
  return {
    name: `${base.name}-soft`,
    width, height,
    frameCount: base.frameCount,
    frameRate: base.frameRate,
    base,
    sigma,
    matte(frame: number, into?: Float32Array): Matte {
      return gaussianBlur(base.matte(frame), sigma, into);
    },
    isSky: (x: number, y: number, frame: number) => base.isSky(x, y, frame),
    topology: (frame: number) => base.topology(frame),
  };
}
