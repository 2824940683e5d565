/**
 * Temporal stabilisation of the network's working-size sky probability.
 *
 * Each frame's probability is blended with the previous stabilised one carried along the camera's
 * motion (so a fast pan neither lags nor smears): s = α·p + (1 − α)·carried. α is small where the two
 * agree, which averages away frame-to-frame noise at the skyline, and rises to 1 where they disagree
 * strongly (something moved on its own, or the scene changed), where the footage itself does not
 * line up after the estimated motion (the estimate is off there: a large jump, parallax, a cut), and
 * where the previous frame did not see the pixel (new picture entering at the frame edge), so
 * nothing ghosts.
 */
import { IDENTITY_AFFINE, MotionEstimator, type Affine } from './global-motion.ts';
import type { Size } from './working-size.ts';

export interface StabiliserOptions {
  /** Weight of the current frame where it agrees with the carried history. */
  blend: number;
  /** Disagreement |p − carried| at which the current frame starts to win outright … */
  trustFrom: number;
  /** … and fully wins. */
  trustAt: number;
  /**
   * Luma difference (0..1) between the frame and the previous one carried by the motion at which
   * the current frame starts to win: above sensor noise and compression, below a misaligned edge …
   */
  mismatchFrom: number;
  /** … and fully wins. */
  mismatchAt: number;
}

export const DEFAULT_STABILISER: StabiliserOptions = { blend: 0.07, trustFrom: 0.5, trustAt: 0.9, mismatchFrom: 0.03, mismatchAt: 0.08 };

/** 0 below `from`, 1 above `to`, smooth between. */
function ramp(value: number, from: number, to: number): number {
  const t = value <= from ? 0 : value >= to ? 1 : (value - from) / (to - from);
  return t * t * (3 - 2 * t);
}

/** Bilinear sample of a plane at sample-grid coordinates (u, v), edges repeated. */
function bilinearSample(src: Float32Array, w: number, h: number, u: number, v: number): number {
  const x = Math.max(0, Math.min(w - 1, u)), y = Math.max(0, Math.min(h - 1, v));
  const x0 = Math.min(w - 2, Math.floor(x)), y0 = Math.min(h - 2, Math.floor(y));
  const tx = x - x0, ty = y - y0, i = y0 * w + x0;
  const top = src[i] + (src[i + 1] - src[i]) * tx, bottom = src[i + w] + (src[i + w + 1] - src[i + w]) * tx;
  return top + (bottom - top) * ty;
}

/** Catmull-Rom weights for the four samples around a point `t` ∈ [0, 1) past the second. */
function catmullRom(t: number, out: Float64Array): void {
  const t2 = t * t, t3 = t2 * t;
  out[0] = 0.5 * (-t3 + 2 * t2 - t);
  out[1] = 0.5 * (3 * t3 - 5 * t2 + 2);
  out[2] = 0.5 * (-3 * t3 + 4 * t2 + t);
  out[3] = 0.5 * (t3 - t2);
}

const wx = new Float64Array(4), wy = new Float64Array(4);

/**
 * The history at (u, v) (sample-grid coordinates, edges repeated), by Catmull-Rom: carrying the
 * history through bilinear resampling every frame would blur it a little more each time, and with a
 * long memory the edge would go soft on a pan.
 */
function cubicSample(src: Float32Array, w: number, h: number, u: number, v: number): number {
  const x0 = Math.floor(u), y0 = Math.floor(v);
  catmullRom(u - x0, wx);
  catmullRom(v - y0, wy);
  let sum = 0;
  if (x0 >= 1 && y0 >= 1 && x0 + 2 < w && y0 + 2 < h) {
    // All sixteen samples inside: no edge to repeat (the same sums, without clamping every index).
    for (let j = 0, r = (y0 - 1) * w + x0 - 1; j < 4; j++, r += w) {
      sum += wy[j] * (wx[0] * src[r] + wx[1] * src[r + 1] + wx[2] * src[r + 2] + wx[3] * src[r + 3]);
    }
  } else {
    for (let j = 0; j < 4; j++) {
      const y = Math.max(0, Math.min(h - 1, y0 - 1 + j));
      let row = 0;
      for (let i = 0; i < 4; i++) row += wx[i] * src[y * w + Math.max(0, Math.min(w - 1, x0 - 1 + i))];
      sum += wy[j] * row;
    }
  }
  return sum < 0 ? 0 : sum > 1 ? 1 : sum;
}

