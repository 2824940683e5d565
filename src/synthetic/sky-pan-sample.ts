/**
 * The bundled sample clip, samples/sky-pan.mp4: a slow camera move over one real aerial still from
 * the Horizon-UAV set (validation split, so the sky model never trained on it). The move is exact
 * and seeded, so warping the still's ground-truth mask by the same maps gives the true sky of every
 * frame. scripts/make-sample.ts builds the clip from this; samples/README.md describes it.
 */
import { cameraMove, type AffineMap, type CameraMoveOptions } from './camera-move.ts';

interface Size {
  width: number;
  height: number;
}

export const SKY_PAN_SAMPLE = {
  /** Relative to the repository root. */
  file: 'samples/sky-pan.mp4',
  /** The still: `<dataset>/images/<still>.jpg` and its mask `<dataset>/masks/<still>.png` in ../shared/data. */
  dataset: 'horizon_uav',
  still: 'a2-converted-00.04.37.277-00.04.54.650_30',
  width: 640,
  height: 360,
  frameRate: 24,
  frameCount: 96,
} as const;

/**
 * The camera over the 480×480 still: it tilts down and pans a little right while zooming in from
 * 1.5× to 1.6×, so the tilted horizon rises from the lower third to above the middle; every frame
 * stays inside the still.
 */
export const SKY_PAN_MOVE: CameraMoveOptions = {
  source: { width: 480, height: 480 },
  output: { width: SKY_PAN_SAMPLE.width, height: SKY_PAN_SAMPLE.height },
  frameCount: SKY_PAN_SAMPLE.frameCount,
  from: [228, 212],
  to: [256, 262],
  zoomFrom: 1.5,
  zoomTo: 1.6,
  jitter: 1.5,
  jitterRoll: 0.15,
  jitterPeriod: 16,
  seed: 7,
};

/**
 * The sample's per-frame maps (output pixel → still pixel), frame 0 first; at another output `size` or
 * over another number of frames, the same move scaled to that frame width (the benchmarks' clips).
 */
export function skyPanMaps(size: Size = SKY_PAN_SAMPLE, frameCount: number = SKY_PAN_SAMPLE.frameCount): AffineMap[] {
  const k = size.width / SKY_PAN_SAMPLE.width;
  return cameraMove({
    ...SKY_PAN_MOVE,
    output: { width: size.width, height: size.height },
    frameCount,
    zoomFrom: SKY_PAN_MOVE.zoomFrom * k,
    zoomTo: SKY_PAN_MOVE.zoomTo * k,
    jitter: (SKY_PAN_MOVE.jitter ?? 1.5) * k,
  });
}
