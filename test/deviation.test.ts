/**
 * Keyframe distance checks that skip work must measure what a plain scan measures: the outline's side
 * of pathDeviation bounds most points by walking along the path (PolylineIndex.distanceAlong) and
 * searches the grid only where a bound could raise the largest distance; pathHolds answers from
 * such bounds on both sides where they suffice.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { across, PolylineIndex } from '../src/core/nearest.ts';
import { OutlineTarget, pathDeviation, pathHolds } from '../src/core/keyframes.ts';
import { flattenPath } from '../src/core/bezier.ts';
import { densify } from '../src/core/polyline.ts';
import { prng } from '../src/synthetic/index.ts';
import type { BezierPath, Vec2 } from '../src/core/types.ts';

/** A wiggly closed loop around (cx, cy), clockwise on screen, `n` points. */
function blob(random: () => number, n: number, cx: number, cy: number, radius: number): Float64Array {
  const waves = Array.from({ length: 4 }, (_, k) => ({ f: 2 + k * (3 + Math.floor(random() * 4)), a: radius * 0.12 * random(), p: 7 * random() }));
  const xy = new Float64Array(2 * n);
  for (let i = 0; i < n; i++) {
    const t = (2 * Math.PI * i) / n;
    const r = radius + waves.reduce((s, w) => s + w.a * Math.sin(w.f * t + w.p), 0);
    xy[2 * i] = cx + r * Math.cos(t);
    xy[2 * i + 1] = cy + r * Math.sin(t);
  }
  return xy;
}

/** A loop with points from..from + length moved out from (200, 150) by up to `height` px, in a sine arch. */
function bump(xy: Float64Array, from: number, length: number, height: number): Float64Array {
  const out = xy.slice(), n = xy.length / 2;
  for (let k = 0; k <= length; k++) {
    const i = (from + k) % n;
    const dx = xy[2 * i] - 200, dy = xy[2 * i + 1] - 150, r = Math.hypot(dx, dy);
    const lift = height * Math.sin((Math.PI * k) / length);
    out[2 * i] += (lift * dx) / r;
    out[2 * i + 1] += (lift * dy) / r;
  }
  return out;
}

/** Every k-th point of a loop as a path of straight segments, moved by (sx, sy). */
function polygonPath(xy: Float64Array, k: number, sx: number, sy: number): BezierPath {
  const vertices: Vec2[] = [];
  for (let i = 0; i < xy.length / 2; i += k) vertices.push([xy[2 * i] + sx, xy[2 * i + 1] + sy]);
  return { closed: true, vertices, inTangents: vertices.map(() => [0, 0] as Vec2), outTangents: vertices.map(() => [0, 0] as Vec2) };
}

/** The largest distance from a point of `from` (off the frame's edge) to `to`, scanning every point through distanceWithin; Infinity past `within`. */
function scan(from: Float64Array, to: PolylineIndex, within: number, frame: { width: number; height: number }): { max: number; mean: number } {
  let max = 0, sum = 0, count = 0;
  const n = from.length;
  for (let i = 0; i < n; i += 2) {
    const x = from[i], y = from[i + 1];
    if (x <= 0.5 || y <= 0.5 || x >= frame.width - 0.5 || y >= frame.height - 0.5) continue;
    const next = (i + 2) % n, previous = (i - 2 + n) % n;
    const d = to.distanceWithin(x, y, within, from[next] - from[previous], from[next + 1] - from[previous + 1]);
    if (d > within) return { max: d, mean: Infinity };
    max = Math.max(max, d);
    sum += d;
    count++;
  }
  return { max, mean: count > 0 ? sum / count : 0 };
}

describe('pathDeviation', () => {
  it('measures what a scan of every point measures, both ways, and holds exactly when that is within the limits (loops too wide for slivers, paths moved up to past the tolerance)', () => {
    const random = prng(17);
    const frame = { width: 400, height: 300 };
    let finite = 0, past = 0;
    for (let k = 0; k < 40; k++) {
      const outline = blob(random, 200 + Math.floor(random() * 600), 200, 150, 60 + 40 * random());
      const within = [1, 2, 0.5][k % 3];
      const shift = 1.6 * random();
      const path = polygonPath(outline, 1 + Math.floor(random() * 6), shift * (random() - 0.5), shift * (random() - 0.5));
      // The traced outline has a bump the path does not follow, up to twice the tolerance high: its
      // side's largest distance then decides about as often as the path's.
      const bumped = bump(outline, Math.floor(random() * outline.length / 2), 5 + Math.floor(random() * 20), 2 * within * random());
      const target = new OutlineTarget(Float32Array.from(bumped), frame);
      const flat = densify(flattenPath(path, 0.05), 4);
      const pathSide = scan(flat, target.index, within, frame);
      const expected = pathSide.max > within ? pathSide
        : { max: Math.max(pathSide.max, scan(target.points, new PolylineIndex(flat, true), within, frame).max), mean: pathSide.mean };
      assert.deepEqual(pathDeviation(path, target, within, frame), expected, `case ${k}`);
      // The yes-or-no check, with the mean's limit around the measured mean.
      for (const meanWithin of [0.5 * within, expected.mean, expected.mean * (1 - 1e-9), 0.25 * within]) {
        assert.equal(pathHolds(path, target, within, meanWithin, frame), expected.max <= within && expected.mean <= meanWithin, `case ${k}, mean within ${meanWithin}`);
      }
      if (expected.max <= within) finite++; else past++;
    }
    assert.ok(finite >= 10 && past >= 5, `${finite} within the tolerance, ${past} past it`);
  });
});

describe('PolylineIndex.distanceAlong', () => {
  it('is the least distance to the segments around the given one, never below distanceWithin, and equal to it over all segments', () => {
    const random = prng(23);
    for (let k = 0; k < 40; k++) {
      const n = 3 + Math.floor(random() * 200);
      const closed = k % 2 === 0;
      const xy = blob(random, n, 100, 100, 10 + 50 * random());
      const index = new PolylineIndex(xy, closed);
      const count = closed ? n : n - 1;
      for (let q = 0; q < 100; q++) {
        const x = 100 + 140 * (random() - 0.5), y = 100 + 140 * (random() - 0.5);
        const [ex, ey] = q % 2 === 0 ? [random() - 0.5, random() - 0.5] : [0, 0];
        // The query as the middle point of three (its neighbours' direction across it, or none).
        const query = Float64Array.of(x, y, x, y, x + ex, y + ey);
        const dx = across(query, 1, 0), dy = across(query, 1, 1);
        const segment = Math.floor(random() * count), before = Math.floor(random() * 4), after = Math.floor(random() * 6);
        const along = index.distanceAlong(segment, before, after, query, 1);
        const nearest = index.lastSegment;
        // The same segments one at a time: a window of one is each segment's own distance.
        let expected = Infinity;
        for (let s = segment - before; s <= segment + after; s++) {
          const i = closed ? ((s % count) + count) % count : s;
          if (i < 0 || i >= count) continue;
          expected = Math.min(expected, index.distanceAlong(i, 0, 0, query, 1));
        }
        if (before + after + 1 >= count) expected = index.distanceWithin(x, y, Infinity, dx, dy);
        const where = `polyline ${k} (${n} points, ${closed ? 'closed' : 'open'}), query ${q}`;
        assert.equal(along, expected, where);
        assert.ok(along >= index.distanceWithin(x, y, Infinity, dx, dy), where);
        if (along < Infinity) assert.equal(index.distanceAlong(nearest, 0, 0, query, 1), along, `${where}: lastSegment`);
      }
    }
  });
});
