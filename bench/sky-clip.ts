/**
 * The footage the sky benchmarks run on: the bundled sample's hand-held camera move (pan, slight
 * zoom, jitter; src/synthetic/sky-pan-sample.ts) over its Horizon-UAV still, at any size and length,
 * encoded as H.264 yuv420p like a camera's file (the move itself is skyPanMaps). The move keeps its framing at every size (zoom and
 * jitter scale with the width) and is stretched over `frameCount` frames, so a longer clip moves
 * slower per frame. The still is 480×480, so 1080p magnifies it about 4.5×: soft footage, which
 * changes no stage's cost much (decode, resize, network and refinement depend on the size alone).
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbFrame } from '../src/core/types.ts';
import { writeRawVideo } from '../src/node/ffmpeg.ts';
import { openFootage } from '../src/node/footage.ts';
import { warpRgb, type AffineMap } from '../src/synthetic/camera-move.ts';
import { SKY_PAN_SAMPLE } from '../src/synthetic/sky-pan-sample.ts';
import type { FrameSize } from './sky-move.ts';

/** ../shared/data beside the repository, as scripts/make-sample.ts reads it. */
const STILL = fileURLToPath(new URL(`../../shared/data/${SKY_PAN_SAMPLE.dataset}/images/${SKY_PAN_SAMPLE.still}.jpg`, import.meta.url));
/** Where generated clips and the runs' outputs go (bench/results/ is git-ignored). */
export const TMP_DIR = fileURLToPath(new URL('./results/tmp/', import.meta.url));
/** A camera's kind of file: 4:2:0 H.264; fast to encode, the decode is what the benchmark times. */
const ENCODE = ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '18', '-pix_fmt', 'yuv420p'];
export const CLIP_FRAME_RATE = 24;

export async function loadStill(): Promise<RgbFrame> {
  const footage = await openFootage(STILL).catch((error: unknown) => {
    throw new Error(`the benchmark clip needs the sample's still ${STILL} (from ../shared/data); skip the sky parts with --no-sky`, { cause: error });
  });
  for await (const frame of footage.frames()) return frame;
  throw new Error(`${STILL}: no frame`);
}

/** Encodes the still through `maps` to `file` in TMP_DIR; resolves to its path. */
export async function writeClip(still: RgbFrame, maps: AffineMap[], size: FrameSize, file: string): Promise<string> {
  await mkdir(TMP_DIR, { recursive: true });
  const path = join(TMP_DIR, file);
  function* frames(): Generator<RgbFrame> {
    for (const map of maps) yield warpRgb(still, map, size.width, size.height);
  }
  await writeRawVideo(frames(), { ...size, frameRate: String(CLIP_FRAME_RATE) }, [...ENCODE, '-y', path]);
  return path;
}
