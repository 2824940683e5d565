/** Nearest-point queries against a polyline, through a uniform grid of its segments. */
import { hypot } from './hypot.ts';

export interface NearestPoint {
  /** Distance in px from the query to the polyline. */
  distance: number;
  /** Segment index i (from point i to point i+1) and the fraction along it. */
  segment: number;
  fraction: number;
  x: number;
  y: number;
}

/** The arc length (`s`: each point's, along the indexed polyline) of the polyline's point nearest (x, y). */
export function arcPosition(index: PolylineIndex, s: Float64Array, x: number, y: number): number {
  const hit = index.nearest(x, y)!;
  return s[hit.segment] + hit.fraction * (s[hit.segment + 1] - s[hit.segment]);
}

/** Grid cells along the longer side at most: enough to keep each cell's list short, few enough to build fast. */
const MAX_CELLS_ACROSS = 512;
/** Room in px for rounding when ruling out cells by their distance (so that a tie stays a tie). */
const SLACK = 1e-9;

export class PolylineIndex {
  private readonly count: number;
  private readonly x0: number;
  private readonly y0: number;
  private readonly cell: number;
  private readonly columns: number;
  private readonly rows: number;
  /**
   * The grid, made at the first query that needs it (distanceAlong does not): segments of cell c are
   * items[start[c] .. start[c + 1]); visited holds per segment the query that last looked at it (so a
   * segment spanning cells is measured once).
   */
  private lists?: { start: Int32Array; items: Int32Array; visited: Uint32Array };
  private query = 0;
  /** The nearest segment the last distanceWithin or distanceAlong found (-1 before any): where the next query along the polyline may start. */
  lastSegment = -1;

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
  }

  private grid(): { start: Int32Array; items: Int32Array; visited: Uint32Array } {
    return (this.lists ??= {
      ...listSegments(this.points, this.count, this.x0, this.y0, this.cell, this.columns, this.rows),
      visited: new Uint32Array(this.count),
    });
  }

  /**
   * The nearest point within `maxDistance` px, or undefined. Given a direction (dx, dy), only
   * segments whose direction is within acos(minCos) of it count (by default up to about 100° off):
   * the two sides of a thin spike are close together but run opposite ways, and must not stand in
   * for each other.
   */
  nearest(x: number, y: number, maxDistance = Infinity, dx = 0, dy = 0, minCos = -0.2): NearestPoint | undefined {
    if (this.count <= 0) return undefined;
    const { cell, points, columns, rows, x0, y0 } = this;
    const { start, items, visited } = this.grid();
    const n = points.length / 2;
    const stamp = ++this.query;
    const directed = dx !== 0 || dy !== 0;
    const queryLength = hypot(dx, dy);
    // The query's cell, which may lie outside the grid: rings grow from it.
    const qx = Math.floor((x - x0) / cell), qy = Math.floor((y - y0) / cell);
    // How far the query is from its own cell's sides: ring r lies at least (r − 1) cells beyond that.
    const fx = (x - x0) / cell - qx, fy = (y - y0) / cell - qy;
    const margin = cell * Math.min(fx, 1 - fx, fy, 1 - fy) - SLACK;
    // Cells outside the grid hold nothing: start at the first ring that can reach it.
    const outside = Math.max(0, -qx, qx - (columns - 1), -qy, qy - (rows - 1));
    const last = Math.max(columns, rows) + outside;
    let bestDistance = Infinity, bestSegment = -1, bestFraction = 0, bestX = 0, bestY = 0;
    /** The farthest a segment may be and still count: the limit, then the best so far. */
    let bound = maxDistance;
    for (let ring = outside; ring <= last; ring++) {
      // Stop once nothing in this ring or beyond can be closer.
      const floor = Math.max(0, (ring - 1) * cell + margin);
      if (floor > maxDistance || bestDistance <= floor) break;
      for (let cy = Math.max(0, qy - ring); cy <= Math.min(rows - 1, qy + ring); cy++) {
        const edgeRow = cy === qy - ring || cy === qy + ring;
        const step = edgeRow ? 1 : 2 * ring;
        // How far the query lies above or below this row of cells.
        const gapY = Math.max(0, y0 + cy * cell - y, y - (y0 + (cy + 1) * cell));
        for (let cx = qx - ring; cx <= qx + ring; cx += Math.max(1, step)) {
          if (cx < 0 || cx >= columns) continue;
          // A segment's nearest point lies in one of the cells it is listed in: a cell farther than the
          // best so far (or the limit) cannot hold a closer one.
          const gapX = Math.max(0, x0 + cx * cell - x, x - (x0 + (cx + 1) * cell));
          const gap = Math.sqrt(gapX * gapX + gapY * gapY) - SLACK;
          if (gap > maxDistance || gap >= bestDistance) continue;
          const c = cy * columns + cx;
          for (let k = start[c]; k < start[c + 1]; k++) {
            const i = items[k];
            if (visited[i] === stamp) continue;
            visited[i] = stamp;
            const j = i + 1 === n ? 0 : i + 1;
            const ax = points[2 * i], ay = points[2 * i + 1];
            const ex = points[2 * j] - ax, ey = points[2 * j + 1] - ay;
            const len2 = ex * ex + ey * ey;
            if (directed && ex * dx + ey * dy < minCos * Math.sqrt(len2) * queryLength) continue;
            const f = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * ex + (y - ay) * ey) / len2)) : 0;
            const px = ax + f * ex, py = ay + f * ey;
            // Most segments are ruled out by their squared distance first, without a square root.
            if ((px - x) * (px - x) + (py - y) * (py - y) > bound * bound * (1 + 1e-9)) continue;
            const d = hypot(px - x, py - y);
            if (d <= maxDistance && d < bestDistance) {
              bound = d;
              bestDistance = d; bestSegment = i; bestFraction = f; bestX = px; bestY = py;
            }
          }
        }
      }
    }
    return bestSegment < 0 ? undefined : { distance: bestDistance, segment: bestSegment, fraction: bestFraction, x: bestX, y: bestY };
  }

  /**
   * The distance to the nearest point within `maxDistance` px (Infinity where there is none), with
   * nearest()'s direction filter: for the many short-reach checks of a keyframe test. Only the cells
   * the square of that reach overlaps are looked in, distances are compared squared and rooted once,
   * and no answer object is made (so it may differ from nearest()'s Math.hypot in the last bit).
   */
  distanceWithin(x: number, y: number, maxDistance: number, dx = 0, dy = 0, minCos = -0.2): number {
    if (this.count <= 0) return Infinity;
    const { cell, points, columns, rows, x0, y0 } = this;
    const { start, items, visited } = this.grid();
    const n = points.length / 2;
    const stamp = ++this.query;
    const directed = dx !== 0 || dy !== 0;
    const queryLength = Math.sqrt(dx * dx + dy * dy);
    // Widened by a hair: a nearest point on a cell's side must not fall out by rounding.
    const reach = maxDistance * (1 + 1e-9) + SLACK;
    const cx0 = Math.max(0, Math.floor((x - reach - x0) / cell)), cx1 = Math.min(columns - 1, Math.floor((x + reach - x0) / cell));
    const cy0 = Math.max(0, Math.floor((y - reach - y0) / cell)), cy1 = Math.min(rows - 1, Math.floor((y + reach - y0) / cell));
    let best = maxDistance * maxDistance;
    let found = -1;
    for (let cy = cy0; cy <= cy1; cy++) {
      for (let c = cy * columns + cx0, end = cy * columns + cx1; c <= end; c++) {
        for (let k = start[c]; k < start[c + 1]; k++) {
          const i = items[k];
          if (visited[i] === stamp) continue;
          visited[i] = stamp;
          const d2 = segmentDistanceSquared(points, n, i, x, y, directed, dx, dy, queryLength, minCos);
          if (d2 <= best) { best = d2; found = i; }
        }
      }
    }
    return this.answer(found, best);
  }

  /**
   * distanceWithin's distance (with no limit) from point p of the closed polyline `from`, in the
   * direction across its neighbours (see across), but to the nearest of a few segments only: `segment`
   * and up to `before` segments before it and `after` after it (wrapping round a closed polyline).
   * A bound on the true distance, and the true distance itself where those hold the nearest point:
   * for a query that moved a little along the polyline from the last one (see lastSegment). The
   * query is a point of an array, not numbers: V8 does not always inline this into a caller's loop
   * over millions of points, and would box the numbers of each call.
   */
  distanceAlong(segment: number, before: number, after: number, from: Float64Array, p: number, minCos = -0.2): number {
    const { count, points } = this;
    const n = points.length / 2;
    const x = from[2 * p], y = from[2 * p + 1], dx = across(from, p, 0), dy = across(from, p, 1);
    const directed = dx !== 0 || dy !== 0;
    const queryLength = Math.sqrt(dx * dx + dy * dy);
    let best = Infinity, found = -1;
    const all = before + after + 1 >= count;
    for (let k = all ? 0 : segment - before, last = all ? count - 1 : segment + after; k <= last; k++) {
      let i = k;
      if (i < 0 || i >= count) {
        if (!this.closed) continue;
        i = i < 0 ? i + count : i - count;
      }
      const d2 = segmentDistanceSquared(points, n, i, x, y, directed, dx, dy, queryLength, minCos);
      if (d2 <= best) { best = d2; found = i; }
    }
    return this.answer(found, best);
  }

  /** The distance of a search that found segment `found` at squared distance `best`, which becomes lastSegment. */
  private answer(found: number, best: number): number {
    // (With no limit, a segment turned away counts as found at Infinity: it is no nearest segment.)
    if (found < 0 || best === Infinity) return Infinity;
    this.lastSegment = found;
    return Math.sqrt(best);
  }
}

