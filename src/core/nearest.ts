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

export class PolylineIndex {
  private readonly cells = new Map<number, number[]>();
  private readonly count: number;

  /** `points` is x0, y0, x1, y1, …; closed polylines also join the last point to the first. */
  constructor(readonly points: Float32Array | Float64Array, readonly closed: boolean, private readonly cellSize = 8) {
    const n = points.length / 2;
    this.count = closed ? n : n - 1;
    for (let i = 0; i < this.count; i++) {
      const j = (i + 1) % n;
      const x0 = Math.min(points[2 * i], points[2 * j]), x1 = Math.max(points[2 * i], points[2 * j]);
      const y0 = Math.min(points[2 * i + 1], points[2 * j + 1]), y1 = Math.max(points[2 * i + 1], points[2 * j + 1]);
      for (let cy = Math.floor(y0 / cellSize); cy <= Math.floor(y1 / cellSize); cy++) {
        for (let cx = Math.floor(x0 / cellSize); cx <= Math.floor(x1 / cellSize); cx++) {
          const key = this.key(cx, cy);
          const list = this.cells.get(key);
          if (list) list.push(i);
          else this.cells.set(key, [i]);
        }
      }
    }
  }

  private key(cx: number, cy: number): number {
    return (cy + 32768) * 65536 + (cx + 32768);
  }

  /**
   * The nearest point within `maxDistance` px, or undefined. Given a direction (dx, dy), only
   * segments whose direction is within acos(minCos) of it count (by default up to about 100° off):
   * the two sides of a thin spike are close together but run opposite ways, and must not stand in
   * for each other.
   */
  nearest(x: number, y: number, maxDistance = Infinity, dx = 0, dy = 0, minCos = -0.2): NearestPoint | undefined {
    if (this.count <= 0) return undefined;
    const { cellSize, points } = this;
    const n = points.length / 2;
    const cx = Math.floor(x / cellSize), cy = Math.floor(y / cellSize);
    let best: NearestPoint | undefined;
    const limit = Math.min(Math.ceil(maxDistance / cellSize) + 1, 4096);
    const seen = new Set<number>();
    for (let ring = 0; ring <= limit; ring++) {
      // Once a hit is closer than anything in this ring can be, stop.
      if (best && best.distance <= (ring - 1) * cellSize) break;
      const directed = dx !== 0 || dy !== 0;
      const queryLength = Math.hypot(dx, dy);
      for (let oy = -ring; oy <= ring; oy++) {
        for (let ox = -ring; ox <= ring; ox++) {
          if (Math.max(Math.abs(ox), Math.abs(oy)) !== ring) continue;
          const list = this.cells.get(this.key(cx + ox, cy + oy));
          if (!list) continue;
          for (const i of list) {
            if (seen.has(i)) continue;
            seen.add(i);
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
