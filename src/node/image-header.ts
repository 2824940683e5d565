/**
 * The format and size of a PNG or JPEG from its first bytes, without decoding it, so a folder of
 * thousands of frames can be checked (all one size, all images) before any work starts.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { FootageError, readFailure } from './footage-error.ts';

export type ImageFormat = 'png' | 'jpeg';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const JPEG_SOI = Buffer.from([0xff, 0xd8, 0xff]);
/** A JPEG ends with its EOI marker; one cut short (a partial download or copy) does not. */
const JPEG_EOI = Buffer.from([0xff, 0xd9]);
/** Some writers pad a JPEG after its EOI; look for it this far back from the end. */
const JPEG_TAIL = 1024;

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  return buffer.subarray(0, bytesRead);
}

function pngSize(path: string, head: Buffer): { width: number; height: number } {
  if (head.length < 24 || head.toString('latin1', 12, 16) !== 'IHDR') {
    throw new FootageError(path, 'truncated or corrupt PNG (no image header)');
  }
  const width = head.readUInt32BE(16), height = head.readUInt32BE(20);
  if (width === 0 || height === 0) throw new FootageError(path, `corrupt PNG (size ${width}×${height})`);
  return { width, height };
}

/** Walks the JPEG's marker segments to its frame header (SOF0…SOF15, not DHT, JPG or DAC). */
async function jpegSize(path: string, file: FileHandle): Promise<{ width: number; height: number }> {
  const { size } = await file.stat();
  if ((await readAt(file, Math.max(0, size - JPEG_TAIL), JPEG_TAIL)).indexOf(JPEG_EOI) < 0) {
    throw new FootageError(path, 'truncated JPEG (it does not end with an end-of-image marker)');
  }
  let position = 2;
  for (;;) {
    const marker = await readAt(file, position, 4);
    if (marker.length < 2 || marker[0] !== 0xff) break;
    const type = marker[1];
    if (type === 0xff) { position += 1; continue; } // fill byte
    if (type === 0x01 || (type >= 0xd0 && type <= 0xd7)) { position += 2; continue; } // no payload
    if (type === 0xd9 || type === 0xda || marker.length < 4) break; // end of image or scan data before a frame header
    if (type >= 0xc0 && type <= 0xcf && type !== 0xc4 && type !== 0xc8 && type !== 0xcc) {
      const frame = await readAt(file, position + 5, 4);
      if (frame.length < 4) break;
      return { width: frame.readUInt16BE(2), height: frame.readUInt16BE(0) };
    }
    position += 2 + marker.readUInt16BE(2);
  }
  throw new FootageError(path, 'corrupt JPEG (no frame header with the image size)');
}

/**
 * The header of a PNG or JPEG (told apart by their signatures, not by the file name), or
 * undefined when the file is neither. A file that cannot be read, or whose header is broken, is a
 * FootageError naming it.
 */
export async function readImageHeader(path: string): Promise<ImageHeader | undefined> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new FootageError(path, readFailure(error), { cause: error });
  }
  try {
    const head = await readAt(file, 0, 24);
    if (head.subarray(0, 8).equals(PNG_SIGNATURE)) return { format: 'png', ...pngSize(path, head) };
    if (head.subarray(0, 3).equals(JPEG_SOI)) return { format: 'jpeg', ...(await jpegSize(path, file)) };
    return undefined;
  } catch (error) {
    if (error instanceof FootageError) throw error;
    throw new FootageError(path, readFailure(error), { cause: error });
  } finally {
    await file.close();
  }
}
