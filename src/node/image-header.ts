/**
 * The format and size of an image (PNG, JPEG, and the plate formats of VFX: TIFF, DPX, OpenEXR) from
 * its first bytes, without decoding it, so a folder of thousands of frames can be checked (all one
 * size, all images, all readable) before any work starts.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { FootageError, readFailure } from './footage-error.ts';

export type ImageFormat = 'png' | 'jpeg' | 'tiff' | 'dpx' | 'exr';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** TIFF, DPX, OpenEXR: more than 8 bits a channel (decoded at 16 bits, then rounded to 8). */
  deep?: boolean;
  /** DPX only: its code values are logarithmic (Cineon printing density), not display values. */
  log?: boolean;
  /** DPX, OpenEXR: the frame rate the file records (a plate's), where it records one. */
  frameRate?: number;
}

/** A recorded frame rate, where it is one (headers leave the field undefined as NaN, 0 or all ones). */
function plausibleRate(rate: number): number | undefined {
  return Number.isFinite(rate) && rate > 0 && rate <= 1000 ? rate : undefined;
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

/** Reads TIFF's first image file directory for the image's width, height and bits a sample (tags 256, 257, 258). */
async function tiffHeader(path: string, file: FileHandle, head: Buffer): Promise<{ width: number; height: number; deep: boolean }> {
  const little = head[0] === 0x49;
  const u16 = (b: Buffer, at: number) => (little ? b.readUInt16LE(at) : b.readUInt16BE(at));
  const u32 = (b: Buffer, at: number) => (little ? b.readUInt32LE(at) : b.readUInt32BE(at));
  if (u16(head, 2) === 43) throw new FootageError(path, 'a BigTIFF, which Autoroto does not read; save it as a plain TIFF');
  const directory = u32(head, 4);
  const entryCount = await readAt(file, directory, 2);
  const entries = entryCount.length === 2 ? await readAt(file, directory + 2, 12 * u16(entryCount, 0)) : Buffer.alloc(0);
  let width = 0, height = 0, bits = 1;
  for (let at = 0; at + 12 <= entries.length; at += 12) {
    const tag = u16(entries, at), type = u16(entries, at + 2), count = u32(entries, at + 4);
    const value = type === 3 ? u16(entries, at + 8) : type === 4 ? u32(entries, at + 8) : 0;
    if (tag === 256) width = value;
    if (tag === 257) height = value;
    // One sample's bits inline; for three or more (six bytes or more), where they are.
    if (tag === 258) bits = count <= 2 ? value : u16(await readAt(file, u32(entries, at + 8), 2), 0);
    if (tag === 274 && value !== 1) throw new FootageError(path, `a TIFF stored turned or mirrored (orientation ${value}), ${UNORIENTED}`);
  }
  if (width === 0 || height === 0) throw new FootageError(path, 'truncated or corrupt TIFF (no image width and height)');
  return { width, height, deep: bits > 8 };
}

/**
 * The decoder (ffmpeg 4) reads rows as stored, left to right and top to bottom, whatever a TIFF's or
 * DPX's orientation field says: such a picture would come out flipped, and its masks with it.
 */
const UNORIENTED = 'which Autoroto would read flipped; write the plate left to right, top to bottom';

/** DPX transfer characteristics whose code values are logarithmic: printing density (Cineon) and logarithmic. */
const DPX_LOG_TRANSFERS = new Set([1, 3]);

/**
 * DPX's generic header (SMPTE 268M): the first image element's size, bits a sample, whether it is
 * log, and the frame rate from the film header (byte 1724) or else the television header (1940).
 */
function dpxHeader(path: string, head: Buffer): { width: number; height: number; deep: boolean; log: boolean; frameRate?: number } {
  if (head.length < 804) throw new FootageError(path, 'truncated or corrupt DPX (its header is cut short)');
  const little = head.toString('latin1', 0, 4) === 'XPDS';
  const u32 = (at: number) => (little ? head.readUInt32LE(at) : head.readUInt32BE(at));
  const f32 = (at: number) => (at + 4 <= head.length ? (little ? head.readFloatLE(at) : head.readFloatBE(at)) : NaN);
  const width = u32(772), height = u32(776);
  if (width === 0 || height === 0) throw new FootageError(path, `corrupt DPX (size ${width}×${height})`);
  const orientation = little ? head.readUInt16LE(768) : head.readUInt16BE(768);
  if (orientation !== 0) throw new FootageError(path, `a DPX stored turned or mirrored (orientation ${orientation}), ${UNORIENTED}`);
  const frameRate = plausibleRate(f32(1724)) ?? plausibleRate(f32(1940));
  return { width, height, deep: head[803] > 8, log: DPX_LOG_TRANSFERS.has(head[801]), ...(frameRate ? { frameRate } : {}) };
}

/** OpenEXR compressions, by their number in the header; the decoder (ffmpeg 4) reads those up to B44A. */
const EXR_COMPRESSIONS = ['none', 'RLE', 'ZIPS', 'ZIP', 'PIZ', 'PXR24', 'B44', 'B44A', 'DWAA', 'DWAB'];
const EXR_READABLE = 8;
/** How much of an EXR is read for its header: the attributes of a plate run to a few KB. */
const EXR_HEADER_BYTES = 65536;

/**
 * An OpenEXR header's data window and compression; deep, multi-part and DWA-compressed files, and
 * those whose data window is not their display window (overscan, or a bounding box), are refused
 * with what to do: the decoder (ffmpeg 4) places such a data window wrongly.
 */
async function exrHeader(path: string, file: FileHandle): Promise<{ width: number; height: number; deep: boolean; frameRate?: number }> {
  const head = await readAt(file, 0, EXR_HEADER_BYTES);
  if (head.length < 8) throw new FootageError(path, 'truncated OpenEXR (its header is cut short)');
  const flags = head.readUInt32LE(4);
  if (flags & 0x1800) throw new FootageError(path, 'a multi-part or deep OpenEXR, which Autoroto does not read; write the plate as a single-part scanline or tiled EXR');
  let width = 0, height = 0, compression = 0, data = '', display = '', frameRate: number | undefined, at = 8;
  for (; at < head.length && head[at] !== 0;) {
    const nameEnd = head.indexOf(0, at), typeEnd = nameEnd < 0 ? -1 : head.indexOf(0, nameEnd + 1);
    if (typeEnd < 0 || typeEnd + 4 > head.length) break;
    const name = head.toString('latin1', at, nameEnd), size = head.readInt32LE(typeEnd + 1), value = typeEnd + 5;
    if (name === 'dataWindow' && value + 16 <= head.length) {
      width = head.readInt32LE(value + 8) - head.readInt32LE(value) + 1;
      height = head.readInt32LE(value + 12) - head.readInt32LE(value + 4) + 1;
      data = head.toString('hex', value, value + 16);
    }
    if (name === 'displayWindow' && value + 16 <= head.length) display = head.toString('hex', value, value + 16);
    if (name === 'compression' && value < head.length) compression = head[value];
    // A rational: int numerator, unsigned denominator (30000/1001 for 29.97).
    if (name === 'framesPerSecond' && value + 8 <= head.length) frameRate = plausibleRate(head.readInt32LE(value) / head.readUInt32LE(value + 4));
    at = value + size;
  }
  if (!(width > 0 && height > 0)) throw new FootageError(path, 'truncated or corrupt OpenEXR (no data window in its header)');
  if (display && display !== data) {
    throw new FootageError(path, 'an OpenEXR whose data window is not its display window (overscan, or a bounding box), which Autoroto cannot place; write the plate with the data window set to the format');
  }
  if (compression >= EXR_READABLE) {
    throw new FootageError(path, `an OpenEXR compressed with ${EXR_COMPRESSIONS[compression] ?? `compression ${compression}`}, which Autoroto cannot decode; write the plate with ZIP, PIZ or no compression`);
  }
  // ffmpeg decodes a scanline file cut short without complaint (the missing lines black): its chunks must all be there.
  if (!(flags & 0x200) && !(await scanlinesComplete(file, at + 1, Math.ceil(height / EXR_LINES_PER_CHUNK[compression])))) {
    throw new FootageError(path, 'truncated OpenEXR (its pixels are cut short: a partial copy?); copy or render the plate again');
  }
  return { width, height, deep: true, ...(frameRate ? { frameRate } : {}) };
}

/** Scanlines per chunk of a scanline OpenEXR, by compression (none, RLE, ZIPS: 1; ZIP, PXR24: 16; PIZ, B44, B44A: 32). */
const EXR_LINES_PER_CHUNK = [1, 1, 1, 16, 32, 16, 32, 32];

/** Whether the `chunks` offsets at `table` all point into the file, and the furthest chunk ends inside it. */
async function scanlinesComplete(file: FileHandle, table: number, chunks: number): Promise<boolean> {
  const { size } = await file.stat();
  const offsets = await readAt(file, table, 8 * chunks);
  if (offsets.length < 8 * chunks) return false;
  let last = 0;
  for (let k = 0; k < chunks; k++) {
    const offset = Number(offsets.readBigUInt64LE(8 * k));
    if (offset < table + 8 * chunks || offset + 8 > size) return false;
    last = Math.max(last, offset);
  }
  // The furthest chunk: its line number, its data's length, its data.
  const chunk = await readAt(file, last, 8);
  return chunk.length === 8 && last + 8 + chunk.readInt32LE(4) <= size;
}

const TIFF_LITTLE = Buffer.from('II*\0', 'latin1');
const TIFF_BIG = Buffer.from('MM\0*', 'latin1');
const BIGTIFF_LITTLE = Buffer.from('II+\0', 'latin1');
const BIGTIFF_BIG = Buffer.from('MM\0+', 'latin1');
const EXR_MAGIC = Buffer.from([0x76, 0x2f, 0x31, 0x01]);

/**
 * The header of a PNG, JPEG, TIFF, DPX or OpenEXR image (told apart by their signatures, not by the
 * file name), or undefined when the file is none of them. A file that cannot be read, or whose
 * header is broken, is a FootageError naming it.
 */
export async function readImageHeader(path: string): Promise<ImageHeader | undefined> {
  let file: FileHandle;
  try {
    file = await open(path, 'r');
  } catch (error) {
    throw new FootageError(path, readFailure(error), { cause: error });
  }
  try {
    const head = await readAt(file, 0, 2048);
    if (head.subarray(0, 8).equals(PNG_SIGNATURE)) return { format: 'png', ...pngSize(path, head) };
    if (head.subarray(0, 3).equals(JPEG_SOI)) return { format: 'jpeg', ...(await jpegSize(path, file)) };
    const magic = head.subarray(0, 4);
    if ([TIFF_LITTLE, TIFF_BIG, BIGTIFF_LITTLE, BIGTIFF_BIG].some((m) => magic.equals(m))) return { format: 'tiff', ...(await tiffHeader(path, file, head)) };
    if (magic.toString('latin1') === 'SDPX' || magic.toString('latin1') === 'XPDS') return { format: 'dpx', ...dpxHeader(path, head) };
    if (magic.equals(EXR_MAGIC)) return { format: 'exr', ...(await exrHeader(path, file)) };
    return undefined;
  } catch (error) {
    if (error instanceof FootageError) throw error;
    throw new FootageError(path, readFailure(error), { cause: error });
  } finally {
    await file.close();
  }
}
