/**
 * The stabiliser's camera motion handed on to tracking. estimateAffine gives M, which carries a pixel
 * of the current frame to where it was in the previous one, at the working size; a matte's
 * cameraMotion is the other way round (previous → current), in full-resolution pixels, and a
 * similarity, the kind of motion tracking fits to outlines.
 */
import type { Similarity } from '../types.ts';
import type { Affine } from './global-motion.ts';
import type { Size } from './working-size.ts';

export function cameraMotionOf(m: Affine, size: Size, width: number, height: number): Similarity {
  // M at full resolution: both sides' coordinates scaled by the frame's size over the working size.
  const sx = width / size.width, sy = height / size.height;
  const a = m[0], b = (m[1] * sx) / sy, c = m[2] * sx, d = (m[3] * sy) / sx, e = m[4], f = m[5] * sy;
  // Its inverse: previous → current.
  const det = a * e - b * d;
  const ia = e / det, ib = -b / det, id = -d / det, ie = a / det;
  const ic = -(ia * c + ib * f), jf = -(id * c + ie * f);
  // The nearest similarity to that affine map, agreeing with it at the frame's centre.
  const sa = (ia + ie) / 2, sb = (id - ib) / 2;
  const cx = width / 2, cy = height / 2;
  return { a: sa, b: sb, tx: ia * cx + ib * cy + ic - (sa * cx - sb * cy), ty: id * cx + ie * cy + jf - (sb * cx + sa * cy) };
}
