/**
 * Shapes followed frame by frame (core/follow.ts, follow-back.ts, past-frame.ts) and pruned
 * (core/prune.ts), on outlines of known geometry: a run has the vertices its frames need and no more,
 * every frame's shape stays within the fitting share of the tolerance, vertices stay on their features
 * (past the frame edge when those are), and a frame that cannot be followed leaves the run it ends as it was.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { followShapes, type ShapeRun } from '../src/core/follow.ts';
import { OutlineTargets, selectKeyframes } from '../src/core/keyframes.ts';
import { FittingOutlines, pruneVertices, VertexPositions } from '../src/core/prune.ts';
import { RunShapes } from '../src/core/run-shapes.ts';
import { fitSpan, featureReach, cubicsToPath } from '../src/core/fit.ts';
import { arcLengths, densify } from '../src/core/polyline.ts';
import { IDENTITY } from '../src/core/motion.ts';
import { FIT_SHARE, type RegionTrack } from '../src/core/track.ts';
import type { BezierPath, Vec2 } from '../src/core/types.ts';
import { outlineDistance, pathPolyline } from './helpers/roto-check.ts';

const OPTIONS = { width: 1920, height: 1080, tolerance: 2 };

/** A closed outline through `count` points of radius r(θ) around (cx, cy), clockwise on screen. */
function outline(count: number, radius: (theta: number) => number, cx = 960, cy = 540): Float32Array {
  const points = new Float32Array(2 * count);
  for (let i = 0; i < count; i++) {
    const theta = (2 * Math.PI * i) / count;
    points[2 * i] = cx + radius(theta) * Math.cos(theta);
    points[2 * i + 1] = cy + radius(theta) * Math.sin(theta);
  }
  return points;
}

const circle = () => outline(720, () => 200);
/** A star of `spikes` points, far more detail than a run of circles can take on in one frame. */
const star = (spikes: number) => outline(1440, (t) => 200 + 40 * Math.cos(spikes * t));

function track(outlines: Float32Array[]): RegionTrack {
  return { kind: 'outer', depth: 0, firstFrame: 0, outlines, motions: outlines.map(() => IDENTITY), rampSum: 0, rampCount: 0 };
}

/** How far the path and the outline are apart, both ways (roto-check's outlineDistance). */
const deviation = (stored: Float32Array, path: BezierPath): number =>
  outlineDistance(Float64Array.from(stored), pathPolyline(path), OPTIONS.width, OPTIONS.height);

/** No two neighbouring vertices (the last and the first included) closer than `gap` px. */
function assertNeighboursApart(vertices: Vec2[], gap: number, where: string): void {
  vertices.forEach(([x, y], k) => {
    const [nx, ny] = vertices[(k + 1) % vertices.length], apart = Math.hypot(nx - x, ny - y);
    assert.ok(apart > gap, `${where}: vertices ${k} and ${(k + 1) % vertices.length} ${apart.toFixed(2)} px apart`);
  });
}

/** The radius of a bumpy island of sky (about 200 px) at angle a. */
const bumpyIsland = (a: number) => 200 + 25 * Math.sin(5 * a) + 12 * Math.sin(11 * a + 1);

/**
 * An island of sky (radius at each angle given), centred at (`from`, 500), panning left `step` px a
 * frame (out of the frame; a negative step brings it in), followed: its outlines, clipped to the frame (past the left edge they run along
 * it), and the one run of shapes that follows them, with its vertex count.
 */
function followIslandPanningOut(radius: (a: number) => number, step: number, frames: number, from = 500): { outlines: Float32Array[]; run: ShapeRun; count: number } {
  const outlines = Array.from({ length: frames }, (_, f) => {
    const clipped: number[] = [];
    for (let k = 0; k < 2000; k++) {
      const a = (2 * Math.PI * k) / 2000;
      clipped.push(Math.max(0, from - step * f + radius(a) * Math.cos(a)), 500 + radius(a) * Math.sin(a));
    }
    // Along the edge, only each stretch's two ends.
    const points: number[] = [];
    for (let i = 0; i < clipped.length; i += 2) {
      if (points[points.length - 2] === 0 && clipped[i] === 0 && clipped[i + 2] === 0) continue;
      points.push(clipped[i], clipped[i + 1]);
    }
    return Float32Array.from(points);
  });
  const motions = outlines.map((_, f) => ({ a: 1, b: 0, tx: f > 0 ? -step : 0, ty: 0 }));
  const [run, ...rest] = followShapes({ ...track(outlines), motions }, OPTIONS);
  assert.equal(rest.length, 0);
  return { outlines, run, count: run.shapes.at(0)!.vertices.length };
}

