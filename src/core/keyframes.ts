/**
 * Keyframe reduction: keep a path keyframe only where After Effects' linear interpolation between
 * the kept keys would drift from the traced outline by more than the tolerance.
 */
import type { BezierPath } from './types.ts';
import { controlPointDistance, flattenPath, lerpPath } from './bezier.ts';
import { across, PolylineIndex } from './nearest.ts';
import { densify, onFrameEdge, simplifyClosed } from './polyline.ts';
import { hypot } from './hypot.ts';

/** The frame a mask is seen through: only what lies inside it matters. */
export interface FrameBox {
  width: number;
  height: number;
}

/** One shape per frame, made on demand where keeping them all would cost (an array is one). */
export interface Shapes {
  readonly length: number;
  at(frame: number): BezierPath | undefined;
}

/**
 * A traced outline prepared for distance checks (built once per frame, used by many checks). The
 * border runs are made at once; the resampled points and their index only when a distance is measured.
 */
export class OutlineTarget {
  readonly border: PixelRuns[];
  private measured?: { points: Float64Array; index: PolylineIndex };

  constructor(readonly outline: Float32Array | Float64Array, frame: FrameBox) {
    this.border = borderRuns(outline, frame);
  }

  get points(): Float64Array {
    return this.prepare().points;
  }

  get index(): PolylineIndex {
    return this.prepare().index;
  }

  private prepare(): { points: Float64Array; index: PolylineIndex } {
    if (!this.measured) {
      // Resampled the same way whatever its source (a traced contour, a stored simplified outline), so
      // that where it counts as thin does not depend on how densely it came.
      const points = densify(simplifyClosed(this.outline, 0.1), 2);
      this.measured = { points, index: new PolylineIndex(points, true) };
    }
    return this.measured;
  }
}

/**
 * A shot's prepared outlines, each made at the first check that asks for it and kept until released:
 * checks of a frame's own shape and the keyframe checks there share one.
 */
export class OutlineTargets {
  private readonly prepared = new Map<number, OutlineTarget>();

  constructor(private readonly outlines: Float32Array[], readonly frame: FrameBox) {}

  at(f: number): OutlineTarget {
    let target = this.prepared.get(f);
    if (!target) this.prepared.set(f, (target = new OutlineTarget(this.outlines[f], this.frame)));
    return target;
  }

  /** Forgets frames up to `last` (made again if asked for): memory stays flat on long shots. */
  releaseThrough(last: number): void {
    for (const f of this.prepared.keys()) if (f <= last) this.prepared.delete(f);
  }
}

/** Runs of covered pixels [from, to) along one line of pixel centres. */
type PixelRuns = [number, number][];

/**
 * Which pixels of the frame's outermost rows and columns a closed polygon covers. There the distance
 * check is blind (a stretch along the edge may lie anywhere past it), yet a shape that creeps a
 * fraction of a pixel into the frame flips a whole row of pixels.
 */
function borderRuns(polygon: Float32Array | Float64Array, frame: FrameBox): PixelRuns[] {
  const { width, height } = frame;
  // Crossings with the top and bottom rows of pixel centres (x along them), the left and right columns (y).
  const top: Crossing[] = [], bottom: Crossing[] = [], left: Crossing[] = [], right: Crossing[] = [];
  const n = polygon.length / 2;
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    const x0 = polygon[2 * i], y0 = polygon[2 * i + 1], x1 = polygon[2 * j], y1 = polygon[2 * j + 1];
    cross(top, x0, y0, x1, y1, 0.5);
    cross(bottom, x0, y0, x1, y1, height - 0.5);
    cross(left, y0, x0, y1, x1, 0.5);
    cross(right, y0, x0, y1, x1, width - 0.5);
  }
  return [lineRuns(top, width), lineRuns(bottom, width), lineRuns(left, height), lineRuns(right, height)];
}

/**
 * Adds where the edge (u0, v0)–(u1, v1) crosses the line v = at, if it does: edges cover [low, high)
 * across the line, as the scanline filler does.
 */
