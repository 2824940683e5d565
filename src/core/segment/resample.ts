/**
 * Resampling between full resolution and the network's working size.
 * Shrinking averages every source pixel that a target pixel covers (area weights, no aliasing on 4K
 * or 8K footage); enlarging interpolates linearly between pixel centres.
 */
import type { RgbFrame } from '../types.ts';
import type { Size } from './working-size.ts';

/** For each target index along one axis: the source indices it reads and their weights (sum 1). */
interface AxisWeights {
  start: Int32Array;
  count: Int32Array;
  weights: Float32Array;
  /** Weights of target i begin at `offset[i]`. */
  offset: Int32Array;
}

export function axisWeights(source: number, target: number): AxisWeights {
  const scale = source / target;
  const start = new Int32Array(target);
  const count = new Int32Array(target);
  const offset = new Int32Array(target);
  const all: number[] = [];
  for (let i = 0; i < target; i++) {
    offset[i] = all.length;
    if (scale >= 1) {
      const lo = i * scale;
      const hi = lo + scale;
      const first = Math.floor(lo);
      const last = Math.min(source - 1, Math.ceil(hi) - 1);
      start[i] = first;
      for (let s = first; s <= last; s++) all.push((Math.min(hi, s + 1) - Math.max(lo, s)) / scale);
      count[i] = last - first + 1;
    } else {
      const centre = (i + 0.5) * scale - 0.5;
      const left = Math.floor(centre);
      const t = centre - left;
      const a = Math.max(0, Math.min(source - 1, left));
      const b = Math.max(0, Math.min(source - 1, left + 1));
      start[i] = a;
      if (a === b) {
        all.push(1);
        count[i] = 1;
      } else {
        all.push(1 - t, t);
        count[i] = 2;
      }
    }
  }
  return { start, count, weights: Float32Array.from(all), offset };
}

/**
 * Frames of one size to the network's input planes at `size` (r, g, b in 0..1, NCHW), with the
 * weights and buffers made once: a shot's frames then allocate nothing. The planes are this
 * resampler's own, overwritten by the next frame.
 */
export class PlaneResampler {
  private readonly xs: AxisWeights;
  private readonly ys: AxisWeights;
  private readonly rows: Float32Array;
  /** Made at the first resample not given a buffer of its own. */
  private planes: Float32Array | undefined;

  constructor(readonly frameWidth: number, readonly frameHeight: number, readonly size: Size) {
    this.xs = axisWeights(frameWidth, size.width);
    this.ys = axisWeights(frameHeight, size.height);
    this.rows = new Float32Array(frameHeight * size.width * 3);
  }

  /** The frame's planes, in `planes` when given (3 × the size's pixels), else in the resampler's own buffer. */
  resample(frame: RgbFrame, planes = (this.planes ??= new Float32Array(this.size.width * this.size.height * 3))): Float32Array {
    const { width: W, height: H, data } = frame;
    if (W !== this.frameWidth || H !== this.frameHeight) throw new RangeError(`frame ${W}×${H}, resampler ${this.frameWidth}×${this.frameHeight}`);
    const { width: w, height: h } = this.size;
    const { rows } = this;
    // The weights in locals: read through `this.xs` in the inner loops they cost a quarter of the time.
    const { offset: xOffset, start: xStart, count: xCount, weights: xWeights } = this.xs;
    const { offset: yOffset, start: yStart, count: yCount, weights: yWeights } = this.ys;
    // Rows first: each source row shrinks to w pixels, then target rows mix source rows.
    for (let y = 0; y < H; y++) {
      const src = y * W * 3;
      const dst = y * w * 3;
      for (let x = 0; x < w; x++) {
        let r = 0, g = 0, b = 0;
        const o = xOffset[x], n = xCount[x];
        for (let k = 0, s = src + xStart[x] * 3; k < n; k++, s += 3) {
          const wt = xWeights[o + k];
          r += wt * data[s];
          g += wt * data[s + 1];
          b += wt * data[s + 2];
        }
        rows[dst + x * 3] = r;
        rows[dst + x * 3 + 1] = g;
        rows[dst + x * 3 + 2] = b;
      }
    }
    const plane = w * h;
    for (let y = 0; y < h; y++) {
      const o = yOffset[y], n = yCount[y], first = yStart[y];
      for (let x = 0; x < w; x++) {
        let r = 0, g = 0, b = 0;
        for (let k = 0; k < n; k++) {
          const wt = yWeights[o + k];
          const s = ((first + k) * w + x) * 3;
          r += wt * rows[s];
          g += wt * rows[s + 1];
          b += wt * rows[s + 2];
        }
        const i = y * w + x;
        planes[i] = r / 255;
        planes[plane + i] = g / 255;
        planes[2 * plane + i] = b / 255;
      }
    }
    return planes;
  }
}

/** An RGB frame at `size`, as three planes r, g, b in 0..1 (the network's NCHW input). */
export function rgbPlanes(frame: RgbFrame, size: Size): Float32Array {
  return new PlaneResampler(frame.width, frame.height, size).resample(frame);
}

/** Luma (Rec. 601 weights) of planar RGB. */
export function lumaOfPlanes(planes: Float32Array, size: Size, luma: Float32Array = new Float32Array(size.width * size.height)): Float32Array {
  const n = size.width * size.height;
  for (let i = 0; i < n; i++) luma[i] = 0.299 * planes[i] + 0.587 * planes[n + i] + 0.114 * planes[2 * n + i];
  return luma;
}
