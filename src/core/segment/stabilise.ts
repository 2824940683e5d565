/**
 * Temporal stabilisation of the network's working-size sky probability.
 *
 * Each frame's probability is blended with the previous stabilised one carried along the camera's
 * motion (so a fast pan neither lags nor smears): s = α·p + (1 − α)·carried. α is small where the two
 * agree, which averages away frame-to-frame noise at the skyline, and rises to 1 where they disagree
 * strongly (something moved on its own, or the scene changed) and where the previous frame did not
 * see the pixel (new picture entering at the frame edge), so nothing ghosts.
 */
import { estimateAffine, IDENTITY_AFFINE, type Affine } from './global-motion.ts';
import type { Size } from './working-size.ts';

export interface StabiliserOptions {
  /** Weight of the current frame where it agrees with the carried history. */
  blend: number;
  /** Disagreement |p − carried| at which the current frame starts to win outright … */
  trustFrom: number;
  /** … and fully wins. */
  trustAt: number;
}

export const DEFAULT_STABILISER: StabiliserOptions = { blend: 0.3, trustFrom: 0.35, trustAt: 0.7 };

export class TemporalStabiliser {
  private history: Float32Array | undefined;
  private previousLuma: Float32Array | undefined;
  private motion: Affine = IDENTITY_AFFINE;

  constructor(readonly size: Size, readonly options: StabiliserOptions = DEFAULT_STABILISER) {}

  /** Stabilises the next frame's probability `p`, given its luma at the same size. */
  next(p: Float32Array, luma: Float32Array): Float32Array {
    const { width: w, height: h } = this.size;
    if (!this.history || !this.previousLuma) {
      this.history = Float32Array.from(p);
      this.previousLuma = luma;
      return this.history;
    }
    // A smooth camera keeps moving as it did: start from the last motion.
    this.motion = estimateAffine(this.previousLuma, luma, this.size, this.motion);
    const m = this.motion;
    const { blend, trustFrom, trustAt } = this.options;
    const prev = this.history;
    const out = new Float32Array(w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const cx = x + 0.5, cy = y + 0.5;
        const u = m[0] * cx + m[1] * cy + m[2] - 0.5, v = m[3] * cx + m[4] * cy + m[5] - 0.5;
        if (u < -0.5 || v < -0.5 || u > w - 0.5 || v > h - 0.5) {
          out[i] = p[i];
          continue;
        }
        const x0 = Math.max(0, Math.min(w - 2, Math.floor(u))), y0 = Math.max(0, Math.min(h - 2, Math.floor(v)));
        const tx = Math.max(0, Math.min(1, u - x0)), ty = Math.max(0, Math.min(1, v - y0));
        const j = y0 * w + x0;
        const top = prev[j] + (prev[j + 1] - prev[j]) * tx;
        const bottom = prev[j + w] + (prev[j + w + 1] - prev[j + w]) * tx;
        const carried = top + (bottom - top) * ty;
        const d = Math.abs(p[i] - carried);
        const t = d <= trustFrom ? 0 : d >= trustAt ? 1 : (d - trustFrom) / (trustAt - trustFrom);
        const alpha = blend + (1 - blend) * t * t * (3 - 2 * t);
        out[i] = alpha * p[i] + (1 - alpha) * carried;
      }
    }
    this.history = out;
    this.previousLuma = luma;
    return out;
  }
}
