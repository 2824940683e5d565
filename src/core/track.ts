/**
 * track: per-frame contours → mask tracks. Each region is followed from frame to frame; its mask
 * keeps one vertex count for the whole shot and each vertex stays on its feature:
 *   1. the contour's motion since the last frame (similarity, by ICP) predicts where each vertex went;
 *   2. corner vertices snap to the nearest corner of the new contour, the others to the nearest point;
 *   3. each span between neighbouring vertices gets one cubic; where a span cannot be fitted within
 *      the tolerance a vertex is added there — and to every earlier frame of the track, by splitting
 *      that segment where it already lies, which leaves those frames' shapes exactly as they were.
 */
import type { BezierPath, Contour, Region } from './types.ts';
import { cubicsToPath, fitContour, fitSpan, featureReach, CORNER_TURN_DEGREES, type Cubic, type SpanFit } from './fit.ts';
import { arcLengths, CORNER_ROUNDING, findCorners, pointAt, simplifyClosed } from './polyline.ts';
import { PolylineIndex } from './nearest.ts';
import { applySimilarity, estimateMotion, IDENTITY, type Similarity } from './motion.ts';
import { cubicPoint, insertVertex, segmentControls } from './bezier.ts';

export interface TrackOptions {
  width: number;
  height: number;
  /** Largest distance in px between a mask (at any frame, interpolated or not) and the traced outline. */
  tolerance: number;
}

/** Share of the tolerance spent on fitting each frame; the rest is left for keyframe interpolation. */
export const FIT_SHARE = 0.6;
const MAX_INSERTIONS_PER_FRAME = 32;
/** Outlines are remembered to within this share of the tolerance. */
const OUTLINE_PRECISION = 0.1;
const MAX_VERTICES = 400;

interface Anchor { x: number; y: number; corner: boolean }

/** One mask's life: the shape it has at each frame from `firstFrame` on. */
export interface ShapeTrack {
  kind: 'outer' | 'hole';
  /** Nesting depth: 0 for outer boundaries, 1 for their holes, 2 for islands in holes, … */
  depth: number;
  firstFrame: number;
  shapes: BezierPath[];
  fitErrors: number[];
  /** Each frame's traced outline, simplified to within a tenth of the tolerance (a few KB a frame). */
  outlines: Float32Array[];
  /** Sum and count of edge ramp widths seen, for the mask's feather. */
  rampSum: number;
  rampCount: number;
  anchors: Anchor[];
  /** Each anchor's share of the perimeter from anchor 0, last frame (to catch a wild projection). */
  shares: number[];
  /** Points of the last contour off the frame edge, for motion estimation. */
  motionPoints: Float64Array;
  motion: Similarity;
  /** The motion from the previous frame to each frame of the track (identity at its first frame). */
  motions: Similarity[];
  footprint: Footprint;
}

/** Where a contour lies, coarsely, for associating regions across frames. */
interface Footprint { x0: number; y0: number; x1: number; y1: number; area: number }

interface Item { contour: Contour; kind: 'outer' | 'hole'; depth: number; footprint: Footprint }

/** Follows regions through a shot one frame at a time; `tracks` holds every track begun so far. */
export class Tracker {
  readonly tracks: ShapeTrack[] = [];
  private active: ShapeTrack[] = [];
  private frame = 0;

  constructor(readonly options: TrackOptions) {}

  /** Adds the next frame's regions. */
  addFrame(regions: Region[]): void {
    const items = flattenRegions(regions);
    const pairs = associate(this.active, items);
    const next: ShapeTrack[] = [];
    const used = new Set<Item>();
    for (const [track, item] of pairs) {
      if (advance(track, item, this.options)) {
        next.push(track);
        used.add(item);
      }
    }
    for (const item of items) {
      if (used.has(item)) continue;
      const track = startTrack(item, this.frame, this.options);
      this.tracks.push(track);
      next.push(track);
    }
    this.active = next;
    this.frame++;
  }

  get frameCount(): number {
    return this.frame;
  }
}

function flattenRegions(regions: Region[]): Item[] {
  const holes = regions.flatMap((r) => r.holes);
  const items: Item[] = [];
  for (const region of regions) {
    // An island inside someone's hole sits two levels deeper for each hole around it.
    const around = holes.filter((h) => contains(h, region.outer)).length;
    items.push({ contour: region.outer, kind: 'outer', depth: 2 * around, footprint: footprintOf(region.outer.points) });
    for (const hole of region.holes) items.push({ contour: hole, kind: 'hole', depth: 2 * around + 1, footprint: footprintOf(hole.points) });
  }
  return items;
}

function contains(hole: Contour, outer: Contour): boolean {
  const f = footprintOf(hole.points), g = footprintOf(outer.points);
  return g.x0 >= f.x0 && g.x1 <= f.x1 && g.y0 >= f.y0 && g.y1 <= f.y1 && g.area < f.area;
}

