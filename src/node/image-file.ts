/**
 * One image decoded to an 8-bit RGB frame: PNG with pngjs (src/node/png.ts), the others with ffmpeg.
 * What the sky model sees must look like the picture on a display, so scene-linear OpenEXR is encoded
 * with the sRGB curve, and log DPX (Cineon printing density) is turned into display values here.
 */
import type { RgbFrame } from '../core/types.ts';
import { FootageError } from './footage-error.ts';
import { lastLines, runFfmpeg } from './ffmpeg.ts';
import type { ImageFormat, ImageHeader } from './image-header.ts';
import { ImageReadError, readRgbPng } from './png.ts';

async function decodePng(path: string): Promise<RgbFrame> {
  try {
    return await readRgbPng(path);
  } catch (error) {
    if (error instanceof ImageReadError) throw new FootageError(path, error.reason, { cause: error });
    throw error;
  }
}

/**
 * Per format ffmpeg decodes: its decoder, and what a file it could not decode is called (any JPEG
 * decodes unless broken; plates come in kinds a decoder may not know).
 */
const FFMPEG_FORMATS: Record<Exclude<ImageFormat, 'png'>, { decoder: string; undecoded: string }> = {
  jpeg: { decoder: 'mjpeg', undecoded: 'corrupt JPEG' },
  tiff: { decoder: 'tiff', undecoded: 'a TIFF that could not be decoded: corrupt, or of a kind the decoder does not read' },
  dpx: { decoder: 'dpx', undecoded: 'a DPX that could not be decoded: corrupt, or of a kind the decoder does not read' },
  exr: { decoder: 'exr', undecoded: 'an OpenEXR that could not be decoded: corrupt, or of a kind the decoder does not read' },
};

/** The image through ffmpeg's decoder for its format, as raw `pixelFormat` (rgb24 or rgb48le) bytes. */
async function decodeWithFfmpeg(path: string, header: ImageHeader, pixelFormat: 'rgb24' | 'rgb48le'): Promise<Buffer> {
  const { format, width, height } = header;
  const { decoder, undecoded } = FFMPEG_FORMATS[format as Exclude<ImageFormat, 'png'>];
  // The file as one image whatever its name (a % in it is no pattern), by the decoder its content asks for.
  const input = ['-f', 'image2', '-pattern_type', 'none', '-c:v', decoder];
  // OpenEXR holds scene-linear light: encoded with the sRGB curve, as a display would show it.
  const transfer = format === 'exr' ? ['-apply_trc', 'iec61966_2_1'] : [];
  const run = await runFfmpeg(['-loglevel', 'error', ...transfer, ...input, '-i', path, '-frames:v', '1', '-f', 'rawvideo', '-pix_fmt', pixelFormat, 'pipe:1']);
  const bytes = width * height * (pixelFormat === 'rgb24' ? 3 : 6);
  if (run.code !== 0 || run.stdout.length !== bytes) {
    throw new FootageError(path, `${undecoded} (ffmpeg: ${lastLines(run.stderr, 2) || 'no image decoded'})`);
  }
  return run.stdout;
}

/**
 * 10-bit Cineon code value → 8-bit sRGB, by Kodak's conversion: 0.002 density a code value, negative
 * gamma 0.6, reference black 95 and white 685 (brighter highlights clip), then the sRGB curve.
 */
const CINEON_TO_SRGB = (() => {
  const density = (code: number) => 10 ** (((code - 685) * 0.002) / 0.6);
  const black = density(95);
  const table = new Uint8Array(1024);
  for (let code = 0; code < 1024; code++) {
    const linear = Math.min(1, Math.max(0, (density(code) - black) / (1 - black)));
    const encoded = linear <= 0.0031308 ? 12.92 * linear : 1.055 * linear ** (1 / 2.4) - 0.055;
    table[code] = Math.round(255 * encoded);
  }
  return table;
})();

/**
 * 16-bit RGB from ffmpeg (a 10-bit code value v comes as v · 64 + v / 16) to 8 bits: rounded here,
 * where ffmpeg's own conversion would dither; a log DPX's code values through CINEON_TO_SRGB.
 */
function toEightBit(rgb48: Buffer, width: number, height: number, log: boolean): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) {
    const v = rgb48.readUInt16LE(2 * i);
    data[i] = log ? CINEON_TO_SRGB[v >> 6] : Math.round(v / 257);
  }
  return { width, height, data };
}

async function decodeOther(path: string, header: ImageHeader): Promise<RgbFrame> {
  const { width, height } = header;
  // 8-bit pictures as they are: ffmpeg's widening of 8 bits to 16 is not exact.
  if (header.deep || header.log) return toEightBit(await decodeWithFfmpeg(path, header, 'rgb48le'), width, height, !!header.log);
  const bytes = await decodeWithFfmpeg(path, header, 'rgb24');
  return { width, height, data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length) };
}

/**
 * Decodes the image `header` describes (from readImageHeader). The pixels must have the header's
 * size; anything unreadable is a FootageError naming the file, with `fix` (what to do) appended.
 */
export async function readImageFile(path: string, header: ImageHeader, fix: string): Promise<RgbFrame> {
  let frame: RgbFrame;
  try {
    frame = header.format === 'png' ? await decodePng(path) : await decodeOther(path, header);
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
