/** What every synthetic scene is: a matte sequence with exactly known geometry, one frame at a time. */
import type { Matte } from '../core/types.ts';

export interface SceneTopology {
  /** Connected sky regions (a region touching the frame edge counts once). */
  regions: number;
  /** Holes (non-sky islands) inside those regions. */
  holes: number;
}

export interface SyntheticScene {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly frameCount: number;
  readonly frameRate: number;
  /**
   * The anti-aliased matte of `frame` (0-based; fractional frames are fine, motion is continuous):
   * each pixel holds the exact area fraction of sky in its square, so the 0.5 iso-line is the shape's
   * boundary to sub-pixel accuracy. A fresh buffer unless `into` (width × height) is given to reuse.
   */
  matte(frame: number, into?: Float32Array): Matte;
  /** The exact geometry: is the point (x, y) (pixel units, y down, (0, 0) the frame's corner) sky at `frame`. */
  isSky(x: number, y: number, frame: number): boolean;
  /** How many sky regions and holes the frame has (what a tracer should find). */
  topology(frame: number): SceneTopology;
}

export interface SceneOptions {
  /** Frame size in pixels; geometry scales with the height (defaults 1920 × 1080). */
  width?: number;
  height?: number;
  /** Default 120. */
  frameCount?: number;
  /** Default 24. */
  frameRate?: number;
}

export interface ResolvedSceneOptions {
  width: number;
  height: number;
  frameCount: number;
  frameRate: number;
}

export function resolveSceneOptions(options: SceneOptions = {}): ResolvedSceneOptions {
  const width = options.width ?? 1920;
  const height = options.height ?? 1080;
  const frameCount = options.frameCount ?? 120;
  const frameRate = options.frameRate ?? 24;
  if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) {
    throw new RangeError(`scene size must be positive integers, got ${width}×${height}`);
  }
  if (!(Number.isInteger(frameCount) && frameCount > 0)) throw new RangeError(`bad frameCount ${frameCount}`);
  if (!(frameRate > 0)) throw new RangeError(`bad frameRate ${frameRate}`);
  return { width, height, frameCount, frameRate };
}

/** Shot progress of `frame`: 0 at the first frame, 1 at the last. */
export function progress(frame: number, frameCount: number): number {
  return frameCount > 1 ? frame / (frameCount - 1) : 0;
}

/** The scene's mattes from `start` (inclusive) to `end` (exclusive), one at a time. */
export function* frameSequence(scene: SyntheticScene, start = 0, end = scene.frameCount): Generator<Matte> {
  for (let f = start; f < end; f++) yield scene.matte(f);
}

/** The scene's exact predicate sampled at pixel centres (x + 0.5, y + 0.5): 1 = sky. */
export function predicateMask(scene: SyntheticScene, frame: number): Uint8Array {
  const { width, height } = scene;
  const out = new Uint8Array(width * height);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) out[y * width + x] = scene.isSky(x + 0.5, y + 0.5, frame) ? 1 : 0;
  }
  return out;
}

/** Total sky area of a matte in px² (sum of its coverage). */
export function skyArea(matte: Matte): number {
  let s = 0;
  const d = matte.data;
  for (let i = 0; i < d.length; i++) s += d[i];
  return s;
}
