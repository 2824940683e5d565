/**
 * Vertices that following added, followed back through the frames before the one that added them.
 * Following adds a vertex where a frame needs one, and puts it into every earlier frame where the
 * split of that span lies: on the curve, a fraction of the way between its neighbours, not on its
 * feature. There it slides along the outline as its neighbours move (a vertex swimming along a
 * hill 10 px a frame while the camera pans 11), or, when its feature had not yet come into frame,
 * sits where the outline meets the frame edge, on the vertex there.
 *
 * Walking back from the last frame, each such vertex is carried back by the region's motion: onto the
 * nearest point of the outline while that is in frame, past the edge where its feature had not come
 * in yet (past-frame.ts), and the spans around it are fitted again. Where one of those spans does not
 * fit within the fitting tolerance, the vertex would change places with a neighbour, or the outline
 * does not leave the frame where it would go past the edge, it stays where the split put it in that
 * frame (and the frames before carry on from there).
 */
import { featureReach, cubicsToPath, type Cubic, type SpanFit } from './fit.ts';
import { applySimilarity, invertSimilarity, type Similarity } from './motion.ts';
import { cubicWithEnds, segmentControls } from './bezier.ts';
import { arcPosition, PolylineIndex } from './nearest.ts';
import { VertexPositions, type FittingOutline, type FittingOutlineSource } from './prune.ts';
import { forEachGroup, withinFrame, pastFramePoint, placeRunPastEdge, spanBetween, type Place } from './past-frame.ts';
import { RunShapes } from './run-shapes.ts';
import { FIT_SHARE, type TrackOptions } from './track.ts';
import type { BezierPath, Vec2 } from './types.ts';

export interface FollowedBack {
  shapes: RunShapes;
  /** Each frame's vertex positions along its outline, as following measures them (for pruning). */
  positions: VertexPositions;
  /** Which vertices went past the frame edge in some frame. */
  past: boolean[];
}

/**
 * The run's `shapes` (vertices at `positions` on `outlines`) with added vertices followed back.
 * `addedAt[k]` is the first frame where following placed vertex k, `motions[f]` the region's motion
 * from frame f - 1 to f.
 */
export function followAddedVerticesBack(shapes: RunShapes, positions: VertexPositions, outlines: FittingOutlineSource, motions: Similarity[],
  corner: boolean[], addedAt: number[], options: TrackOptions): FollowedBack {
  const frames = shapes.length;
  const past = corner.map(() => false);
  const paths: BezierPath[] = new Array(frames), arcs: number[][] = new Array(frames);
  paths[frames - 1] = shapes.at(frames - 1)!;
  arcs[frames - 1] = positions.at(frames - 1);
  let changed = false;
  for (let f = frames - 2; f >= 0; f--) {
    const added = corner.map((_, k) => k > 0 && f < addedAt[k]);
    const path = shapes.at(f)!, at = positions.at(f);
    const frame = added.some(Boolean) ? followFrameBack(path, at, paths[f + 1], added, outlines.at(f), invertSimilarity(motions[f + 1]), corner, options) : undefined;
    if (frame) {
      frame.past.forEach((p, k) => { if (p) past[k] = true; });
      changed = true;
    }
    paths[f] = frame?.path ?? path;
    arcs[f] = frame?.at ?? at;
  }
  if (!changed) return { shapes, positions, past };
  const followed = { shapes: new RunShapes(), positions: new VertexPositions(), past };
  paths.forEach((path, f) => {
    followed.shapes.push(path);
    followed.positions.push(arcs[f], positions.perimeter(f));
  });
  return followed;
}

/**
 * One frame's shape with its `added` vertices carried back from the next frame's shape (`later`);
 * undefined when none could move.
 */
