/**
 * Motion of a contour between frames: a similarity transform (scale, rotation, translation) found
 * by iterative closest points. It predicts where each mask vertex went, so vertices follow the
 * features they sit on instead of sliding along the outline.
 */
import { PolylineIndex } from './nearest.ts';

/** x' = a·x − b·y + tx, y' = b·x + a·y + ty (a = s·cos θ, b = s·sin θ). */
export interface Similarity {
  a: number;
  b: number;
  tx: number;
  ty: number;
}

export const IDENTITY: Similarity = { a: 1, b: 0, tx: 0, ty: 0 };

export function applySimilarity(t: Similarity, x: number, y: number): [number, number] {
  return [t.a * x - t.b * y + t.tx, t.b * x + t.a * y + t.ty];
}

/** Least-squares similarity taking `from` points onto `to` points (Umeyama, in 2D). */
export function fitSimilarity(from: number[], to: number[]): Similarity {
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
  const a = sxx / norm, b = sxy / norm;
  return { a, b, tx: gx - (a * fx - b * fy), ty: gy - (b * fx + a * fy) };
}

export interface MotionEstimate {
  transform: Similarity;
  /** Median distance in px of the matched points after alignment. */
  residual: number;
}

/** Median distance in px from the transformed points to the polyline (Infinity when none is in reach). */
function medianDistance(from: Float64Array, to: PolylineIndex, t: Similarity, searchRadius: number): number {
  const distances: number[] = [];
  for (let i = 0; i < from.length; i += 2) {
    const [px, py] = applySimilarity(t, from[i], from[i + 1]);
    const hit = to.nearest(px, py, searchRadius);
    distances.push(hit ? hit.distance : Infinity);
  }
  distances.sort((p, q) => p - q);
  return distances.length > 0 ? distances[distances.length >> 1] : Infinity;
}

/**
 * Aligns the `from` points onto the `to` polyline by iterative closest points, starting from `guess`.
 * Points are those of the previous contour off the frame edge: the edge itself does not move with the
 * scene. Parts of one region can move differently (a tree line and a roof); when no single similarity
 * fits better than standing still, standing still is the answer, and the vertices find their own way.
 */
export function estimateMotion(from: Float64Array, to: PolylineIndex, guess: Similarity, searchRadius: number): MotionEstimate {
  let transform = guess;
  const source: number[] = [], target: number[] = [];
  for (let iteration = 0; iteration < 12; iteration++) {
    source.length = 0; target.length = 0;
    const matches: { sx: number; sy: number; x: number; y: number; d: number }[] = [];
    for (let i = 0; i < from.length; i += 2) {
      const [px, py] = applySimilarity(transform, from[i], from[i + 1]);
      const hit = to.nearest(px, py, searchRadius);
      if (hit) matches.push({ sx: from[i], sy: from[i + 1], x: hit.x, y: hit.y, d: hit.distance });
    }
    if (matches.length < 3) break;
    const sorted = matches.map((m) => m.d).sort((p, q) => p - q);
    const cutoff = Math.max(1, 3 * sorted[sorted.length >> 1]);
    for (const m of matches) {
      if (m.d > cutoff) continue;
      source.push(m.sx, m.sy);
      target.push(m.x, m.y);
    }
    const next = fitSimilarity(source, target);
    const moved = Math.abs(next.tx - transform.tx) + Math.abs(next.ty - transform.ty) +
      1000 * (Math.abs(next.a - transform.a) + Math.abs(next.b - transform.b));
    transform = next;
    if (moved < 0.01) break;
  }
  const residual = medianDistance(from, to, transform, searchRadius);
  const still = medianDistance(from, to, IDENTITY, searchRadius);
  return still < residual ? { transform: IDENTITY, residual: still } : { transform, residual };
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