function footprintOf(points: Float64Array): Footprint {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (let i = 0; i < points.length; i += 2) {
    x0 = Math.min(x0, points[i]); x1 = Math.max(x1, points[i]);
    y0 = Math.min(y0, points[i + 1]); y1 = Math.max(y1, points[i + 1]);
  }
  return { x0, y0, x1, y1, area: (x1 - x0) * (y1 - y0) };
}

/** Pairs each track with the region of the same kind whose bounding box overlaps its own the most. */
function associate(tracks: ShapeTrack[], items: Item[]): [ShapeTrack, Item][] {
  const candidates: { track: ShapeTrack; item: Item; score: number }[] = [];
  for (const track of tracks) {
    for (const item of items) {
      if (item.kind !== track.kind) continue;
      const a = track.footprint, b = item.footprint;
      const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (w <= 0 || h <= 0) continue;
      const score = (w * h) / (a.area + b.area - w * h);
      if (score > 0.3) candidates.push({ track, item, score });
    }
  }
  candidates.sort((p, q) => q.score - p.score);
  const pairs: [ShapeTrack, Item][] = [];
  const takenTracks = new Set<ShapeTrack>(), takenItems = new Set<Item>();
  for (const { track, item } of candidates) {
    if (takenTracks.has(track) || takenItems.has(item)) continue;
    takenTracks.add(track);
    takenItems.add(item);
    pairs.push([track, item]);
  }
  return pairs;
}

function startTrack(item: Item, frame: number, options: TrackOptions): ShapeTrack {
  const fitted = fitContour(item.contour.points, { ...options, tolerance: FIT_SHARE * options.tolerance });
  const anchors = fitted.path.vertices.map((v, k) => ({ x: v[0], y: v[1], corner: fitted.corner[k] }));
  return {
    kind: item.kind,
    depth: item.depth,
    firstFrame: frame,
    shapes: [fitted.path],
    fitErrors: [fitted.error],
    outlines: [simplifyClosed(item.contour.points, OUTLINE_PRECISION * options.tolerance)],
    rampSum: item.contour.rampWidth,
    rampCount: item.contour.rampWidth > 0 ? 1 : 0,
    anchors,
    shares: perimeterShares(item.contour.points, anchors),
    motionPoints: motionPoints(item.contour.points, options),
    motion: IDENTITY,
    motions: [IDENTITY],
    footprint: item.footprint,
  };
}

/** Up to 256 contour points off the frame edge. */
function motionPoints(points: Float64Array, { width, height }: TrackOptions): Float64Array {
  const inner: number[] = [];
  for (let i = 0; i < points.length; i += 2) {
    const x = points[i], y = points[i + 1];
    if (x > 0 && y > 0 && x < width && y < height) inner.push(x, y);
  }
  const stride = Math.max(1, Math.floor(inner.length / 2 / 256));
  const out: number[] = [];
  for (let i = 0; i < inner.length / 2; i += stride) out.push(inner[2 * i], inner[2 * i + 1]);
  return Float64Array.from(out);
}

function perimeterShares(points: Float64Array, anchors: Anchor[]): number[] {
  const index = new PolylineIndex(points, true);
  const s = arcLengths(points);
  const perimeter = s[s.length - 1];
  const at = anchors.map((a) => arcPosition(index, s, a.x, a.y));
  return at.map((p) => ((p - at[0] + perimeter) % perimeter) / perimeter);
}

function arcPosition(index: PolylineIndex, s: Float64Array, x: number, y: number): number {
  const hit = index.nearest(x, y)!;
  return s[hit.segment] + hit.fraction * (s[hit.segment + 1] - s[hit.segment]);
}

