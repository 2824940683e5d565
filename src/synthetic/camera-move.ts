/**
 * Synthetic camera motion over a still: a slow move (a smooth pan of the view's centre and a slight
 * zoom, eased in and out) plus small hand-held jitter (sums of slow sinusoids with seeded periods
 * and phases, so it is smooth and the same every run). Each frame is an affine map from output
 * pixels to source pixels; warping the still, and its ground-truth mask, by the same maps gives a
 * clip whose sky is known exactly at every frame (the sample clip, flicker tests).
 *
 * Coordinates are continuous pixels, origin at the top-left corner: pixel (x, y) covers
 * [x, x+1] × [y, y+1], so its centre is (x + 0.5, y + 0.5), in the output as in the source.
 */
import type { Matte, RgbFrame, Vec2 } from '../core/types.ts';
import { prng } from './geometry.ts';

/** Output point (x, y) → source point (a·x + b·y + c, d·x + e·y + f). */
export interface AffineMap {
  a: number;
  b: number;
  c: number;
  d: number;
  e: number;
  f: number;
}

export function applyMap(m: AffineMap, x: number, y: number): Vec2 {
  return [m.a * x + m.b * y + m.c, m.d * x + m.e * y + m.f];
}

export interface CameraMoveOptions {
  source: { width: number; height: number };
  output: { width: number; height: number };
  frameCount: number;
  /** The source point at the centre of the view, at the first and at the last frame. */
  from: Vec2;
  to: Vec2;
  /** Magnification (output px per source px) at the first and at the last frame. */
  zoomFrom: number;
  zoomTo: number;
  /** Hand-held jitter: the most the view shifts, in output px (default 1.5). */
  jitter?: number;
  /** Hand-held jitter: the most the view rolls, in degrees (default 0.15). */
  jitterRoll?: number;
  /** The shortest jitter period in frames (default 16); the others are up to three times longer. */
  jitterPeriod?: number;
  /** Seed of the jitter's periods and phases (default 1). */
  seed?: number;
}

/** Smooth noise in [-1, 1]: three sinusoids with seeded periods in [period, 3·period] and phases. */
function wobble(random: () => number, period: number): (frame: number) => number {
  const waves = [0.5, 0.3, 0.2].map((weight) => ({
    weight,
    omega: (2 * Math.PI) / (period * (1 + 2 * random())),
    phase: 2 * Math.PI * random(),
  }));
  return (frame) => waves.reduce((sum, w) => sum + w.weight * Math.sin(w.omega * frame + w.phase), 0);
}

/** Ease in and out: 0 → 1 with zero speed at both ends. */
function smoothstep(t: number): number {
  return t * t * (3 - 2 * t);
}

/** The per-frame maps of a camera move (one per frame, frame 0 first). */
export function cameraMove(options: CameraMoveOptions): AffineMap[] {
  const { output, frameCount, from, to, zoomFrom, zoomTo } = options;
  const jitter = options.jitter ?? 1.5;
  const roll = ((options.jitterRoll ?? 0.15) * Math.PI) / 180;
  const period = options.jitterPeriod ?? 16;
  const random = prng(options.seed ?? 1);
  const [jx, jy, jr] = [wobble(random, period), wobble(random, period), wobble(random, period)];
  const ox = output.width / 2, oy = output.height / 2;
  const maps: AffineMap[] = [];
  for (let frame = 0; frame < frameCount; frame++) {
    const s = smoothstep(frameCount > 1 ? frame / (frameCount - 1) : 0);
    const cx = from[0] + (to[0] - from[0]) * s, cy = from[1] + (to[1] - from[1]) * s;
    const scale = 1 / (zoomFrom * (zoomTo / zoomFrom) ** s); // geometric: the zoom looks even
    const angle = roll * jr(frame);
    const a = scale * Math.cos(angle), d = scale * Math.sin(angle);
    // Source point = centre + scale · rotation · (output point − output centre + jitter shift).
    const dx = jitter * jx(frame) - ox, dy = jitter * jy(frame) - oy;
    maps.push({ a, b: -d, c: cx + a * dx - d * dy, d, e: a, f: cy + d * dx + a * dy });
  }
  return maps;
}

/**
 * Resamples `channels` interleaved channels along `map`, bilinearly, sampling at output pixel
 * centres; source pixels outside repeat the nearest edge pixel. A Uint8Array output is rounded.
 */
function warpChannels<T extends Uint8Array | Float32Array>(
  src: ArrayLike<number>, srcWidth: number, srcHeight: number, channels: number,
  map: AffineMap, out: T, outWidth: number, outHeight: number,
): T {
  const round = out instanceof Uint8Array ? 0.5 : 0; // stored values are truncated
  const maxX = srcWidth - 1, maxY = srcHeight - 1;
  let o = 0;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      // Source sample grid: pixel centres at integers.
      const gx = map.a * (x + 0.5) + map.b * (y + 0.5) + map.c - 0.5;
      const gy = map.d * (x + 0.5) + map.e * (y + 0.5) + map.f - 0.5;
      const fx0 = Math.floor(gx), fy0 = Math.floor(gy);
      const tx = gx - fx0, ty = gy - fy0;
      const x0 = fx0 < 0 ? 0 : fx0 > maxX ? maxX : fx0, x1 = fx0 + 1 < 0 ? 0 : fx0 + 1 > maxX ? maxX : fx0 + 1;
      const y0 = fy0 < 0 ? 0 : fy0 > maxY ? maxY : fy0, y1 = fy0 + 1 < 0 ? 0 : fy0 + 1 > maxY ? maxY : fy0 + 1;
      const i00 = (y0 * srcWidth + x0) * channels, i10 = (y0 * srcWidth + x1) * channels;
      const i01 = (y1 * srcWidth + x0) * channels, i11 = (y1 * srcWidth + x1) * channels;
      const w00 = (1 - tx) * (1 - ty), w10 = tx * (1 - ty), w01 = (1 - tx) * ty, w11 = tx * ty;
      for (let c = 0; c < channels; c++) {
        out[o++] = src[i00 + c] * w00 + src[i10 + c] * w10 + src[i01 + c] * w01 + src[i11 + c] * w11 + round;
      }
    }
  }
  return out;
}

/** The still as the camera sees it through `map`: `width`×`height`, bilinear, edges repeated. */
export function warpRgb(image: RgbFrame, map: AffineMap, width: number, height: number): RgbFrame {
  const data = warpChannels(image.data, image.width, image.height, 3, map, new Uint8Array(width * height * 3), width, height);
  return { width, height, data };
}

/** The still's matte through `map`, bilinear (a hard 0/1 mask gets soft edges), edges repeated. */
export function warpMatte(matte: Matte, map: AffineMap, width: number, height: number): Matte {
  const data = warpChannels(matte.data, matte.width, matte.height, 1, map, new Float32Array(width * height), width, height);
  return { width, height, data };
}
