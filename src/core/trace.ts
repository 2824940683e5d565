/**
 * trace: a soft matte → the closed 0.5 iso-contours of its sky, grouped into regions with holes.
 *
 * Marching squares over the pixel centres with linear interpolation along cell edges gives
 * subpixel contours; every pixel centre lands on the correct side, so filling the contours at pixel
 * centres reproduces the thresholded matte. To make regions that touch the frame follow the frame
 * edge exactly, the sample grid is padded twice: a ring that repeats the edge pixels, placed ON the
 * frame edge (x = 0, x = W, y = 0, y = H), and outside it a ring of zeros at the same positions.
 * The zero-width cells between the two rings put every crossing there exactly on the frame edge.
 */
import type { Contour, Matte, Region } from './types.ts';
import { edgeRampWidth } from './softness.ts';

export interface TraceOptions {
  /** Regions and holes smaller than this many px² are dropped (specks removed, pinholes filled). */
  minArea?: number;
}

export interface TraceResult {
  regions: Region[];
  /** Total area in px² of the sky specks dropped and of the pinholes filled. */
  droppedArea: number;
}

/** The default speck size: 64 px² at 1080p, scaled with the frame's area. */
export function defaultMinArea(width: number, height: number): number {
  return 64 * (width * height) / (1920 * 1080);
}

// Per marching-squares case (corners tl=8, tr=4, br=2, bl=1 inside), the segments as pairs of cell
// edges (0 top, 1 right, 2 bottom, 3 left), oriented so the sky is on the right on screen: outer
// boundaries then run clockwise on screen and have a positive shoelace area in y-down coordinates.
// Saddles 5 and 10 list the variant for a centre outside, then for a centre inside.
const T = 0, R = 1, B = 2, L = 3;
const SEGMENTS: number[][] = [
  [], [L, B], [B, R], [L, R], [R, T], [R, T, L, B], [B, T], [L, T],
  [T, L], [T, B], [T, L, B, R], [T, R], [R, L], [R, B], [B, L], [],
];
const SADDLE_CENTRE_INSIDE: Record<number, number[]> = { 5: [L, T, R, B], 10: [T, R, B, L] };

