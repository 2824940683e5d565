/** Nearest-point queries against a polyline, through a uniform grid of its segments. */

export interface NearestPoint {
  /** Distance in px from the query to the polyline. */
  distance: number;
  /** Segment index i (from point i to point i+1) and the fraction along it. */
  segment: number;
  fraction: number;
  x: number;
  y: number;
}

/** Grid cells along the longer side at most: enough to keep each cell's list short, few enough to build fast. */
const MAX_CELLS_ACROSS = 512;

export class PolylineIndex {
  private readonly count: number;
  private readonly x0: number;
  private readonly y0: number;
  private readonly cell: number;
  private readonly columns: number;
  private readonly rows: number;
  /** Segments of grid cell c are items[start[c] .. start[c + 1]). */
  private readonly start: Int32Array;
  private readonly items: Int32Array;
  /** Per segment, the query that last looked at it (so a segment spanning cells is measured once). */
  private readonly visited: Uint32Array;
  private query = 0;

  /** `points` is x0, y0, x1, y1, …; closed polylines also join the last point to the first. */
  constructor(readonly points: Float32Array | Float64Array, readonly closed: boolean, cellSize = 8) {
    const n = points.length / 2;
    this.count = Math.max(0, closed ? n : n - 1);
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < points.length; i += 2) {
      x0 = Math.min(x0, points[i]); x1 = Math.max(x1, points[i]);
      y0 = Math.min(y0, points[i + 1]); y1 = Math.max(y1, points[i + 1]);
    }
    if (n === 0) { x0 = y0 = 0; x1 = y1 = 1; }
    this.cell = Math.max(cellSize, Math.max(x1 - x0, y1 - y0) / MAX_CELLS_ACROSS);
    this.x0 = x0; this.y0 = y0;
    this.columns = Math.floor((x1 - x0) / this.cell) + 1;
    this.rows = Math.floor((y1 - y0) / this.cell) + 1;
    this.visited = new Uint32Array(this.count);

    // Two passes over the segments' cell ranges: count per cell, then place (compressed rows).
    const start = new Int32Array(this.columns * this.rows + 1);
    const eachCell = (i: number, visit: (c: number) => void) => {
      const j = (i + 1) % n;
      const cx0 = this.column(Math.min(points[2 * i], points[2 * j])), cx1 = this.column(Math.max(points[2 * i], points[2 * j]));
      const cy0 = this.row(Math.min(points[2 * i + 1], points[2 * j + 1])), cy1 = this.row(Math.max(points[2 * i + 1], points[2 * j + 1]));
      for (let cy = cy0; cy <= cy1; cy++) for (let cx = cx0; cx <= cx1; cx++) visit(cy * this.columns + cx);
    };
    for (let i = 0; i < this.count; i++) eachCell(i, (c) => { start[c + 1]++; });
    for (let c = 0; c < start.length - 1; c++) start[c + 1] += start[c];
    const fill = start.slice(0, start.length - 1);
    this.items = new Int32Array(start[start.length - 1]);
    for (let i = 0; i < this.count; i++) eachCell(i, (c) => { this.items[fill[c]++] = i; });
    this.start = start;
  }

  private column(x: number): number {
    return Math.min(this.columns - 1, Math.max(0, Math.floor((x - this.x0) / this.cell)));
  }

  private row(y: number): number {
    return Math.min(this.rows - 1, Math.max(0, Math.floor((y - this.y0) / this.cell)));
  }

  /**
   * The nearest point within `maxDistance` px, or undefined. Given a direction (dx, dy), only
   * segments whose direction is within acos(minCos) of it count (by default up to about 100° off):
   * the two sides of a thin spike are close together but run opposite ways, and must not stand in
   * for each other.
   */
  nearest(x: number, y: number, maxDistance = Infinity, dx = 0, dy = 0, minCos = -0.2): NearestPoint | undefined {
    if (this.count <= 0) return undefined;
    const { cell, points, columns, rows, start, items, visited } = this;
    const n = points.length / 2;
    const stamp = ++this.query;
    const directed = dx !== 0 || dy !== 0;
    const queryLength = Math.hypot(dx, dy);
    // The query's cell, which may lie outside the grid: rings grow from it.
    const qx = Math.floor((x - this.x0) / cell), qy = Math.floor((y - this.y0) / cell);
    // Cells outside the grid hold nothing: start at the first ring that can reach it.
    const outside = Math.max(0, -qx, qx - (columns - 1), -qy, qy - (rows - 1));
    const last = Math.max(columns, rows) + outside;
    let best: NearestPoint | undefined;
    for (let ring = outside; ring <= last; ring++) {
      // Any cell in this ring is at least (ring - 1) cells away: stop once nothing closer can come.
      const floor = (ring - 1) * cell;
      if (floor > maxDistance || (best && best.distance <= floor)) break;
      for (let cy = Math.max(0, qy - ring); cy <= Math.min(rows - 1, qy + ring); cy++) {
        const edgeRow = cy === qy - ring || cy === qy + ring;
        const step = edgeRow ? 1 : 2 * ring;
        for (let cx = qx - ring; cx <= qx + ring; cx += Math.max(1, step)) {
          if (cx < 0 || cx >= columns) continue;
          const c = cy * columns + cx;
          for (let k = start[c]; k < start[c + 1]; k++) {
            const i = items[k];
            if (visited[i] === stamp) continue;
            visited[i] = stamp;
            const j = (i + 1) % n;
            const ax = points[2 * i], ay = points[2 * i + 1];
            const ex = points[2 * j] - ax, ey = points[2 * j + 1] - ay;
            const len2 = ex * ex + ey * ey;
            if (directed && ex * dx + ey * dy < minCos * Math.sqrt(len2) * queryLength) continue;
            const f = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * ex + (y - ay) * ey) / len2)) : 0;
            const px = ax + f * ex, py = ay + f * ey;
            const d = Math.hypot(px - x, py - y);
            if (d <= maxDistance && (!best || d < best.distance)) best = { distance: d, segment: i, fraction: f, x: px, y: py };
          }
        }
      }
    }
    return best;
  }
}