function cross(crossings: Crossing[], u0: number, v0: number, u1: number, v1: number, at: number): void {
  if (at < Math.min(v0, v1) || at >= Math.max(v0, v1)) return;
  crossings.push({ x: u0 + ((at - v0) / (v1 - v0)) * (u1 - u0), dir: v1 > v0 ? 1 : -1 });
}

/** Where an edge crosses a line of pixel centres, and which way (+1 when its across coordinate grows). */
interface Crossing { x: number; dir: number }

/** Runs of pixels [0, length) along one line inside the polygon, by non-zero winding, from its crossings with it. */
function lineRuns(crossings: Crossing[], length: number): PixelRuns {
  crossings.sort((p, q) => p.x - q.x);
  const runs: PixelRuns = [];
  let winding = 0;
  for (let k = 0; k < crossings.length - 1; k++) {
    winding += crossings[k].dir;
    if (winding === 0) continue;
    const from = Math.max(0, Math.ceil(crossings[k].x - 0.5)), to = Math.min(length, Math.ceil(crossings[k + 1].x - 0.5));
    if (to > from) {
      // Neighbouring spans that touch are one run.
      const last = runs[runs.length - 1];
      if (last && last[1] === from) last[1] = to; else runs.push([from, to]);
    }
  }
  return runs;
}

/** Whether two sets of runs are the same runs, each end moved by at most `slack` pixels. */
function runsAgree(a: PixelRuns, b: PixelRuns, slack: number): boolean {
  return a.length === b.length && a.every(([from, to], k) => Math.abs(from - b[k][0]) <= slack && Math.abs(to - b[k][1]) <= slack);
}

/**
 * Symmetric (Hausdorff) distance in px between a closed path and a traced outline, inside the frame:
 * points outside it or along its edge (where the outline follows the frame, and the mask may reach
 * past it) are not compared. Stops early once past `within`: a distance past it may be reported as Infinity.
 */
export function pathToOutlineDistance(path: BezierPath, outline: OutlineTarget, within: number, frame: FrameBox): number {
  return pathDeviation(path, outline, within, frame).max;
}

/** How far a path strays from an outline: the largest distance (as pathToOutlineDistance) and the mean from the path's side. */
export interface Deviation {
  max: number;
  mean: number;
}

/** Shapes' own deviations from their frames' outlines, where measured (an array is one). */
export interface Deviations {
  at(frame: number): Deviation | undefined;
}

export function pathDeviation(path: BezierPath, outline: OutlineTarget, within: number, frame: FrameBox): Deviation {
  const flat = checkPoints(path, frame, within);
  if (!bordersAgree(flat, outline, within, frame)) return { max: Infinity, mean: Infinity };
  const pathIndex = new PolylineIndex(flat, true, PATH_CELL);
  const toOutline = pathSideDistance(flat, pathIndex, outline.index, within, frame);
  if (toOutline.max > within) return toOutline;
  const fromOutline = outlineSideDistance(outline.points, outline.index, pathIndex, within, frame);
  return { max: Math.max(toOutline.max, fromOutline), mean: toOutline.mean };
}

/**
 * Whether a path's deviation from an outline stays within `within` and its mean within `meanWithin`,
 * as pathDeviation measures them. Only the answer is needed, so each side is first bounded by walking
 * along the other polyline (see sideBounds): when the bounds hold, so do the distances, and the
 * path needs no grid of its own. Where they do not, the sides are measured.
 */
export function pathHolds(path: BezierPath, outline: OutlineTarget, within: number, meanWithin: number, frame: FrameBox): boolean {
  const flat = checkPoints(path, frame, within);
  if (!bordersAgree(flat, outline, within, frame)) return false;
  const pathIndex = new PolylineIndex(flat, true, PATH_CELL);
  const bounds = pathSideBounds(flat, outline.index, within, frame);
  if (!(bounds.max <= within && bounds.mean <= meanWithin)) {
    const toOutline = pathSideDistance(flat, pathIndex, outline.index, within, frame);
    if (toOutline.max > within || toOutline.mean > meanWithin) return false;
  }
  const { bound, exact } = sideBounds(outline.points, pathIndex, within, frame);
  for (let p = 0; p < bound.length; p++) {
    if (bound[p] > within && settleOutlinePoint(outline.points, outline.index, pathIndex, within, bound, exact, p, frame) > within) return false;
  }
  return true;
}

