/**
 * Fewer vertices for a run of shapes followed frame by frame. Following only ever adds vertices (a
 * span that does not fit in one frame gets one, and so does every other frame), so a region that
 * changed a lot over the run ends with the vertices of all its frames' features put together: a
 * tree line a UAV flew past, 10 vertices a frame, came to 254. Here a smooth vertex goes where, in
 * every frame of the run, one cubic from its neighbour before to its neighbour after fits the outline
 * within the tolerance, as a roto artist deletes the points a shape can do without. Corners and the
 * first vertex stay: they carry the features and the path's start. Vertices are judged in rounds of
 * every other one, so that the spans judged in a round do not overlap, until two rounds remove none.
 */
import { cubicsToPath, featureReach, fitSpan, type Cubic } from './fit.ts';
import { arcLengths, densify, pressSliversOntoEdge } from './polyline.ts';
import { RunShapes, type Insertion } from './run-shapes.ts';
import { cubicWithEnds, segmentControls } from './bezier.ts';
import { FIT_SHARE, type TrackOptions } from './track.ts';

/**
 * Where each vertex of a run's shapes sits along its frame's outline (arc lengths on the outline
 * densified 1 px apart, as following measures it), with the vertices added to earlier frames since.
 */
export class VertexPositions {
  private readonly frames: { at: Float64Array; perimeter: number }[] = [];
  private readonly insertions: Insertion[] = [];

  /** The next frame's vertex positions, increasing, within one perimeter of the first. */
  push(at: ArrayLike<number>, perimeter: number): void {
    this.frames.push({ at: Float64Array.from(at), perimeter });
  }

  /** Adds a vertex to every frame so far, `fraction` of the way from vertex `segment` to the next. */
  insert(segment: number, fraction: number): void {
    this.insertions.push({ before: this.frames.length, segment, fraction });
  }

  /** Frame f's outline length. */
  perimeter(f: number): number {
    return this.frames[f].perimeter;
  }

  /** Frame f's positions, with every vertex added since. */
  at(f: number): number[] {
    const { at, perimeter } = this.frames[f];
    const positions = Array.from(at);
    for (const { before, segment, fraction } of this.insertions) {
      if (before <= f) continue;
      const from = positions[segment], to = segment + 1 < positions.length ? positions[segment + 1] : positions[0] + perimeter;
      positions.splice(segment + 1, 0, from + fraction * (to - from));
    }
    return positions;
  }
}

/** A frame's outline as spans are fitted to it: points 1 px apart and their arc lengths. */
export interface FittingOutline {
  points: Float64Array;
  s: Float64Array;
  /** The frame it was traced in: spans' tangents stop at its edge (outlineTangent). */
  frame: { width: number; height: number };
}

/**
 * A stored outline as following fits spans to it. Outlines are stored simplified, and fitting
 * measures its error at the points, so they are spaced 1 px apart; slivers off the frame edge are
 * pressed onto it, as fitContour does.
 */
function fittingOutline(stored: Float32Array, options: TrackOptions): FittingOutline {
  const points = pressSliversOntoEdge(densify(stored, 1), featureReach(options.tolerance), options);
  return { points, s: arcLengths(points), frame: { width: options.width, height: options.height } };
}

/** Frames' fitting outlines, asked for by frame (0 for a run's first). */
export interface FittingOutlineSource {
  at(f: number): FittingOutline;
}

/**
 * About how many bytes of fitting outlines a track keeps (~450 frames of a 1080p sky's 3000 px outline):
 * following makes each frame's once, then following back and pruning want them again, pruning once
 * per round. Past this, the later frames' are made again when asked for, so memory stays bounded on
 * long shots.
 */
const KEPT_FITTING_BYTES = 32 * 2 ** 20;

/** Each frame's fitting outline, made when first asked for and kept while the kept ones fit in KEPT_FITTING_BYTES. */
export class FittingOutlines implements FittingOutlineSource {
  private readonly kept: (FittingOutline | undefined)[] = [];
  private keptBytes = 0;

  constructor(private readonly outlines: Float32Array[], private readonly options: TrackOptions) {}

  at(f: number): FittingOutline {
    const kept = this.kept[f];
    if (kept) return kept;
    const made = fittingOutline(this.outlines[f], this.options);
    const bytes = made.points.byteLength + made.s.byteLength;
    if (this.keptBytes + bytes <= KEPT_FITTING_BYTES) {
      this.kept[f] = made;
      this.keptBytes += bytes;
    }
    return made;
  }

