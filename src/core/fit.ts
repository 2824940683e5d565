/**
 * fit: a traced contour → a closed cubic bezier path within a tolerance, with as few vertices as
 * the tolerance allows. Corners split the contour into spans (building corners stay sharp, clouds
 * and trees smooth); each span gets an error-bounded least-squares fit (Schneider, "An Algorithm
 * for Automatically Fitting Digitized Curves", Graphics Gems 1990), then neighbouring pieces are
 * merged wherever one cubic still fits.
 */
import type { BezierPath, Vec2 } from './types.ts';
import { arcLengths, CORNER_ROUNDING, drawnReach, findCorners, outlineBetween, pointAt, pressSliversOntoEdge, sharpCorner, sideDirection } from './polyline.ts';
import { hypot } from './hypot.ts';

export interface FitOptions {
  /** Largest distance in px between the path and the contour. */
  tolerance: number;
  width: number;
  height: number;
}

/**
 * The default fit tolerance: 1 px at 1080p, scaled with the frame's diagonal above that. Never less
 * than 1 px: below, a path would chase the pixel staircase of a hard-edged matte with a vertex per step.
 */
export function defaultTolerance(width: number, height: number): number {
  return Math.max(1, hypot(width, height) / hypot(1920, 1080));
}

/** Scale (px) over which corners and end tangents are judged: a few pixels, more on large frames. */
export function featureReach(tolerance: number): number {
  return Math.max(3, 3 * tolerance);
}

/** The path turns by more than this at a corner (a 45° roof meeting a wall is one). */
export const CORNER_TURN_DEGREES = 40;

export type Cubic = [Vec2, Vec2, Vec2, Vec2];

export interface CubicFit {
  curve: Cubic;
  /** Largest distance from a data point to the curve, in px. */
  error: number;
  /** Index of the data point with that error. */
  worst: number;
}

/** The least improvement (px, of the worst point's distance) worth another reparameterization. */
const MIN_GAIN = 1e-3;

/**
 * One cubic through the first and last of `pts` (flat x, y array), least-squares on the points
 * between. An end with a unit tangent leaves along it (t1 forwards, t2 pointing back into the span),
 * which keeps smooth joints smooth; an end given `null` has a free handle, right for corners, where
 * a tangent estimated from a few pixels would tilt a long straight wall.
 */
export function fitCubic(pts: Float64Array, t1: Vec2 | null, t2: Vec2 | null): CubicFit {
  let u = chordParameters(pts);
  let best = solveCubic(pts, u, t1, t2);
  let fit = measure(pts, u, best);
  for (let iteration = 0; iteration < 6 && fit.error > 1e-3; iteration++) {
    u = reparameterize(pts, u, best);
    const curve = solveCubic(pts, u, t1, t2);
    const next = measure(pts, u, curve);
    if (next.error >= fit.error) break;
    const gain = fit.error - next.error;
    best = curve;
    fit = next;
    // On a traced outline's pixel noise a third of the spans creep on by less than this every step
    // to the last: a step that moves the worst point by under a thousandth of a pixel ends the search.
    if (gain < MIN_GAIN) break;
  }
  return { curve: best, error: fit.error, worst: fit.worst };
}

function chordParameters(pts: Float64Array): Float64Array {
  const n = pts.length / 2;
  const u = new Float64Array(n);
  for (let i = 1; i < n; i++) u[i] = u[i - 1] + hypot(pts[2 * i] - pts[2 * i - 2], pts[2 * i + 1] - pts[2 * i - 1]);
  const total = u[n - 1] || 1;
  for (let i = 1; i < n; i++) u[i] /= total;
  return u;
}

