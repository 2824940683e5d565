/**
 * Motion of a contour between frames: a similarity transform (scale, rotation, translation) found
 * by iterative closest points. It predicts where each mask vertex went, so vertices follow the
 * features they sit on instead of sliding along the outline.
 */
import { PolylineIndex } from './nearest.ts';
import { hypot } from './hypot.ts';
import type { Similarity } from './types.ts';

export type { Similarity };

export const IDENTITY: Similarity = { a: 1, b: 0, tx: 0, ty: 0 };

export function applySimilarity(t: Similarity, x: number, y: number): [number, number] {
  return [t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty];
}

/**
 * Least-squares similarity taking `from` points onto `to` points (Umeyama, in 2D); with `rigid`, the
 * best rotation and translation (scale 1).
 */
export function fitSimilarity(from: ArrayLike<number>, to: ArrayLike<number>, rigid = false): Similarity {
  const n = from.length / 2;
  let fx = 0, fy = 0, gx = 0, gy = 0;
  for (let i = 0; i < n; i++) { fx += from[2 * i]; fy += from[2 * i + 1]; gx += to[2 * i]; gy += to[2 * i + 1]; }
  fx /= n; fy /= n; gx /= n; gy /= n;
  let sxx = 0, sxy = 0, norm = 0;
  for (let i = 0; i < n; i++) {
    const px = from[2 * i] - fx, py = from[2 * i + 1] - fy, qx = to[2 * i] - gx, qy = to[2 * i + 1] - gy;
    sxx += px * qx + py * qy;
    sxy += px * qy - py * qx;
    norm += px * px + py * py;
  }
  if (norm < 1e-9) return { a: 1, b: 0, tx: gx - fx, ty: gy - fy };
  const length = rigid ? hypot(sxx, sxy) || 1 : norm;
  const a = sxx / length, b = sxy / length;
  return { a, b, tx: gx - (a * fx - b * fy), ty: gy - (b * fx + a * fy) };
}

export interface MotionEstimate {
  transform: Similarity;
  /** Median distance in px of the matched points after alignment. */
  residual: number;
}

/**
 * Each of the `from` points moved by `t` and matched to its nearest point on the polyline within
 * `searchRadius`: the matches' indices, where they landed on the polyline and how far off they were.
 * The arrays are reused from call to call; only the first `count` entries are this call's.
 */
class Matches {
  count = 0;
  readonly index: Int32Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  readonly distance: Float64Array;

  constructor(points: number) {
    this.index = new Int32Array(points);
    this.x = new Float64Array(points);
    this.y = new Float64Array(points);
    this.distance = new Float64Array(points);
  }

  find(from: Float64Array, to: PolylineIndex, t: Similarity, searchRadius: number): void {
    this.count = 0;
    for (let i = 0; i < from.length; i += 2) {
      const x = from[i], y = from[i + 1];
      const hit = to.nearest(t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty, searchRadius);
      if (!hit) continue;
      const k = this.count++;
      this.index[k] = i;
      this.x[k] = hit.x;
      this.y[k] = hit.y;
      this.distance[k] = hit.distance;
    }
  }
}

/** The middle one of `values` (the upper one of an even count), which it sorts. */
function median(values: Float64Array): number {
  return values.sort()[values.length >> 1];
}

/** Median distance in px from the transformed points to the polyline (Infinity for a point with nothing in reach). */
function medianDistance(from: Float64Array, to: PolylineIndex, t: Similarity, searchRadius: number): number {
  const n = from.length / 2;
  if (n === 0) return Infinity;
  const distances = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x = from[2 * i], y = from[2 * i + 1];
    distances[i] = to.nearest(t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty, searchRadius)?.distance ?? Infinity;
  }
  return median(distances);
}

/**
 * Aligns the `from` points onto the `to` polyline by iterative closest points, starting from `guess`.
 * Points are those of the previous contour off the frame edge: the edge itself does not move with the
 * scene. Parts of one region can move differently (a tree line and a roof); when no single similarity
 * fits better than standing still, standing still is the answer, and the vertices find their own way.
 */
export function estimateMotion(from: Float64Array, to: PolylineIndex, guess: Similarity, searchRadius: number): MotionEstimate {
  // A scale needs more than a few points: from a handful (a corner of horizon entering the frame)
  // ICP reads one into their noise, and the next frame starts from it.
  const rigid = from.length / 2 < MIN_SCALE_POINTS;
  let transform = rigid ? { ...guess, ...unitScale(guess) } : guess;
  const matches = new Matches(from.length / 2);
  const source = new Float64Array(from.length), target = new Float64Array(from.length);
  for (let iteration = 0; iteration < 12; iteration++) {
    matches.find(from, to, transform, searchRadius);
    if (matches.count < 3) break;
    // Matches farther than three times the median are outliers (a part that moved differently).
    const cutoff = Math.max(1, 3 * median(matches.distance.slice(0, matches.count)));
    let kept = 0;
    for (let k = 0; k < matches.count; k++) {
      if (matches.distance[k] > cutoff) continue;
      const i = matches.index[k];
      source[2 * kept] = from[i];
      source[2 * kept + 1] = from[i + 1];
      target[2 * kept] = matches.x[k];
      target[2 * kept + 1] = matches.y[k];
      kept++;
    }
    const next = fitSimilarity(source.subarray(0, 2 * kept), target.subarray(0, 2 * kept), rigid);
    const moved = Math.abs(next.tx - transform.tx) + Math.abs(next.ty - transform.ty) +
      1000 * (Math.abs(next.a - transform.a) + Math.abs(next.b - transform.b));
    transform = next;
    if (moved < 0.01) break;
  }
  // Points matched onto a frame edge (the region left the frame) can fit best by shrinking onto it
  // or spinning: no camera does that, and one such step in a shot's chain of motions took its scene
  // shape, and followed vertices, anywhere (UAV flights: 99 vertices a mask where they had 207).
  const plausible = Math.abs(hypot(transform.a, transform.b) - 1) <= MAX_SCALE_STEP && Math.abs(Math.atan2(transform.b, transform.a)) <= MAX_TURN;
  const still = medianDistance(from, to, IDENTITY, searchRadius);
  if (!plausible) return { transform: IDENTITY, residual: still };
  const residual = medianDistance(from, to, transform, searchRadius);
  return still < residual ? { transform: IDENTITY, residual: still } : { transform, residual };
}

/** The most a camera zooms (share of the scale) or turns (radians) from one frame to the next. */
const MAX_SCALE_STEP = 0.2;
const MAX_TURN = 0.2;
/** Fewest points that tell a scale. */
const MIN_SCALE_POINTS = 20;

/** The rotation part of `t`, at scale 1. */
function unitScale(t: Similarity): { a: number; b: number } {
  const scale = hypot(t.a, t.b) || 1;
  return { a: t.a / scale, b: t.b / scale };
}

/** `second` after `first`. */
export function composeSimilarity(second: Similarity, first: Similarity): Similarity {
  const [tx, ty] = applySimilarity(second, first.tx, first.ty);
  return { a: second.a * first.a - second.b * first.b, b: second.b * first.a + second.a * first.b, tx, ty };
}

export function invertSimilarity(t: Similarity): Similarity {
  const d = t.a * t.a + t.b * t.b;
  const a = t.a / d, b = -t.b / d;
  return { a, b, tx: -(a * t.tx - b * t.ty), ty: -(b * t.tx + a * t.ty) };
}