/**
 * The direction across point p's two neighbours on a closed polyline, its x (axis 0) or y (axis 1):
 * a number rather than a pair, which loops over millions of points would allocate each time.
 */
export function across(points: Float64Array, p: number, axis: 0 | 1): number {
  const n = points.length, i = 2 * p;
  // Neighbours wrapped by comparison: integer modulo is slow in these loops.
  const next = i + 2 === n ? 0 : i + 2, previous = i === 0 ? n - 2 : i - 2;
  return points[next + axis] - points[previous + axis];
}

/**
 * Squared distance from (x, y) to segment i (point i to point i + 1, the last back to the first), or
 * Infinity where, with a direction given, the segment runs more than acos(minCos) off it. The one
 * arithmetic of distanceWithin and distanceAlong, so that both give a segment the same distance to the bit.
 */
function segmentDistanceSquared(points: Float32Array | Float64Array, n: number, i: number, x: number, y: number, directed: boolean,
  dx: number, dy: number, queryLength: number, minCos: number): number {
  const j = i + 1 === n ? 0 : i + 1;
  const ax = points[2 * i], ay = points[2 * i + 1];
  const ex = points[2 * j] - ax, ey = points[2 * j + 1] - ay;
  const len2 = ex * ex + ey * ey;
  if (directed && ex * dx + ey * dy < minCos * Math.sqrt(len2) * queryLength) return Infinity;
  const f = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * ex + (y - ay) * ey) / len2)) : 0;
  const gx = ax + f * ex - x, gy = ay + f * ey - y;
  return gx * gx + gy * gy;
}