describe('followShapes', () => {
  it('ends a run at a frame it cannot follow and leaves the run with the vertices of the frames it did follow', () => {
    const outlines = [circle(), circle(), circle(), star(40), star(40)];
    const runs = followShapes(track(outlines), OPTIONS);
    assert.deepEqual(runs.map((r) => [r.firstFrame, r.shapes.length]), [[0, 3], [3, 2]]);
    const counts = [0, 1, 2].map((k) => runs[0].shapes.at(k)!.vertices.length);
    // A circle of radius 200 within 1.2 px: a handful of cubics (8 is what fitContour alone makes of it).
    assert.ok(counts.every((n) => n === counts[0] && n <= 8), `circle frames: ${counts}`);
    runs.forEach((run) => {
      for (let k = 0; k < run.shapes.length; k++) {
        const error = deviation(outlines[run.firstFrame + k], run.shapes.at(k)!);
        assert.ok(error <= FIT_SHARE * OPTIONS.tolerance + 0.05, `frame ${run.firstFrame + k}: ${error.toFixed(3)} px`);
      }
    });
  });

  it('keeps one vertex count over a run whose shape changes, each frame within the fitting tolerance', () => {
    // A circle growing bumps: frame k has amplitude 4k px, so later frames add vertices to earlier ones.
    const outlines = Array.from({ length: 6 }, (_, k) => outline(1080, (t) => 200 + 4 * k * Math.cos(5 * t)));
    const [run, ...rest] = followShapes(track(outlines), OPTIONS);
    assert.equal(rest.length, 0);
    const n = run.shapes.at(0)!.vertices.length;
    for (let k = 0; k < outlines.length; k++) {
      const path = run.shapes.at(k)!;
      assert.equal(path.vertices.length, n);
      const error = deviation(outlines[k], path);
      assert.ok(error <= FIT_SHARE * OPTIONS.tolerance + 0.05, `frame ${k}: ${error.toFixed(3)} px`);
    }
  });

  it('makes no vertex for a sub-pixel sliver poking in from the frame edge: where the skyline leaves the edge stays one vertex', () => {
    // Sky above a straight skyline that leaves the right edge at y = 400 + 2k. In the first frame a
    // sliver of the matte 0.3 px thick pokes 5 px in from the edge just above it (footage noise); it
    // once gave two edge corners there, two vertices that the later frames put on top of each other.
    const { width, height } = OPTIONS, tolerance = 8;
    const frames = Array.from({ length: 6 }, (_, k) => {
      const y = 400 + 2 * k;
      const sliver = k === 0 ? [width, y - 1.5, width - 5, y - 1.35, width, y - 1.2] : [];
      return Float32Array.from([0, 0, width, 0, ...sliver, width, y, 0, y + 300]);
    });
    const [run, ...rest] = followShapes(track(frames), { width, height, tolerance });
    assert.equal(rest.length, 0);
    for (let k = 0; k < frames.length; k++) {
      const { vertices } = run.shapes.at(k)!;
      const gaps = vertices.map((v, i) => Math.hypot(v[0] - vertices[(i + 1) % vertices.length][0], v[1] - vertices[(i + 1) % vertices.length][1]));
      assert.ok(Math.min(...gaps) > 100, `frame ${k}: vertices ${vertices.map((v) => v.map((c) => c.toFixed(1)).join(',')).join(' ')}`);
      const error = deviation(frames[k], run.shapes.at(k)!);
      assert.ok(error <= 5 + 0.05, `frame ${k}: ${error.toFixed(3)} px from the outline`);
    }
  });
  it('keeps vertices on their features on a pan: they slide out of frame with them and in from past the edge, instead of piling onto the vertex where the skyline meets the edge', () => {
    // A hilly skyline panning left 6 px a frame for 60 frames (11 px for 100, 3 px for 240): 360 px of
    // it leaves the left edge and as much comes in on the right. Snapped to the outline, each vertex whose
    // hill had left sat on the left edge's vertex from then on (up to 40 frames), and each vertex added
    // for a hill coming in sat on the right edge's vertex before; following then added vertices for the
    // collapsed spans (34 and 70). Measured now: 18, 21 and 21 vertices (the slow pan had 64 while a
    // vertex just come into frame took a tangent bent towards the edge), none closer than 2.0 px to its neighbour.
    const { width } = OPTIONS;
    const skyline = (x: number) => 600 + 60 * Math.sin(x / 150) + 30 * Math.sin(x / 57);
    for (const [step, frames] of [[6, 60], [11, 100], [3, 240]]) {
      const outlines = Array.from({ length: frames }, (_, f) => {
        const points = [0, 0, width, 0];
        for (let x = width; x >= 0; x -= 2) points.push(x, skyline(x + step * f));
        return Float32Array.from(points);
      });
      const motions = outlines.map((_, f) => ({ a: 1, b: 0, tx: f > 0 ? -step : 0, ty: 0 }));
      const [run, ...rest] = followShapes({ ...track(outlines), motions }, OPTIONS);
      assert.equal(rest.length, 0);
      // One frame's 1920 px of skyline takes 14 vertices; the pan shows more of it.
      const shown = width + step * frames, count = run.shapes.at(0)!.vertices.length;
      assert.ok(count <= 1.2 * 14 * (shown / width), `${step} px a frame: ${count} vertices for ${shown} px of skyline`);
      for (let f = 0; f < frames; f++) {
        const path = run.shapes.at(f)!, { vertices } = path;
        // A vertex crossing the edge is kept the tolerance (2 px) from the vertex where the skyline meets it.
        assertNeighboursApart(vertices, 1.9, `${step} px a frame, frame ${f}`);
        const error = deviation(outlines[f], path);
        assert.ok(error <= FIT_SHARE * OPTIONS.tolerance + 0.05, `${step} px a frame, frame ${f}: ${error.toFixed(3)} px from the outline`);
      }
      // Each vertex stays on its feature while in frame: the pan is a pure translation, so its scene x
      // (x + step × frame) stays put. A vertex that following added sat, in the frames before, where the
      // split of a span put it and slid along the skyline as its neighbours moved (mean spread 8.2 and
      // 21.9 px, up to 125) until it was followed back. Where following back failed in one frame (a span
      // fitted along the frame edge to a neighbour past it), the vertex took the split's place there and
      // kept that offset in every frame before (up to 144 px on the slow pan). Measured now: at most 0.2 px.
      const spreads = run.shapes.at(0)!.vertices.map((_, k) => {
        const scene = outlines.flatMap((_, f) => {
          const [x, y] = run.shapes.at(f)!.vertices[k];
          return x > 3 && x < width - 3 && y > 3 ? [x + step * f] : [];
        });
        return scene.length > 0 ? Math.max(...scene) - Math.min(...scene) : 0;
      });
      const meanSpread = spreads.reduce((a, b) => a + b, 0) / spreads.length;
      assert.ok(meanSpread <= 0.5 && Math.max(...spreads) <= 1, `${step} px a frame: scene spread mean ${meanSpread.toFixed(1)}, max ${Math.max(...spreads).toFixed(1)} px`);
      // Vertices that move with the pan interpolate: keyframes on at most 15 % of frames, as on any smooth
      // pan (7 of 60, 12 of 100 and 8 of 240 measured; 13 and 48 while vertices piled up at the edges).
      const keys = selectKeyframes(run.shapes, new OutlineTargets(outlines, OPTIONS), OPTIONS.tolerance);
      assert.ok(keys.length <= 0.15 * frames, `${step} px a frame: ${keys.length} keyframes in ${frames} frames`);
      const past = (f: number, beyond: (x: number) => boolean) => run.shapes.at(f)!.vertices.filter(([x]) => beyond(x)).length;
      assert.ok(past(frames - 1, (x) => x < -1) >= 3, `${step} px a frame: ${past(frames - 1, (x) => x < -1)} vertices past the left edge at the end`);
      assert.ok(past(0, (x) => x > width + 1) >= 1, `${step} px a frame: a vertex past the right edge at the start`);
    }
  });
  it('starts the path at a vertex that stays in frame: a region\'s first vertex does not end on the frame edge when its feature leaves', () => {
    // A bumpy island of sky (radius about 200 px, a spike to the left) panning out of the left edge
    // at 6 px a frame. Its path would start at the spike's foot, which leaves the frame after 40 frames;
    // vertex 0 stays on the outline (the path starts there), so it sat where the outline meets the edge
    // from then on, and neighbours came within 1.4 px of each other (29 vertices). Started at a vertex
    // the pan keeps in frame: 27 vertices, none closer than 3.4 px.
    const spike = (a: number) => bumpyIsland(a) + 60 * Math.exp(-(((a - Math.PI) / 0.12) ** 2));
    const frames = 60;
    const { run, count } = followIslandPanningOut(spike, 6, frames);
    assert.ok(count <= 28, `${count} vertices`);
    for (let f = 0; f < frames; f++) {
      const { vertices } = run.shapes.at(f)!;
      assert.ok(vertices[0][0] > OPTIONS.tolerance, `frame ${f}: vertex 0 at ${vertices[0].map((c) => c.toFixed(1)).join(', ')}`);
      assertNeighboursApart(vertices, 2, `frame ${f}`);
    }
  });
  it('takes vertices past the edge where a wavy outline leaving the frame touches the edge here and there, instead of piling them onto it', () => {
    // The bumpy island panning out of the left edge at 12 px a frame, most of it gone by the end. Its
    // outline between two vertices in frame touches the edge in several stretches: the vertices that
    // left could not go past the edge (one stretch was all there was room for) and were put on the
    // outline, on the edge, where they stayed and slid into each other (33 vertices, 0 px apart).
    // Each now goes out through the stretch nearest it: 26 vertices, none closer than 3.2 px.
    const frames = 60;
    const { outlines, run, count } = followIslandPanningOut(bumpyIsland, 12, frames);
    assert.ok(count <= 27, `${count} vertices`);
    for (let f = 0; f < frames; f++) {
      const path = run.shapes.at(f)!, { vertices } = path;
      assertNeighboursApart(vertices, 2, `frame ${f}`);
      const error = deviation(outlines[f], path);
      assert.ok(error <= OPTIONS.tolerance, `frame ${f}: ${error.toFixed(3)} px from the outline`);
    }
  });
  it('splits a span where the outline meets the frame edge, with a corner there, as a region comes into frame', () => {
    // The bumpy island coming in from the left edge at 12 px a frame, from a 37 px sliver. Where the
    // outline meets the edge slides along it and jumps where a bump touches it. Spans across such a
    // meeting were split wherever they missed most, often on the edge, and the new vertex stayed there
    // (the scene's motion does not move the edge): 123 vertices, 38 keys over 60 frames. Now they are
    // split at the meeting, with a corner there: 29 vertices, 21 keys.
    const frames = 60;
    const { outlines, run, count } = followIslandPanningOut(bumpyIsland, -12, frames, -200);
    assert.ok(count <= 32, `${count} vertices`);
    for (let f = 0; f < frames; f++) {
      const error = deviation(outlines[f], run.shapes.at(f)!);
      assert.ok(error <= OPTIONS.tolerance, `frame ${f}: ${error.toFixed(3)} px from the outline`);
    }
    const keys = selectKeyframes(run.shapes, new OutlineTargets(outlines, OPTIONS), OPTIONS.tolerance);
    assert.ok(keys.length <= 24, `${keys.length} keyframes in ${frames} frames`);
  });
});

