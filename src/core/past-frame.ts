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
import { fitSpan, featureReach, cubicsToPath, type Cubic, type SpanFit } from './fit.ts';
import { onFrameEdge, pointAt } from './polyline.ts';
import { applySimilarity, type Similarity } from './motion.ts';
import { segmentControls } from './bezier.ts';
import { fittingOutline, type FittingOutline, type VertexPositions } from './prune.ts';
import { RunShapes } from './run-shapes.ts';
import { FIT_SHARE, type TrackOptions } from './track.ts';
import type { BezierPath, Vec2 } from './types.ts';

/** Where a vertex of a frame's shape goes: on the outline at arc length `at`, or `past` the frame edge. */
export interface Place {
  at: number;
  /** For a vertex past the edge: `at` is where its run of vertices leaves the outline, `entry` where it comes back. */
  entry?: number;
  past?: Vec2;
}

/** How far off the frame edge a point counts as on it: points on the edge come out of interpolation a rounding error off. */
const EDGE_ROUNDING = 1e-6;
/** Arc length step of edgeRun's walk: outlines are measured with points 1 px apart. */
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
  const leaving = past.map((p) => p !== undefined);
  const perimeter = outline.s[outline.s.length - 1];
  const places: Place[] = along.map((at) => ({ at }));
  forEachGroup(leaving, (first, last) => {
    const to = last + 1 < along.length ? along[last + 1] : perimeter;
    const run = edgeRun(outline, origin + along[first - 1], origin + to, options);
    if (!run) return;
    for (let k = first; k <= last; k++) places[k] = { at: run.exit - origin, entry: run.entry - origin, past: past[k] };
  });
  return places;
}

/** The span from place p to place q on `outline` (arc lengths from `origin`; q.at a perimeter on for the last span). */
export function spanBetween(outline: FittingOutline, origin: number, p: Place, q: Place, pCorner: boolean, qCorner: boolean,
  reach: number): SpanFit {
  return fitSpan(outline.points, outline.s, origin + (p.past ? p.entry! : p.at), origin + q.at, pCorner && !p.past,
    qCorner && !q.past, reach, { before: p.past, after: q.past });
}

/**
 * The run's shapes with vertices that following added when their feature came into frame brought in
 * from past the edge: in each frame before the one that added it, such a vertex sits where the split
 * of a span put it, often where the outline meets the frame edge. Walking back from the last frame,
 * each is carried back by the motion; where that takes it past the edge, it goes there and its spans
 * are fitted again (where the span at an end of a run of them does not fit within the fitting
 * tolerance, the vertex at that end stays where it was). `addedAt[k]` is the first frame where vertex k was placed by following, `motions[f]` the
 * motion from frame f - 1 to f. Returns the shapes and which vertices went past the edge.
 */
