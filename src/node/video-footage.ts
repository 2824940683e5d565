/** A video file decoded by ffmpeg into RGB frames, streamed (src/node/ffmpeg.ts). */
import { FootageError } from './footage-error.ts';
import type { FootageSource } from './footage-source.ts';
import { lastLines, rawVideoFrames } from './ffmpeg.ts';
import { probeVideo, type FieldOrder } from './probe-video.ts';

/**
 * Interlaced video is read as After Effects shows it with its fields separated, in a comp at the
 * footage's rate: one frame a frame, the first field's, the other field's lines filled in (yadif,
 * which keeps both fields where nothing moves). Woven frames would comb every moving edge and the
 * masks would follow the teeth. The field order is the probe's, not each frame's flag: a QuickTime
 * file may say interlaced in its container only, as After Effects reads it.
 */
function deinterlace(fieldOrder: FieldOrder): string {
  return `yadif=mode=send_frame:parity=${fieldOrder === 'upper' ? 'tff' : 'bff'}:deint=all`;
}

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
    const filters = [...(fieldOrder ? [deinterlace(fieldOrder)] : []), ...(start > 0 ? [`select=gte(n\\,${start})`] : [])];
    const exit = yield* rawVideoFrames(['-loglevel', 'error', '-i', path, '-map', '0:v:0', '-vsync', 'passthrough',
      ...(filters.length ? ['-vf', filters.join(',')] : []), '-frames:v', String(count),
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1'], width, height);
    if (exit.frames < count) {
      throw new FootageError(path, `truncated or corrupt video: ffmpeg decoded ${start + exit.frames} of its ` +
        `${frameCount} frames (${lastLines(exit.stderr, 2) || `ffmpeg exit ${exit.code ?? exit.signal}`}); export or copy the file again`);
    }
  }
  return { kind: 'video', width, height, frameRate, frameCount, ...(fieldOrder ? { fieldOrder } : {}), read };
}