/**
 * The camera's motion from each frame to the one before, estimated on luma at the working size (a
 * smooth camera keeps moving as it did, so each estimate starts from the last). Both stabilisers, on
 * the CPU and on the GPU, take their motion from here.
 */
export class LumaMotion {
  /** Copies of the last two frames' luma, so the caller may reuse its own buffer. */
  private latest: Float32Array;
  private before: Float32Array;
  private frames = 0;
  private estimated: Affine = IDENTITY_AFFINE;
  private readonly estimator: MotionEstimator;

  constructor(readonly size: Size) {
    const n = size.width * size.height;
    this.latest = new Float32Array(n);
    this.before = new Float32Array(n);
    this.estimator = new MotionEstimator(size);
  }

  /** Takes the next frame's luma and returns M from it to the frame before; none for the first frame. */
  next(luma: Float32Array): Affine | undefined {
    [this.latest, this.before] = [this.before, this.latest];
    this.latest.set(luma);
    if (this.frames++ === 0) return undefined;
    this.estimated = this.estimator.estimate(this.before, this.latest, this.estimated);
    return this.estimated;
  }

  /** The luma of the frame before the last one given (where the last motion carries to). */
  get previousLuma(): Float32Array {
    return this.before;
  }

  /** The last frame's motion (estimateAffine's M); none at the first frame. */
  get motion(): Affine | undefined {
    return this.frames > 1 ? this.estimated : undefined;
  }
}

export class TemporalStabiliser {
  /** The last output, and the buffer the next one is written to: outputs alternate between the two. */
  private history: Float32Array;
  private spare: Float32Array;
  private readonly lumaMotion: LumaMotion;

  constructor(readonly size: Size, readonly options: StabiliserOptions = DEFAULT_STABILISER) {
    const n = size.width * size.height;
    this.history = new Float32Array(n);
    this.spare = new Float32Array(n);
    this.lumaMotion = new LumaMotion(size);
  }

  /** The camera motion the last frame was stabilised with (estimateAffine's M); none at the first frame. */
  get motion(): Affine | undefined {
    return this.lumaMotion.motion;
  }

  /**
   * Stabilises the next frame's probability `p`, given its luma at the same size. The result is the
   * stabiliser's own buffer, valid until the next call.
   */
  next(p: Float32Array, luma: Float32Array): Float32Array {
    this.measure(luma);
    return this.blend(p, luma);
  }

  /** Measures the camera motion to the next frame from its luma alone (none at the first frame): blend(p) for that frame follows. */
  measure(luma: Float32Array): void {
    this.lumaMotion.next(luma);
  }

  /** Stabilises the probability `p` of the frame just measured (`luma`, the same as given to measure): next()'s second half. */
  blend(p: Float32Array, luma: Float32Array): Float32Array {
    const { width: w, height: h } = this.size;
    const m = this.lumaMotion.motion;
    if (!m) {
      this.history.set(p);
      return this.history;
    }
    const { blend, trustFrom, trustAt, mismatchFrom, mismatchAt } = this.options;
    const prev = this.history, prevLuma = this.lumaMotion.previousLuma;
    const out = this.spare;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const cx = x + 0.5, cy = y + 0.5;
        const u = m[0] * cx + m[1] * cy + m[2] - 0.5, v = m[3] * cx + m[4] * cy + m[5] - 0.5;
        if (u < -0.5 || v < -0.5 || u > w - 0.5 || v > h - 0.5) {
          out[i] = p[i];
          continue;
        }
        const carried = cubicSample(prev, w, h, u, v);
        const disagreement = ramp(Math.abs(p[i] - carried), trustFrom, trustAt);
        const mismatch = ramp(Math.abs(luma[i] - bilinearSample(prevLuma, w, h, u, v)), mismatchFrom, mismatchAt);
        const alpha = blend + (1 - blend) * Math.max(disagreement, mismatch);
        out[i] = alpha * p[i] + (1 - alpha) * carried;
      }
    }
    this.spare = prev;
    this.history = out;
    return out;
  }
}
