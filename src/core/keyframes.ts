/**
 * Keyframe reduction: keep a path keyframe only where After Effects' linear interpolation between
 * the kept keys would drift from the traced outline by more than the tolerance.
 */
import type { BezierPath } from './types.ts';
import { flattenPath, lerpPath } from './bezier.ts';
import { PolylineIndex } from './nearest.ts';

/** Symmetric (Hausdorff) distance in px between a closed path and a closed outline; stops early past `within`. */
export function pathToOutlineDistance(path: BezierPath, outline: Float32Array | Float64Array, within = Infinity): number {
  const flat = flattenPath(path, 0.05);
  const toOutline = directedDistance(flat, new PolylineIndex(outline, true), within);
  if (toOutline > within) return toOutline;
  return Math.max(toOutline, directedDistance(outline, new PolylineIndex(flat, true), within));
}

/**
 * Largest distance from a point of the closed polyline `from` to the polyline `to`, matching only
 * stretches that run the same way; stops early once past `within`.
 */
function directedDistance(from: Float32Array | Float64Array, to: PolylineIndex, within: number): number {
  let max = 0;
  const n = from.length;
  for (let i = 0; i < n; i += 2) {
    const next = (i + 2) % n, previous = (i - 2 + n) % n;
    const dx = from[next] - from[previous], dy = from[next + 1] - from[previous + 1];
    const hit = to.nearest(from[i], from[i + 1], within === Infinity ? Infinity : within * 2 + 1, dx, dy);
    const d = hit ? hit.distance : Infinity;
    if (d > max) max = d;
    if (max > within) return max;
  }
  return max;
}

/**
 * Indices of the shapes to keep as keyframes (always the first and the last): between kept keys,
 * the interpolated shape stays within `tolerance` px of each frame's traced outline. Greedy: each
 * key reaches as far ahead as interpolation stays within tolerance at every frame between.
 */
export function selectKeyframes(shapes: BezierPath[], outlines: (Float32Array | Float64Array)[], tolerance: number): number[] {
  const last = shapes.length - 1;
  const keys = [0];
  let from = 0;
  while (from < last) {
    let to = from + 1;
    while (to < last && interpolates(shapes, outlines, tolerance, from, to + 1)) to++;
    keys.push(to);
    from = to;
  }
  return keys;
}

function interpolates(shapes: BezierPath[], outlines: (Float32Array | Float64Array)[], tolerance: number, from: number, to: number): boolean {
  // The middle frame fails most often, so it is checked first.
  const frames: number[] = [];
  for (let f = from + 1; f < to; f++) frames.push(f);
  const middle = (from + to) / 2;
  frames.sort((p, q) => Math.abs(p - middle) - Math.abs(q - middle));
  for (const f of frames) {
    const interpolated = lerpPath(shapes[from], shapes[to], (f - from) / (to - from));
    if (pathToOutlineDistance(interpolated, outlines[f], tolerance) > tolerance) return false;
  }
  return true;
}
