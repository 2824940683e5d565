/**
 * A roto document's masks drawn over a (scaled) frame: each mask's outline in its own colour,
 * `subtract` masks dashed, vertices as small squares and, optionally, the tangent handles.
 */
import type { RotoDocument } from '../core/document.ts';
import type { RgbFrame, Vec2 } from '../core/types.ts';
import { flattenPath } from '../core/bezier.ts';
import { opacityAtFrame, pathAtFrame } from '../core/render.ts';
import { maskColour } from './colour.ts';
import { strokePolyline } from './stroke.ts';
import { vertexSquare } from './marks.ts';

export interface OverlayOptions {
  /** Draw each non-zero tangent as a thin line from its vertex (default false). */
  handles?: boolean;
  /** Draw the vertices as squares (default true). */
  vertices?: boolean;
}

/** Subtract masks are dashed, so holes read as holes even where the palette runs out. */
export const SUBTRACT_DASH: readonly [number, number] = [5, 3];

/**
 * Draws the masks present at `frame` (opacity above 0) onto `image`, which shows the document's
 * frame scaled to its size: a document point (x, y) lands at (x · sx, y · sy).
 */
export function drawMasks(image: RgbFrame, doc: RotoDocument, frame: number, options: OverlayOptions = {}): void {
  const sx = image.width / doc.source.width, sy = image.height / doc.source.height;
  const at = ([x, y]: Vec2): Vec2 => [x * sx, y * sy];
  doc.masks.forEach((mask, m) => {
    if (opacityAtFrame(mask, frame) <= 0) return;
    const colour = maskColour(m);
    const path = pathAtFrame(mask, frame);
    // A quarter of an image pixel, in document units.
    const outline = flattenPath(path, 0.25 / Math.max(sx, sy));
    for (let i = 0; i < outline.length; i += 2) [outline[i], outline[i + 1]] = at([outline[i], outline[i + 1]]);
    strokePolyline(image, outline, path.closed, { colour, dash: mask.mode === 'subtract' ? SUBTRACT_DASH : undefined });
    if (options.handles) {
      path.vertices.forEach((v, k) => {
        for (const t of [path.inTangents[k], path.outTangents[k]]) {
          if (t[0] === 0 && t[1] === 0) continue;
          strokePolyline(image, [...at(v), ...at([v[0] + t[0], v[1] + t[1]])], false, { colour, width: 1 });
        }
      });
    }
    if (options.vertices ?? true) for (const v of path.vertices) vertexSquare(image, ...at(v), colour);
  });
}
