/**
 * trace: a soft matte → the closed 0.5 iso-contours of its sky, grouped into regions with holes.
 *
 * Marching squares over the pixel centres with linear interpolation along cell edges gives
 * subpixel contours; every pixel centre lands on the correct side, so filling the contours at pixel
 * centres reproduces the thresholded matte. To make regions that touch the frame follow the frame
 * edge exactly, the sample grid is padded twice: a ring that repeats the edge pixels, placed ON the
 * frame edge (x = 0, x = W, y = 0, y = H), and outside it a ring of zeros at the same positions.
 * The zero-width cells between the two rings put every crossing there exactly on the frame edge.
 *
 * Speed: a 1080p matte has 2 million cells and only about ten thousand of them are crossed. The
 * matte is read once, row by row, into one bit per sample packed in 32-bit words; the words holding
 * crossed cells are then found by comparing the row with the next one and with itself shifted by a
 * column (both in row-bits.ts, with WebAssembly SIMD), and only their crossed cells are visited.
 * Each segment is linked to its neighbours as the scan meets them.
 */
import type { Contour, Matte, Region } from './types.ts';
import { edgeRampWidth } from './softness.ts';
import { hypot } from './hypot.ts';
import { rowBits } from './row-bits.ts';

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

/**
 * A matte read a row at a time, top to bottom: a whole one (wholeRows), or one made as it is read
 * and never held whole (a scene mosaic, mosaic.ts).
 */
export interface MatteRows {
  readonly width: number;
  readonly height: number;
  /** The rows' values (0..1): row y's `width` values start at `data[row(y)]`. */
  readonly data: Float32Array;
  /**
   * Where row y starts in `data`. Rows are asked for in order (the same row again, or the next); a
   * row's values stay there until the row after the next is asked for.
   */
  row(y: number): number;
}

/** The rows of a whole matte, where they are. */
export function wholeRows(matte: Matte): MatteRows {
  const { width, height, data } = matte;
  return { width, height, data, row: (y) => y * width };
}

/** The matte's regions, each contour with the width of the matte's edge ramp along it. */
export function trace(matte: Matte, options: TraceOptions = {}): TraceResult {
  const result = traceRows(wholeRows(matte), options);
  for (const region of result.regions) {
    region.outer.rampWidth = edgeRampWidth(matte, region.outer.points);
    for (const hole of region.holes) hole.rampWidth = edgeRampWidth(matte, hole.points);
  }
  return result;
}

/** The regions of a matte read a row at a time; their ramp widths are left 0 (measuring them needs the whole matte). */
export function traceRows(rows: MatteRows, options: TraceOptions = {}): TraceResult {
  const minArea = options.minArea ?? defaultMinArea(rows.width, rows.height);
  const outers: Contour[] = [];
  const holes: Contour[] = [];
  let droppedArea = 0;
  for (const points of followContours(crossedSegments(rows))) {
    const contour = makeContour(points);
    if (Math.abs(contour.area) < minArea) droppedArea += Math.abs(contour.area);
    else (contour.area > 0 ? outers : holes).push(contour);
  }

  // Each hole belongs to the smallest outer boundary around it; holes of dropped specks go with them.
  const regions: Region[] = outers.sort((a, b) => a.area - b.area).map((outer) => ({ outer, holes: [] }));
  for (const hole of holes) {
    // A point just beside the hole's first edge, on its sky side (the right), lies in the owner for
    // sure; the hole's own points may touch the owner's outline where they meet at a saddle.
    const [x0, y0, x1, y1] = hole.points;
    const len = hypot(x1 - x0, y1 - y0) || 1;
    const px = (x0 + x1) / 2 - ((y1 - y0) / len) * 1e-3, py = (y0 + y1) / 2 + ((x1 - x0) / len) * 1e-3;
    const owner = regions.find((r) => containsPoint(r.outer.points, px, py));
    if (owner) owner.holes.push(hole);
  }
  regions.reverse();
  return { regions, droppedArea };
}

