/**
 * The shapes of a run followed frame by frame, kept compact: each frame's shape as it was fitted
 * (vertices and tangents, 48 bytes a vertex, all frames in one buffer that doubles when full: a
 * long run is a few large blocks, not thousands of small ones scattered among the garbage of the
 * frames between), and the vertices added later to all earlier frames, applied when a shape is read.
 * Adding a vertex then costs nothing until those frames are read, instead of a copy of every shape so far.
 */
import type { BezierPath, Vec2 } from './types.ts';
import { cubicPoint, insertVertex, segmentControls } from './bezier.ts';
import type { Cubic } from './fit.ts';
import { hypot } from './hypot.ts';

/** A vertex added to every shape before frame `before`: on segment `segment`, at `fraction` of its length. */
export interface Insertion {
  before: number;
  segment: number;
  fraction: number;
}

export class RunShapes {
  private buffer = new Float64Array(1024);
  private used = 0;
  /** Frame k's shape is buffer[starts[k] .. starts[k] + 6 × its vertex count). */
  private readonly starts: number[] = [];
  private readonly counts: number[] = [];
  private readonly insertions: Insertion[] = [];

  get length(): number {
    return this.starts.length;
  }

  /** Adds the next frame's shape (closed, with the vertex count of every shape so far). */
  push(path: BezierPath): void {
    const n = path.vertices.length;
    if (this.used + 6 * n > this.buffer.length) {
      const grown = new Float64Array(Math.max(2 * this.buffer.length, this.used + 6 * n));
      grown.set(this.buffer.subarray(0, this.used));
      this.buffer = grown;
    }
    for (let k = 0, i = this.used; k < n; k++, i += 6) {
      this.buffer.set(path.vertices[k], i);
      this.buffer.set(path.inTangents[k], i + 2);
      this.buffer.set(path.outTangents[k], i + 4);
    }
    this.starts.push(this.used);
    this.counts.push(n);
    this.used += 6 * n;
  }

  /**
   * Adds a vertex to every shape so far on segment `segment`, where `fraction` of its length lies
   * before it; each curve stays exactly as it was.
   */
  insertVertex(segment: number, fraction: number): void {
    this.insertions.push({ before: this.starts.length, segment, fraction });
  }

  /** Frame k's shape, with every vertex added since. */
  at(k: number): BezierPath | undefined {
    if (!(k >= 0 && k < this.starts.length)) return undefined;
    const { buffer } = this, start = this.starts[k], n = this.counts[k];
    const pair = (i: number): Vec2 => [buffer[start + i], buffer[start + i + 1]];
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
    lengths[i] = lengths[i - 1] + hypot(p[0] - previous[0], p[1] - previous[1]);
    previous = p;
  }
  const target = fraction * lengths[steps];
  let i = 1;
  while (i < steps && lengths[i] < target) i++;
  const segment = lengths[i] - lengths[i - 1];
  return segment > 0 ? (i - 1 + (target - lengths[i - 1]) / segment) / steps : i / steps;
}
