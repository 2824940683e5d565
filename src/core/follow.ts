/**
 * Frame-by-frame shapes for a region that is not rigid (trees, clouds, a region whose parts move
 * apart): one vertex count for the whole run, each vertex kept on its feature.
 *   1. the region's motion since the last frame, corrected locally around each vertex, predicts
 *      where each vertex went;
 *   2. corner vertices snap to the nearest corner of the new outline, the others to the nearest point;
 *      a vertex that the motion takes past the frame edge goes there with its feature (past-frame.ts);
 *   3. each span between neighbouring vertices gets one cubic; where a span cannot be fitted within
 *      the tolerance a vertex is added there — and to every earlier frame, by splitting that segment
 *      where it already lies, which leaves those frames' shapes exactly as they were.
 * When a region changes past following (too many vertices to add), the run ends and a new one
 * starts: the mask hands over to a new mask at that frame. At the end of a run, the vertices it added
 * are followed back through the frames before (follow-back.ts), and the vertices no frame needs are
 * removed (prune.ts).
 */
import { cubicsToPath, fitContour, featureReach, CORNER_TURN_DEGREES, type FittedContour, type SpanFit } from './fit.ts';
import { edgeDistance, pastFramePlaces, spanBetween } from './past-frame.ts';
import { followAddedVerticesBack } from './follow-back.ts';
import { CORNER_ROUNDING, findCorners, pointAt } from './polyline.ts';
import { arcPosition, PolylineIndex } from './nearest.ts';
import { applySimilarity, type Similarity } from './motion.ts';
import { FIT_SHARE, insideFrame, type RegionTrack, type TrackOptions } from './track.ts';
import type { Shapes } from './keyframes.ts';
import type { Vec2 } from './types.ts';
import { RunShapes } from './run-shapes.ts';
import { FittingOutlines, pruneVertices, VertexPositions, type FittingOutline } from './prune.ts';
import { hypot } from './hypot.ts';

const MAX_INSERTIONS_PER_FRAME = 32;
const MAX_VERTICES = 400;

interface Anchor { x: number; y: number; corner: boolean }

/** Shapes for consecutive frames from `firstFrame` on, all with the same vertex count. */
export interface ShapeRun {
  firstFrame: number;
  shapes: Shapes;
}

interface RunState {
  run: { firstFrame: number; shapes: RunShapes };
  /** Where the shapes' vertices sit on their outlines, for pruning when the run ends. */
  positions: VertexPositions;
  anchors: Anchor[];
  /** Each anchor's share of the perimeter from anchor 0, last frame (to catch a wild projection). */
  shares: number[];
  /** Which vertices went past the frame edge in some frame of the run (pruning keeps their neighbours). */
  pastFrame: boolean[];
  /** The frame of the run where following placed each vertex first (a later one for a vertex it added). */
  addedAt: number[];
}

/** A frame's outline as following measures it: points 1 px apart, their arc lengths and an index. */
interface Measured extends FittingOutline {
  index: PolylineIndex;
}

function measure(fitting: FittingOutline): Measured {
  return { ...fitting, index: new PolylineIndex(fitting.points, true) };
}

/** The track's frames as runs of shapes (usually one run), each with the fewest vertices that follow it. */
export function followShapes(track: RegionTrack, options: TrackOptions): ShapeRun[] {
  const runs: ShapeRun[] = [];
  let state: RunState | undefined;
  const fitting = new FittingOutlines(track.outlines, options);
  const finish = ({ run, positions, anchors, pastFrame, addedAt }: RunState): void => {
    const from = run.firstFrame - track.firstFrame;
    const outlines = fitting.run(from);
    const corner = anchors.map((a) => a.corner);
    const back = followAddedVerticesBack(run.shapes, positions, outlines, track.motions.slice(from, from + run.shapes.length), corner, addedAt, options);
    const past = pastFrame.map((p, k) => p || back.past[k]);
    runs.push({ firstFrame: run.firstFrame, shapes: pruneVertices(back.shapes, back.positions, outlines, corner, options, past) });
  };
  // Each frame is measured once and serves again as the next frame's previous one.
  let previous: Measured | undefined;
  track.outlines.forEach((_, k) => {
    const current = measure(fitting.at(k));
    if (!(state && previous && advance(state, current, previous, track.outlines[k - 1], track.motions[k], options))) {
      if (state) finish(state);
      state = startRun(current, track.firstFrame + k, track.motions.slice(k + 1), options);
    }
    previous = current;
  });
  if (state) finish(state);
  return runs;
}