/** The crossed cells' segments in scan order (rows top down, cells left to right, as listed per case). */
interface Segments {
  count: number;
  /** x, y of the 0.5 crossing on each segment's entry edge. */
  points: Float64Array;
  /** Each segment's successor: the segment that enters where it leaves. */
  next: Int32Array;
}

/**
 * The segments whose successor or predecessor is still to come in the scan: per column, the one that
 * crosses the bottom edge of its cell in the row above; and the one crossing the right edge of the
 * cell just visited. Every crossed edge is crossed by exactly two segments, one on either side.
 */
interface OpenEdges {
  down: Int32Array;
  right: number;
}

/**
 * The cell row being scanned: its top grid row gy, and where its two grid rows' pixels start in the
 * rows' data (−1 for a row of ring 0; see row-bits.ts).
 */
interface CellRow {
  data: Float32Array;
  width: number;
  height: number;
  gy: number;
  top: number;
  bottom: number;
}

/**
 * Visits the cells whose four corners disagree, a word of 32 cells at a time, and lists their segments.
 * Rows are thresholded as the scan reaches them, so the crossings read pixels that are still in cache.
 */
function crossedSegments(rows: MatteRows): Segments {
  const { width: W, height: H } = rows;
  // About as many segments as a frame's outline is long: room for twice the frame's perimeter to start with.
  const capacity = 4 * (W + H);
  const segments: Segments = { count: 0, points: new Float64Array(2 * capacity), next: new Int32Array(capacity) };
  const open: OpenEdges = { down: new Int32Array(W + 4), right: -1 };
  // Grid rows gy and gy + 1: the top and bottom corners of cell row gy.
  const packed = rowBits(rows.data, W);
  const cells: CellRow = { data: rows.data, width: W, height: H, gy: 0, top: -1, bottom: -1 };
  for (let gy = 0; gy < H + 3; gy++) {
    // Grid row gy + 1 holds pixel row gy − 1 (ring 1 repeats the first and last rows); grid row H + 3 is ring 0.
    cells.gy = gy;
    cells.bottom = gy + 1 === H + 3 ? -1 : rows.row(Math.min(H - 1, Math.max(0, gy - 1)));
    const count = packed.next(cells.bottom);
    const { top, bottom, crossings } = packed;
    for (let k = 0; k < count; k++) {
      const j = crossings[2 * k];
      let crossed = crossings[2 * k + 1];
      const a = top[j], b = bottom[j];
      // The right-hand neighbours of a's and b's samples, bit for bit (past the row: the zero word).
      const aRight = (a << 1) | (top[j + 1] >>> 31), bRight = (b << 1) | (bottom[j + 1] >>> 31);
      while (crossed !== 0) {
        const lead = Math.clz32(crossed), bit = 31 - lead;
        crossed ^= 1 << bit;
        const kind = (((a >>> bit) & 1) << 3) | (((aRight >>> bit) & 1) << 2) | (((bRight >>> bit) & 1) << 1) | ((b >>> bit) & 1);
        addCell(segments, open, cells, (j << 5) + lead, kind);
      }
    }
    cells.top = cells.bottom;
  }
  return segments;
}

/** Adds the segments of cell gx of the cell row, of marching-squares case `kind`, and links them to their neighbours. */
function addCell(segments: Segments, open: OpenEdges, cells: CellRow, gx: number, kind: number): void {
  const gy = cells.gy;
  let sides = SEGMENTS[kind];
  if (kind === 5 || kind === 10) {
    const centre = (sample(cells, gx, gy) + sample(cells, gx + 1, gy) + sample(cells, gx + 1, gy + 1) + sample(cells, gx, gy + 1)) / 4;
    if (centre > 0.5) sides = SADDLE_CENTRE_INSIDE[kind];
  }
  const first = segments.count;
  for (let k = 0; k < sides.length; k += 2) addSegment(segments, cells, gx, gy, sides[k]);
  // Through the top and left edges, the other segment was met earlier; the bottom and right edges are
  // left open for the cells below and to the right. All links before any is left open: a saddle's two
  // segments may cross the top and the bottom edge, which share the column's slot.
  for (let k = 0; k < sides.length; k += 2) linkEarlier(segments.next, open, first + k / 2, sides[k], sides[k + 1], gx);
  for (let k = 0; k < sides.length; k += 2) leaveOpen(open, first + k / 2, sides[k], sides[k + 1], gx);
}

