/**
 * Exact area-coverage rasterisation of polygons (signed-area accumulation, as in font-rs).
 *
 * Every polygon edge deposits, per pixel row it crosses, the signed area it sweeps into an
 * accumulation buffer; a running sum along each row then gives every pixel the exact fraction of
 * its square [x, x+1] × [y, y+1] inside the polygons. Edges outside the frame are clipped
 * exactly: the part left of x = 0 is projected onto x = 0 (it still covers the whole row to its
 * right), the part right of x = width and rows outside 0..height add nothing.
 *
 * Shapes are added with a value: +1 adds sky, −1 removes it (holes, non-sky objects over a sky
 * rectangle). Shapes of the same sign must not overlap: coverage is summed, then clamped to 0..1.
 * Curves are flattened into polygons by the callers, fine enough that the chord error is far
 * below a hundredth of a pixel. Accumulation is linear: a caller that sums many polygons' coverage
 * (the scene mosaic) adds them all and takes the running sums itself, without `resolve()`; it can
 * also take the accumulation a row at a time (EdgeSweep) instead of holding a whole buffer.
 */

/** Polygons taken apart into edges clipped to 0 ≤ x ≤ width, as the accumulation takes them. */
abstract class ClippedEdges {
  readonly width: number;
  readonly height: number;

  constructor(width: number, height: number) {
    if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height))) {
      throw new RangeError(`bad raster size ${width}×${height}`);
    }
    this.width = width;
    this.height = height;
  }

  /**
   * An edge with both ends in 0 ≤ x ≤ width, top end first (y0 < y1), meeting rows 0..height; `dir`
   * is its weight, negated when it ran upwards.
   */
  protected abstract downwardEdge(x0: number, y0: number, x1: number, y1: number, dir: number): void;

  /** An edge with both ends in 0 ≤ x ≤ width (any direction, any rows), handed on top end first. */
  private clippedEdge(x0: number, y0: number, x1: number, y1: number, w: number): void {
    if (y0 === y1) return;
    if (y0 < y1) {
      if (y1 > 0 && y0 < this.height) this.downwardEdge(x0, y0, x1, y1, w);
    } else if (y0 > 0 && y1 < this.height) {
      this.downwardEdge(x1, y1, x0, y0, -w);
    }
  }

  /**
   * Adds a closed polygon (x0, y0, x1, y1, …, no repeated closing point) whose inside gets
   * `value` (+1 sky, −1 not sky), whichever way round its points go.
   */
  polygon(points: ArrayLike<number>, value = 1): void {
    const n = points.length >> 1;
    if (n < 3) return;
    let area = 0;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      area += points[2 * j] * points[2 * i + 1] - points[2 * i] * points[2 * j + 1];
    }
    if (area === 0) return;
    // The accumulation gives +1 inside a polygon with negative shoelace area (y down).
    const w = area > 0 ? -value : value;
    for (let i = 0, j = n - 1; i < n; j = i++) {
      this.edge(points[2 * j], points[2 * j + 1], points[2 * i], points[2 * i + 1], w);
    }
  }

  /** Adds the frame-covering rectangle with `value` (e.g. +1: sky everywhere, then subtract shapes). */
  fill(value = 1): void {
    this.polygon([-1, -1, this.width + 1, -1, this.width + 1, this.height + 1, -1, this.height + 1], value);
  }

  /** One directed edge with weight `w`, clipped to 0 ≤ x ≤ width. */
  edge(x0: number, y0: number, x1: number, y1: number, w: number): void {
    if (y0 === y1) return;
    if ((y0 <= 0 && y1 <= 0) || (y0 >= this.height && y1 >= this.height)) return;
    const W = this.width;
    if (x0 >= W && x1 >= W) return; // right of the frame: covers nothing inside it
    if (x0 >= 0 && x0 <= W && x1 >= 0 && x1 <= W) {
      this.clippedEdge(x0, y0, x1, y1, w);
      return;
    }
    // Split at x = 0 and x = W, then clamp x: the parts outside become vertical edges on the border.
    const dx = x1 - x0, dy = y1 - y0;
    let ta = dx !== 0 ? -x0 / dx : -1;
    let tb = dx !== 0 ? (W - x0) / dx : -1;
    if (ta > tb) { const t = ta; ta = tb; tb = t; }
    let px = x0 < 0 ? 0 : x0 > W ? W : x0, py = y0;
    for (const t of [ta, tb]) {
      if (!(t > 0 && t < 1)) continue;
      const qx = Math.min(W, Math.max(0, x0 + dx * t)), qy = y0 + dy * t;
      this.clippedEdge(px, py, qx, qy, w);
      px = qx; py = qy;
    }
    this.clippedEdge(px, py, x1 < 0 ? 0 : x1 > W ? W : x1, y1, w);
  }

}