function startRun(current: Measured, frame: number, ahead: Similarity[], options: TrackOptions): RunState {
  const fitted = fromSteadiestVertex(fitContour(current.points, { ...options, tolerance: FIT_SHARE * options.tolerance }),
    current.s[current.s.length - 1], ahead, options);
  const anchors = fitted.path.vertices.map((v, k) => ({ x: v[0], y: v[1], corner: fitted.corner[k] }));
  const shapes = new RunShapes();
  shapes.push(fitted.path);
  const positions = new VertexPositions();
  positions.push(fitted.at, current.s[current.s.length - 1]);
  return { run: { firstFrame: frame, shapes }, positions, anchors, shares: perimeterShares(current, anchors),
    pastFrame: anchors.map(() => false), addedAt: anchors.map(() => 0) };
}

/**
 * The fitted contour numbered from the vertex that the motions `ahead` keep in frame longest. Vertex 0
 * stays on the outline (the path starts there; following takes no other vertex past the frame edge in
 * its place), so one whose feature leaves the frame would sit where the outline meets the edge, on the
 * vertex there, and following would add vertices for the spans it collapses. A vertex 0 on the frame
 * edge (a sky's corner of the frame) stays where it is, as does any that no other outlasts.
 */
function fromSteadiestVertex(fitted: FittedContour, perimeter: number, ahead: Similarity[], options: TrackOptions): FittedContour {
  const { vertices } = fitted.path;
  const onEdge = ([x, y]: Vec2) => !insideFrame(x, y, options);
  if (onEdge(vertices[0])) return fitted;
  // Frames a vertex's feature stays inside the frame (by the tolerance): one on the edge stays on it.
  const staying = vertices.map((vertex) => {
    if (onEdge(vertex)) return Infinity;
    let [x, y] = vertex, frames = 0;
    for (const motion of ahead) {
      [x, y] = applySimilarity(motion, x, y);
      if (edgeDistance([x, y], options) < options.tolerance) break;
      frames++;
    }
    return frames;
  });
  const first = staying.reduce((best, frames, k) => (frames > staying[best] ? k : best), 0);
  if (first === 0) return fitted;
  const rotate = <T>(items: T[]): T[] => [...items.slice(first), ...items.slice(0, first)];
  const { path } = fitted;
  return {
    ...fitted,
    path: { closed: path.closed, vertices: rotate(path.vertices), inTangents: rotate(path.inTangents), outTangents: rotate(path.outTangents) },
    corner: rotate(fitted.corner),
    // Arc lengths still increase from the new vertex 0: those before it come a perimeter on.
    at: [...fitted.at.slice(first), ...fitted.at.slice(0, first).map((at) => at + perimeter)],
  };
}

function perimeterShares({ index, s }: Measured, anchors: Anchor[]): number[] {
  const perimeter = s[s.length - 1];
  const at = anchors.map((a) => arcPosition(index, s, a.x, a.y));
  return at.map((p) => ((p - at[0] + perimeter) % perimeter) / perimeter);
}

