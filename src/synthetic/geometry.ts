/** Small geometric building blocks shared by the scenes: blobs, ellipses, polygons, a seeded PRNG. */

/** Mulberry32: a small deterministic PRNG returning floats in [0, 1). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A star-shaped smooth blob: radius(θ) = radius · (1 + Σ amplitude·sin(k·θ + phase)). */
export interface Blob {
  cx: number;
  cy: number;
  /** Mean radius in px. */
  radius: number;
  /** Rotation in radians (the shape turns by this, clockwise on screen since y is down). */
  rotation: number;
  harmonics: ReadonlyArray<{ k: number; amplitude: number; phase: number }>;
}

export function blobRadius(blob: Blob, theta: number): number {
  let r = 1;
  const t = theta - blob.rotation;
  for (const h of blob.harmonics) r += h.amplitude * Math.sin(h.k * t + h.phase);
  return blob.radius * r;
}

/** Is (x, y) strictly inside the blob. */
export function insideBlob(blob: Blob, x: number, y: number): boolean {
  const dx = x - blob.cx, dy = y - blob.cy;
  const rho = Math.hypot(dx, dy);
  return rho < blobRadius(blob, Math.atan2(dy, dx));
}

/** Vertex count that keeps a flattened curve of this size within ~0.005 px of the true curve. */
function segmentsFor(perimeter: number, minRadiusOfCurvature: number): number {
  // Sagitta of a chord s on a curve of radius R is s² / (8R); aim for ≤ 0.005 px, chords ≤ 2 px.
  const s = Math.min(2, Math.sqrt(8 * Math.max(minRadiusOfCurvature, 1) * 0.005));
  return Math.max(32, Math.ceil(perimeter / s));
}

/** The blob flattened into a polygon (x0, y0, x1, y1, …) with vertices on the true curve. */
export function blobPolygon(blob: Blob): Float64Array {
  let wiggle = 0;
  for (const h of blob.harmonics) wiggle += Math.abs(h.amplitude) * h.k * h.k;
  // Radius of curvature is at least roughly radius / (1 + Σ|a|k²).
  const n = segmentsFor(2 * Math.PI * blob.radius * 1.5, blob.radius / (1 + wiggle));
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const theta = (2 * Math.PI * i) / n;
    const r = blobRadius(blob, theta);
    out[2 * i] = blob.cx + r * Math.cos(theta);
    out[2 * i + 1] = blob.cy + r * Math.sin(theta);
  }
  return out;
}

export interface Ellipse {
  cx: number;
  cy: number;
  rx: number;
  ry: number;
}

export function insideEllipse(e: Ellipse, x: number, y: number): boolean {
  const u = (x - e.cx) / e.rx, v = (y - e.cy) / e.ry;
  return u * u + v * v < 1;
}

export function ellipsePolygon(e: Ellipse): Float64Array {
  const big = Math.max(e.rx, e.ry), small = Math.min(e.rx, e.ry);
  const n = segmentsFor(2 * Math.PI * big, (small * small) / big);
  const out = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    out[2 * i] = e.cx + e.rx * Math.cos(t);
    out[2 * i + 1] = e.cy + e.ry * Math.sin(t);
  }
  return out;
}

/** Even-odd point-in-polygon for a flat (x0, y0, x1, y1, …) polygon: the tracer's own test. */
export { containsPoint as insidePolygon } from '../core/trace.ts';

/** `points` scaled by `scale` about the origin, rotated by `angle`, then moved to (tx, ty). */
export function transformPolygon(points: ArrayLike<number>, scale: number, angle: number, tx: number, ty: number): Float64Array {
  const c = Math.cos(angle) * scale, s = Math.sin(angle) * scale;
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i], y = points[i + 1];
    out[i] = c * x - s * y + tx;
    out[i + 1] = s * x + c * y + ty;
  }
  return out;
}
