/** A video file decoded by ffmpeg into RGB frames, streamed (src/node/ffmpeg.ts). */
import { FootageError } from './footage-error.ts';
import type { FootageSource } from './footage-source.ts';
import { lastLines, rawVideoFrames } from './ffmpeg.ts';
import { probeVideo } from './probe-video.ts';

export async function openVideo(path: string): Promise<FootageSource> {
  const info = await probeVideo(path);
  const { width, height, frameRate, frameCount, fieldOrder } = info;
  async function* read(start: number, end: number) {
    const count = end - start + 1;
    // Frames before `start` are decoded and dropped by index, not sought by time: exact whatever
    // the timestamps, so frame N of a ranged read is frame N of a full read. `passthrough` keeps
    // ffmpeg from repeating or dropping frames to make a variable rate constant. YUV → RGB is
    // swscale's default (its SIMD path): full-resolution chroma interpolation would triple the
    // decode time of 1080p, for chroma edges the segmenter's full-res refinement barely sees.
    const exit = yield* rawVideoFrames(['-loglevel', 'error', '-i', path, '-map', '0:v:0', '-vsync', 'passthrough',
      ...(start > 0 ? ['-vf', `select=gte(n\\,${start})`] : []), '-frames:v', String(count),
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], width, height);
    if (exit.frames < count) {
      throw new FootageError(path, `truncated or corrupt video: ffmpeg decoded ${start + exit.frames} of its ` +
        `${frameCount} frames (${lastLines(exit.stderr, 2) || `ffmpeg exit ${exit.code ?? exit.signal}`}); export or copy the file again`);
    }
  }
  return { kind: 'video', width, height, frameRate, frameCount, ...(fieldOrder ? { fieldOrder } : {}), read };
}
