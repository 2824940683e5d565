/** Closed polylines as flat arrays (x0, y0, x1, y1, …): arc length, local directions and corners. */
import { hypot } from './hypot.ts';

/** Cumulative arc length at each point; element n is the whole perimeter. */
export function arcLengths(points: Float64Array): Float64Array {
  const n = points.length / 2;
  const s = new Float64Array(n + 1);
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    s[i + 1] = s[i] + hypot(points[2 * j] - points[2 * i], points[2 * j + 1] - points[2 * i + 1]);
  }
  return s;
}

/** Unit direction from point i towards the centroid of the points up to `reach` px along the polyline (dir = ±1). */
export function sideDirection(points: Float64Array, s: Float64Array, i: number, reach: number, dir: 1 | -1): [number, number] {
  const n = points.length / 2;
  const perimeter = s[n];
  let sx = 0, sy = 0, count = 0;
  for (let k = 1; k < n; k++) {
    const j = wrapIndex(i + dir * k, n);
    const along = dir > 0 ? wrappedArc(s[j] - s[i], perimeter) : wrappedArc(s[i] - s[j], perimeter);
    if (along > reach && count > 0) break;
    sx += points[2 * j]; sy += points[2 * j + 1]; count++;
  }
  const dx = sx / count - points[2 * i], dy = sy / count - points[2 * i + 1];
  const len = hypot(dx, dy) || 1;
  return [dx / len, dy / len];
}

/** Whether (x, y) lies on the frame's edge or past it, where traced outlines follow the edge. */
export function onFrameEdge(x: number, y: number, width: number, height: number, within = 0): boolean {
  return x <= within || y <= within || x >= width - within || y >= height - within;
}

export interface CornerOptions {
  /** Arc distance in px over which the turn is measured; larger ignores finer wiggles. */
  reach: number;
  /** A point is a corner when the path turns by more than this many degrees there. */
  minTurnDegrees: number;
  width: number;
  height: number;
}

/**
 * Indices of the corners of a closed polyline: local maxima of the turn between the chords to the
 * points `reach` px behind and ahead, plus the points where the contour joins or leaves the frame
 * edge (so mask edges along the frame stay straight and exact).
 */
export function findCorners(points: Float64Array, s: Float64Array, options: CornerOptions): number[] {
  const n = points.length / 2;
  if (n < 4) return [];
  const { reach, width, height } = options;
  const minCos = Math.cos((options.minTurnDegrees * Math.PI) / 180);
  const perimeter = s[n];
  const turn = new Float64Array(n);
  const onEdge = (i: number): boolean => onFrameEdge(points[2 * i], points[2 * i + 1], width, height);
  const corners = new Set<number>();
  let behind = 0, ahead = 0;
  const wrapDistance = (from: number, to: number) => wrappedArc(s[to] - s[from], perimeter);
  for (let i = 0; i < n; i++) {
    const next = i + 1 === n ? 0 : i + 1, previous = i === 0 ? n - 1 : i - 1;
    // Advance the two pointers to the points about `reach` behind and ahead of i.
    while (wrapDistance(behind, i) > reach) behind = behind + 1 === n ? 0 : behind + 1;
    while (ahead !== previous && wrapDistance(i, ahead + 1 === n ? 0 : ahead + 1) <= reach) ahead = ahead + 1 === n ? 0 : ahead + 1;
    if (ahead === i) ahead = next;
    if (behind === i) behind = previous;
    const ax = points[2 * i] - points[2 * behind], ay = points[2 * i + 1] - points[2 * behind + 1];
    const bx = points[2 * ahead] - points[2 * i], by = points[2 * ahead + 1] - points[2 * i + 1];
    const la = hypot(ax, ay), lb = hypot(bx, by);
    turn[i] = la > 0 && lb > 0 ? 1 - (ax * bx + ay * by) / (la * lb) : 0;
    const e = onEdge(i);
    if (e !== onEdge(next)) corners.add(e ? i : next);
    if (e && onEdge(previous) && onEdge(next) && turn[i] > 0.5) corners.add(i); // frame corner
  }
  const threshold = 1 - minCos;
  for (let i = 0; i < n; i++) {
    if (turn[i] <= threshold) continue;
    let isMax = true;
    for (let k = 1; k < n && isMax; k++) {
      const j = wrapIndex(i + k, n), h = wrapIndex(i - k, n);
      const dj = wrapDistance(i, j), dh = wrapDistance(h, i);
      if (dj > reach && dh > reach) break;
      if ((dj <= reach && turn[j] > turn[i]) || (dh <= reach && turn[h] >= turn[i])) isMax = false;
    }
    if (isMax) corners.add(i);
  }
  // Corners closer than half the reach are one feature seen twice: keep the sharper.
  const sorted = [...corners].sort((a, b) => a - b);
  const kept: number[] = [];
  for (const c of sorted) {
    const last = kept[kept.length - 1];
    if (last !== undefined && wrapDistance(last, c) < reach / 2) {
      if (turn[c] > turn[last]) kept[kept.length - 1] = c;
    } else kept.push(c);
  }
  if (kept.length > 1 && wrapDistance(kept[kept.length - 1], kept[0]) < reach / 2) kept.pop();
  return kept;
}

