/**
 * track: per-frame regions → region tracks. Each sky region (and each hole) is followed from frame to
 * frame by the overlap of where it is; for each frame the track keeps the region's traced outline
 * (simplified to a tenth of the tolerance: a few KB a frame, never the matte) and the camera-like
 * motion since the last frame (a similarity found by ICP, starting from the camera motion measured
 * on the footage where the segment stage gave one). The shapes are made from these at the end
 * (masks.ts): one scene shape when the region is rigid, else frame by frame (follow.ts).
 */
import type { Contour, Region } from './types.ts';
import { estimateMotion, IDENTITY, type Similarity } from './motion.ts';
import { simplifyClosed } from './polyline.ts';
import { PolylineIndex } from './nearest.ts';
import { hypot } from './hypot.ts';

export interface TrackOptions {
  width: number;
  height: number;
  /** Largest distance in px between a mask (at any frame, interpolated or not) and the traced outline. */
  tolerance: number;
}

/** Share of the tolerance spent on fitting each frame; the rest is left for keyframe interpolation. */
export const FIT_SHARE = 0.6;
/** Outlines are remembered to within this share of the tolerance. */
const OUTLINE_PRECISION = 0.1;

/** One region's life through the shot. */
export interface RegionTrack {
  kind: 'outer' | 'hole';
  /** Nesting depth: 0 for outer boundaries, 1 for their holes, 2 for islands in holes, … */
  depth: number;
  firstFrame: number;
  /** Each frame's traced outline, from `firstFrame` on. */
  outlines: Float32Array[];
  /** The motion from the previous frame to each frame (identity at the first). */
  motions: Similarity[];
  /** Sum and count of edge ramp widths seen, for the mask's feather. */
  rampSum: number;
  rampCount: number;
}

/** Where a contour lies, coarsely, for associating regions across frames. */
interface Footprint { x0: number; y0: number; x1: number; y1: number; area: number }

interface Item { contour: Contour; kind: 'outer' | 'hole'; depth: number; footprint: Footprint }

/** What following a track needs from its last frame. */
interface Live { track: RegionTrack; footprint: Footprint; motionPoints: Float64Array; motion: Similarity }

/** Follows regions through a shot one frame at a time; `tracks` holds every track begun so far. */
export class Tracker {
  readonly tracks: RegionTrack[] = [];
  private live: Live[] = [];
  private frame = 0;

  constructor(readonly options: TrackOptions) {}

  /** Adds the next frame's regions, with the camera's motion since the last frame where the footage told it. */
  addFrame(regions: Region[], cameraMotion?: Similarity): void {
    const items = flattenRegions(regions);
    const next: Live[] = [];
    const matched = new Set<Item>();
    const diagonal = hypot(this.options.width, this.options.height);
    for (const [live, item] of associate(this.live, items)) {
      const points = item.contour.points;
      // A region with no outline inside the frame (all of it sky) shows no motion of its own: the
      // camera's is all there is to go by.
      const motion = live.motionPoints.length >= 6
        ? trackMotion(live, new PolylineIndex(points, true), cameraMotion, diagonal / 8, this.options.tolerance)
        : cameraMotion ?? IDENTITY;
      record(live.track, item, motion, this.options);
      next.push({ track: live.track, footprint: item.footprint, motionPoints: motionPoints(points, this.options), motion });
      matched.add(item);
    }
    for (const item of items) {
      if (matched.has(item)) continue;
      const track: RegionTrack = { kind: item.kind, depth: item.depth, firstFrame: this.frame, outlines: [], motions: [], rampSum: 0, rampCount: 0 };
      record(track, item, IDENTITY, this.options);
      this.tracks.push(track);
      next.push({ track, footprint: item.footprint, motionPoints: motionPoints(item.contour.points, this.options), motion: IDENTITY });
    }
    this.live = next;
    this.frame++;
  }

  get frameCount(): number {
    return this.frame;
  }
}

/** A fit from the camera's motion this close to the outline (share of the tolerance) is taken as it is. */
const CAMERA_FIT = 0.25;