/** Moves a track onto this frame's contour; false when it cannot follow (the caller starts a new track). */
function advance(track: ShapeTrack, item: Item, options: TrackOptions): boolean {
  const points = item.contour.points;
  const n = points.length / 2;
  const s = arcLengths(points);
  const perimeter = s[n];
  const reach = featureReach(options.tolerance);
  const fitTolerance = FIT_SHARE * options.tolerance;
  const index = new PolylineIndex(points, true);
  const diagonal = Math.hypot(options.width, options.height);

  const motion = track.motionPoints.length >= 6
    ? estimateMotion(track.motionPoints, index, track.motion, diagonal / 8)
    : { transform: IDENTITY, residual: 0 };
  const cornerPositions = findCorners(points, s, { reach, minTurnDegrees: CORNER_TURN_DEGREES, width: options.width, height: options.height })
    .map((i) => s[i]);
  const snapRadius = Math.max(2 * reach, 3 * motion.residual);

  const previousOutline = track.outlines[track.outlines.length - 1];
  // Where each vertex went, as an arc length on the new contour.
  const positions = track.anchors.map((anchor) => {
    const [px, py] = localPrediction(previousOutline, motion.transform, index, anchor, 4 * reach);
    if (anchor.corner) {
      let best = -1, bestDistance = snapRadius;
      for (const c of cornerPositions) {
        const [cx, cy] = pointAt(points, s, c);
        const d = Math.hypot(cx - px, cy - py);
        if (d < bestDistance) { bestDistance = d; best = c; }
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
    const expected = track.shares[k] * perimeter;
    if (Math.abs(along[k] - expected) > perimeter / 4) along[k] = expected;
    along[k] = Math.min(perimeter, Math.max(along[k], along[k - 1]));
  }

  const corner = track.anchors.map((a) => a.corner);
  const spanAt = (from: number, to: number, fromCorner: boolean, toCorner: boolean): SpanFit =>
    fitSpan(points, s, origin + from, origin + to, fromCorner, toCorner, reach);
  const spans = along.map((from, k) => spanAt(from, k + 1 < along.length ? along[k + 1] : perimeter, corner[k], corner[(k + 1) % corner.length]));

  // Add vertices where a span does not fit, here and (without changing them) in earlier frames.
  let insertions = 0;
  for (let k = 0; k < spans.length; k++) {
    const span = spans[k];
    if (span.error <= fitTolerance || span.to - span.from < 4 * CORNER_ROUNDING) continue;
    if (++insertions > MAX_INSERTIONS_PER_FRAME || spans.length >= MAX_VERTICES) return false;
    const margin = Math.min(reach, (span.to - span.from) / 4);
    const split = Math.min(span.to - margin, Math.max(span.from + margin, span.worstAt)) - origin;
    const fraction = (split - (span.from - origin)) / (span.to - span.from);
    track.shapes = track.shapes.map((shape) => insertVertex(shape, k, parameterAtArcFraction(segmentControls(shape, k), fraction)));
    corner.splice(k + 1, 0, false);
    spans.splice(k, 1, spanAt(span.from - origin, split, corner[k], false), spanAt(split, span.to - origin, false, corner[(k + 2) % corner.length]));
    k--;
  }

  const path = cubicsToPath(spans.map((span) => span.curve));
  track.shapes.push(path);
  track.fitErrors.push(Math.max(...spans.map((span) => span.error)));
  track.outlines.push(simplifyClosed(points, OUTLINE_PRECISION * options.tolerance));
  track.anchors = path.vertices.map((v, k) => ({ x: v[0], y: v[1], corner: corner[k] }));
  track.shares = spans.map((span) => (span.from - origin) / perimeter);
  track.motionPoints = motionPoints(points, options);
  track.motion = motion.transform;
  track.motions.push(motion.transform);
  track.footprint = item.footprint;
  if (item.contour.rampWidth > 0) {
    track.rampSum += item.contour.rampWidth;
    track.rampCount++;
  }
  return true;
}

/** The parameter at which a cubic has covered `fraction` of its length (sampled finely enough for a split). */
function parameterAtArcFraction(c: Cubic, fraction: number): number {
  const steps = 64;
  const lengths = new Float64Array(steps + 1);
  let previous = c[0];
  for (let i = 1; i <= steps; i++) {
    const p = cubicPoint(c, i / steps);
    lengths[i] = lengths[i - 1] + Math.hypot(p[0] - previous[0], p[1] - previous[1]);
    previous = p;
  }
  const target = fraction * lengths[steps];
  let i = 1;
  while (i < steps && lengths[i] < target) i++;
  const segment = lengths[i] - lengths[i - 1];
  return segment > 0 ? (i - 1 + (target - lengths[i - 1]) / segment) / steps : i / steps;
}

/**
 * Where an anchor went: the region's overall motion, corrected by how the outline right around the
 * anchor moved (parts of one region, a band of trees and a roof say, move differently). Each point
 * of the last outline within `radius` of the anchor is moved by the overall motion and matched to the
 * nearest stretch of the new outline that runs the same way; the mean offset is the correction.
 */
function localPrediction(outline: Float32Array, transform: Similarity, index: PolylineIndex, anchor: Anchor, radius: number): [number, number] {
  const [px, py] = applySimilarity(transform, anchor.x, anchor.y);
  let sx = 0, sy = 0, count = 0;
  const n = outline.length / 2;
  for (let i = 0; i < n; i++) {
    const j = (i + 1) % n;
    const ax = outline[2 * i], ay = outline[2 * i + 1], bx = outline[2 * j], by = outline[2 * j + 1];
    const length = Math.hypot(bx - ax, by - ay);
    const steps = Math.ceil(length);
    for (let k = 0; k < steps; k++) {
      const qx = ax + ((bx - ax) * k) / steps, qy = ay + ((by - ay) * k) / steps;
      if (Math.abs(qx - anchor.x) > radius || Math.abs(qy - anchor.y) > radius) continue;
      const [mx, my] = applySimilarity(transform, qx, qy);
      const [dx, dy] = applySimilarity({ ...transform, tx: 0, ty: 0 }, bx - ax, by - ay);
      const hit = index.nearest(mx, my, 2 * radius, dx, dy);
      if (!hit) continue;
      sx += hit.x - mx; sy += hit.y - my; count++;
    }
  }
  return count > 0 ? [px + sx / count, py + sy / count] : [px, py];
}