/**
 * (difference + perimeter) % perimeter, to the bit, for a difference of two arc lengths of one
 * outline (within ±perimeter, perimeter > 0), without the floating-point remainder, which V8 computes
 * by a call: the sum lies in [0, 2 × perimeter], where subtracting the perimeter is exact.
 */
function wrappedArc(difference: number, perimeter: number): number {
  const sum = difference + perimeter;
  return sum < perimeter ? sum : sum < 2 * perimeter ? sum - perimeter : sum - 2 * perimeter;
}

/** ((i % n) + n) % n for an index within one lap either side of [0, n): a point's index on a closed polyline. */
function wrapIndex(i: number, n: number): number {
  return i < 0 ? i + n : i >= n ? i - n : i;
}

/** ((pos % perimeter) + perimeter) % perimeter, to the bit: any arc length wrapped into one lap. */
function wrapArc(pos: number, perimeter: number): number {
  return wrappedArc(pos > -perimeter && pos < perimeter ? pos : pos % perimeter, perimeter);
}

/**
 * The outline with every stretch that leaves the frame edge for less than `reach` of arc, between two
 * points on it, moved onto the nearest edge (the outline itself when it has none). Such a stretch is a
 * sub-pixel sliver of the matte poking in from the edge, footage noise there. Fitted as it is, it made
 * two edge corners a pixel apart, two vertices that the next frames, without the sliver, put on top of
 * each other. The distance checks still see it, and let it pass as thin (keyframes.ts).
 */
export function pressSliversOntoEdge(points: Float64Array, reach: number, frame: { width: number; height: number }): Float64Array {
  const { width, height } = frame;
  const n = points.length / 2;
  const onEdge = (i: number): boolean => onFrameEdge(points[2 * i], points[2 * i + 1], width, height);
  let first = 0;
  while (first < n && !onEdge(first)) first++;
  let pressed: Float64Array | undefined;
  // Each gap between two points on the edge, walked once round from the first of them.
  for (let k = 1, last = first; first < n && k <= n; k++) {
    const i = first + k < n ? first + k : first + k - n;
    if (!onEdge(i)) continue;
    const gap = i >= last ? i - last : i - last + n;
    if (gap > 1 && arcUnder(points, last, gap, reach)) {
      pressed ??= Float64Array.from(points);
      for (let j = 1; j < gap; j++) pressOntoNearestEdge(pressed, (last + j) % n, width, height);
    }
    last = i;
  }
  return pressed ?? points;
}

/**
 * Whether the `steps` segments of a closed polyline from point `from` on are shorter than `reach` in
 * all. Measured only as far as needed: most gaps between points on the frame's edge are the whole
 * rest of the outline.
 */
