/**
 * `npm run sample`: builds samples/sky-pan.mp4, the bundled sample clip, from one Horizon-UAV still
 * in ../shared/data and the seeded camera move of src/synthetic/sky-pan-sample.ts (H.264 yuv420p,
 * 640×360, 24 fps, 96 frames). The same ffmpeg build gives the same file byte for byte.
 */
import { rename, rm, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbFrame } from '../src/core/types.ts';
import { writeRawVideo } from '../src/node/ffmpeg.ts';
import { openFootage } from '../src/node/footage.ts';
import { readMattePng } from '../src/node/png.ts';
import { warpMatte, warpRgb } from '../src/synthetic/camera-move.ts';
import { SKY_PAN_MOVE, SKY_PAN_SAMPLE, skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = resolve(ROOT, '../shared/data', SKY_PAN_SAMPLE.dataset);

/** Visually lossless (the still is smooth, so the 4 s clip stays near 0.2 MB). */
const ENCODE = ['-c:v', 'libx264', '-preset', 'slow', '-crf', '16', '-pix_fmt', 'yuv420p', '-movflags', '+faststart'];

async function firstFrame(path: string): Promise<RgbFrame> {
  for await (const frame of (await openFootage(path)).frames()) return frame;
  throw new Error(`${path}: no frame`);
}

async function main(): Promise<void> {
  const { width, height, frameRate, frameCount } = SKY_PAN_SAMPLE;
  const still = await firstFrame(join(DATA, 'images', `${SKY_PAN_SAMPLE.still}.jpg`));
  const mask = await readMattePng(join(DATA, 'masks', `${SKY_PAN_SAMPLE.still}.png`));
  const { source } = SKY_PAN_MOVE;
  if (still.width !== source.width || still.height !== source.height) {
    throw new Error(`the still is ${still.width}×${still.height}, the camera move expects ${source.width}×${source.height}`);
  }
  const maps = skyPanMaps();
  const out = join(ROOT, SKY_PAN_SAMPLE.file);
  const temp = `${out}.partial.mp4`;
  function* frames(): Generator<RgbFrame> {
    for (const map of maps) yield warpRgb(still, map, width, height);
  }
  await writeRawVideo(frames(), { width, height, frameRate: String(frameRate) }, [...ENCODE, '-y', temp]);
  await rename(temp, out).catch(async (error) => { await rm(temp, { force: true }); throw error; });

  const sky = maps.map((map) => warpMatte(mask, map, width, height).data.reduce((s, v) => s + v, 0) / (width * height));
  const clip = await openFootage(out);
  if (clip.frameCount !== frameCount || clip.width !== width || clip.height !== height) {
    throw new Error(`${out}: came out ${clip.width}×${clip.height}, ${clip.frameCount} frames`);
  }
  process.stdout.write(`${SKY_PAN_SAMPLE.file}: ${width}×${height}, ${frameCount} frames at ${frameRate} fps, ` +
    `${((await stat(out)).size / 1e6).toFixed(2)} MB; sky ${(100 * sky[0]).toFixed(0)}% of frame 0, ` +
    `${(100 * sky[frameCount - 1]).toFixed(0)}% of frame ${frameCount - 1}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`make-sample: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