export function trace(matte: Matte, options: TraceOptions = {}): TraceResult {
  const { width: W, height: H, data } = matte;
  const minArea = options.minArea ?? defaultMinArea(W, H);
  // Rows are padded to whole 32-bit words so uniform runs can be skipped four cells at a time.
  const GW = (W + 4 + 3) & ~3, GH = H + 4;

  // Padded inside flags: ring 0 is zero, ring 1 repeats the edge pixels.
  const inside = new Uint8Array(GW * GH);
  // v > 0.5 read off the float's bits, without a branch (a soft matte's edges would mispredict one):
  // as unsigned integers, the non-negative floats above 0.5 are exactly those in (0x3F000000, 0x80000000).
  const bits = new Uint32Array(data.buffer, data.byteOffset, data.length);
  for (let y = 0; y < H; y++) {
    const row = (y + 2) * GW + 2, src = y * W;
    for (let x = 0; x < W; x++) {
      const u = bits[src + x];
      inside[row + x] = ((0x3f000000 - u) >>> 31) & ((u - 0x80000000) >>> 31);
    }
    inside[row - 1] = inside[row];
    inside[row + W] = inside[row + W - 1];
  }
  inside.copyWithin(GW, 2 * GW, 3 * GW);
  inside.copyWithin((H + 2) * GW, (H + 1) * GW, (H + 2) * GW);

  const value = (gx: number, gy: number): number =>
    gx === 0 || gy === 0 || gx >= W + 3 || gy === GH - 1 ? 0 : data[Math.min(H - 1, Math.max(0, gy - 2)) * W + Math.min(W - 1, Math.max(0, gx - 2))];
  const posX = (gx: number): number => (gx <= 1 ? 0 : gx >= W + 2 ? W : gx - 1.5);
  const posY = (gy: number): number => (gy <= 1 ? 0 : gy >= H + 2 ? H : gy - 1.5);

  // Edge ids: horizontal edge from grid point (gx, gy) to (gx+1, gy) is 2·(gy·GW + gx), vertical +1.
  const edgeOf = (gx: number, gy: number, side: number): number =>
    side === T ? 2 * (gy * GW + gx) : side === B ? 2 * ((gy + 1) * GW + gx)
      : side === L ? 2 * (gy * GW + gx) + 1 : 2 * (gy * GW + gx + 1) + 1;

  const next = new Map<number, number>();
  const words = new Uint32Array(inside.buffer, inside.byteOffset, inside.length >> 2);
  for (let gy = 0; gy < GH - 1; gy++) {
    const r0 = gy * GW, r1 = r0 + GW;
    for (let gx = 0; gx < GW - 1; gx++) {
      // Skip four cells at once where both rows hold the same uniform word and the next column agrees.
      if ((gx & 3) === 0 && gx + 4 < GW) {
        const w = words[(r0 >> 2) + (gx >> 2)];
        if ((w === 0 || w === 0x01010101) && words[(r1 >> 2) + (gx >> 2)] === w &&
          inside[r0 + gx + 4] === (w & 1) && inside[r1 + gx + 4] === (w & 1)) {
          gx += 3;
          continue;
        }
      }
      const tl = inside[r0 + gx], tr = inside[r0 + gx + 1], br = inside[r1 + gx + 1], bl = inside[r1 + gx];
      if (tl === tr && tr === br && br === bl) continue;
      const kind = (tl << 3) | (tr << 2) | (br << 1) | bl;
      let segments = SEGMENTS[kind];
      if (kind === 5 || kind === 10) {
        const centre = (value(gx, gy) + value(gx + 1, gy) + value(gx + 1, gy + 1) + value(gx, gy + 1)) / 4;
        if (centre > 0.5) segments = SADDLE_CENTRE_INSIDE[kind];
      }
      for (let s = 0; s < segments.length; s += 2) next.set(edgeOf(gx, gy, segments[s]), edgeOf(gx, gy, segments[s + 1]));
    }
  }

  const crossing = (edge: number, out: number[]): void => {
    const cell = edge >> 1;
    const gx = cell % GW, gy = (cell - gx) / GW;
    const [gx1, gy1] = edge & 1 ? [gx, gy + 1] : [gx + 1, gy];
    const v0 = value(gx, gy), v1 = value(gx1, gy1);
    // Kept a hair off the samples, so that a pixel of exactly 0.5 (not sky) never sits on the outline.
    const t = Math.min(1 - 1e-6, Math.max(1e-6, (0.5 - v0) / (v1 - v0)));
    out.push(posX(gx) + t * (posX(gx1) - posX(gx)), posY(gy) + t * (posY(gy1) - posY(gy)));
  };

  const outers: Contour[] = [];
  const holes: Contour[] = [];
  let droppedArea = 0;
  const points: number[] = [];
  for (const start of next.keys()) {
    points.length = 0;
    let edge = start;
    do {
      crossing(edge, points);
      const to = next.get(edge)!;
      next.delete(edge);
      edge = to;
    } while (edge !== start);
    const contour = makeContour(removeRepeats(points));
    if (Math.abs(contour.area) < minArea) droppedArea += Math.abs(contour.area);
    else (contour.area > 0 ? outers : holes).push(contour);
  }

  // Each hole belongs to the smallest outer boundary around it; holes of dropped specks go with them.
  const regions: Region[] = outers.sort((a, b) => a.area - b.area).map((outer) => ({ outer, holes: [] }));
  for (const hole of holes) {
    // A point just beside the hole's first edge, on its sky side (the right), lies in the owner for
    // sure; the hole's own points may touch the owner's outline where they meet at a saddle.
    const [x0, y0, x1, y1] = hole.points;
    const len = Math.hypot(x1 - x0, y1 - y0) || 1;
    const px = (x0 + x1) / 2 - ((y1 - y0) / len) * 1e-3, py = (y0 + y1) / 2 + ((x1 - x0) / len) * 1e-3;
    const owner = regions.find((r) => containsPoint(r.outer.points, px, py));
    if (owner) owner.holes.push(hole);
  }
  regions.reverse();
  for (const region of regions) {
    region.outer.rampWidth = edgeRampWidth(matte, region.outer.points);
    for (const hole of region.holes) hole.rampWidth = edgeRampWidth(matte, hole.points);
  }
  return { regions, droppedArea };
}

/** Drops consecutive duplicates, which crossings through a sample exactly at 0.5 produce. */
function removeRepeats(points: number[]): Float64Array {
  const out: number[] = [];
  for (let i = 0; i < points.length; i += 2) {
    const n = out.length;
    if (n >= 2 && out[n - 2] === points[i] && out[n - 1] === points[i + 1]) continue;
    out.push(points[i], points[i + 1]);
  }
  if (out.length >= 4 && out[0] === out[out.length - 2] && out[1] === out[out.length - 1]) out.length -= 2;
  return Float64Array.from(out);
}

function makeContour(points: Float64Array): Contour {
  return { points, area: signedArea(points), rampWidth: 0 };
}

/** Shoelace area in y-down coordinates: positive for clockwise-on-screen polygons. */
export function signedArea(points: Float64Array): number {
  let sum = 0;
  const n = points.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) sum += points[2 * j] * points[2 * i + 1] - points[2 * i] * points[2 * j + 1];
  return sum / 2;
}

/** Even-odd point-in-polygon test. */
export function containsPoint(points: ArrayLike<number>, x: number, y: number): boolean {
  let inside = false;
  const n = points.length / 2;
  for (let i = 0, j = n - 1; i < n; j = i++) {
    const xi = points[2 * i], yi = points[2 * i + 1], xj = points[2 * j], yj = points[2 * j + 1];
    if ((yi > y) !== (yj > y) && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
  }
  return inside;
}
