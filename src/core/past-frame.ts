/**
 * Vertices past the frame edge, for shapes followed frame by frame. When the camera moves, features
 * leave the frame and others come in. A roto artist lets a point slide out of frame with its feature
 * and brings a new one in from past the edge (After Effects takes vertices off the layer). Kept on the
 * outline instead, a vertex whose feature left ends on the vertex where the outline meets the frame
 * edge and stays there, and a vertex added when a feature came in sits there in every frame before:
 * two or more vertices on one point, which an editor cannot tell apart.
 *
 * A run of vertices past the edge stands in for the stretch of outline from where it meets the frame
 * edge to where it comes back in, which must lie along the edge (else the vertices stay on the
 * outline): the span from the vertex before fits the outline up to the edge and goes on to the first
 * vertex past it, the span to the vertex after comes back from the last.
 */
import { fitSpan, type SpanFit } from './fit.ts';
import { EDGE_ROUNDING, onFrameEdge, pointAt } from './polyline.ts';
import type { FittingOutline } from './prune.ts';
import type { TrackOptions } from './track.ts';
import type { Vec2 } from './types.ts';

/** Where a vertex of a frame's shape goes: on the outline at arc length `at`, or `past` the frame edge. */
export interface Place {
  at: number;
  /** For a vertex past the edge: `at` is where its run of vertices leaves the outline, `entry` where it comes back. */
  entry?: number;
  past?: Vec2;
}

/** Arc length step of edgeRuns' walk: outlines are measured with points 1 px apart. */
const EDGE_STEP = 0.5;

/**
 * Places for a frame's vertices, given where they sat last frame (`anchors`), where the motion puts
 * them (`predicted`) and where they land on this frame's outline (`along`, arc lengths from `origin`):
 * a vertex that the motion takes past the edge goes there (see pastFramePoint). Vertex 0, where the
 * path starts, stays on the outline (on a sky it is a corner of the frame).
 */
export function pastFramePlaces(anchors: Vec2[], predicted: Vec2[], along: number[], outline: FittingOutline, origin: number,
  options: TrackOptions): Place[] {
  const past = anchors.map((anchor, k) => (k > 0 ? pastFramePoint(anchor, predicted[k], options) : undefined));
  const places: Place[] = along.map((at) => ({ at }));
  forEachGroup(past.map((p) => p !== undefined), (first, last) => placeRunPastEdge(places, first, last, past, outline, origin, options));
  return places;
}

/**
 * Puts vertices first … last of `places` (arc lengths from `origin`) past the edge at `points`,
 * standing in for the outline between the places before and after them where it runs along the edge,
 * and returns true; where that outline never meets the edge, leaves them and returns false. Where it
 * meets the edge more than once (a wavy outline leaving the frame touches it here and there), each
 * vertex goes out through the stretch nearest its place, and the span between vertices of two
 * stretches fits the outline in frame between them.
 */
export function placeRunPastEdge(places: Place[], first: number, last: number, points: (Vec2 | undefined)[], outline: FittingOutline,
  origin: number, options: TrackOptions): boolean {
  const to = last + 1 < places.length ? places[last + 1].at : places[0].at + outline.s[outline.s.length - 1];
  const runs = edgeRuns(outline, origin + places[first - 1].at, origin + to, options);
  if (runs.length === 0) return false;
  const away = (run: EdgeRun, at: number) => Math.max(0, run.exit - at, at - run.entry);
  for (let k = first; k <= last; k++) {
    const at = origin + places[k].at;
    const run = runs.reduce((best, r) => (away(r, at) < away(best, at) ? r : best));
    places[k] = { at: run.exit - origin, entry: run.entry - origin, past: points[k] };
  }
  return true;
}

/** The span from place p to place q on `outline` (arc lengths from `origin`; q.at a perimeter on for the last span). */
export function spanBetween(outline: FittingOutline, origin: number, p: Place, q: Place, pCorner: boolean, qCorner: boolean,
  reach: number): SpanFit {
  return fitSpan(outline.points, outline.s, origin + (p.past ? p.entry! : p.at), origin + q.at, pCorner && !p.past,
    qCorner && !q.past, reach, { before: p.past, after: q.past, frame: outline.frame });
}

/** Calls `visit(first, last)` for each run of consecutive flagged vertices (never vertex 0, so each has one before it). */
export function forEachGroup(flagged: boolean[], visit: (first: number, last: number) => void): void {
  for (let first = 1; first < flagged.length; first++) {
    if (!flagged[first]) continue;
    let last = first;
    while (last + 1 < flagged.length && flagged[last + 1]) last++;
    visit(first, last);
    first = last;
  }
}

/**
 * Where a vertex goes past the frame edge, if it does: where the motion takes it, when that is past
 * the edge or, for a vertex off the edge (not a corner of the frame nor where the outline meets it),
 * within the tolerance of it and on its way out. A feature crossing the edge passes the vertex where
 * the outline meets the edge, and a vertex kept on the outline meets that vertex there; past the edge
 * it is kept at least the tolerance out while it is that close.
 */
export function pastFramePoint(vertex: Vec2, predicted: Vec2, options: TrackOptions): Vec2 | undefined {
  const was = edgeDistance(vertex, options), now = edgeDistance(predicted, options);
  const crossing = options.tolerance;
  if (Math.abs(was) <= EDGE_ROUNDING || now >= crossing || (now >= 0 && now >= was && was > 0)) return undefined;
  if (now <= -crossing) return predicted;
  // Out through the nearest edge, to the tolerance past it.
  const [x, y] = predicted, out = crossing + now;
  if (now === x) return [x - out, y];
  if (now === y) return [x, y - out];
  return now === options.width - x ? [x + out, y] : [x, y + out];
}

/** How far a point is inside the frame from its nearest edge (negative past it). */
export function edgeDistance([x, y]: Vec2, { width, height }: TrackOptions): number {
  return Math.min(x, y, width - x, height - y);
}

/** Whether a point lies in the frame or on its edge. */
export function withinFrame(point: Vec2, options: TrackOptions): boolean {
  return edgeDistance(point, options) >= -EDGE_ROUNDING;
}

/** A stretch of outline along the frame edge: arc lengths where it meets the edge and where it leaves it (equal where it only touches). */
interface EdgeRun {
  exit: number;
  entry: number;
}

/** The stretches where the outline between arc lengths `from` and `to` runs along the frame edge or touches it, in order. */
function edgeRuns({ points, s }: FittingOutline, from: number, to: number, { width, height }: TrackOptions): EdgeRun[] {
  const runs: EdgeRun[] = [];
  for (let pos = from; ; pos = Math.min(to, pos + EDGE_STEP)) {
    const [x, y] = pointAt(points, s, pos);
    if (onFrameEdge(x, y, width, height, EDGE_ROUNDING)) {
      const last = runs[runs.length - 1];
      if (last && last.entry >= pos - EDGE_STEP - 1e-9) last.entry = pos;
      else runs.push({ exit: pos, entry: pos });
    }
    if (pos >= to) break;
  }
  return runs;
}