/**
 * The region's motion since the last frame, by ICP from the camera's motion where the footage gave one,
 * else from the region's last motion. An outline cannot tell how far a near-straight horizon slid along
 * itself (ICP keeps whatever it starts from there), and a fast pan starting from the last motion
 * catches up only a few px a frame; the picture's own motion can. Where the region moved otherwise
 * than the camera (something moving on its own) and that fit is poor, the last motion is tried too and
 * the closer fit wins.
 */
function trackMotion(live: Live, outline: PolylineIndex, camera: Similarity | undefined, reach: number, tolerance: number): Similarity {
  const fromLast = () => estimateMotion(live.motionPoints, outline, live.motion, reach);
  if (!camera) return fromLast().transform;
  const fromCamera = estimateMotion(live.motionPoints, outline, camera, reach);
  if (fromCamera.residual <= CAMERA_FIT * tolerance) return fromCamera.transform;
  const other = fromLast();
  return other.residual < fromCamera.residual ? other.transform : fromCamera.transform;
}

function record(track: RegionTrack, item: Item, motion: Similarity, options: TrackOptions): void {
  track.outlines.push(simplifyClosed(item.contour.points, OUTLINE_PRECISION * options.tolerance));
  track.motions.push(motion);
  if (item.contour.rampWidth > 0) {
    track.rampSum += item.contour.rampWidth;
    track.rampCount++;
  }
}

function flattenRegions(regions: Region[]): Item[] {
  const outers = regions.map((r) => footprintOf(r.outer.points));
  const holes = regions.map((r) => r.holes.map((hole) => footprintOf(hole.points)));
  const everyHole = holes.flat();
  const items: Item[] = [];
  regions.forEach((region, r) => {
    // An island inside someone's hole sits two levels deeper for each hole around it.
    const around = everyHole.filter((h) => contains(h, outers[r])).length;
    items.push({ contour: region.outer, kind: 'outer', depth: 2 * around, footprint: outers[r] });
    region.holes.forEach((hole, k) => items.push({ contour: hole, kind: 'hole', depth: 2 * around + 1, footprint: holes[r][k] }));
  });
  return items;
}

/** Whether an outer boundary's footprint `g` lies within a hole's `f` (and is smaller). */
function contains(f: Footprint, g: Footprint): boolean {
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
function associate(tracks: Live[], items: Item[]): [Live, Item][] {
  const candidates: { track: Live; item: Item; score: number }[] = [];
  for (const track of tracks) {
    for (const item of items) {
      if (item.kind !== track.track.kind) continue;
      const a = track.footprint, b = item.footprint;
      const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
      if (w <= 0 || h <= 0) continue;
      const score = (w * h) / (a.area + b.area - w * h);
      if (score > 0.3) candidates.push({ track, item, score });
    }
  }
  candidates.sort((p, q) => q.score - p.score);
  const pairs: [Live, Item][] = [];
  const takenTracks = new Set<Live>(), takenItems = new Set<Item>();
  for (const { track, item } of candidates) {
    if (takenTracks.has(track) || takenItems.has(item)) continue;
    takenTracks.add(track);
    takenItems.add(item);
    pairs.push([track, item]);
  }
  return pairs;
}

/** Whether (x, y) lies inside the frame rather than on its edge (where outlines follow the frame, not the scene). */
export function insideFrame(x: number, y: number, { width, height }: TrackOptions): boolean {
  return x > 0 && y > 0 && x < width && y < height;
}

/** Up to 256 contour points off the frame edge: every stride-th of them, from the first. */
function motionPoints(points: Float64Array, options: TrackOptions): Float64Array {
  const inner = (i: number): boolean => insideFrame(points[i], points[i + 1], options);
  let count = 0;
  for (let i = 0; i < points.length; i += 2) if (inner(i)) count++;
  const stride = Math.max(1, Math.floor(count / 256));
  const out = new Float64Array(2 * Math.ceil(count / stride));
  for (let i = 0, seen = 0, k = 0; i < points.length; i += 2) {
    if (!inner(i)) continue;
    if (seen++ % stride !== 0) continue;
    out[k++] = points[i];
    out[k++] = points[i + 1];
  }
  return out;
}