function solveCubic(pts: Float64Array, u: Float64Array, t1: Vec2 | null, t2: Vec2 | null): Cubic {
  const n = pts.length / 2;
  const p0: Vec2 = [pts[0], pts[1]], p3: Vec2 = [pts[2 * n - 2], pts[2 * n - 1]];
  const chord = hypot(p3[0] - p0[0], p3[1] - p0[1]);
  // Unknowns: alpha1 or (P1x, P1y), then alpha2 or (P2x, P2y). Each column is the point's
  // derivative with respect to one unknown, per Bernstein weight b1 (first end) or b2 (second).
  // Per column: its direction and whether it goes with the first end's weight (in typed arrays, read per point).
  const dirX = new Float64Array(4), dirY = new Float64Array(4), firstEnd = new Uint8Array(4);
  let k = 0;
  for (const [end, t] of [[1, t1], [2, t2]] as const) {
    for (const dir of t ? [t] : [[1, 0], [0, 1]]) {
      dirX[k] = dir[0]; dirY[k] = dir[1]; firstEnd[k] = end === 1 ? 1 : 0;
      k++;
    }
  }
  // Each column is a direction times one end's Bernstein weight, so the normal equations need only
  // the weights' sums of products (s11, s12, s22) and the residual weighted by each (r1, r2): a few
  // sums per point instead of a k × k product.
  const withT1 = t1 ? 1 : 0, withT2 = t2 ? 1 : 0;
  let s11 = 0, s12 = 0, s22 = 0, r1x = 0, r1y = 0, r2x = 0, r2y = 0;
  for (let i = 0; i < n; i++) {
    const t = u[i], s = 1 - t;
    const b0 = s * s * s, b1 = 3 * s * s * t, b2 = 3 * s * t * t, b3 = t * t * t;
    // With free handles the fixed part is only the end points; with tangents, alpha scales them.
    const rx = pts[2 * i] - p0[0] * b0 - p3[0] * b3 - withT1 * (p0[0] * b1) - withT2 * (p3[0] * b2);
    const ry = pts[2 * i + 1] - p0[1] * b0 - p3[1] * b3 - withT1 * (p0[1] * b1) - withT2 * (p3[1] * b2);
    s11 += b1 * b1; s12 += b1 * b2; s22 += b2 * b2;
    r1x += b1 * rx; r1y += b1 * ry; r2x += b2 * rx; r2y += b2 * ry;
  }
  const ata = new Float64Array(k * k), atr = new Float64Array(k);
  for (let a = 0; a < k; a++) {
    atr[a] = firstEnd[a] ? dirX[a] * r1x + dirY[a] * r1y : dirX[a] * r2x + dirY[a] * r2y;
    for (let b = 0; b < k; b++) {
      const weights = firstEnd[a] ? (firstEnd[b] ? s11 : s12) : firstEnd[b] ? s12 : s22;
      ata[a * k + b] = (dirX[a] * dirX[b] + dirY[a] * dirY[b]) * weights;
    }
  }
  // Closures made here at each call would send the optimised code back to the interpreter at every
  // call ("wrong call target"): the handles are made by functions of their own.
  const x = solveLinear(ata, atr, k);
  const h1 = x && handle(p0, t1, x, 0, chord);
  const h2 = x && handle(p3, t2, x, t1 ? 1 : 2, chord);
  return [p0, h1 ?? thirdOfChord(p0, p3, t1, chord), h2 ?? thirdOfChord(p3, p0, t2, chord), p3];
}

/**
 * The handle at end point `base` from the solution `x` (its unknowns from `offset` on): along the
 * tangent t by alpha, or the free point; null where it would make a cusp or a loop.
 */
function handle(base: Vec2, t: Vec2 | null, x: Float64Array, offset: number, chord: number): Vec2 | null {
  if (t) {
    const alpha = x[offset];
    // Negative, vanishing or huge handles make cusps and loops.
    return alpha > 1e-6 * chord && alpha < 2 * chord ? [base[0] + t[0] * alpha, base[1] + t[1] * alpha] : null;
  }
  const h: Vec2 = [x[offset], x[offset + 1]];
  return hypot(h[0] - base[0], h[1] - base[1]) < 2 * chord ? h : null;
}

/** The fallback handle: a third of the chord along the tangent, or towards the other end. */
function thirdOfChord(from: Vec2, to: Vec2, t: Vec2 | null, chord: number): Vec2 {
  return t ? [from[0] + (t[0] * chord) / 3, from[1] + (t[1] * chord) / 3] : [from[0] + (to[0] - from[0]) / 3, from[1] + (to[1] - from[1]) / 3];
}

