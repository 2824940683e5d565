/** A video file decoded by ffmpeg into RGB frames, streamed (src/node/ffmpeg.ts). */
import { FootageError } from './footage-error.ts';
import type { FootageSource } from './footage-source.ts';
import { lastLines, rawVideoFrames } from './ffmpeg.ts';
import { probeVideo } from './probe-video.ts';

/** Bicubic chroma upsampling at full resolution, rounded accurately: YUV 4:2:0 → RGB edges stay put. */
const SWS_FLAGS = 'bicubic+accurate_rnd+full_chroma_int';

export async function openVideo(path: string): Promise<FootageSource> {
  const info = await probeVideo(path);
  const { width, height, frameRate, frameCount } = info;
  async function* read(start: number, end: number) {
    const count = end - start + 1;
    // Frames before `start` are decoded and dropped by index, not sought by time: exact whatever
    // the timestamps, so frame N of a ranged read is frame N of a full read. `passthrough` keeps
    // ffmpeg from repeating or dropping frames to make a variable rate constant.
    const exit = yield* rawVideoFrames(['-loglevel', 'error', '-i', path, '-map', '0:v:0', '-vsync', 'passthrough',
      ...(start > 0 ? ['-vf', `select=gte(n\\,${start})`] : []), '-frames:v', String(count),
      '-sws_flags', SWS_FLAGS, '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], width, height);
    if (exit.frames < count) {
      throw new FootageError(path, `truncated or corrupt video: ffmpeg decoded ${start + exit.frames} of its ` +
        `${frameCount} frames (${lastLines(exit.stderr, 2) || `ffmpeg exit ${exit.code ?? exit.signal}`}); export or copy the file again`);
    }
  }
  return { kind: 'video', width, height, frameRate, frameCount, read };
}
