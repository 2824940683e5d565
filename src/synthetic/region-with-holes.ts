/**
 * An elliptical sky region (not touching the edges) with two holes drifting across it: a balloon
 * (an ellipse) rising, and a bird (a concave gull-shaped polygon) gliding down while flapping.
 */
import type { Matte } from '../core/types.ts';
import { ellipsePolygon, insideEllipse, insidePolygon, type Ellipse } from './geometry.ts';
import { CoverageRasterizer } from '../core/coverage.ts';
import { progress, resolveSceneOptions, type SceneOptions, type SyntheticScene } from './scene.ts';

export interface RegionWithHolesScene extends SyntheticScene {
  region(): Ellipse;
  balloon(frame: number): Ellipse;
  /** The bird polygon in pixels at `frame` (x0, y0, x1, y1, …). */
  bird(frame: number): Float64Array;
}

/** A gull seen from the front, wing tips at x = ±1. */
export const BIRD_SHAPE: readonly number[] = [
  -1.0, 0.0, -0.55, -0.4, -0.12, -0.02, 0.0, 0.05, 0.12, -0.02, 0.55, -0.4, 1.0, 0.0,
  0.55, -0.22, 0.08, 0.22, 0.0, 0.28, -0.08, 0.22, -0.55, -0.22,
];

export function regionWithHoles(options: SceneOptions = {}): RegionWithHolesScene {
  const { width, height, frameCount, frameRate } = resolveSceneOptions(options);
  const margin = 0.06 * height;
  const outer: Ellipse = { cx: width / 2, cy: height / 2, rx: width / 2 - margin, ry: height / 2 - margin };
  const lerp = (a: number, b: number, t: number) => a + (b - a) * t;
  const balloon = (frame: number): Ellipse => {
    const p = progress(frame, frameCount);
    return { cx: lerp(0.32, 0.38, p) * width, cy: lerp(0.62, 0.36, p) * height, rx: 0.06 * height, ry: 0.075 * height };
  };
  const birdPose = (frame: number) => {
    const p = progress(frame, frameCount);
    return {
      cx: lerp(0.66, 0.6, p) * width,
      cy: lerp(0.36, 0.58, p) * height,
      sx: 0.09 * height,
      sy: 0.09 * height * (1 + 0.3 * Math.sin(2 * Math.PI * 3 * p)),
    };
  };
  const bird = (frame: number): Float64Array => {
    const { cx, cy, sx, sy } = birdPose(frame);
    const out = new Float64Array(BIRD_SHAPE.length);
    for (let i = 0; i < out.length; i += 2) {
      out[i] = cx + sx * BIRD_SHAPE[i];
      out[i + 1] = cy + sy * BIRD_SHAPE[i + 1];
    }
    return out;
  };
  const outerPolygon = ellipsePolygon(outer);
  return {
    name: 'regionWithHoles',
    width, height, frameCount, frameRate,
    region: () => ({ ...outer }),
    balloon,
    bird,
    matte(frame: number, into?: Float32Array): Matte {
      const raster = new CoverageRasterizer(width, height, into);
      raster.polygon(outerPolygon, 1);
      raster.polygon(ellipsePolygon(balloon(frame)), -1);
      raster.polygon(bird(frame), -1);
      return { width, height, data: raster.resolve() };
    },
    isSky(x: number, y: number, frame: number): boolean {
      if (!insideEllipse(outer, x, y) || insideEllipse(balloon(frame), x, y)) return false;
      const { cx, cy, sx, sy } = birdPose(frame);
      return !insidePolygon(BIRD_SHAPE, (x - cx) / sx, (y - cy) / sy);
    },
    topology: () => ({ regions: 1, holes: 2 }),
  };
}