describe('FittingOutlines', () => {
  it('keeps frames\' outlines up to its memory budget and makes later ones again, equal each time', () => {
    // Wavy rings of about 10,000 px each: ~240 KB a fitting outline, so the 32 MB budget ends mid-shot.
    const outlines = Array.from({ length: 200 }, (_, f) => outline(2000, (t) => 400 + 0.1 * f + 60 * Math.sin(40 * t)));
    const fitting = new FittingOutlines(outlines, OPTIONS);
    const first = outlines.map((_, f) => fitting.at(f));
    const kept = first.findIndex((made, f) => fitting.at(f) !== made);
    const bytes = first.slice(0, kept).reduce((sum, o) => sum + o.points.byteLength + o.s.byteLength, 0);
    assert.ok(kept > 50 && bytes <= 32 * 2 ** 20, `${kept} frames kept in ${(bytes / 2 ** 20).toFixed(1)} MB`);
    first.forEach((made, f) => {
      const again = fitting.at(f);
      if (f < kept) assert.equal(again, made, `frame ${f} kept`);
      else {
        assert.notEqual(again, made, `frame ${f} past the budget, made again`);
        assert.deepEqual([again.points, again.s], [made.points, made.s]);
      }
    });
    assert.deepEqual(fitting.run(150).at(3).points, first[153].points);
  });
});