export class CoverageRasterizer extends ClippedEdges {
  /** The accumulation buffer; `resolve()` turns it into coverage in place. */
  readonly data: Float32Array;

  constructor(width: number, height: number, data?: Float32Array) {
    super(width, height);
    if (data) {
      if (data.length !== width * height) throw new RangeError('raster buffer has the wrong length');
      data.fill(0);
      this.data = data;
    } else {
      this.data = new Float32Array(width * height);
    }
  }

  /** The edge being deposited, as EdgeSweep keeps its edges. */
  private readonly edgeNow = new Float64Array(EDGE_SIZE);

  /** Rows outside the frame are skipped. */
  protected downwardEdge(x0: number, y0: number, x1: number, y1: number, dir: number): void {
    const H = this.height, W = this.width;
    storeEdge(this.edgeNow, 0, x0, y0, x1, y1, dir);
    const rowEnd = Math.min(H, Math.ceil(y1));
    for (let row = y0 < 0 ? 0 : Math.floor(y0); row < rowEnd; row++) depositEdgeRow(this.data, row * W, W, this.edgeNow, 0, row);
  }

  /** Turns the accumulated edges into coverage 0..1 in place and returns it. */
  resolve(): Float32Array {
    const a = this.data, W = this.width, H = this.height;
    const EPS = 1e-5;
    for (let y = 0; y < H; y++) {
      let s = 0;
      const end = (y + 1) * W;
      for (let i = y * W; i < end; i++) {
        s += a[i];
        a[i] = s < EPS ? 0 : s > 1 - EPS ? 1 : s;
      }
    }
    return a;
  }
}

/** log2 of SWEEP_CHUNK. */
const SWEEP_CHUNK_BITS = 5;
/** Cells per chunk of a row that EdgeSweep.depositRow reports as touched. */
export const SWEEP_CHUNK = 1 << SWEEP_CHUNK_BITS;

/** The length of the touched-chunk flags for rows of `width` cells (an edge ending on x = width touches one past the row). */
export function sweepChunks(width: number): number {
  return ((width + 1) >> SWEEP_CHUNK_BITS) + 1;
}

/**
 * Edges kept to be accumulated a row at a time, rows in order: what a CoverageRasterizer would hold
 * in row y, without its whole buffer. Each row's cells get the same additions in the same order
 * (the order the edges came in), so the sums are the same to the bit.
 */
export class EdgeSweep extends ClippedEdges {
  /** Per edge (see storeEdge), in the order they came in. */
  private edges = new Float64Array(EDGE_SIZE * 256);
  private count = 0;
  /** Edges by their first row (stable, so each row's arrivals are in the order they came in). */
  private arrivals?: { start: Int32Array; edges: Int32Array };
  /** Edges crossing the row being swept, in the order they came in (and room to merge the next row's). */
  private active = new Int32Array(0);
  private merged = new Int32Array(0);
  private activeCount = 0;
  private nextRow = 0;

  protected downwardEdge(x0: number, y0: number, x1: number, y1: number, dir: number): void {
    if (this.arrivals) throw new Error('EdgeSweep: edges added after sweeping began');
    if (EDGE_SIZE * (this.count + 1) > this.edges.length) {
      const grown = new Float64Array(2 * this.edges.length);
      grown.set(this.edges);
      this.edges = grown;
    }
    storeEdge(this.edges, EDGE_SIZE * this.count++, x0, y0, x1, y1, dir);
  }

  /**
   * Adds row `row`'s accumulation into `out` (`width` cells); rows must come 0, 1, 2, … Every chunk of
   * SWEEP_CHUNK cells it adds to is set to 1 in `touched` (sweepChunks(width) long), so that a caller
   * summing the row can pass over the rest, where it added nothing.
   */
  depositRow(row: number, out: Float32Array, touched: Uint8Array): void {
    if (row !== this.nextRow++) throw new RangeError(`EdgeSweep: row ${row} out of order`);
    const arrivals = (this.arrivals ??= this.sortByFirstRow());
    const { edges, width } = this;
    // The edges still crossing this row, then those starting in it: both in the order they came in.
    const active = this.merge(arrivals.edges, arrivals.start[row], arrivals.start[row + 1]);
    let kept = 0;
    for (let k = 0; k < this.activeCount; k++) {
      const e = EDGE_SIZE * active[k];
      depositEdgeRow(out, 0, width, edges, e, row);
      // The cells it added to lie within the columns of its ends and the one after (see depositEdgeRow).
      const x0 = edges[e], x1 = edges[e + 2];
      const last = (Math.floor(x0 < x1 ? x1 : x0) + 1) >> SWEEP_CHUNK_BITS;
      for (let c = Math.floor(x0 < x1 ? x0 : x1) >> SWEEP_CHUNK_BITS; c <= last; c++) touched[c] = 1;
      if (Math.ceil(edges[e + 3]) > row + 1) active[kept++] = active[k];
    }
    this.activeCount = kept;
  }

