/**
 * The shapes of a run followed frame by frame, kept compact: each frame's shape as it was fitted
 * (vertices and tangents in one Float64Array, 48 bytes a vertex), and the vertices added later to all
 * earlier frames, applied when a shape is read. Adding a vertex then costs nothing until those frames
 * are read, instead of a copy of every shape so far, and a long run holds a few KB a frame.
 */
import type { BezierPath, Vec2 } from './types.ts';
import { cubicPoint, insertVertex, segmentControls } from './bezier.ts';
import type { Cubic } from './fit.ts';

/** A vertex added to every shape before frame `before`: on segment `segment`, at `fraction` of its length. */
interface Insertion {
  before: number;
  segment: number;
  fraction: number;
}

export class RunShapes {
  private readonly packed: Float64Array[] = [];
  private readonly insertions: Insertion[] = [];

  get length(): number {
    return this.packed.length;
  }

  /** Adds the next frame's shape (closed, with the vertex count of every shape so far). */
  push(path: BezierPath): void {
    const n = path.vertices.length;
    const packed = new Float64Array(6 * n);
    for (let k = 0; k < n; k++) {
      packed.set(path.vertices[k], 6 * k);
      packed.set(path.inTangents[k], 6 * k + 2);
      packed.set(path.outTangents[k], 6 * k + 4);
    }
    this.packed.push(packed);
  }

  /**
   * Adds a vertex to every shape so far on segment `segment`, where `fraction` of its length lies
   * before it; each curve stays exactly as it was.
   */
  insertVertex(segment: number, fraction: number): void {
    this.insertions.push({ before: this.packed.length, segment, fraction });
  }

  /** Frame k's shape, with every vertex added since. */
  at(k: number): BezierPath | undefined {
    const packed = this.packed[k];
    if (!packed) return undefined;
    const pair = (i: number): Vec2 => [packed[i], packed[i + 1]];
    const n = packed.length / 6;
    let path: BezierPath = {
      closed: true,
      vertices: Array.from({ length: n }, (_, v) => pair(6 * v)),
      inTangents: Array.from({ length: n }, (_, v) => pair(6 * v + 2)),
      outTangents: Array.from({ length: n }, (_, v) => pair(6 * v + 4)),
    };
    for (const { before, segment, fraction } of this.insertions) {
      if (before > k) path = insertVertex(path, segment, parameterAtArcFraction(segmentControls(path, segment), fraction));
    }
    return path;
  }
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