/**
 * Grid cells (px) of a checked path's index, coarser than an outline's: it is asked only where a walk
 * along it loses the way and about slivers, a few dozen times a check, where building a fine grid
 * (cells over the whole frame, most empty) would cost more than the queries.
 */
const PATH_CELL = 32;

/**
 * A path as the points distance checks use: no two more than 4 px apart, so that a spire's tip has
 * neighbours inside its sliver. Past the frame, where nothing is measured, it is left coarse: a
 * stretch wholly beyond one side of the frame by more than any check reaches across (`within`, or
 * THIN for a sliver's other side) is its chord, so a mask reaching far past the frame (a long pan's
 * scene shape) costs little more than the part in view.
 */
function checkPoints(path: BezierPath, frame: FrameBox, within: number): Float64Array {
  const margin = Math.max(within, THIN) + 1;
  const detail = { x0: -margin, y0: -margin, x1: frame.width + margin, y1: frame.height + margin };
  return densify(flattenPath(path, 0.05, detail), 4, detail);
}

/**
 * Whether the path's points cover the frame's outermost pixels as the outline does. A boundary
 * meeting the edge at a slant moves along it by more than across itself: runs may differ by 3 × within.
 */
function bordersAgree(flat: Float64Array, outline: OutlineTarget, within: number, frame: FrameBox): boolean {
  return borderRuns(flat, frame).every((runs, side) => runsAgree(runs, outline.border[side], Math.ceil(3 * within)) ||
    differByPosition(runs, outline.border[side], side, outline.outline, flat, within, frame));
}

/**
 * Whether the two sets of runs differ only by a boundary's position, not by what is there: every
 * outermost pixel they disagree on lies within `within` of the outline's boundary where the matte
 * draws it (not where it follows the frame's edge), or within THIN − 0.5 px of the path's own
 * boundary. The first allows a boundary meeting the edge at any slant (the slack on run ends
 * covers only steep ones); the second a sliver along the frame's edge under THIN px wide, which
 * pixel sampling flips whole (as a spire's tip) and the trace cannot see: a building's wall standing
 * in the outermost column moves a whole run's end by the wall's height for a hair's move across it.
 */
function differByPosition(a: PixelRuns, b: PixelRuns, side: number, outline: Float32Array | Float64Array, path: Float64Array,
  within: number, frame: FrameBox): boolean {
  const { width, height } = frame;
  const along = side < 2 ? width : height;
  const cover = new Int8Array(along);
  for (const [from, to] of a) for (let i = from; i < to; i++) cover[i] ^= 1;
  for (const [from, to] of b) for (let i = from; i < to; i++) cover[i] ^= 1;
  // The line of pixel centres: top, bottom, left, right (as borderRuns).
  const axis = side < 2 ? 1 : 0, across = [0.5, height - 0.5, 0.5, width - 0.5][side];
  const sliver = THIN - 0.5;
  const drawn = drawnSegmentsNear(outline, axis, across, within, frame), own = drawnSegmentsNear(path, axis, across, sliver, frame);
  for (let i = 0; i < along; i++) {
    if (!cover[i]) continue;
    const x = side < 2 ? i + 0.5 : across, y = side < 2 ? across : i + 0.5;
    if (!anySegmentWithin(drawn, x, y, within) && !anySegmentWithin(own, x, y, sliver)) return false;
  }
  return true;
}

function anySegmentWithin(segments: number[], x: number, y: number, distance: number): boolean {
  for (let k = 0; k < segments.length; k += 4) {
    if (segmentDistance(x, y, segments[k], segments[k + 1], segments[k + 2], segments[k + 3]) <= distance) return true;
  }
  return false;
}