/** Solves the k×k system (k ≤ 4) by Gaussian elimination with partial pivoting; null when singular. */
function solveLinear(a: Float64Array, b: Float64Array, k: number): Float64Array | null {
  const m = Float64Array.from(a), x = Float64Array.from(b);
  for (let c = 0; c < k; c++) {
    let pivot = c;
    for (let r = c + 1; r < k; r++) if (Math.abs(m[r * k + c]) > Math.abs(m[pivot * k + c])) pivot = r;
    if (Math.abs(m[pivot * k + c]) < 1e-12) return null;
    if (pivot !== c) {
      for (let j = 0; j < k; j++) [m[c * k + j], m[pivot * k + j]] = [m[pivot * k + j], m[c * k + j]];
      [x[c], x[pivot]] = [x[pivot], x[c]];
    }
    for (let r = 0; r < k; r++) {
      if (r === c) continue;
      const f = m[r * k + c] / m[c * k + c];
      if (f === 0) continue;
      for (let j = c; j < k; j++) m[r * k + j] -= f * m[c * k + j];
      x[r] -= f * x[c];
    }
  }
  for (let c = 0; c < k; c++) x[c] /= m[c * k + c];
  return x;
}

function measure(pts: Float64Array, u: Float64Array, c: Cubic): { error: number; worst: number } {
  const n = pts.length / 2;
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = c;
  // Squared distances: one square root for the largest, not one per point.
  let squared = 0, worst = n >> 1;
  for (let i = 1; i < n - 1; i++) {
    // The curve's point at u[i] (Bernstein weights), without a tuple per point.
    const t = u[i], s = 1 - t;
    const b0 = s * s * s, b1 = 3 * s * s * t, b2 = 3 * s * t * t, b3 = t * t * t;
    const dx = b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3 - pts[2 * i], dy = b0 * y0 + b1 * y1 + b2 * y2 + b3 * y3 - pts[2 * i + 1];
    const d = dx * dx + dy * dy;
    if (d > squared) { squared = d; worst = i; }
  }
  return { error: Math.sqrt(squared), worst };
}

/** One Newton step per point towards the curve parameter nearest to it. */
function reparameterize(pts: Float64Array, u: Float64Array, c: Cubic): Float64Array {
  const n = pts.length / 2;
  const out = new Float64Array(n);
  out[n - 1] = 1;
  const d1: Cubic = [0, 1, 2, 3].map((k) => k < 3 ? [3 * (c[k + 1][0] - c[k][0]), 3 * (c[k + 1][1] - c[k][1])] : [0, 0]) as Cubic;
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = c;
  const [[dx0, dy0], [dx1, dy1], [dx2, dy2]] = d1;
  for (let i = 1; i < n - 1; i++) {
    // The curve's point at t and its first and second derivatives, without tuples per point.
    const t = u[i], s = 1 - t;
    const b0 = s * s * s, b1 = 3 * s * s * t, b2 = 3 * s * t * t, b3 = t * t * t;
    const q1x = s * s * dx0 + 2 * s * t * dx1 + t * t * dx2, q1y = s * s * dy0 + 2 * s * t * dy1 + t * t * dy2;
    const q2x = 2 * (s * (dx1 - dx0) + t * (dx2 - dx1)), q2y = 2 * (s * (dy1 - dy0) + t * (dy2 - dy1));
    const dx = b0 * x0 + b1 * x1 + b2 * x2 + b3 * x3 - pts[2 * i], dy = b0 * y0 + b1 * y1 + b2 * y2 + b3 * y3 - pts[2 * i + 1];
    const num = dx * q1x + dy * q1y;
    const den = q1x * q1x + q1y * q1y + dx * q2x + dy * q2y;
    out[i] = Math.min(1, Math.max(0, den !== 0 ? t - num / den : t));
  }
  return out;
}

/** A cubic fitted to the outline between two arc lengths. */
export interface SpanFit {
  from: number;
  to: number;
  curve: Cubic;
  /** Largest distance in px from the outline to the curve, and the arc length where it is. */
  error: number;
  worstAt: number;
}

/** Shortest chord (px) a tangent is measured over: an outline that meets the frame edge closer on both sides is too short to tell one. */
const MIN_TANGENT_CHORD = 1;

/**
 * Unit tangent of the outline at arc length `pos`, pointing forwards (sign 1) or backwards (-1): the
 * chord over `reach` px either side. Given the `frame`, the chord stops where the outline meets the
 * frame edge: a vertex a few px from where a skyline runs into the edge has the skyline's tangent, not
 * one bent towards the edge (with that, the span from a vertex just come into frame could not be fitted).
 */
