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
 * (the scene mosaic) adds them all and takes the running sums of `data` itself, without `resolve()`.
 */

export class CoverageRasterizer {
  readonly width: number;
  readonly height: number;
  /** The accumulation buffer; `resolve()` turns it into coverage in place. */
  readonly data: Float32Array;

  constructor(width: number, height: number, data?: Float32Array) {
    if (!(width > 0 && height > 0 && Number.isInteger(width) && Number.isInteger(height))) {
      throw new RangeError(`bad raster size ${width}×${height}`);
    }
    this.width = width;
    this.height = height;
    if (data) {
      if (data.length !== width * height) throw new RangeError('raster buffer has the wrong length');
      data.fill(0);
      this.data = data;
    } else {
      this.data = new Float32Array(width * height);
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

  /** An edge with both ends in 0 ≤ x ≤ width; rows outside the frame are skipped. */
  private clippedEdge(x0: number, y0: number, x1: number, y1: number, w: number): void {
    if (y0 === y1) return;
    let dir = w;
    if (y0 > y1) {
      let t = x0; x0 = x1; x1 = t;
      t = y0; y0 = y1; y1 = t;
      dir = -w;
    }
    const H = this.height, W = this.width, a = this.data;
    if (y1 <= 0 || y0 >= H) return;
    const dxdy = (x1 - x0) / (y1 - y0);
    const xmin = x0 < x1 ? x0 : x1, xmax = x0 < x1 ? x1 : x0;
    const rowStart = y0 < 0 ? 0 : Math.floor(y0);
    const rowEnd = Math.min(H, Math.ceil(y1));
    for (let row = rowStart; row < rowEnd; row++) {
      const top = row > y0 ? row : y0;
      const bottom = row + 1 < y1 ? row + 1 : y1;
      const dy = bottom - top;
      if (dy <= 0) continue;
      let xa = x0 + (top - y0) * dxdy;
      let xb = x0 + (bottom - y0) * dxdy;
      if (xa < xmin) xa = xmin; else if (xa > xmax) xa = xmax;
      if (xb < xmin) xb = xmin; else if (xb > xmax) xb = xmax;
      const d = dy * dir;
      const line = row * W;
      if (xa > xb) { const t = xa; xa = xb; xb = t; }
      const xaFloor = Math.floor(xa);
      const ia = xaFloor;
      const ib = Math.ceil(xb);
      if (ib <= ia + 1) {
        // Both ends in one pixel column: the area right of the edge's midpoint.
        const xmf = 0.5 * (xa + xb) - xaFloor;
        if (ia < W) a[line + ia] += d * (1 - xmf);
        if (ia + 1 < W) a[line + ia + 1] += d * xmf;
      } else {
        const s = 1 / (xb - xa);
        const xaf = xa - xaFloor;
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
    }
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