/** The outline's segments (x0, y0, x1, y1) that come within `within` of the line where coordinate `axis` is `at`, leaving out those along the frame's edge. */
function drawnSegmentsNear(outline: Float32Array | Float64Array, axis: number, at: number, within: number, frame: FrameBox): number[] {
  const { width, height } = frame;
  const out: number[] = [];
  const n = outline.length / 2;
  for (let i = 0; i < n; i++) {
    const j = i + 1 === n ? 0 : i + 1;
    const x0 = outline[2 * i], y0 = outline[2 * i + 1], x1 = outline[2 * j], y1 = outline[2 * j + 1];
    const c0 = axis === 0 ? x0 : y0, c1 = axis === 0 ? x1 : y1;
    if (Math.min(c0, c1) > at + within || Math.max(c0, c1) < at - within) continue;
    // Both ends on the frame's edge, and on the same side of it: the outline follows the edge there.
    if (onFrameEdge(x0, y0, width, height) && onFrameEdge(x1, y1, width, height) && (x0 === x1 || y0 === y1)) continue;
    out.push(x0, y0, x1, y1);
  }
  return out;
}

function segmentDistance(x: number, y: number, x0: number, y0: number, x1: number, y1: number): number {
  const dx = x1 - x0, dy = y1 - y0;
  const lengthSquared = dx * dx + dy * dy;
  const t = lengthSquared > 0 ? Math.max(0, Math.min(1, ((x - x0) * dx + (y - y0) * dy) / lengthSquared)) : 0;
  return hypot(x - x0 - t * dx, y - y0 - t * dy);
}

/** Narrower than this (px) a shape cannot be drawn by pixel centres, nor held to a tolerance. */
const THIN = 1.5;
/**
 * How far (px) a path's sliver may run past the traced one: the part of a spire under THIN px wide is
 * that long for a tip of about 12°, and covers at most a pixel centre or two along its length.
 */
const SLIVER_REACH = 4 * THIN;

/**
 * Whether point i of a closed polyline lies where it is thinner than THIN px: another stretch running
 * the opposite way passes that close (the tip of a spire, a hair-thin antenna). Pixel sampling flips
 * such slivers whole from frame to frame, and a traced tip ends a pixel early or late. The very tip of
 * a spike runs across it rather than along a side: it is thin when both its neighbours are.
 */
function isThin(points: Float32Array | Float64Array, index: PolylineIndex, i: number, tip = true): boolean {
  const n = points.length;
  const k = 2 * i;
  const next = k + 2 === n ? 0 : k + 2, previous = k === 0 ? n - 2 : k - 2;
  const dx = points[next] - points[previous], dy = points[next + 1] - points[previous + 1];
  if (index.distanceWithin(points[k], points[k + 1], THIN, -dx, -dy, 0.5) <= THIN) return true;
  const count = n / 2;
  return tip && isThin(points, index, (i + 1) % count, false) && isThin(points, index, (i - 1 + count) % count, false);
}

/**
 * A point's distance `d` to the other side, or less where the point lies within THIN px of the frame's
 * edge: there the edge stands in for the other side's boundary. What lies between the point and the
 * edge is a sliver no pixel centre sees more than half of, which the trace cannot place (a building's
 * wall standing in the outermost column of pixels as the camera pans).
 */
function besideFrameEdge(d: number, x: number, y: number, frame: FrameBox): number {
  const edge = Math.min(x, y, frame.width - x, frame.height - y);
  return edge < THIN ? Math.min(d, edge) : d;
}

/** Whether a point lies within half a pixel of the frame's edge, where no pixel centre lies beyond it: it cannot matter. */
function nearFrameEdge(x: number, y: number, frame: FrameBox): boolean {
  return x <= 0.5 || y <= 0.5 || x >= frame.width - 0.5 || y >= frame.height - 0.5;
}

/**
 * Largest and mean distance from a point of the path's closed polyline `from` (indexed by `self`) to
 * the outline `to`, matching only stretches that run the same way; stops early once past `within`
 * (the max then says only that: Infinity where nothing lies within `within`).
 */