/** Links segment s to the segments met earlier across its cell's top or left edge (column gx). */
function linkEarlier(next: Int32Array, open: OpenEdges, s: number, entry: number, exit: number, gx: number): void {
  if (entry === T) next[open.down[gx]] = s;
  else if (entry === L) next[open.right] = s;
  if (exit === T) next[s] = open.down[gx];
  else if (exit === L) next[s] = open.right;
}

/** Leaves segment s open where it crosses its cell's bottom or right edge (column gx). */
function leaveOpen(open: OpenEdges, s: number, entry: number, exit: number, gx: number): void {
  if (entry === B || exit === B) open.down[gx] = s;
  if (entry === R || exit === R) open.right = s;
}

/** Adds a segment of cell (gx, gy) with where it crosses its entry side. */
function addSegment(segments: Segments, cells: CellRow, gx: number, gy: number, entry: number): void {
  if (segments.count === segments.next.length) grow(segments);
  const k = segments.count++;
  // The entry edge runs from grid point (gx0, gy0) to (gx1, gy1), the lower coordinates first.
  const gx0 = entry === R ? gx + 1 : gx, gy0 = entry === B ? gy + 1 : gy;
  const horizontal = entry === T || entry === B;
  const gx1 = horizontal ? gx0 + 1 : gx0, gy1 = horizontal ? gy0 : gy0 + 1;
  const v0 = sample(cells, gx0, gy0), v1 = sample(cells, gx1, gy1);
  // Kept a hair off the samples, so that a pixel of exactly 0.5 (not sky) never sits on the outline.
  const t = Math.min(1 - 1e-6, Math.max(1e-6, (0.5 - v0) / (v1 - v0)));
  const x0 = gridPosition(gx0, cells.width), y0 = gridPosition(gy0, cells.height);
  segments.points[2 * k] = x0 + t * (gridPosition(gx1, cells.width) - x0);
  segments.points[2 * k + 1] = y0 + t * (gridPosition(gy1, cells.height) - y0);
}

function grow(segments: Segments): void {
  const { points, next } = segments;
  segments.points = new Float64Array(2 * points.length);
  segments.points.set(points);
  segments.next = new Int32Array(2 * next.length);
  segments.next.set(next);
}

/** The matte's value at grid point (gx, gy), gy one of the cell row's two: ring 0 is zero, ring 1 repeats the edge pixels. */
function sample({ width: W, data, gy: top, top: topRow, bottom: bottomRow }: CellRow, gx: number, gy: number): number {
  const row = gy === top ? topRow : bottomRow;
  if (row < 0 || gx === 0 || gx >= W + 3) return 0;
  return data[row + Math.min(W - 1, Math.max(0, gx - 2))];
}

/** Where grid column (or row) g lies in px on a side of `size` px: the padding rings sit on the frame edge. */
function gridPosition(g: number, size: number): number {
  return g <= 1 ? 0 : g >= size + 2 ? size : g - 1.5;
}

/**
 * The closed contours through the segments, each a list of x, y: in the order the row-by-row scan first
 * met them, each from the first crossing the scan met on it.
 */
function followContours(segments: Segments): Float64Array[] {
  const { next } = segments;
  const contours: Float64Array[] = [];
  const used = new Uint8Array(segments.count);
  const points = new Float64Array(2 * segments.count);
  for (let start = 0; start < segments.count; start++) {
    if (used[start]) continue;
    let n = 0;
    for (let s = start; !used[s]; s = next[s]) {
      used[s] = 1;
      const x = segments.points[2 * s], y = segments.points[2 * s + 1];
      // Crossings through a sample exactly at 0.5 repeat a point: keep it once.
      if (n >= 2 && points[n - 2] === x && points[n - 1] === y) continue;
      points[n++] = x;
      points[n++] = y;
    }
    if (n >= 4 && points[0] === points[n - 2] && points[1] === points[n - 1]) n -= 2;
    contours.push(points.slice(0, n));
  }
  return contours;
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