export function slideInFromPastFrame(shapes: RunShapes, positions: VertexPositions, outlines: Float32Array[], motions: Similarity[],
  corner: boolean[], addedAt: number[], options: TrackOptions): { shapes: RunShapes; past: boolean[] } {
  const frames = shapes.length;
  const reach = featureReach(options.tolerance);
  const fitTolerance = FIT_SHARE * options.tolerance;
  const past = corner.map(() => false);
  const paths: BezierPath[] = [shapes.at(frames - 1)!];
  for (let f = frames - 2; f >= 0; f--) {
    const later = paths[0];
    let path = shapes.at(f)!;
    const back = inverse(motions[f + 1]);
    const goes = later.vertices.map((v, k) => (k > 0 && f < addedAt[k] ? pastFramePoint(v, applySimilarity(back, v[0], v[1]), options) : undefined));
    const leaving = goes.map((p) => p !== undefined);
    if (leaving.some(Boolean)) {
      const outline = fittingOutline(outlines[f], options);
      const perimeter = outline.s[outline.s.length - 1];
      const at = positions.at(f);
      const curves = path.vertices.map((_, k) => segmentControls(path, k));
      const n = curves.length;
      let changed = false;
      // The spans of vertices first … last past the edge, from the vertex before to the one after
      // (both in frame, on the outline); undefined where the outline between does not leave the frame.
      const groupSpans = (first: number, last: number): SpanFit[] | undefined => {
        const next = (last + 1) % n;
        if (!insideFrame(path.vertices[first - 1], options) || !insideFrame(path.vertices[next], options)) return undefined;
        const to = next === 0 ? at[0] + perimeter : at[next];
        const run = edgeRun(outline, at[first - 1], to, options);
        if (!run) return undefined;
        const places: Place[] = [{ at: at[first - 1] }];
        for (let k = first; k <= last; k++) places.push({ at: run.exit, entry: run.entry, past: goes[k] });
        places.push({ at: to });
        return places.slice(1).map((q, j) => spanBetween(outline, 0, places[j], q, corner[(first - 1 + j) % n], corner[(first + j) % n], reach));
      };
      forEachGroup(leaving, (first, last) => {
        // Where the span at one end does not fit, the vertex there stays as it was, and the rest are tried again.
        while (first <= last) {
          const spans = groupSpans(first, last);
          if (!spans) return;
          if (spans[0].error > fitTolerance) { first++; continue; }
          if (spans[spans.length - 1].error > fitTolerance) { last--; continue; }
          // The neighbours stay where they are (a vertex added by a split lies on the curve it split, a
          // little off the outline): the new spans' ends are moved onto them, handles with them.
          spans.forEach((span, j) => { curves[(first - 1 + j) % n] = span.curve; });
          curves[first - 1] = endMovedTo(curves[first - 1], 0, path.vertices[first - 1]);
          curves[last] = endMovedTo(curves[last], 3, path.vertices[(last + 1) % n]);
          for (let k = first; k <= last; k++) past[k] = true;
          changed = true;
          return;
        }
      });
      if (changed) path = cubicsToPath(curves);
    }
    paths.unshift(path);
  }
  if (!past.some(Boolean)) return { shapes, past };
  const slid = new RunShapes();
  for (const path of paths) slid.push(path);
  return { shapes: slid, past };
}

/** Calls `visit(first, last)` for each run of consecutive flagged vertices (never vertex 0, so each has one before it). */
function forEachGroup(flagged: boolean[], visit: (first: number, last: number) => void): void {
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
function pastFramePoint(vertex: Vec2, predicted: Vec2, options: TrackOptions): Vec2 | undefined {
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
function edgeDistance([x, y]: Vec2, { width, height }: TrackOptions): number {
  return Math.min(x, y, width - x, height - y);
}

function insideFrame([x, y]: Vec2, { width, height }: TrackOptions): boolean {
  return Math.min(x, y, width - x, height - y) >= -EDGE_ROUNDING;
}

/**
 * Where the outline between arc lengths `from` and `to` first meets the frame edge and where it last
 * leaves it, when it lies along the edge all the way between (or touches it at one point); undefined
 * when it never meets it or meets it twice.
 */
function edgeRun({ points, s }: FittingOutline, from: number, to: number, { width, height }: TrackOptions): { exit: number; entry: number } | undefined {
  let exit = -1, entry = -1;
  for (let pos = from; ; pos = Math.min(to, pos + EDGE_STEP)) {
    const [x, y] = pointAt(points, s, pos);
    if (onFrameEdge(x, y, width, height, EDGE_ROUNDING)) {
      if (exit < 0) exit = pos;
      else if (entry < pos - EDGE_STEP - 1e-9) return undefined;
      entry = pos;
    }
    if (pos >= to) break;
  }
  return exit < 0 ? undefined : { exit, entry };
}

/** The cubic with end `end` (0 or 3) moved to `to`, its handle with it. */
function endMovedTo(c: Cubic, end: 0 | 3, to: Vec2): Cubic {
  const [dx, dy] = [to[0] - c[end][0], to[1] - c[end][1]];
  const moved = c.map((p) => [p[0], p[1]]) as Cubic;
  const handle = end === 0 ? 1 : 2;
  moved[end] = [to[0], to[1]];
  moved[handle] = [c[handle][0] + dx, c[handle][1] + dy];
  return moved;
}

function inverse({ a, b, tx, ty }: Similarity): Similarity {
  const d = a * a + b * b;
  return { a: a / d, b: -b / d, tx: -(a * tx + b * ty) / d, ty: (b * tx - a * ty) / d };
}