function arcUnder(points: Float64Array, from: number, steps: number, reach: number): boolean {
  const n = points.length / 2;
  let arc = 0;
  for (let m = 0, h = from; m < steps; m++) {
    const i = h + 1 === n ? 0 : h + 1;
    arc += hypot(points[2 * i] - points[2 * h], points[2 * i + 1] - points[2 * h + 1]);
    if (arc >= reach) return false;
    h = i;
  }
  return true;
}

function pressOntoNearestEdge(points: Float64Array, i: number, width: number, height: number): void {
  const x = points[2 * i], y = points[2 * i + 1];
  const nearest = Math.min(x, y, width - x, height - y);
  if (nearest === x) points[2 * i] = 0;
  else if (nearest === y) points[2 * i + 1] = 0;
  else if (nearest === width - x) points[2 * i] = width;
  else points[2 * i + 1] = height;
}

/** The segment of a closed polyline of n points holding arc length p (0 ≤ p ≤ s[n]): the last point i < n with s[i] ≤ p (a binary search). */
function segmentIndex(s: Float64Array, n: number, p: number): number {
  let lo = 0, hi = n;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if (s[mid] <= p) lo = mid; else hi = mid;
  }
  return lo;
}

/** The point at arc length `pos` (any real number: it wraps around the perimeter). */
export function pointAt(points: Float64Array, s: Float64Array, pos: number): [number, number] {
  const n = points.length / 2, perimeter = s[n];
  const p = wrapArc(pos, perimeter);
  const lo = segmentIndex(s, n, p);
  const j = lo + 1 === n ? 0 : lo + 1;
  const len = s[lo + 1] - s[lo];
  const f = len > 0 ? (p - s[lo]) / len : 0;
  return [points[2 * lo] + f * (points[2 * j] - points[2 * lo]), points[2 * lo + 1] + f * (points[2 * j + 1] - points[2 * lo + 1])];
}

/** How far off the frame edge a point still counts as on it: points on the edge come out of interpolation a rounding error off. */
export const EDGE_ROUNDING = 1e-6;

/**
 * How far (arc length, at most `reach`) the closed polyline runs from `pos` in direction `dir` before
 * it meets the frame edge; `reach` where it does not, or where the point at `pos` is on the edge itself.
 */
export function drawnReach(points: Float64Array, s: Float64Array, pos: number, dir: 1 | -1, reach: number,
  { width, height }: { width: number; height: number }): number {
  const n = points.length / 2, perimeter = s[n];
  const p = wrapArc(pos, perimeter);
  const [x, y] = pointAt(points, s, p);
  if (onFrameEdge(x, y, width, height, EDGE_ROUNDING)) return reach;
  const lo = segmentIndex(s, n, p);
  for (let k = 0; k < n; k++) {
    const i = wrapIndex(dir > 0 ? lo + 1 + k : lo - k, n);
    const along = wrapArc(dir * (s[i] - p), perimeter);
    if (along > reach) return reach;
    if (onFrameEdge(points[2 * i], points[2 * i + 1], width, height, EDGE_ROUNDING)) return along;
  }
  return reach;
}

export interface Outline {
  /** x, y pairs: the point at `from`, the polyline's points strictly between, the point at `to`. */
  points: Float64Array;
  /** Arc length of each of those points (increasing, from `from` to `to`). */
  at: Float64Array;
}