/** Moves a run onto this frame's outline; false when it cannot follow. */
function advance(state: RunState, current: Measured, previous: Measured, previousOutline: Float32Array, motion: Similarity,
  options: TrackOptions): boolean {
  const { points, s, index } = current;
  const perimeter = s[points.length / 2];
  const reach = featureReach(options.tolerance);
  const fitTolerance = FIT_SHARE * options.tolerance;

  const cornerPositions = findCorners(points, s, { reach, minTurnDegrees: CORNER_TURN_DEGREES, width: options.width, height: options.height })
    .map((i) => s[i]);
  // Corners are distinct features: a corner vertex may find its corner well away from where motion put it.
  const snapRadius = 8 * reach;

  // Where each vertex went, as an arc length on the new contour.
  const predicted = state.anchors.map((anchor) => localPrediction(previousOutline, motion, index, anchor, 4 * reach, options));
  // A corner vertex snaps to the nearest corner of the same kind (the ways in and out of it agree):
  // on a small or narrowing shape the next corner along is close, but it turns the other way.
  const corners = cornerPositions.map((c) => ({ at: c, point: pointAt(points, s, c), kind: cornerKind(points, s, c, reach) }));
  const positions = state.anchors.map((anchor, k) => {
    const [px, py] = predicted[k];
    if (anchor.corner) {
      const kind = cornerKind(previous.points, previous.s, arcPosition(previous.index, previous.s, anchor.x, anchor.y), reach);
      let best = -1, bestDistance = snapRadius;
      for (const c of corners) {
        const d = hypot(c.point[0] - px, c.point[1] - py);
        if (d < bestDistance && sameKind(kind, c.kind)) { bestDistance = d; best = c.at; }
      }
      if (best >= 0) return best;
    }
    return arcPosition(index, s, px, py);
  });

  // Keep the vertices in order along the outline; one that landed far from where its share of the
  // perimeter says it should be is put back there.
  const origin = positions[0];
  const along = positions.map((p) => ((p - origin + perimeter) % perimeter));
  for (let k = 1; k < along.length; k++) {
    const expected = state.shares[k] * perimeter;
    if (Math.abs(along[k] - expected) > perimeter / 4) along[k] = expected;
    along[k] = Math.min(perimeter, Math.max(along[k], along[k - 1]));
  }
  const places = pastFramePlaces(state.anchors.map((a) => [a.x, a.y]), predicted, along, current, origin, options);

  const corner = state.anchors.map((a) => a.corner);
  const { pastFrame, addedAt } = state;
  // Span k, from vertex k to the next; the last ends a perimeter on, on vertex 0 (never past the frame).
  const spanAt = (k: number): SpanFit => spanBetween(current, origin, places[k], k + 1 < places.length ? places[k + 1] : { at: perimeter },
    corner[k], corner[(k + 1) % corner.length], reach);
  const spans = places.map((_, k) => spanAt(k));

  // Add vertices where a span does not fit, here and (without changing them) in earlier frames; those
  // are only touched once the frame is known to follow, so a run that ends here keeps its vertices.
  const meetings = cornerPositions.filter((c) => meetsFrameEdge(current, c, options));
  const insertions: { segment: number; fraction: number }[] = [];
  for (let k = 0; k < spans.length; k++) {
    const span = spans[k];
    if (span.error <= fitTolerance || span.to - span.from < 4 * CORNER_ROUNDING) continue;
    if (insertions.length >= MAX_INSERTIONS_PER_FRAME || spans.length >= MAX_VERTICES) return false;
    const margin = Math.min(reach, (span.to - span.from) / 4);
    // A span across where the outline meets the frame edge is split there, with a corner: split
    // anywhere else, it leaves a vertex on the edge, which the scene's motion does not move, and the
    // meeting still in a span.
    const meeting = edgeMeetingWithin(meetings, perimeter, span.from + margin, span.to - margin, span.worstAt);
    const split = meeting ?? Math.min(span.to - margin, Math.max(span.from + margin, span.worstAt));
    insertions.push({ segment: k, fraction: (split - span.from) / (span.to - span.from) });
    corner.splice(k + 1, 0, meeting !== undefined);
    places.splice(k + 1, 0, { at: split - origin });
    spans.splice(k, 1, spanAt(k), spanAt(k + 1));
    k--;
  }
  const frame = state.run.shapes.length;
  for (const { segment, fraction } of insertions) {
    state.run.shapes.insertVertex(segment, fraction);
    state.positions.insert(segment, fraction);
    pastFrame.splice(segment + 1, 0, false);
    addedAt.splice(segment + 1, 0, frame);
  }

  const path = cubicsToPath(spans.map((span) => span.curve));
  state.run.shapes.push(path);
  state.positions.push(spans.map((span) => span.from), perimeter);
  state.anchors = path.vertices.map((v, k) => ({ x: v[0], y: v[1], corner: corner[k] }));
  state.shares = spans.map((span) => (span.from - origin) / perimeter);
  places.forEach((place, k) => { if (place.past) pastFrame[k] = true; });
  return true;
}

/** Whether the outline meets the frame edge at arc length `pos`: it lies on the edge there, and in frame on one side. */
function meetsFrameEdge({ points, s }: FittingOutline, pos: number, options: TrackOptions): boolean {
  const [x, y] = pointAt(points, s, pos);
  if (insideFrame(x, y, options)) return false;
  const before = pointAt(points, s, pos - 1), after = pointAt(points, s, pos + 1);
  return insideFrame(before[0], before[1], options) !== insideFrame(after[0], after[1], options);
}

/** Of the `meetings` with the frame edge (arc lengths), the one between `from` and `to` (laps of `perimeter` on) nearest `near`, if any. */
function edgeMeetingWithin(meetings: number[], perimeter: number, from: number, to: number, near: number): number | undefined {
  let best: number | undefined;
  for (const at of meetings) {
    for (let pos = at + Math.ceil((from - at) / perimeter) * perimeter; pos <= to; pos += perimeter) {
      if (best === undefined || Math.abs(pos - near) < Math.abs(best - near)) best = pos;
    }
  }
  return best;
}