function pathSideDistance(from: Float64Array, self: PolylineIndex, to: PolylineIndex, within: number, frame: FrameBox): Deviation {
  let max = 0, sum = 0, count = 0;
  const n = from.length;
  for (let i = 0; i < n; i += 2) {
    const x = from[i], y = from[i + 1];
    if (nearFrameEdge(x, y, frame)) continue;
    const dx = across(from, i / 2, 0), dy = across(from, i / 2, 1);
    // Past `within` the check ends whatever the distance is, so nothing farther need be looked at
    // (distanceWithin says Infinity for it): the cells of a smaller square.
    let d = to.distanceWithin(x, y, within, dx, dy);
    // A path's sliver (see isThin) must still lie along the outline, but either side may stand in for
    // the other and it may run on SLIVER_REACH px past the traced one, whose tip ends wherever pixel
    // sampling cut it off. (Only points further than half a pixel are asked: nearer ones pass either way.)
    if (d > 0.5 && isThin(from, self, i / 2)) d = Math.max(0, to.distanceWithin(x, y, within + SLIVER_REACH) - SLIVER_REACH);
    d = besideFrameEdge(d, x, y, frame);
    sum += d;
    count++;
    if (d <= max) continue;
    max = d;
    if (max > within) return { max, mean: Infinity };
  }
  return { max, mean: count > 0 ? sum / count : 0 };
}

/**
 * Bounds on the largest and mean distance pathSideDistance measures, without its slivers' slack (which
 * only ever lowers a distance): sideBounds' per point, where the walk along the outline mostly gives
 * the distance itself.
 */
function pathSideBounds(from: Float64Array, to: PolylineIndex, within: number, frame: FrameBox): Deviation {
  const { bound } = sideBounds(from, to, within, frame);
  let max = 0, sum = 0, count = 0;
  for (let p = 0; p < bound.length; p++) {
    const d = bound[p];
    if (d < 0) continue;
    sum += d;
    count++;
    if (d > max) max = d;
  }
  return { max, mean: count > 0 ? sum / count : 0 };
}

/**
 * Per point of the closed polyline `from`: a bound on its distance to the polyline `to` (matching only
 * stretches that run the same way), or -1 for points on the frame's edge, which are not compared.
 * Walking along `to` with `from`, the few segments past the last point's nearest one bound each
 * point's distance, and mostly are its nearest; where that bound is past `within` (the walk lost
 * the way, or nothing is near), `to`'s grid gives the distance itself (`exact`).
 */
function sideBounds(from: Float64Array, to: PolylineIndex, within: number, frame: FrameBox): { bound: Float64Array; exact: Uint8Array } {
  const n = from.length / 2;
  const bound = new Float64Array(n);
  const exact = new Uint8Array(n);
  for (let p = 0; p < n; p++) {
    const x = from[2 * p], y = from[2 * p + 1];
    if (nearFrameEdge(x, y, frame)) { bound[p] = -1; continue; }
    let d = walkedBound(to, from, p);
    if (!(d <= within)) { d = to.distanceWithin(x, y, within, across(from, p, 0), across(from, p, 1)); exact[p] = 1; }
    bound[p] = d;
  }
  return { bound, exact };
}

/**
 * A bound on point p's distance to `to` from the segment nearest the last point asked (one before it,
 * three after): walking along with `to`, a point's nearest is mostly among them. Infinity before any.
 */
function walkedBound(to: PolylineIndex, from: Float64Array, p: number): number {
  return to.lastSegment >= 0 ? to.distanceAlong(to.lastSegment, 1, 3, from, p) : Infinity;
}

/**
 * Outline point p's distance to the path (Infinity past `within`), or -1 where it lies on a sliver of
 * the outline's own, which is not held to: a spire's sub-pixel tip is traced longer or shorter frame by
 * frame, wherever pixel sampling happened to cut it off. (Only points further than half a pixel are
 * asked: nearer ones pass either way.) The point is then settled: its bound becomes -1.
 */
