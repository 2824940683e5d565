/**
 * A smooth closed sky blob (radius a sum of sines) in the middle of the frame, turning half a turn,
 * breathing in scale (0.8 → 1.2 → 0.8) and drifting on a small circle. It never touches the edges.
 */
import type { Matte } from '../core/types.ts';
import { blobPolygon, insideBlob, type Blob } from './geometry.ts';
import { CoverageRasterizer } from '../core/coverage.ts';
import { progress, resolveSceneOptions, type SceneOptions, type SyntheticScene } from './scene.ts';

export interface RotatingBlobOptions extends SceneOptions {
  /** Turns over the whole shot (default 0.5). */
  turns?: number;
}

export interface RotatingBlobScene extends SyntheticScene {
  /** The blob's geometry at `frame`. */
  blob(frame: number): Blob;
}

const HARMONICS = [
  { k: 3, amplitude: 0.12, phase: 0.3 },
  { k: 5, amplitude: 0.06, phase: 1.9 },
  { k: 2, amplitude: 0.04, phase: 4.0 },
];

export function rotatingBlob(options: RotatingBlobOptions = {}): RotatingBlobScene {
  const { width, height, frameCount, frameRate } = resolveSceneOptions(options);
  const turns = options.turns ?? 0.5;
  const base = 0.25 * Math.min(height, width);
  const blob = (frame: number): Blob => {
    const p = progress(frame, frameCount);
    const drift = 0.03 * Math.min(height, width);
    return {
      cx: width / 2 + drift * Math.cos(2 * Math.PI * p),
      cy: height / 2 + drift * Math.sin(2 * Math.PI * p),
      radius: base * (1 + 0.2 * Math.sin(2 * Math.PI * p)),
      rotation: 2 * Math.PI * turns * p,
      harmonics: HARMONICS,
    };
  };
  return {
    name: 'rotatingBlob',
    width, height, frameCount, frameRate,
    blob,
    matte(frame: number, into?: Float32Array): Matte {
      const raster = new CoverageRasterizer(width, height, into);
      raster.polygon(blobPolygon(blob(frame)), 1);
      return { width, height, data: raster.resolve() };
    },
    isSky(x: number, y: number, frame: number): boolean {
      return insideBlob(blob(frame), x, y);
    },
    topology: () => ({ regions: 1, holes: 0 }),
  };
}
