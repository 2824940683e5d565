/**
 * Footage and a sky model for tests where the real model is not the point: a synthetic shot (blue
 * sky above a horizon that drifts and tilts over time, brown ground below) and a "segmenter" that
 * thresholds it (sky where blue dominates). Pure TypeScript, so the panel test can bundle it too.
 */
import { GpuLostError } from '../../src/core/segment/gpu-lost.ts';
import type { Matte, RgbFrame } from '../../src/core/types.ts';
import type { Footage, SegmentProgress, Segmenter } from '../../src/hosts/types.ts';

export interface SkyShot {
  width: number;
  height: number;
  frameRate: number;
  frameCount: number;
}

/** The horizon's height at column x of frame f: a gentle slope that drifts 1.5 px a frame. */
export function horizonY(shot: SkyShot, frame: number, x: number): number {
  return shot.height * 0.42 + frame * 1.5 + (x - shot.width / 2) * 0.08 + Math.sin(x / 37) * 6;
}

export function skyFrame(shot: SkyShot, frame: number): RgbFrame {
  const { width, height } = shot;
  const data = new Uint8Array(width * height * 3);
  for (let x = 0; x < width; x++) {
    const edge = horizonY(shot, frame, x);
    for (let y = 0; y < height; y++) {
      const i = (y * width + x) * 3;
      const sky = y + 0.5 < edge;
      data[i] = sky ? 90 : 120;
      data[i + 1] = sky ? 150 : 80;
      data[i + 2] = sky ? 230 : 40;
    }
  }
  return { width, height, data };
}

/** The shot as openFootage would give it; `reads` counts frames decoded. */
export function skyFootage(shot: SkyShot): Footage & { reads: number } {
  return {
    ...shot,
    reads: 0,
    async *frames(range: { start: number; end: number }) {
      for (let f = range.start; f <= range.end; f++) {
        this.reads++;
        yield skyFrame(shot, f);
      }
    },
  };
}

/**
 * Sky where blue beats red by a margin; `delayMs` per frame lets a test cancel mid-run. With
 * `frameBehind`, each matte waits for the next frame (or the end of the frames), as the Segmenter's do
 * with a network that works beside it or stages on a GPU.
 */
export function thresholdSegmenter(delayMs = 0, frameBehind = false): Segmenter {
  return {
    async *segment(frames: AsyncIterable<RgbFrame>, options: { signal?: AbortSignal; onProgress?: (p: SegmentProgress) => void } = {}) {
      let done = 0;
      let held: Matte | undefined;
      for await (const frame of frames) {
        if (delayMs > 0) await new Promise((resolve) => setTimeout(resolve, delayMs));
        options.signal?.throwIfAborted();
        const data = new Float32Array(frame.width * frame.height);
        for (let i = 0; i < data.length; i++) data[i] = frame.data[i * 3 + 2] - frame.data[i * 3] > 60 ? 1 : 0;
        options.onProgress?.({ frames: ++done });
        const matte: Matte = { width: frame.width, height: frame.height, data };
        if (held) yield held;
        if (frameBehind) held = matte;
        else yield matte;
      }
      if (held) yield held;
    },
  };
}

/** `segmenter` whose GPU is lost after `after` mattes: the next one fails with GpuLostError, as the Segmenter reports a lost WebGPU device. */
export function losingGpu(segmenter: Segmenter, after: number): Segmenter {
  return {
    async *segment(frames, options) {
      let made = 0;
      for await (const matte of segmenter.segment(frames, options)) {
        if (made++ === after) throw new GpuLostError('Device was destroyed.');
        yield matte;
      }
    },
  };
}