function settleOutlinePoint(from: Float64Array, self: PolylineIndex, to: PolylineIndex, within: number, bound: Float64Array,
  exact: Uint8Array, p: number, frame: FrameBox): number {
  let d = bound[p];
  if (!exact[p]) {
    const dx = across(from, p, 0), dy = across(from, p, 1);
    d = to.distanceWithin(from[2 * p], from[2 * p + 1], within, dx, dy);
  }
  bound[p] = -1;
  return d > 0.5 && isThin(from, self, p) ? -1 : besideFrameEdge(d, from[2 * p], from[2 * p + 1], frame);
}

/**
 * Largest distance from a point of the traced outline `from` (indexed by `self`) to the path `to`,
 * matching only stretches that run the same way, as pathSideDistance measures it but with the
 * outline's own slivers left out (see settleOutlinePoint); Infinity once past `within`. Only the
 * largest distance counts, so exact distances are measured only where a point's bound (see
 * sideBounds) exceeds the largest found so far, the largest bound first: the others cannot
 * raise the max.
 */
function outlineSideDistance(from: Float64Array, self: PolylineIndex, to: PolylineIndex, within: number, frame: FrameBox): number {
  const { bound, exact } = sideBounds(from, to, within, frame);
  const n = bound.length;
  let max = 0;
  // The largest bounds first, until one is not a sliver's: most bounds then fall at or below the max.
  for (let tries = 0; tries < 4; tries++) {
    let top = -1;
    for (let p = 0; p < n; p++) if (bound[p] > max && (top < 0 || bound[p] > bound[top])) top = p;
    if (top < 0) return max;
    const d = settleOutlinePoint(from, self, to, within, bound, exact, top, frame);
    if (d > within) return d;
    if (d >= 0) { max = Math.max(max, d); break; }
  }
  for (let p = 0; p < n; p++) {
    if (bound[p] <= max) continue;
    const d = settleOutlinePoint(from, self, to, within, bound, exact, p, frame);
    if (d > within) return d;
    if (d > max) max = d;
  }
  return max;
}

/**
 * An interpolated frame may also stray this share of the tolerance on average, no more: a whole
 * outline drifting by nearly the tolerance (a turning shape between keys) is visible as a shift
 * even where no single point is out of bounds.
 */
const MEAN_SHARE = 0.25;

/**
 * Indices of the shapes to keep as keyframes (always the first and the last): between kept keys,
 * the interpolated shape stays within `tolerance` px of each frame's traced outline (and within a
 * quarter of it on average). Greedy: each key reaches as far ahead as interpolation holds at every
 * frame between. That reach is searched for from the last key's span, checking only each span's
 * middle frame, then checked at every frame; only where that fails are shorter spans tried, from the
 * longest down (see descend). Spans tried on the way cost a check or two each, not their length.
 * `deviations`, where given, are shapes' own deviations from their frames' outlines (measured within
 * `tolerance`) where known: frames whose interpolated shape stays close to their own then need no measuring.
 */
export function selectKeyframes(shapes: Shapes, targets: OutlineTargets, tolerance: number, deviations?: Deviations): number[] {
  /** Frames where a span from the current key failed, the latest first: shorter spans mostly fail there too. */
  let failed: number[] = [];
  const check = (from: number, to: number, frames: number[]) => {
    const miss = firstMiss(shapes, deviations, targets, tolerance, from, to, frames);
    if (miss >= 0) failed = [miss, ...failed.filter((f) => f !== miss)];
    return miss < 0;
  };
  // Its middle frame, where interpolation between two keys strays furthest on a smooth move.
  const likely = (from: number, to: number) => check(from, to, [(from + to) >> 1]);
  const holds = (from: number, to: number) => check(from, to, spanFrames(from, to, failed));
  const last = shapes.length - 1;
  const keys = [0];
  let from = 0, span: number | undefined;
  while (from < last) {
    let good = reach(from, last, likely, span);
    if (good > from + 1 && !holds(from, good)) good = descend(from, good - 1, holds);
    keys.push(good);
    // Checks look only ahead of the last key.
    targets.releaseThrough(good);
    failed = [];
    span = good - from;
    from = good;
  }
  return keys;
}