/** The stretch of a closed polyline between arc lengths `from` and `to` (to ≥ from; may pass the perimeter). */
export function outlineBetween(points: Float64Array, s: Float64Array, from: number, to: number): Outline {
  const n = points.length / 2, perimeter = s[n];
  const lap = Math.floor(from / perimeter);
  const start = from - lap * perimeter;
  // The first point past `start` (found by search, not a scan: spans are fitted thousands of times per shot).
  const i = segmentIndex(s, n, start) + 1;
  // The arc length of the k-th point from i on, a lap further once past the last point.
  const posAt = (k: number) => (i + k < n ? s[i + k] + lap * perimeter : s[i + k - n] + (lap + 1) * perimeter);
  let between = 0;
  while (between < n && posAt(between) < to) between++;
  const xy = new Float64Array(2 * between + 4), at = new Float64Array(between + 2);
  [xy[0], xy[1]] = pointAt(points, s, from);
  at[0] = from;
  for (let k = 0; k < between; k++) {
    const index = i + k < n ? i + k : i + k - n;
    xy[2 * k + 2] = points[2 * index];
    xy[2 * k + 3] = points[2 * index + 1];
    at[k + 1] = posAt(k);
  }
  [xy[2 * between + 2], xy[2 * between + 3]] = pointAt(points, s, to);
  at[between + 1] = to;
  return { points: xy, at };
}

/** How far (arc length, px) from a corner the traced outline is rounded off by the pixel grid. */
export const CORNER_ROUNDING = 1.25;

/**
 * The sharp corner near arc length `pos`: where straight lines fitted to the outline on either side
 * meet. Marching squares cuts corners by up to half a pixel; buildings' corners are sharp. Falls back
 * to the outline's own point when the sides are not straight enough or nearly parallel.
 */
export function sharpCorner(points: Float64Array, s: Float64Array, pos: number, reach: number): [number, number] {
  const own = pointAt(points, s, pos);
  const side = (sign: 1 | -1) => {
    const samples: [number, number][] = [];
    for (let d = CORNER_ROUNDING; d <= CORNER_ROUNDING + 2 * reach; d += 0.5) samples.push(pointAt(points, s, pos + sign * d));
    return fitLine(samples);
  };
  const a = side(-1), b = side(1);
  if (!a || !b) return own;
  const cross = a.dx * b.dy - a.dy * b.dx;
  if (Math.abs(cross) < Math.sin((15 * Math.PI) / 180)) return own;
  const t = ((b.x - a.x) * b.dy - (b.y - a.y) * b.dx) / cross;
  const corner: [number, number] = [a.x + t * a.dx, a.y + t * a.dy];
  return hypot(corner[0] - own[0], corner[1] - own[1]) <= CORNER_ROUNDING ? corner : own;
}

/** Principal-axis line through points (centroid and unit direction), or null when they are not on a line. */
function fitLine(samples: [number, number][]): { x: number; y: number; dx: number; dy: number } | null {
  const n = samples.length;
  let x = 0, y = 0;
  for (const p of samples) { x += p[0]; y += p[1]; }
  x /= n; y /= n;
  let sxx = 0, sxy = 0, syy = 0;
  for (const p of samples) {
    const u = p[0] - x, v = p[1] - y;
    sxx += u * u; sxy += u * v; syy += v * v;
  }
  const angle = 0.5 * Math.atan2(2 * sxy, sxx - syy);
  const dx = Math.cos(angle), dy = Math.sin(angle);
  // Spread across the line, per point: more than a few tenths of a pixel means a curve, not a side.
  const across = (sxx * dy * dy - 2 * sxy * dx * dy + syy * dx * dx) / n;
  return across < 0.04 ? { x, y, dx, dy } : null;
}

/**
 * A closed polyline with the points dropped that lie within `epsilon` px of the simplified line
 * (Douglas–Peucker, iterative), as 32-bit floats: how the tracks remember each frame's outline.
 */
