/**
 * Sky above a static row of flat-topped buildings, and a second sky region that comes and goes: a
 * gap between two buildings under a skybridge opens at about a third of the shot, widens, narrows
 * and closes again before the end (frames appearFrame … disappearFrame − 1 have it).
 */
import type { Matte } from '../core/types.ts';
import { CoverageRasterizer } from '../core/coverage.ts';
import { resolveSceneOptions, type SceneOptions, type SyntheticScene } from './scene.ts';

export interface AppearingRegionScene extends SyntheticScene {
  /** First frame with the second region. */
  readonly appearFrame: number;
  /** First frame after it has gone again. */
  readonly disappearFrame: number;
  /** The opening at `frame` as [x0, y0, x1, y1] in pixels, or null when closed. */
  opening(frame: number): [number, number, number, number] | null;
}

/** Roof heights (fractions of the height) of equal-width buildings across the frame. */
const ROOFS = [0.4, 0.34, 0.445, 0.375, 0.42];

export function appearingRegion(options: SceneOptions = {}): AppearingRegionScene {
  const { width, height, frameCount, frameRate } = resolveSceneOptions(options);
  const appearFrame = Math.round(frameCount / 3);
  const disappearFrame = Math.max(appearFrame + 1, Math.round((5 * frameCount) / 6));
  const opening = (frame: number): [number, number, number, number] | null => {
    const t = (frame - appearFrame + 1) / (disappearFrame - appearFrame + 1);
    if (!(t > 0 && t < 1)) return null;
    const half = 0.05 * width * Math.sin(Math.PI * t);
    const cx = 0.52 * width;
    return [cx - half, 0.58 * height, cx + half, 0.84 * height];
  };
  // Sky polygon: above the roofs, closed above the frame.
  const sky: number[] = [-2, -2];
  const step = width / ROOFS.length;
  ROOFS.forEach((r, i) => {
    sky.push(i === 0 ? -2 : i * step, r * height, i === ROOFS.length - 1 ? width + 2 : (i + 1) * step, r * height);
  });
  sky.push(width + 2, -2);
  const skyPolygon = Float64Array.from(sky);
  const roofY = (x: number) => ROOFS[Math.min(ROOFS.length - 1, Math.max(0, Math.floor(x / step)))] * height;
  return {
    name: 'appearingRegion',
    width, height, frameCount, frameRate,
    appearFrame,
    disappearFrame,
    opening,
    matte(frame: number, into?: Float32Array): Matte {
      const raster = new CoverageRasterizer(width, height, into);
      raster.polygon(skyPolygon, 1);
      const o = opening(frame);
      if (o) raster.polygon([o[0], o[1], o[2], o[1], o[2], o[3], o[0], o[3]], 1);
      return { width, height, data: raster.resolve() };
    },
    isSky(x: number, y: number, frame: number): boolean {
      if (y < roofY(x)) return true;
      const o = opening(frame);
      return o !== null && x > o[0] && x < o[2] && y > o[1] && y < o[3];
    },
    topology: (frame: number) => ({ regions: opening(frame) ? 2 : 1, holes: 0 }),
  };
}