/** The unit directions into and out of the outline at arc length `pos`. */
function cornerKind(points: Float64Array, s: Float64Array, pos: number, reach: number): [number, number, number, number] {
  const [ax, ay] = pointAt(points, s, pos - reach), [bx, by] = pointAt(points, s, pos), [cx, cy] = pointAt(points, s, pos + reach);
  const l1 = hypot(bx - ax, by - ay) || 1, l2 = hypot(cx - bx, cy - by) || 1;
  return [(bx - ax) / l1, (by - ay) / l1, (cx - bx) / l2, (cy - by) / l2];
}

function sameKind(a: number[], b: number[]): boolean {
  return a[0] * b[0] + a[1] * b[1] > 0.5 && a[2] * b[2] + a[3] * b[3] > 0.5;
}

/**
 * Where an anchor went: the region's overall motion, corrected by how the outline right around the
 * anchor moved (parts of one region, a band of trees and a roof say, move differently, and a
 * narrowing opening moves off what one similarity predicts). Each point of the last outline within
 * `radius` of the anchor is moved by the overall motion and matched to the nearest stretch of the new
 * outline running the same way (within 45°, up to the tolerance away). The correction is the shift that
 * best closes those gaps across each stretch (point-to-line least squares): a corner's two sides pin
 * it both ways; along a lone straight side, where nothing says how far it slid, it is not shifted.
 * Points on the frame edge are left out: the edge stays where it is while the scene moves.
 * The search is short because the region's motion is good to about a pixel (the camera's, refined by
 * ICP): a stretch further away is more often another part of a ragged outline (a tree line) than
 * where this part went, and such matches once pulled vertices tens to hundreds of px along the
 * outline over a shot (a 1080p hand-held move: scene-space drift 200 px on average, now 10).
 */
function localPrediction(outline: Float32Array, transform: Similarity, index: PolylineIndex, anchor: Anchor, radius: number,
  options: TrackOptions): [number, number] {
  const [px, py] = applySimilarity(transform, anchor.x, anchor.y);
  // Normal equations of the shift t: Σ n nᵀ t = Σ n (n · gap), plus a little of t = 0.
  let a11 = 1e-3, a12 = 0, a22 = 1e-3, b1 = 0, b2 = 0;
  const n = outline.length / 2;
  const linear = { ...transform, tx: 0, ty: 0 };
  // The outline is sampled about a quarter of the tolerance apart, every pixel at most: a soft
  // matte's larger tolerance widens the anchor's square (radius) with it, and its points add queries
  // that say nothing new.
  const spacing = Math.max(1, options.tolerance / 4);
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const ax = outline[2 * i], ay = outline[2 * i + 1], bx = outline[2 * j], by = outline[2 * j + 1];
    // Segments wholly outside the anchor's square have no point in it: most of the outline.
    if (Math.min(ax, bx) > anchor.x + radius || Math.max(ax, bx) < anchor.x - radius ||
      Math.min(ay, by) > anchor.y + radius || Math.max(ay, by) < anchor.y - radius) continue;
    const steps = Math.ceil(hypot(bx - ax, by - ay) / spacing);
    for (let k = 0; k < steps; k++) {
      const qx = ax + ((bx - ax) * k) / steps, qy = ay + ((by - ay) * k) / steps;
      if (Math.abs(qx - anchor.x) > radius || Math.abs(qy - anchor.y) > radius || !insideFrame(qx, qy, options)) continue;
      const [mx, my] = applySimilarity(transform, qx, qy);
      const [dx, dy] = applySimilarity(linear, bx - ax, by - ay);
      const hit = index.nearest(mx, my, options.tolerance, dx, dy, 0.7);
      if (!hit) continue;
      // The matched segment's normal.
      const j2 = (hit.segment + 1) % (index.points.length / 2);
      const ex = index.points[2 * j2] - index.points[2 * hit.segment], ey = index.points[2 * j2 + 1] - index.points[2 * hit.segment + 1];
      const len = hypot(ex, ey);
      if (len === 0) continue;
      const nx = -ey / len, ny = ex / len;
      const gap = nx * (hit.x - mx) + ny * (hit.y - my);
      a11 += nx * nx; a12 += nx * ny; a22 += ny * ny;
      b1 += nx * gap; b2 += ny * gap;
    }
  }
  const det = a11 * a22 - a12 * a12;
  return [px + (a22 * b1 - a12 * b2) / det, py + (a11 * b2 - a12 * b1) / det];
}