function followFrameBack(path: BezierPath, at: number[], later: BezierPath, added: boolean[], outline: FittingOutline, back: Similarity,
  corner: boolean[], options: TrackOptions): { path: BezierPath; at: number[]; past: boolean[] } | undefined {
  const n = at.length;
  const perimeter = outline.s[outline.s.length - 1];
  const reach = featureReach(options.tolerance);
  const fitTolerance = FIT_SHARE * options.tolerance;
  const index = new PolylineIndex(outline.points, true);
  const carried = later.vertices.map(([x, y]) => applySimilarity(back, x, y));
  const goesPast = later.vertices.map((v, k) => (added[k] ? pastFramePoint(v, carried[k], options) : undefined));
  // Where each added vertex lands on the outline, within one perimeter from vertex 0's position.
  const landing = carried.map(([x, y], k) => {
    if (!added[k] || goesPast[k]) return NaN;
    const arc = arcPosition(index, outline.s, x, y);
    return at[0] + ((((arc - at[0]) % perimeter) + perimeter) % perimeter);
  });
  const moved = added.slice();
  // Each round gives up on at least one vertex and changes only the spans around it: the others'
  // fits are kept from round to round (a frame with many added vertices would otherwise refit them all each round).
  const fits = new Map<number, { p: Place; q: Place; span: SpanFit }>();
  const spanFrom = (k: number, p: Place, q: Place): SpanFit => {
    const known = fits.get(k);
    if (known && samePlace(known.p, p) && samePlace(known.q, q)) return known.span;
    const span = spanBetween(outline, 0, p, q, corner[k], corner[(k + 1) % n], reach);
    fits.set(k, { p, q, span });
    return span;
  };
  for (let round = 0; round <= n && moved.some(Boolean); round++) {
    const places = placesFor(moved, at, landing, goesPast, path, outline, perimeter, options);
    if (!places) continue;
    const closing = (k: number): Place => (k + 1 < n ? places[k + 1] : { at: places[0].at + perimeter });
    const spans = places.map((p, k) => (moved[k] || moved[(k + 1) % n] ? spanFrom(k, p, closing(k)) : undefined));
    const failing = spans.flatMap((span, k) => (span && span.error > fitTolerance ? [k] : []));
    if (failing.length > 0) {
      for (const k of failing) moved[k] = moved[(k + 1) % n] = false;
      continue;
    }
    // Vertices that stay where they are keep their places (one added by a split lies on the curve it
    // split, a little off the outline): the new spans' ends are moved onto them, handles with them.
    const curves = spans.map((span, k): Cubic => {
      if (!span) return segmentControls(path, k);
      return cubicWithEnds(span.curve, moved[k] ? undefined : path.vertices[k], moved[(k + 1) % n] ? undefined : path.vertices[(k + 1) % n]);
    });
    return {
      path: cubicsToPath(curves),
      at: places.map((p, k) => (p.past ? p.entry! : moved[k] ? p.at : at[k])),
      past: places.map((p) => p.past !== undefined),
    };
  }
  return undefined;
}

function samePlace(a: Place, b: Place): boolean {
  return a.at === b.at && a.entry === b.entry && a.past === b.past;
}

/**
 * Places for a frame's vertices with the `moved` ones carried back: on the outline at `landing`, or
 * past the edge at `goesPast`. Clears `moved` for a vertex that would go past the edge where the
 * outline does not leave the frame, or change places with a neighbour, and returns undefined when it
 * did (the caller asks again).
 */
function placesFor(moved: boolean[], at: number[], landing: number[], goesPast: (Vec2 | undefined)[], path: BezierPath,
  outline: FittingOutline, perimeter: number, options: TrackOptions): Place[] | undefined {
  const n = at.length;
  const places: Place[] = at.map((a, k) => ({ at: moved[k] && !goesPast[k] ? landing[k] : a }));
  let settled = true;
  // The runs of vertices past the edge in this frame: those carried there, and those that stay where they
  // were past it. A span beside a moved vertex that ends on such a run is fitted up to where the outline
  // meets the edge and goes on to the vertex past it (fitted up to the vertex's place on the outline
  // instead, it would run along the frame edge).
  const past = path.vertices.map((v, k) => (moved[k] ? goesPast[k] : withinFrame(v, options) ? undefined : v));
  forEachGroup(past.map((p) => p !== undefined), (first, last) => {
    const group = Array.from({ length: last - first + 1 }, (_, i) => first + i);
    const anyMoved = group.some((k) => moved[k]);
    if (!anyMoved && !moved[first - 1] && !moved[(last + 1) % n]) return;
    if (placeRunPastEdge(places, first, last, past, outline, 0, options) || !anyMoved) return;
    for (const k of group) moved[k] = false;
    settled = false;
  });
  if (!settled) return undefined;
  // In order along the outline: an added vertex lands between its neighbours' places (after a run past
  // the edge, where it comes back in).
  for (let k = 1; k < n; k++) {
    if (!moved[k] || goesPast[k]) continue;
    const previous = places[k - 1];
    const before = previous.past ? previous.entry! : previous.at, after = k + 1 < n ? places[k + 1].at : places[0].at + perimeter;
    if (!(places[k].at > before && places[k].at < after)) { moved[k] = false; settled = false; }
  }
  return settled ? places : undefined;
}