/** The grid's cell lists: the segments of cell c are items[start[c] .. start[c + 1]), each in every cell its bounding box touches. */
function listSegments(points: Float32Array | Float64Array, count: number, x0: number, y0: number, cell: number, columns: number, rows: number):
  { start: Int32Array; items: Int32Array } {
  const n = points.length / 2;
  // Each point's cell; a segment's cells span those of its two ends.
  const column = new Int32Array(n), row = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    column[i] = Math.min(columns - 1, Math.max(0, Math.floor((points[2 * i] - x0) / cell)));
    row[i] = Math.min(rows - 1, Math.max(0, Math.floor((points[2 * i + 1] - y0) / cell)));
  }
  // Two passes over the segments' cells: count per cell (summed, start[c] is then where cell c ends),
  // then place. Most segments are shorter than a cell and lie in one: no loops over a range of cells.
  const start = new Int32Array(columns * rows + 1);
  for (let i = 0; i < count; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    const ci = column[i], cj = column[j], ri = row[i], rj = row[j];
    if (ci === cj && ri === rj) { start[ri * columns + ci]++; continue; }
    for (let cy = Math.min(ri, rj); cy <= Math.max(ri, rj); cy++) {
      for (let cx = Math.min(ci, cj); cx <= Math.max(ci, cj); cx++) start[cy * columns + cx]++;
    }
  }
  for (let c = 0; c < start.length - 1; c++) start[c + 1] += start[c];
  // Placed from each cell's end, last segment first: start[c] moves back to where the cell begins (no
  // second array of cursors), and every cell still lists its segments in order.
  const items = new Int32Array(start[start.length - 1]);
  for (let i = count - 1; i >= 0; i--) {
    const j = i + 1 === n ? 0 : i + 1;
    const ci = column[i], cj = column[j], ri = row[i], rj = row[j];
    if (ci === cj && ri === rj) { items[--start[ri * columns + ci]] = i; continue; }
    for (let cy = Math.min(ri, rj); cy <= Math.max(ri, rj); cy++) {
      for (let cx = Math.min(ci, cj); cx <= Math.max(ci, cj); cx++) items[--start[cy * columns + cx]] = i;
    }
  }
  return { start, items };
}
