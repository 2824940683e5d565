/**
 * Traced regions of a range of frames, as bytes: what `autoroto sky --frames a-b` leaves for
 * `autoroto merge`, which tracks the ranges of one shot as if they had been one run.
 *
 * Layout: one JSON header line (`format: autoroto.regions/2`, the shot and the range), then per frame
 * a u32 that is 1 when the frame's camera motion follows as f64 a, b, tx, ty (0 when the footage gave
 * none), a u32 region count and per region a u32 hole count and its contours (outer first), each a u32
 * point count, f64 area, f64 ramp width and f32 x, y pairs. Little-endian. Version 1 files (no camera
 * motion field) still read, as frames without camera motion.
 */
import type { Contour, Region, Similarity } from './types.ts';

export const REGIONS_FORMAT = 'autoroto.regions/2';
const REGIONS_FORMAT_1 = 'autoroto.regions/1';

export interface RegionsHeader {
  format: typeof REGIONS_FORMAT | typeof REGIONS_FORMAT_1;
  /** The footage, as given to the command. */
  path: string;
  width: number;
  height: number;
  frameRate: number;
  /** Frames in the whole shot. */
  shotFrameCount: number;
  /** The range: shot frames firstFrame … firstFrame + frames.length - 1. */
  firstFrame: number;
  tolerance: number;
  minArea: number;
}

/** One frame of the range: what RotoBuilder.addRegions takes. */
export interface RegionsFrame {
  regions: Region[];
  cameraMotion?: Similarity;
}

export interface RegionsFile {
  header: RegionsHeader;
  frames: RegionsFrame[];
}

function contourBytes(c: Contour): number {
  return 4 + 8 + 8 + 8 * (c.points.length / 2);
}

export function encodeRegions(file: RegionsFile): Uint8Array {
  const head = new TextEncoder().encode(`${JSON.stringify(file.header)}\n`);
  let size = head.length;
  for (const { regions, cameraMotion } of file.frames) {
    size += 8 + (cameraMotion ? 32 : 0);
    for (const r of regions) size += 4 + contourBytes(r.outer) + r.holes.reduce((s, h) => s + contourBytes(h), 0);
  }
  const bytes = new Uint8Array(size);
  bytes.set(head);
  const view = new DataView(bytes.buffer);
  let at = head.length;
  const contour = (c: Contour) => {
    const n = c.points.length / 2;
    view.setUint32(at, n, true);
    view.setFloat64(at + 4, c.area, true);
    view.setFloat64(at + 12, c.rampWidth, true);
    at += 20;
    for (let i = 0; i < 2 * n; i++, at += 4) view.setFloat32(at, c.points[i], true);
  };
  for (const { regions, cameraMotion } of file.frames) {
    view.setUint32(at, cameraMotion ? 1 : 0, true);
    at += 4;
    if (cameraMotion) {
      [cameraMotion.a, cameraMotion.b, cameraMotion.tx, cameraMotion.ty].forEach((v, k) => view.setFloat64(at + 8 * k, v, true));
      at += 32;
    }
    view.setUint32(at, regions.length, true);
    at += 4;
    for (const r of regions) {
      view.setUint32(at, r.holes.length, true);
      at += 4;
      contour(r.outer);
      r.holes.forEach(contour);
    }
  }
  return bytes;
}

/** The file's contents; `frameCount` frames are expected after the header. Throws RangeError on a damaged file. */
export function decodeRegions(bytes: Uint8Array): RegionsFile {
  const newline = bytes.indexOf(10);
  if (newline < 0) throw new RangeError('no header line');
  let header: RegionsHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(0, newline))) as RegionsHeader;
  } catch {
    throw new RangeError('the header line is not JSON');
  }
  if (header.format !== REGIONS_FORMAT && header.format !== REGIONS_FORMAT_1) {
    throw new RangeError(`format ${JSON.stringify(header.format)}, expected ${REGIONS_FORMAT}`);
  }
  const withMotion = header.format === REGIONS_FORMAT;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = newline + 1;
  const need = (n: number) => {
    if (at + n > bytes.length) throw new RangeError('truncated');
  };
  const contour = (): Contour => {
    need(20);
    const n = view.getUint32(at, true);
    const area = view.getFloat64(at + 4, true), rampWidth = view.getFloat64(at + 12, true);
    at += 20;
    need(8 * n);
    const points = new Float64Array(2 * n);
    for (let i = 0; i < 2 * n; i++, at += 4) points[i] = view.getFloat32(at, true);
    return { points, area, rampWidth };
  };
  const frames: RegionsFrame[] = [];
  while (at < bytes.length) {
    let cameraMotion: Similarity | undefined;
    if (withMotion) {
      need(4);
      const flag = view.getUint32(at, true);
      at += 4;
      if (flag > 1) throw new RangeError(`camera motion flag ${flag}`);
      if (flag === 1) {
        need(32);
        const [a, b, tx, ty] = [0, 1, 2, 3].map((k) => view.getFloat64(at + 8 * k, true));
        cameraMotion = { a, b, tx, ty };
        at += 32;
      }
    }
    need(4);
    const count = view.getUint32(at, true);
    at += 4;
    const regions: Region[] = [];
    for (let r = 0; r < count; r++) {
      need(4);
      const holes = view.getUint32(at, true);
      at += 4;
      const outer = contour();
      regions.push({ outer, holes: Array.from({ length: holes }, contour) });
    }
    frames.push(cameraMotion ? { regions, cameraMotion } : { regions });
  }
  return { header, frames };
}