export function outlineTangent(points: Float64Array, s: Float64Array, pos: number, reach: number, sign: 1 | -1,
  frame?: { width: number; height: number }): Vec2 {
  let back = reach, ahead = reach;
  if (frame) {
    back = drawnReach(points, s, pos, -1, reach, frame);
    ahead = drawnReach(points, s, pos, 1, reach, frame);
    if (back + ahead < MIN_TANGENT_CHORD) back = ahead = reach;
  }
  const [ax, ay] = pointAt(points, s, pos - back), [bx, by] = pointAt(points, s, pos + ahead);
  const len = hypot(bx - ax, by - ay) || 1;
  return [(sign * (bx - ax)) / len, (sign * (by - ay)) / len];
}

/**
 * One cubic for the outline between arc lengths `from` and `to`. A corner end sits on the sharp
 * corner (not the pixel grid's rounded one) with a free handle; a smooth end follows the outline's
 * tangent so that neighbouring spans join smoothly. With `ends`, the curve comes in from a vertex past
 * the frame edge (`before`) to the outline's start, or goes on from its end to one (`after`): the
 * outline ends where it meets the frame edge, and the curve ends on that vertex, with a free handle.
 * With `ends.frame`, smooth ends take the tangent of the outline drawn in frame (see outlineTangent).
 */
export function fitSpan(points: Float64Array, s: Float64Array, from: number, to: number,
  fromCorner: boolean, toCorner: boolean, reach: number, ends: SpanEnds = {}): SpanFit {
  if (to - from < 1e-9) {
    const p = fromCorner ? sharpCorner(points, s, from, reach) : pointAt(points, s, from);
    const [a, b] = [ends.before ?? p, ends.after ?? p];
    return { from, to, curve: [a, thirdOfChord(a, b, null, 0), thirdOfChord(b, a, null, 0), b], error: 0, worstAt: from };
  }
  const outline = outlineBetween(points, s, from, to);
  const trimFrom = fromCorner ? Math.min(CORNER_ROUNDING, (to - from) / 3) : 0;
  const trimTo = toCorner ? Math.min(CORNER_ROUNDING, (to - from) / 3) : 0;
  // The outline's points in place, less those trimmed off at corners; corner ends moved to the sharp corner.
  const xy = outline.points, at = outline.at;
  const n = at.length;
  let kept = 0;
  for (let i = 0; i < n; i++) {
    const pos = at[i];
    if (i > 0 && i < n - 1 && (pos < from + trimFrom || pos > to - trimTo)) continue;
    if (i === 0 && fromCorner) [xy[0], xy[1]] = sharpCorner(points, s, from, reach);
    else if (i === n - 1 && toCorner) [xy[2 * kept], xy[2 * kept + 1]] = sharpCorner(points, s, to, reach);
    else { xy[2 * kept] = xy[2 * i]; xy[2 * kept + 1] = xy[2 * i + 1]; }
    at[kept++] = pos;
  }
  const before = ends.before ? 1 : 0;
  const fit = fitCubic(withEnds(xy.subarray(0, 2 * kept), ends), fromCorner || before ? null : outlineTangent(points, s, from, reach, 1, ends.frame),
    toCorner || ends.after ? null : outlineTangent(points, s, to, reach, -1, ends.frame));
  return { from, to, curve: fit.curve, error: fit.error, worstAt: at[Math.min(kept - 1, Math.max(0, fit.worst - before))] };
}

/** Vertices past the frame edge that a span comes in from or goes on to, and the frame its smooth ends' tangents stop at (see fitSpan, outlineTangent). */
export interface SpanEnds {
  before?: Vec2;
  after?: Vec2;
  frame?: { width: number; height: number };
}

function withEnds(xy: Float64Array, { before, after }: SpanEnds): Float64Array {
  if (!before && !after) return xy;
  const out = new Float64Array(xy.length + (before ? 2 : 0) + (after ? 2 : 0));
  if (before) out.set(before);
  out.set(xy, before ? 2 : 0);
  if (after) out.set(after, out.length - 2);
  return out;
}

export interface FittedContour {
  path: BezierPath;
  /** For each vertex: whether it sits on a corner (its handles are independent) or a smooth joint. */
  corner: boolean[];
  /** Largest distance in px from the contour to the path. */
  error: number;
  /** Each vertex's arc length along the contour (its edge slivers pressed) from its first point (increasing, the first may be past 0). */
  at: number[];
}

