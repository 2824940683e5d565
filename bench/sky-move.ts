/**
 * The benchmark footage's camera move and frame sizes, apart from its encoding (sky-clip.ts) so that
 * code bundled to run without node_modules (webgpu-child.ts) can make the same frames.
 */
import { cameraMove, type AffineMap } from '../src/synthetic/camera-move.ts';
import { SKY_PAN_MOVE, SKY_PAN_SAMPLE } from '../src/synthetic/sky-pan-sample.ts';

export interface FrameSize {
  width: number;
  height: number;
}

/** `640x360` → { width: 640, height: 360 }. */
export function parseSize(text: string): FrameSize {
  const m = /^(\d+)[x×](\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) < 32 || Number(m[2]) < 32) throw new RangeError(`a frame size is WIDTHxHEIGHT, at least 32x32; got ${text}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

export const sizeLabel = (s: FrameSize): string => `${s.width}×${s.height}`;

/** The sample's move at `size` over `frameCount` frames: output pixel → still pixel, frame 0 first. */
export function clipMaps(size: FrameSize, frameCount: number): AffineMap[] {
  const k = size.width / SKY_PAN_SAMPLE.width;
  return cameraMove({
    ...SKY_PAN_MOVE,
    output: size,
    frameCount,
    zoomFrom: SKY_PAN_MOVE.zoomFrom * k,
    zoomTo: SKY_PAN_MOVE.zoomTo * k,
    jitter: (SKY_PAN_MOVE.jitter ?? 1.5) * k,
  });
}
