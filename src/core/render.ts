/**
 * The reference rasterizer for roto documents: what a mask covers at a frame, with After Effects'
 * semantics (DESIGN.md). Tests and `autoroto render` judge every other stage and exporter by it.
 * A pixel is covered when its centre is inside the path (non-zero winding): the 50% line of a
 * feathered mask is its path, so feather does not move this binary result.
 */
import type { RotoDocument, RotoMask } from './document.ts';
import type { BezierPath } from './types.ts';
import { flattenPath, lerpPath } from './bezier.ts';

/** The mask's shape at `frame`, interpolated between its path keyframes as AE does. */
export function pathAtFrame(mask: RotoMask, frame: number): BezierPath {
  const keys = mask.path;
  if (frame <= keys[0].frame) return keys[0];
  const last = keys[keys.length - 1];
  if (frame >= last.frame) return last;
  let i = 0;
  while (keys[i + 1].frame <= frame) i++;
  const a = keys[i];
  if (a.frame === frame || a.interpolation === 'hold') return a;
  const b = keys[i + 1];
  return lerpPath(a, b, (frame - a.frame) / (b.frame - a.frame));
}

/** Opacity keys are hold keys: the last key at or before `frame` (the first key before it). */
export function opacityAtFrame(mask: RotoMask, frame: number): number {
  let value = mask.opacity[0].value;
  for (const key of mask.opacity) if (key.frame <= frame) value = key.value;
  return value;
}

/** Fills `out` (width × height, 1 = covered) with the pixels whose centres lie inside the polygons. */
export function fillPolygons(polygons: Float64Array[], width: number, height: number, out = new Uint8Array(width * height)): Uint8Array {
  out.fill(0);
  // Edges bucketed by the first scanline they cross, so each row only looks at live edges.
  type Edge = { x0: number; y0: number; y1: number; slope: number; dir: number };
  const buckets: Edge[][] = Array.from({ length: height }, () => []);
  for (const poly of polygons) {
    const n = poly.length / 2;
    for (let i = 0; i < n; i++) {
      const j = (i + 1) % n;
      const ax = poly[2 * i], ay = poly[2 * i + 1], bx = poly[2 * j], by = poly[2 * j + 1];
      if (ay === by) continue;
      const dir = by > ay ? 1 : -1;
      const [x0, y0, x1, y1] = dir > 0 ? [ax, ay, bx, by] : [bx, by, ax, ay];
      // Scanlines sample at y + 0.5; an edge covers rows whose centre is in [y0, y1).
      const first = Math.max(0, Math.ceil(y0 - 0.5));
      if (first >= height || y1 <= first + 0.5) continue;
      buckets[first].push({ x0, y0, y1, slope: (x1 - x0) / (y1 - y0), dir });
    }
  }
  let active: Edge[] = [];
  const crossings: { x: number; dir: number }[] = [];
  for (let y = 0; y < height; y++) {
    const cy = y + 0.5;
    active = active.filter((e) => e.y1 > cy);
    for (const e of buckets[y]) active.push(e);
    if (active.length === 0) continue;
    crossings.length = 0;
    for (const e of active) crossings.push({ x: e.x0 + (cy - e.y0) * e.slope, dir: e.dir });
    crossings.sort((p, q) => p.x - q.x);
    let winding = 0;
    for (let k = 0; k < crossings.length - 1; k++) {
      winding += crossings[k].dir;
      if (winding === 0) continue;
      // Pixel x is inside when its centre x + 0.5 lies in [crossing k, crossing k+1).
      const from = Math.max(0, Math.ceil(crossings[k].x - 0.5));
      const to = Math.min(width, Math.ceil(crossings[k + 1].x - 0.5));
      if (to > from) out.fill(1, y * width + from, y * width + to);
    }
  }
  return out;
}

/** What one mask covers at `frame`, before compositing (inversion applied, opacity ignored). */
export function renderMask(mask: RotoMask, frame: number, width: number, height: number): Uint8Array {
  const covered = fillPolygons([flattenPath(pathAtFrame(mask, frame))], width, height);
  if (mask.inverted) for (let i = 0; i < covered.length; i++) covered[i] ^= 1;
  return covered;
}

/**
 * The document's masks composited at `frame` (1 = inside). Masks at opacity 0 and mode `none` are
 * skipped; a first active mask in `subtract` or `intersect` mode starts from the full layer (AE).
 */
export function renderDocument(doc: RotoDocument, frame: number): Uint8Array {
  const { width, height } = doc.source;
  const result = new Uint8Array(width * height);
  let first = true;
  for (const mask of doc.masks) {
    if (mask.mode === 'none' || opacityAtFrame(mask, frame) <= 0) continue;
    if (first && (mask.mode === 'subtract' || mask.mode === 'intersect')) result.fill(1);
    first = false;
    const covered = renderMask(mask, frame, width, height);
    for (let i = 0; i < result.length; i++) {
      if (mask.mode === 'add') result[i] |= covered[i];
      else if (mask.mode === 'subtract') result[i] &= covered[i] ^ 1;
      else result[i] &= covered[i];
    }
  }
  return result;
}