/**
 * The farthest frame up to `limit` that `test` passes for a span from `from`; `from + 1` (a span with
 * no frame between) where none does. Found by doubling the span and then halving back, so a long
 * smooth move costs a few dozen tests, not its length; or, given a `guess` at the span (the last
 * key's: a steady move keeps its pace), by stepping from it up or down by 1, 2, 4, … frames and
 * halving back, a few tests where the guess is close.
 */
function reach(from: number, limit: number, test: (from: number, to: number) => boolean, guess?: number): number {
  if (limit <= from + 1) return from + 1;
  let good = from + 1, bad = limit + 1;
  const start = Math.min(limit, from + Math.max(2, guess ?? 2));
  let step = guess === undefined ? 2 : 1;
  if (test(from, start)) {
    good = start;
    while (good < limit) {
      const to = Math.min(limit, good + step);
      if (!test(from, to)) { bad = to; break; }
      good = to;
      step *= 2;
    }
  } else {
    bad = start;
    while (bad - step > from + 1) {
      if (test(from, bad - step)) { good = bad - step; break; }
      bad -= step;
      step *= 2;
    }
  }
  while (bad - good > 1) {
    const mid = (good + bad) >> 1;
    if (test(from, mid)) good = mid; else bad = mid;
  }
  return good;
}

/** Spans descend tries one by one before it leaves the rest to reach. */
const MAX_DESCENT = 8;

/**
 * The farthest frame up to `limit` that `test` passes for a span from `from` (`from + 1` where none
 * does), for a test that checks every frame of a span: spans are tried from `limit` down. A span just
 * shorter than one that failed mostly fails at the same frame, which the test then checks first, so
 * a failing try costs a check or two and the span found is the only one checked in full; reach,
 * halving, would check every frame of each span it passed on the way. Past MAX_DESCENT failing tries
 * (interpolation holds only far shorter spans) reach searches the rest.
 */
function descend(from: number, limit: number, test: (from: number, to: number) => boolean): number {
  for (let to = limit, tries = 0; to > from + 1; to--, tries++) {
    if (tries === MAX_DESCENT) return reach(from, to, test);
    if (test(from, to)) return to;
  }
  return from + 1;
}

/** The frames between `from` and `to`: those in `first` (in its order), then the rest middle first, which fails most often. */
function spanFrames(from: number, to: number, first: number[]): number[] {
  const frames: number[] = first.filter((f) => f > from && f < to);
  const rest: number[] = [];
  for (let f = from + 1; f < to; f++) if (!frames.includes(f)) rest.push(f);
  const middle = (from + to) / 2;
  return frames.concat(rest.sort((p, q) => Math.abs(p - middle) - Math.abs(q - middle)));
}

/** The first of `frames` where the shape interpolated between keys `from` and `to` does not hold; -1 where all do. */
function firstMiss(shapes: Shapes, deviations: Deviations | undefined, targets: OutlineTargets, tolerance: number,
  from: number, to: number, frames: number[]): number {
  const { frame } = targets;
  const first = shapes.at(from)!, last = shapes.at(to)!;
  for (const f of frames) {
    const interpolated = lerpPath(first, last, (f - from) / (to - from));
    const own = deviations?.at(f);
    if (own && holdsNearOwnShape(interpolated, shapes.at(f)!, own, targets.at(f), tolerance, frame)) continue;
    if (!pathHolds(interpolated, targets.at(f), tolerance, MEAN_SHARE * tolerance, frame)) return f;
  }
  return -1;
}

/**
 * Whether a path holds without measuring it, from its frame's own shape's measured deviation: no
 * point of the path lies further from the own shape's point at the same parameter than their
 * control points lie apart, so both distances grow by that at most. Only the frame's edge, where a
 * hair's move flips a row of pixels, is checked.
 */
function holdsNearOwnShape(path: BezierPath, own: BezierPath, deviation: Deviation, outline: OutlineTarget, tolerance: number,
  frame: FrameBox): boolean {
  const offset = controlPointDistance(path, own);
  return deviation.max + offset <= tolerance && deviation.mean + offset <= MEAN_SHARE * tolerance &&
    bordersAgree(checkPoints(path, frame, tolerance), outline, tolerance, frame);
}
