/**
 * The reference rasterizer for roto documents: what a mask covers at a frame, with After Effects'
 * semantics (DESIGN.md). Tests and `autoroto render` judge every other stage and exporter by it.
 * A pixel is covered when its centre is inside the path (non-zero winding): the 50% line of a
 * feathered mask is its path, so feather does not move this binary result.
 */
import type { RotoDocument, RotoMask } from './document.ts';
import type { BezierPath } from './types.ts';
import { flattenPath, lerpPath } from './bezier.ts';
import { scanSpans } from './scanline.ts';

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
  const centres = Float64Array.from({ length: height }, (_, y) => y + 0.5);
  scanSpans(polygons, centres, (y, x0, x1) => {
    // Pixel x is inside when its centre x + 0.5 lies in [x0, x1).
    const from = Math.max(0, Math.ceil(x0 - 0.5));
    const to = Math.min(width, Math.ceil(x1 - 0.5));
    if (to > from) out.fill(1, y * width + from, y * width + to);
  });
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