describe('pruneVertices', () => {
  /** Frames of circles (radius 200, 210, 220) with `count` vertices evenly spaced on each, vertex 0 at angle 0. */
  function evenRun(count: number) {
    const outlines = [200, 210, 220].map((r) => outline(720, () => r));
    const shapes = new RunShapes(), positions = new VertexPositions();
    const reach = featureReach(OPTIONS.tolerance);
    for (const stored of outlines) {
      const points = densify(stored, 1), s = arcLengths(points), perimeter = s[s.length - 1];
      const at = Array.from({ length: count }, (_, k) => (k * perimeter) / count);
      shapes.push(cubicsToPath(at.map((from, k) => fitSpan(points, s, from, k + 1 < count ? at[k + 1] : perimeter, false, false, reach).curve)));
      positions.push(at, perimeter);
    }
    return { outlines, shapes, positions };
  }

  it('takes 32 vertices on growing circles down to what every frame needs, each frame within the fitting tolerance', () => {
    const { outlines, shapes, positions } = evenRun(32);
    const pruned = pruneVertices(shapes, positions, new FittingOutlines(outlines, OPTIONS), new Array(32).fill(false), OPTIONS);
    const counts = [0, 1, 2].map((k) => pruned.at(k)!.vertices.length);
    // A quarter circle of radius 220 is one cubic within 0.06 px; a third is not within 1.2 px.
    assert.ok(counts.every((n) => n === counts[0]) && counts[0] >= 4 && counts[0] <= 8, `vertices ${counts}`);
    outlines.forEach((stored, k) => {
      const path = pruned.at(k)!;
      assert.ok(deviation(stored, path) <= FIT_SHARE * OPTIONS.tolerance, `frame ${k}: ${deviation(stored, path).toFixed(3)} px`);
      // Vertex 0 stays where it was (the path's start does not jump).
      assert.deepEqual(path.vertices[0].map((v) => v.toFixed(6)), shapes.at(k)!.vertices[0].map((v) => v.toFixed(6)));
    });
  });

  it('keeps corner vertices and the neighbours of vertices past the frame edge, and returns the run as it was when no vertex can go', () => {
    const { outlines, shapes, positions } = evenRun(32);
    const corner = Array.from({ length: 32 }, (_, k) => k % 2 === 1);
    const pruned = pruneVertices(shapes, positions, new FittingOutlines(outlines, OPTIONS), corner, OPTIONS);
    // Vertex 0 and the 16 corners stay; a smooth vertex between two corners is all that could go.
    assert.equal(pruned.at(0)!.vertices.length, 17);
    const { outlines: o4, shapes: s4, positions: p4 } = evenRun(4);
    assert.equal(pruneVertices(s4, p4, new FittingOutlines(o4, OPTIONS), [false, false, false, false], OPTIONS), s4);
    // A span to a vertex past the frame edge cannot be fitted again from positions on the outline: while
    // one stays (here 5 and 20, corners too), the vertices beside it (4, 6, 19, 21) stay; without the
    // flags they go, and elsewhere vertices go either way.
    const five = Array.from({ length: 32 }, (_, k) => k === 5 || k === 20);
    const original = shapes.at(0)!.vertices;
    const stays = (kept: BezierPath, k: number) => kept.vertices.some((v) => v[0] === original[k][0] && v[1] === original[k][1]);
    const flagged = pruneVertices(shapes, positions, new FittingOutlines(outlines, OPTIONS), five, OPTIONS, five).at(0)!;
    assert.ok([4, 6, 19, 21].every((k) => stays(flagged, k)) && flagged.vertices.length < 16, `${flagged.vertices.length} vertices`);
    const unflagged = pruneVertices(shapes, positions, new FittingOutlines(outlines, OPTIONS), five, OPTIONS).at(0)!;
    assert.ok([4, 6, 19, 21].every((k) => !stays(unflagged, k)), 'without the flags the vertices beside 5 and 20 go');
  });

  it('VertexPositions puts a vertex added later into every earlier frame, that fraction of the way along the span', () => {
    const positions = new VertexPositions();
    positions.push([10, 60, 110], 150);
    positions.push([20, 80, 120], 140);
    positions.insert(2, 0.5); // on the closing span of frame 0: from 110 to 10 + 150
    positions.push([5, 50, 90, 100], 130);
    positions.insert(0, 0.25);
    assert.deepEqual(positions.at(0), [10, 22.5, 60, 110, 135]);
    assert.deepEqual(positions.at(1), [20, 35, 80, 120, 140]);
    assert.deepEqual(positions.at(2), [5, 16.25, 50, 90, 100]);
  });
});