  /** The frames from `from` on, numbered from 0. */
  run(from: number): FittingOutlineSource {
    return { at: (f) => this.at(from + f) };
  }
}

/**
 * `shapes` (one per frame of `outlines`, their vertices at `positions`) without the vertices they can
 * do without. `corner` says which vertices sit on corners, `pastFrame` which go past the frame edge
 * in some frame: a span to such a vertex cannot be fitted again from positions on the outline, so a
 * vertex beside one stays. Returns `shapes` itself when none can go.
 */
export function pruneVertices(shapes: RunShapes, positions: VertexPositions, outlines: FittingOutlineSource, corner: boolean[],
  options: TrackOptions, pastFrame: boolean[] = []): RunShapes {
  const frames = shapes.length;
  const reach = featureReach(options.tolerance);
  const fitTolerance = FIT_SHARE * options.tolerance;
  const at = Array.from({ length: frames }, (_, f) => positions.at(f));
  // One cubic from kept vertex a to kept vertex b, the next kept one after it, in frame f.
  const spanIn = (outline: FittingOutline, f: number, a: number, b: number) => {
    const to = b > a ? at[f][b] : at[f][b] + outline.s[outline.s.length - 1];
    return fitSpan(outline.points, outline.s, at[f][a], to, corner[a], corner[b], reach, { frame: outline.frame });
  };

  // A vertex that could not go, with the neighbours it had then and the frame that kept it: it is not
  // judged again until a neighbour goes, and then that frame is looked at first.
  const keptWith = corner.map(() => ({ previous: -1, next: -1, frame: 0 }));
  let kept = corner.map((_, k) => k);
  for (let parity = 1, idle = 0; idle < 2 && kept.length > 3; parity ^= 1) {
    const candidates = new Map<number, { previous: number; next: number }>();
    kept.forEach((k, j) => {
      const previous = kept[j - 1], next = kept[(j + 1) % kept.length];
      if (j % 2 !== parity || j === 0 || corner[k] || pastFrame[previous] || pastFrame[next]) return;
      if (keptWith[k].previous === previous && keptWith[k].next === next) return;
      candidates.set(k, { previous, next });
    });
    const fails = (k: number, f: number, outline: FittingOutline): boolean => {
      const { previous, next } = candidates.get(k)!;
      if (spanIn(outline, f, previous, next).error <= fitTolerance) return false;
      keptWith[k] = { previous, next, frame: f };
      return true;
    };
    // Each candidate's frame first, in frame order so that each outline is measured once.
    const first = new Map([...candidates.keys()].map((k) => [k, keptWith[k].frame]));
    let measured: { frame: number; outline: FittingOutline } | undefined;
    for (const k of [...first.keys()].sort((a, b) => first.get(a)! - first.get(b)!)) {
      const f = first.get(k)!;
      if (measured?.frame !== f) measured = { frame: f, outline: outlines.at(f) };
      if (fails(k, f, measured.outline)) candidates.delete(k);
    }
    for (let f = 0; f < frames && candidates.size > 0; f++) {
      const outline = measured?.frame === f ? measured.outline : outlines.at(f);
      for (const k of candidates.keys()) if (first.get(k) !== f && fails(k, f, outline)) candidates.delete(k);
    }
    idle = candidates.size > 0 ? 0 : idle + 1;
    kept = kept.filter((k) => !candidates.has(k));
  }
  if (kept.length === corner.length) return shapes;

  // The kept vertices stay where they were, and spans between vertices that were neighbours already
  // keep their curves. The others are fitted, with their ends moved onto the vertices (they are
  // there already, except vertices added to earlier frames, which lie on the curve they split rather
  // than on the outline: a fraction of the fitting tolerance away).
  const pruned = new RunShapes();
  for (let f = 0; f < frames; f++) {
    const path = shapes.at(f)!;
    let outline: FittingOutline | undefined;
    pruned.push(cubicsToPath(kept.map((k, j): Cubic => {
      const next = kept[(j + 1) % kept.length];
      if (next === (k + 1) % corner.length) return segmentControls(path, k);
      outline ??= outlines.at(f);
      return cubicWithEnds(spanIn(outline, f, k, next).curve, path.vertices[k], path.vertices[next]);
    })));
  }
  return pruned;
}
