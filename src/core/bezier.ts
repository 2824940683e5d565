/** Cubic bezier evaluation, flattening and splitting over AE-style paths (tangents relative to vertices). */
import type { BezierPath, Vec2 } from './types.ts';
import { hypot } from './hypot.ts';
import { beyond, type DetailBox } from './polyline.ts';

/** The four absolute control points of segment `i` (from vertex i to vertex i+1, wrapping when closed). */
export function segmentControls(path: BezierPath, i: number): [Vec2, Vec2, Vec2, Vec2] {
  const n = path.vertices.length;
  const j = (i + 1) % n;
  const a = path.vertices[i];
  const b = path.vertices[j];
  const out = path.outTangents[i];
  const inn = path.inTangents[j];
  return [a, [a[0] + out[0], a[1] + out[1]], [b[0] + inn[0], b[1] + inn[1]], b];
}

/** The cubic with its start moved to `from` and its end to `to` (where given), each handle moved with its end. */
export function cubicWithEnds([p0, p1, p2, p3]: [Vec2, Vec2, Vec2, Vec2], from: Vec2 = p0, to: Vec2 = p3): [Vec2, Vec2, Vec2, Vec2] {
  return [from, [p1[0] + from[0] - p0[0], p1[1] + from[1] - p0[1]], [p2[0] + to[0] - p3[0], p2[1] + to[1] - p3[1]], to];
}

export function segmentCount(path: BezierPath): number {
  const n = path.vertices.length;
  return path.closed ? n : Math.max(0, n - 1);
}

export function cubicPoint(c: [Vec2, Vec2, Vec2, Vec2], t: number): Vec2 {
  const u = 1 - t;
  const a = u * u * u, b = 3 * u * u * t, d = 3 * u * t * t, e = t * t * t;
  return [a * c[0][0] + b * c[1][0] + d * c[2][0] + e * c[3][0], a * c[0][1] + b * c[1][1] + d * c[2][1] + e * c[3][1]];
}

/**
 * How many equal parameter steps keep a cubic's chords within `tolerance` px of the curve:
 * a chord of step h deviates at most h²·max|B''|/8, and |B''| ≤ 6·max second difference.
 */
export function flatteningSteps(c: [Vec2, Vec2, Vec2, Vec2], tolerance: number): number {
  const dd = Math.max(
    hypot(c[0][0] - 2 * c[1][0] + c[2][0], c[0][1] - 2 * c[1][1] + c[2][1]),
    hypot(c[1][0] - 2 * c[2][0] + c[3][0], c[1][1] - 2 * c[2][1] + c[3][1]),
  );
  return Math.max(1, Math.min(1024, Math.ceil(Math.sqrt((6 * dd) / (8 * tolerance)))));
}

/**
 * The path as a polyline (x0, y0, x1, y1, …) within `tolerance` px; closed paths do not repeat their
 * start. Segments whose control points lie wholly beyond one side of `detail`, where given, become
 * their chord (see DetailBox).
 */
export function flattenPath(path: BezierPath, tolerance = 0.02, detail?: DetailBox): Float64Array {
  const out: number[] = [];
  const segments = segmentCount(path);
  if (path.vertices.length > 0) out.push(path.vertices[0][0], path.vertices[0][1]);
  for (let i = 0; i < segments; i++) {
    const c = segmentControls(path, i);
    const steps = detail && beyond(detail, Math.min(c[0][0], c[1][0], c[2][0], c[3][0]), Math.min(c[0][1], c[1][1], c[2][1], c[3][1]),
      Math.max(c[0][0], c[1][0], c[2][0], c[3][0]), Math.max(c[0][1], c[1][1], c[2][1], c[3][1])) ? 1 : flatteningSteps(c, tolerance);
    for (let s = 1; s <= steps; s++) {
      if (path.closed && i === segments - 1 && s === steps) break;
      const p = cubicPoint(c, s / steps);
      out.push(p[0], p[1]);
    }
  }
  return Float64Array.from(out);
}

/** Splits cubic `c` at parameter t (de Casteljau) into two cubics that trace the same curve. */
export function splitCubic(c: [Vec2, Vec2, Vec2, Vec2], t: number): [[Vec2, Vec2, Vec2, Vec2], [Vec2, Vec2, Vec2, Vec2]] {
  const lerp = (p: Vec2, q: Vec2): Vec2 => [p[0] + (q[0] - p[0]) * t, p[1] + (q[1] - p[1]) * t];
  const p01 = lerp(c[0], c[1]), p12 = lerp(c[1], c[2]), p23 = lerp(c[2], c[3]);
  const p012 = lerp(p01, p12), p123 = lerp(p12, p23);
  const mid = lerp(p012, p123);
  return [[c[0], p01, p012, mid], [mid, p123, p23, c[3]]];
}

/** A copy of `path` with a vertex inserted on segment `i` at parameter t; the curve is unchanged. */
export function insertVertex(path: BezierPath, i: number, t: number): BezierPath {
  const [left, right] = splitCubic(segmentControls(path, i), t);
  const n = path.vertices.length;
  const j = (i + 1) % n;
  const vertices = path.vertices.slice();
  const inTangents = path.inTangents.slice();
  const outTangents = path.outTangents.slice();
  outTangents[i] = [left[1][0] - left[0][0], left[1][1] - left[0][1]];
  inTangents[j] = [right[2][0] - right[3][0], right[2][1] - right[3][1]];
  vertices.splice(i + 1, 0, left[3]);
  inTangents.splice(i + 1, 0, [left[2][0] - left[3][0], left[2][1] - left[3][1]]);
  outTangents.splice(i + 1, 0, [right[1][0] - right[0][0], right[1][1] - right[0][1]]);
  return { closed: path.closed, vertices, inTangents, outTangents };
}

/** Each vertex and tangent of two paths with the same vertex count, lerped by `t` (AE's linear interpolation). */
export function lerpPath(a: BezierPath, b: BezierPath, t: number): BezierPath {
  const mix = (p: Vec2[], q: Vec2[]): Vec2[] =>
    p.map((v, k) => [v[0] + (q[k][0] - v[0]) * t, v[1] + (q[k][1] - v[1]) * t]);
  return {
    closed: a.closed,
    vertices: mix(a.vertices, b.vertices),
    inTangents: mix(a.inTangents, b.inTangents),
    outTangents: mix(a.outTangents, b.outTangents),
  };
}

/**
 * The largest distance between corresponding control points (vertices and handle ends) of two paths
 * with the same vertex count. Each point of a cubic is a convex combination of its control points
 * with weights that depend on the parameter alone, so no point of one path lies further than this
 * from the other's point at the same parameter.
 */
export function controlPointDistance(a: BezierPath, b: BezierPath): number {
  let max = 0;
  a.vertices.forEach((v, k) => {
    const w = b.vertices[k], dx = v[0] - w[0], dy = v[1] - w[1];
    const inA = a.inTangents[k], inB = b.inTangents[k], outA = a.outTangents[k], outB = b.outTangents[k];
    max = Math.max(max, hypot(dx, dy), hypot(dx + inA[0] - inB[0], dy + inA[1] - inB[1]),
      hypot(dx + outA[0] - outB[0], dy + outA[1] - outB[1]));
  });
  return max;
}
