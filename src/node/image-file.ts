/** One PNG or JPEG decoded to an RGB frame: PNG with pngjs (src/node/png.ts), JPEG with ffmpeg. */
import type { RgbFrame } from '../core/types.ts';
import { FootageError } from './footage-error.ts';
import { lastLines, runFfmpeg } from './ffmpeg.ts';
import type { ImageHeader } from './image-header.ts';
import { ImageReadError, readRgbPng } from './png.ts';

async function decodePng(path: string): Promise<RgbFrame> {
  try {
    return await readRgbPng(path);
  } catch (error) {
    if (error instanceof ImageReadError) throw new FootageError(path, error.reason, { cause: error });
    throw error;
  }
}

async function decodeJpeg(path: string, header: ImageHeader): Promise<RgbFrame> {
  const run = await runFfmpeg(['-loglevel', 'error', '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', 'rgb24', 'pipe:1']);
  const { width, height } = header;
  if (run.code !== 0 || run.stdout.length !== width * height * 3) {
    throw new FootageError(path, `corrupt JPEG (ffmpeg: ${lastLines(run.stderr, 2) || 'no image decoded'})`);
  }
  return { width, height, data: new Uint8Array(run.stdout.buffer, run.stdout.byteOffset, run.stdout.length) };
}

/**
 * Decodes the image `header` describes (from readImageHeader). The pixels must have the header's
 * size; anything unreadable is a FootageError naming the file, with `fix` (what to do) appended.
 */
export async function readImageFile(path: string, header: ImageHeader, fix: string): Promise<RgbFrame> {
  let frame: RgbFrame;
  try {
    frame = header.format === 'png' ? await decodePng(path) : await decodeJpeg(path, header);
  } catch (error) {
    if (error instanceof FootageError) throw new FootageError(path, `${error.reason}; ${fix}`, { cause: error });
    throw error;
  }
  if (frame.width !== header.width || frame.height !== header.height) {
    throw new FootageError(path, `corrupt ${header.format.toUpperCase()}: its header says ${header.width}×${header.height}, ` +
      `its pixels are ${frame.width}×${frame.height}; ${fix}`);
  }
  return frame;
}
