/**
 * VFX plate files written by hand, for tests of reading them: OpenEXR (scanline, uncompressed, float
 * R, G, B in scene-linear light) and DPX (10-bit RGB, filled to 32-bit words, method A, with the
 * transfer characteristic given). Only the fields readers need are filled in.
 */
import type { RgbFrame } from '../../src/core/types.ts';

/** sRGB-encoded 0..1 → linear light. */
export function srgbToLinear(v: number): number {
  return v <= 0.04045 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4;
}

/** Linear light 0..1 → the 10-bit Cineon code value Kodak's conversion gives it (black 95, white 685). */
export function linearToCineon(linear: number): number {
  const density = (code: number) => 10 ** (((code - 685) * 0.002) / 0.6);
  const black = density(95);
  return Math.round(685 + (0.6 / 0.002) * Math.log10(linear * (1 - black) + black));
}

/** An OpenEXR of `frame` (8-bit sRGB) as linear float R, G, B: what a comp would write for the same picture. */
export function exrFile(frame: RgbFrame, compression = 0, framesPerSecond?: [number, number]): Uint8Array {
  const { width, height, data } = frame;
  const parts: Buffer[] = [];
  const u32 = (v: number) => { const b = Buffer.alloc(4); b.writeUInt32LE(v); return b; };
  const i32s = (...v: number[]) => { const b = Buffer.alloc(4 * v.length); v.forEach((x, k) => b.writeInt32LE(x, 4 * k)); return b; };
  const f32s = (...v: number[]) => { const b = Buffer.alloc(4 * v.length); v.forEach((x, k) => b.writeFloatLE(x, 4 * k)); return b; };
  const attribute = (name: string, type: string, value: Buffer) => Buffer.concat([Buffer.from(`${name}\0${type}\0`, 'latin1'), u32(value.length), value]);
  // Channels in name order (B, G, R), each FLOAT (2), not linear-perceptual, sampled 1 × 1.
  const channels = Buffer.concat([...['B', 'G', 'R'].map((c) => Buffer.concat([Buffer.from(`${c}\0`, 'latin1'), i32s(2), Buffer.from([0, 0, 0, 0]), i32s(1, 1)])), Buffer.from([0])]);
  parts.push(Buffer.from([0x76, 0x2f, 0x31, 0x01]), u32(2));
  parts.push(attribute('channels', 'chlist', channels));
  parts.push(attribute('compression', 'compression', Buffer.from([compression])));
  parts.push(attribute('dataWindow', 'box2i', i32s(0, 0, width - 1, height - 1)));
  parts.push(attribute('displayWindow', 'box2i', i32s(0, 0, width - 1, height - 1)));
  parts.push(attribute('lineOrder', 'lineOrder', Buffer.from([0])));
  parts.push(attribute('pixelAspectRatio', 'float', f32s(1)));
  parts.push(attribute('screenWindowCenter', 'v2f', f32s(0, 0)));
  parts.push(attribute('screenWindowWidth', 'float', f32s(1)));
  if (framesPerSecond) parts.push(attribute('framesPerSecond', 'rational', i32s(...framesPerSecond)));
  parts.push(Buffer.from([0]));
  const header = Buffer.concat(parts);
  const lineBytes = 3 * 4 * width;
  const offsets = Buffer.alloc(8 * height);
  const lines: Buffer[] = [];
  for (let y = 0; y < height; y++) {
    offsets.writeBigUInt64LE(BigInt(header.length + offsets.length + y * (8 + lineBytes)), 8 * y);
    const line = Buffer.alloc(8 + lineBytes);
    line.writeInt32LE(y, 0);
    line.writeInt32LE(lineBytes, 4);
    ['B', 'G', 'R'].forEach((_, k) => {
      const channel = 2 - k; // B, G, R from RGB
      for (let x = 0; x < width; x++) line.writeFloatLE(srgbToLinear(data[3 * (y * width + x) + channel] / 255), 8 + 4 * (k * width + x));
    });
    lines.push(line);
  }
  return new Uint8Array(Buffer.concat([header, offsets, ...lines]));
}

/**
 * A big-endian DPX of 10-bit RGB code values (`code(channel value 0..255) → 0..1023`), transfer
 * characteristic `transfer` (1 printing density, 2 linear, 3 logarithmic), and the frame rate in its
 * television header where given.
 */
export function dpxFile(frame: RgbFrame, transfer: number, code: (value: number) => number, frameRate?: number): Uint8Array {
  const { width, height, data } = frame;
  const header = Buffer.alloc(2048);
  header.write('SDPX', 0, 'latin1');
  header.writeUInt32BE(2048, 4); // offset to the image data
  header.write('V2.0', 8, 'latin1');
  header.writeUInt32BE(2048 + 4 * width * height, 16); // file size
  header.writeUInt16BE(0, 768); // orientation: left to right, top to bottom
  header.writeUInt16BE(1, 770); // one image element
  header.writeUInt32BE(width, 772);
  header.writeUInt32BE(height, 776);
  header[800] = 50; // RGB
  header[801] = transfer;
  header[802] = transfer === 2 ? 2 : 1;
  header[803] = 10;
  header.writeUInt16BE(1, 804); // filled to 32-bit words, method A (padding in the low bits)
  header.writeUInt16BE(0, 806); // not run-length encoded
  header.writeUInt32BE(2048, 808);
  // The film and television headers' frame rates: undefined (all ones) unless given, then the television one.
  header.writeUInt32BE(0xffffffff, 1724);
  if (frameRate) header.writeFloatBE(frameRate, 1940);
  else header.writeUInt32BE(0xffffffff, 1940);
  const pixels = Buffer.alloc(4 * width * height);
  for (let i = 0; i < width * height; i++) {
    const [r, g, b] = [0, 1, 2].map((c) => code(data[3 * i + c]));
    pixels.writeUInt32BE(((r << 22) | (g << 12) | (b << 2)) >>> 0, 4 * i);
  }
  return new Uint8Array(Buffer.concat([header, pixels]));
}