  private sortByFirstRow(): { start: Int32Array; edges: Int32Array } {
    const start = new Int32Array(this.height + 2);
    const first = (e: number) => { const y0 = this.edges[EDGE_SIZE * e + 1]; return y0 < 0 ? 0 : Math.floor(y0); };
    for (let e = 0; e < this.count; e++) start[first(e) + 1]++;
    for (let r = 0; r <= this.height; r++) start[r + 1] += start[r];
    const fill = start.slice();
    const edges = new Int32Array(this.count);
    for (let e = 0; e < this.count; e++) edges[fill[first(e)]++] = e;
    this.active = new Int32Array(this.count);
    this.merged = new Int32Array(this.count);
    return { start, edges };
  }

  /** The active edges and the arriving ones, arriving[from .. to) (in the order they came in), merged into that order. */
  private merge(arriving: Int32Array, from: number, to: number): Int32Array {
    const { active, merged } = this;
    let a = 0, b = from, k = 0;
    while (a < this.activeCount && b < to) merged[k++] = active[a] < arriving[b] ? active[a++] : arriving[b++];
    while (a < this.activeCount) merged[k++] = active[a++];
    while (b < to) merged[k++] = arriving[b++];
    this.active = merged;
    this.merged = active;
    this.activeCount = k;
    return merged;
  }
}

/** Numbers per stored edge: x0, y0, x1, y1 (top end first), dx/dy, and the weight with its direction. */
const EDGE_SIZE = 6;

function storeEdge(edges: Float64Array, e: number, x0: number, y0: number, x1: number, y1: number, dir: number): void {
  edges[e] = x0; edges[e + 1] = y0; edges[e + 2] = x1; edges[e + 3] = y1;
  edges[e + 4] = (x1 - x0) / (y1 - y0); edges[e + 5] = dir;
}

/**
 * Adds one pixel row's share of the edge stored at edges[e] (see storeEdge; both ends within
 * 0 ≤ x ≤ width) to the row's cells a[line .. line + width). The edge is read here, not passed as
 * numbers: this is too large for V8 to inline, and a call would box each number it is given, for
 * each of the millions of rows a scene mosaic's edges cross.
 */
function depositEdgeRow(a: Float32Array, line: number, W: number, edges: Float64Array, e: number, row: number): void {
  const x0 = edges[e], y0 = edges[e + 1], x1 = edges[e + 2], y1 = edges[e + 3], dxdy = edges[e + 4], dir = edges[e + 5];
  const top = row > y0 ? row : y0;
  const bottom = row + 1 < y1 ? row + 1 : y1;
  const dy = bottom - top;
  if (dy <= 0) return;
  const xmin = x0 < x1 ? x0 : x1, xmax = x0 < x1 ? x1 : x0;
  let xa = x0 + (top - y0) * dxdy;
  let xb = x0 + (bottom - y0) * dxdy;
  if (xa < xmin) xa = xmin; else if (xa > xmax) xa = xmax;
  if (xb < xmin) xb = xmin; else if (xb > xmax) xb = xmax;
  const d = dy * dir;
  if (xa > xb) { const t = xa; xa = xb; xb = t; }
  const ia = Math.floor(xa);
  if (Math.ceil(xb) > ia + 1) {
    depositAcrossColumns(a, line, W, xa, xb, d);
    return;
  }
  // Both ends in one pixel column (most rows of a mosaic's edges): the area right of the edge's midpoint.
  const xmf = 0.5 * (xa + xb) - ia;
  if (ia < W) a[line + ia] += d * (1 - xmf);
  if (ia + 1 < W) a[line + ia + 1] += d * xmf;
}

/**
 * depositEdgeRow's share of a row for an edge crossing it from xa to xb (xa < xb) over more than one
 * pixel column, with weight d. A function of its own so that depositEdgeRow is small enough for V8
 * to inline into the sweep's loop.
 */
function depositAcrossColumns(a: Float32Array, line: number, W: number, xa: number, xb: number, d: number): void {
  const ia = Math.floor(xa), ib = Math.ceil(xb);
  const s = 1 / (xb - xa);
  const xaf = xa - ia;
  const a0 = 0.5 * s * (1 - xaf) * (1 - xaf);
  const xbf = xb - ib + 1;
  const am = 0.5 * s * xbf * xbf;
  a[line + ia] += d * a0;
  if (ib === ia + 2) {
    a[line + ia + 1] += d * (1 - a0 - am);
  } else {
    const a1 = s * (1.5 - xaf);
    a[line + ia + 1] += d * (a1 - a0);
    const ds = d * s;
    for (let xi = ia + 2; xi < ib - 1; xi++) a[line + xi] += ds;
    const a2 = a1 + (ib - ia - 3) * s;
    a[line + ib - 1] += d * (1 - a2 - am);
  }
  if (ib < W) a[line + ib] += d * am;
}