/** A closed contour as a bezier path within `options.tolerance`. */
export function fitContour(contour: Float64Array, options: FitOptions): FittedContour {
  const reach = featureReach(options.tolerance);
  const points = pressSliversOntoEdge(contour, reach, options);
  const s = arcLengths(points);
  const perimeter = s[s.length - 1];
  const corners = findCorners(points, s, { reach, minTurnDegrees: CORNER_TURN_DEGREES, width: options.width, height: options.height })
    .map((i) => s[i]);
  // Without corners the seam goes where the contour bends most, a stable choice from frame to frame.
  const breaks = corners.length > 0 ? corners : [s[sharpestBend(points, s, reach)]];
  const isCorner = new Set(corners);
  const spans: SpanFit[] = [];
  breaks.forEach((from, k) => {
    const to = k + 1 < breaks.length ? breaks[k + 1] : breaks[0] + perimeter;
    splitUntilFitted(points, s, from, to, isCorner.has(from), isCorner.has(breaks[(k + 1) % breaks.length]), reach, options.tolerance, spans);
  });
  mergeSpans(points, s, spans, isCorner, perimeter, reach, options.tolerance);
  return {
    path: cubicsToPath(spans.map((span) => span.curve)),
    corner: spans.map((span) => isCorner.has(span.from % perimeter)),
    error: Math.max(...spans.map((span) => span.error)),
    at: spans.map((span) => span.from),
  };
}

function sharpestBend(points: Float64Array, s: Float64Array, reach: number): number {
  let best = 0, bestTurn = -Infinity;
  const n = points.length / 2;
  const stride = Math.max(1, Math.floor(n / 256));
  for (let i = 0; i < n; i += stride) {
    const a = sideDirection(points, s, i, reach, -1), b = sideDirection(points, s, i, reach, 1);
    const turn = a[0] * b[0] + a[1] * b[1]; // cos of the angle between the two sides: larger is sharper
    if (turn > bestTurn) { bestTurn = turn; best = i; }
  }
  return best;
}

/** Schneider's recursion: fit one cubic, else split at the worst point and fit both halves. */
function splitUntilFitted(points: Float64Array, s: Float64Array, from: number, to: number, fromCorner: boolean,
  toCorner: boolean, reach: number, tolerance: number, out: SpanFit[]): void {
  const fit = fitSpan(points, s, from, to, fromCorner, toCorner, reach);
  const margin = Math.min(reach, (to - from) / 4);
  if (fit.error <= tolerance || to - from < 4 * CORNER_ROUNDING) {
    out.push(fit);
    return;
  }
  const split = Math.min(to - margin, Math.max(from + margin, fit.worstAt));
  splitUntilFitted(points, s, from, split, fromCorner, false, reach, tolerance, out);
  splitUntilFitted(points, s, split, to, false, toCorner, reach, tolerance, out);
}

/** Greedily joins neighbouring spans across smooth joints while one cubic stays within tolerance. */
function mergeSpans(points: Float64Array, s: Float64Array, spans: SpanFit[], isCorner: Set<number>,
  perimeter: number, reach: number, tolerance: number): void {
  const corner = (pos: number) => isCorner.has(pos % perimeter) || isCorner.has(pos);
  let merged = true;
  while (merged && spans.length > 1) {
    merged = false;
    for (let k = 0; k < spans.length && spans.length > 1; k++) {
      const last = k === spans.length - 1;
      const a = spans[k], b = spans[(k + 1) % spans.length];
      if (corner(a.to)) continue;
      const to = last ? b.to + perimeter : b.to;
      const fit = fitSpan(points, s, a.from, to, corner(a.from), corner(b.to), reach);
      if (fit.error > tolerance) continue;
      if (last) {
        // Joining across the seam: the merged span starts where `a` did, so it goes to the end.
        spans.splice(k, 1, fit);
        spans.shift();
      } else spans.splice(k, 2, fit);
      merged = true;
    }
  }
}

/** Consecutive cubics of a closed outline (each starting where the previous ends) as an AE path. */
export function cubicsToPath(curves: Cubic[]): BezierPath {
  const vertices: Vec2[] = [], inTangents: Vec2[] = [], outTangents: Vec2[] = [];
  curves.forEach(([p0, p1], k) => {
    const previous = curves[(k + curves.length - 1) % curves.length];
    vertices.push([p0[0], p0[1]]);
    outTangents.push([p1[0] - p0[0], p1[1] - p0[1]]);
    inTangents.push([previous[2][0] - p0[0], previous[2][1] - p0[1]]);
  });
  return { closed: true, vertices, inTangents, outTangents };
}
