/**
 * Shapes against all four frame edges: sky everywhere except a wavy band of ground along the bottom
 * (from the left edge to a slanted end at about three quarters of the width), a round tree canopy
 * cut by the top-right corner, and a blob floating in the middle (a hole in the sky). The sky touches
 * all four edges (the bottom one right of the band). Everything moves a little.
 */
import type { Matte } from '../core/types.ts';
import { blobPolygon, ellipsePolygon, insideBlob, type Blob } from './geometry.ts';
import { CoverageRasterizer } from '../core/coverage.ts';
import { progress, resolveSceneOptions, type SceneOptions, type SyntheticScene } from './scene.ts';

export interface EdgeShapesScene extends SyntheticScene {
  /** Screen y of the band's top at x (below it is ground; +Infinity right of the band). */
  bandTop(x: number, frame: number): number;
  /** The corner canopy: a circle centred near the top-right corner. */
  corner(frame: number): { cx: number; cy: number; r: number };
  /** The floating blob (a hole in the sky). */
  blob(frame: number): Blob;
}

const HARMONICS = [
  { k: 3, amplitude: 0.1, phase: 1.0 },
  { k: 4, amplitude: 0.05, phase: 0.2 },
];

export function edgeShapes(options: SceneOptions = {}): EdgeShapesScene {
  const { width, height, frameCount, frameRate } = resolveSceneOptions(options);
  const W = width, H = height;
  const phase = (frame: number) => 2 * Math.PI * progress(frame, frameCount);
  const wave = (x: number, frame: number) => 0.8 * H + 0.035 * H * Math.sin((2 * Math.PI * x) / (0.45 * W) + phase(frame));
  // The band's slanted right end runs from (xe, wave(xe)) down to (xe + 0.15 W, 1.1 H).
  const bandEnd = (frame: number) => {
    const xe = 0.7 * W + 0.03 * W * Math.sin(1.3 * phase(frame));
    const ye = wave(xe, frame);
    return { xe, ye, slope: (1.1 * H - ye) / (0.15 * W) };
  };
  const bandTop = (x: number, frame: number): number => {
    const { xe, ye, slope } = bandEnd(frame);
    if (x <= xe) return wave(x, frame);
    return x < xe + 0.15 * W ? ye + (x - xe) * slope : Infinity;
  };
  const corner = (frame: number) => ({
    cx: W + 0.03 * H * Math.sin(phase(frame)),
    cy: -0.02 * H + 0.02 * H * Math.cos(phase(frame)),
    r: 0.3 * H,
  });
  const blob = (frame: number): Blob => ({
    cx: 0.45 * W + 0.04 * W * Math.sin(phase(frame)),
    cy: 0.45 * H,
    radius: 0.16 * H,
    rotation: 0.4 * phase(frame),
    harmonics: HARMONICS,
  });
  const bandPolygon = (frame: number): Float64Array => {
    const { xe } = bandEnd(frame);
    const x0 = -2;
    const n = Math.max(2, Math.ceil((xe - x0) / 1.5));
    const out = new Float64Array(2 * (n + 1) + 4);
    for (let i = 0; i <= n; i++) {
      const x = x0 + ((xe - x0) * i) / n;
      out[2 * i] = x;
      out[2 * i + 1] = wave(x, frame);
    }
    out[2 * n + 2] = xe + 0.15 * W; out[2 * n + 3] = 1.1 * H;
    out[2 * n + 4] = x0; out[2 * n + 5] = 1.1 * H;
    return out;
  };
  const circlePolygon = (c: { cx: number; cy: number; r: number }): Float64Array => ellipsePolygon({ cx: c.cx, cy: c.cy, rx: c.r, ry: c.r });
  return {
    name: 'edgeShapes',
    width, height, frameCount, frameRate,
    bandTop,
    corner,
    blob,
    matte(frame: number, into?: Float32Array): Matte {
      const raster = new CoverageRasterizer(width, height, into);
      raster.fill(1);
      raster.polygon(bandPolygon(frame), -1);
      raster.polygon(circlePolygon(corner(frame)), -1);
      raster.polygon(blobPolygon(blob(frame)), -1);
      return { width, height, data: raster.resolve() };
    },
    isSky(x: number, y: number, frame: number): boolean {
      if (y > bandTop(x, frame)) return false;
      const c = corner(frame);
      if (Math.hypot(x - c.cx, y - c.cy) < c.r) return false;
      return !insideBlob(blob(frame), x, y);
    },
    topology: () => ({ regions: 1, holes: 1 }),
  };
}