export function simplifyClosed(points: Float32Array | Float64Array, epsilon: number): Float32Array {
  const n = points.length / 2;
  if (n <= 4) return Float32Array.from(points);
  // Split the loop at point 0 and the point farthest from it.
  let far = 0, farSquared = -1;
  for (let i = 1; i < n; i++) {
    const dx = points[2 * i] - points[0], dy = points[2 * i + 1] - points[1];
    if (dx * dx + dy * dy > farSquared) { farSquared = dx * dx + dy * dy; far = i; }
  }
  // The loop as an open polyline of n + 1 points, the last one point 0 again.
  const open = new Float64Array(2 * n + 2);
  open.set(points);
  open[2 * n] = points[0];
  open[2 * n + 1] = points[1];
  const keep = new Uint8Array(n + 1);
  keep[0] = keep[far] = keep[n] = 1;
  // Stretches [a, b] still to check, as pairs: each split keeps one more point, so there are never more than n.
  const stack = new Int32Array(2 * n + 2);
  let top = 0;
  stack[top++] = 0; stack[top++] = far;
  stack[top++] = far; stack[top++] = n;
  while (top > 0) {
    const b = stack[--top], a = stack[--top];
    const ax = open[2 * a], ay = open[2 * a + 1], dx = open[2 * b] - ax, dy = open[2 * b + 1] - ay;
    const len = hypot(dx, dy);
    // The point farthest from the chord (from its end, for a chord of length 0). Its distance is
    // |cross| / len: the point with the largest |cross| is the farthest, so only it is divided.
    let worst = -1, worstDistance = -1;
    for (let i = a + 1; i < b; i++) {
      const px = open[2 * i] - ax, py = open[2 * i + 1] - ay;
      const d = len > 0 ? Math.abs(px * dy - py * dx) : hypot(px, py);
      if (d > worstDistance) { worstDistance = d; worst = i; }
    }
    if (worst < 0 || (len > 0 ? worstDistance / len : worstDistance) <= epsilon) continue;
    keep[worst] = 1;
    stack[top++] = a; stack[top++] = worst;
    stack[top++] = worst; stack[top++] = b;
  }
  let kept = 0;
  for (let i = 0; i < n; i++) kept += keep[i];
  const out = new Float32Array(2 * kept);
  for (let i = 0, k = 0; i < n; i++) {
    if (!keep[i]) continue;
    out[k++] = points[2 * i];
    out[k++] = points[2 * i + 1];
  }
  return out;
}

/**
 * The rectangle [x0, x1] × [y0, y1] where a polyline's detail is wanted: a stretch wholly beyond one of
 * its sides (a mask reaching past the frame) is kept as its chord, which crosses every line beyond
 * that side as it does, and comes no nearer the rectangle.
 */
export interface DetailBox { x0: number; y0: number; x1: number; y1: number }

/** Whether the box [minX, maxX] × [minY, maxY] lies wholly beyond one side of `box`. */
export function beyond(box: DetailBox, minX: number, minY: number, maxX: number, maxY: number): boolean {
  return maxX < box.x0 || minX > box.x1 || maxY < box.y0 || minY > box.y1;
}

/**
 * A closed polyline with points added so that no two neighbours are more than `spacing` px apart
 * (sides wholly beyond one side of `detail`, where given, left whole).
 */
export function densify(outline: Float32Array | Float64Array, spacing: number, detail?: DetailBox): Float64Array {
  const n = outline.length / 2;
  // Each side's steps, counted first so that the points go straight into one array.
  const steps = new Int32Array(n);
  let total = 0;
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    const ax = outline[2 * i], ay = outline[2 * i + 1], bx = outline[2 * j], by = outline[2 * j + 1];
    steps[i] = detail && beyond(detail, Math.min(ax, bx), Math.min(ay, by), Math.max(ax, bx), Math.max(ay, by))
      ? 1 : Math.max(1, Math.ceil(hypot(bx - ax, by - ay) / spacing));
    total += steps[i];
  }
  const out = new Float64Array(2 * total);
  for (let i = 0, o = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    const ax = outline[2 * i], ay = outline[2 * i + 1], bx = outline[2 * j], by = outline[2 * j + 1];
    for (let k = 0; k < steps[i]; k++) {
      out[o++] = ax + ((bx - ax) * k) / steps[i];
      out[o++] = ay + ((by - ay) * k) / steps[i];
    }
  }
  return out;
}
