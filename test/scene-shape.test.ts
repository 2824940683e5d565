/**
 * The scene-shape strategy's parts on exactly known geometry: the mosaic of several frames' views of
 * a region, the control-point bound between two paths, and keyframe selection that uses each shape's
 * measured deviation instead of measuring every interpolated frame.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BezierPath, Matte, Vec2 } from '../src/core/types.ts';
import { Mosaic } from '../src/core/mosaic.ts';
import { controlPointDistance, cubicPoint, flattenPath, lerpPath, segmentControls } from '../src/core/bezier.ts';
import { OutlineTarget, OutlineTargets, pathDeviation, selectKeyframes } from '../src/core/keyframes.ts';
import { prng } from '../src/synthetic/index.ts';
import { cameraMove, warpMatte } from '../src/synthetic/camera-move.ts';
import { SKY_PAN_MOVE, SKY_PAN_SAMPLE } from '../src/synthetic/sky-pan-sample.ts';
import { modelMatteDefaults } from '../src/core/pipeline.ts';
import { trace, traceRows } from '../src/core/trace.ts';
import { mosaicScale, mosaicViews, sceneShapes, SCENE_FIT_SHARE } from '../src/core/scene-shape.ts';
import { Tracker } from '../src/core/track.ts';
import { readMattePng } from '../src/node/png.ts';
import { outlineDistance } from './helpers/roto-check.ts';

/** The closed rectangle [x0, x1] × [y0, y1] as a clockwise (on screen) polygon. */
const rectangle = (x0: number, y0: number, x1: number, y1: number) => Float64Array.from([x0, y0, x1, y0, x1, y1, x0, y1]);

/** The mosaic's matte, its rows read in order and held whole here (Mosaic.rows keeps two at a time). */
function wholeMatte(mosaic: Mosaic): Matte {
  const rows = mosaic.rows(), { width, height } = rows;
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) data.set(rows.data.subarray(rows.row(y), rows.row(y) + width), y * width);
  return { width, height, data };
}

/** Length of [a0, a1] ∩ [b0, b1]. */
const overlap = (a0: number, a1: number, b0: number, b1: number) => Math.max(0, Math.min(a1, b1) - Math.max(a0, b0));

describe('mosaic', () => {
  it('is the exact area coverage of a region two shifted views saw, and goes on along rows past the views', () => {
    // Scene: a rectangle [10.25, 30.75] × [5.5, 20.2]; frames 16×12 px, seen at scene offsets (8, 4) and (20, 9).
    const region = [10.25, 5.5, 30.75, 20.2];
    const frame = { width: 16, height: 12 };
    const offsets: Vec2[] = [[8, 4], [20, 9]];
    const mosaic = new Mosaic(40, 24);
    for (const [ox, oy] of offsets) {
      // What the frame traced: the region inside its view, in frame coordinates.
      const x0 = Math.max(region[0], ox) - ox, y0 = Math.max(region[1], oy) - oy;
      const x1 = Math.min(region[2], ox + frame.width) - ox, y1 = Math.min(region[3], oy + frame.height) - oy;
      mosaic.add(rectangle(x0, y0, x1, y1), frame.width, frame.height, { a: 1, b: 0, tx: ox, ty: oy });
    }
    const matte = wholeMatte(mosaic);
    let checked = 0;
    for (let y = 0; y < 24; y++) {
      for (let x = 0; x < 40; x++) {
        const seenBy = offsets.filter(([ox, oy]) => x >= ox && x + 1 <= ox + frame.width && y >= oy && y + 1 <= oy + frame.height).length;
        if (seenBy === 0) continue;
        const area = overlap(x, x + 1, region[0], region[2]) * overlap(y, y + 1, region[1], region[3]);
        assert.ok(Math.abs(matte.data[y * 40 + x] - area) < 1e-5, `pixel ${x},${y}: ${matte.data[y * 40 + x]}, expected ${area}`);
        checked++;
      }
    }
    assert.ok(checked > 250, `${checked} pixels seen whole`);
    // Row 6 is seen from x = 8 to 24 only: left of the views it takes the first seen pixel's value
    // (outside the region), right of them the last one's (inside it).
    assert.equal(matte.data[6 * 40 + 2], 0);
    assert.ok(Math.abs(matte.data[6 * 40 + 38] - 1) < 1e-5);
    // Rows above every view copy the nearest seen row.
    assert.deepEqual(Array.from(matte.data.subarray(0, 40)), Array.from(matte.data.subarray(4 * 40, 5 * 40)));
  });

  it('goes on past the views without cracks when a dozen views lie a hair apart (the float32 sums leave residues there)', () => {
    // A static 1001×563 shot whose camera estimates drift by hundredths of a pixel, mapped at scale 2
    // as scene shapes do; the sky fills the frame down to a slanted horizon and reaches its right edge.
    const frame = { width: 1001, height: 563 };
    const mosaic = new Mosaic(2040, 1160);
    const random = prng(3);
    const hair = (size: number) => (random() - 0.5) * size;
    for (let k = 0; k < 12; k++) {
      const sky = Float64Array.from([0, 0, 1001, 0, 1001, 300, 0, 200]);
      mosaic.add(sky, frame.width, frame.height, { a: 2 * (1 + hair(2e-5)), b: hair(2e-5), tx: 16 + hair(0.04), ty: 16 + hair(0.08) });
    }
    const { data } = wholeMatte(mosaic);
    // Right of the views (x ≥ 2020 in the mosaic), rows inside the sky take the sky's value (with a
    // pixel counted as seen at any coverage above 1e-6, 360 of these were not sky).
    let cracks = 0;
    for (let y = 20; y < 600; y++) for (let x = 2022; x < 2040; x++) if (data[y * 2040 + x] < 0.5) cracks++;
    assert.equal(cracks, 0, `${cracks} mosaic pixels past the views read as not sky`);
  });

  it('votes: where one frame saw the region and another did not, the matte is one half', () => {
    const mosaic = new Mosaic(20, 20);
    const frame = { width: 20, height: 20 };
    mosaic.add(rectangle(0, 0, 20, 10), frame.width, frame.height, { a: 1, b: 0, tx: 0, ty: 0 });
    mosaic.add(rectangle(0, 0, 20, 5), frame.width, frame.height, { a: 1, b: 0, tx: 0, ty: 0 });
    const { data } = wholeMatte(mosaic);
    assert.ok(Math.abs(data[2 * 20 + 7] - 1) < 1e-6);
    assert.ok(Math.abs(data[7 * 20 + 7] - 0.5) < 1e-6);
    assert.ok(Math.abs(data[12 * 20 + 7]) < 1e-6);
  });

  it('fills rows no view saw between two views from the nearer seen row (the lower of two as near), and rows below every view from the last', () => {
    // A 10×4 frame seen at rows 0–3 (all of it inside the region) and at rows 9–12 (none of it): rows 4–8 and 13 no view saw.
    const mosaic = new Mosaic(10, 14);
    mosaic.add(rectangle(0, 0, 10, 4), 10, 4, { a: 1, b: 0, tx: 0, ty: 0 });
    mosaic.add(new Float64Array(0), 10, 4, { a: 1, b: 0, tx: 0, ty: 9 });
    const { data } = wholeMatte(mosaic);
    const rows = Array.from({ length: 14 }, (_, y) => Array.from(data.subarray(10 * y, 10 * y + 10)));
    rows.forEach((row, y) => assert.deepEqual(row, new Array(10).fill(y <= 5 ? 1 : 0), `row ${y}`));
  });

  it('reads the same a row at a time as whole: its traced outlines are the ones traced from the whole matte', () => {
    // A skyline with hair-thin spires and a separate patch of sky, seen by 40 views panning and turning slightly.
    const frame = { width: 160, height: 90 };
    const skyline = Float64Array.from([0, 0, 160, 0, 160, 50, 140, 50, 138.5, 20.25, 137, 50, 90, 50, 90, 35.5, 70, 35.5, 70, 60, 30, 60, 29.75, 12, 29.5, 60, 0, 60]);
    const patch = Float64Array.from([100, 70, 120, 66.5, 126, 80, 104, 84.25]);
    const build = () => {
      const mosaic = new Mosaic(2 * 260, 2 * 130);
      for (let k = 0; k < 40; k++) {
        const turn = 0.004 * Math.sin(k / 7);
        const toMosaic = { a: 2 * Math.cos(turn), b: 2 * Math.sin(turn), tx: 2 * (8 + 2.3 * k), ty: 2 * (10 + 0.7 * k) };
        mosaic.add(skyline, frame.width, frame.height, toMosaic);
        mosaic.add(patch, frame.width, frame.height, toMosaic);
      }
      return mosaic;
    };
    const whole = trace(wholeMatte(build()), { minArea: 16 }).regions;
    const byRows = traceRows(build().rows(), { minArea: 16 }).regions;
    assert.ok(whole.length >= 2, `${whole.length} regions`);
    assert.equal(byRows.length, whole.length);
    byRows.forEach((region, i) => {
      assert.deepEqual(region.outer.points, whole[i].outer.points);
      assert.deepEqual(region.holes.map((h) => h.points), whole[i].holes.map((h) => h.points));
    });
  });

  it('maps each frame by its similarity: a frame at half scale covers a quarter of the pixels', () => {
    // A 10×10 frame whose outline is its whole view, mapped at scale 2 and turned 90°: a 20×20 square.
    const mosaic = new Mosaic(30, 30);
    mosaic.add(rectangle(0, 0, 10, 10), 10, 10, { a: 0, b: 2, tx: 25, ty: 3 });
    const { data } = wholeMatte(mosaic);
    let sum = 0;
    for (let y = 3; y < 23; y++) for (let x = 5; x < 25; x++) sum += data[y * 30 + x];
    assert.ok(Math.abs(sum - 400) < 1e-3, `covered ${sum} px² of 400`);
  });
});

/** A closed path of `n` random cubic segments around (cx, cy). */
function randomPath(random: () => number, n: number, cx: number, cy: number): BezierPath {
  const point = (r: number): Vec2 => [cx + r * (random() - 0.5), cy + r * (random() - 0.5)];
  const vertices = Array.from({ length: n }, () => point(100));
  return { closed: true, vertices, inTangents: vertices.map(() => point(20).map((v, k) => v - [cx, cy][k]) as Vec2), outTangents: vertices.map(() => point(20).map((v, k) => v - [cx, cy][k]) as Vec2) };
}

describe('controlPointDistance', () => {
  it('is the largest move of a vertex or a handle end', () => {
    const square: BezierPath = {
      closed: true,
      vertices: [[0, 0], [10, 0], [10, 10], [0, 10]],
      inTangents: [[0, 0], [0, 0], [0, 0], [0, 0]],
      outTangents: [[0, 0], [0, 0], [0, 0], [0, 0]],
    };
    const moved = { ...square, vertices: square.vertices.map(([x, y]) => [x + 3, y + 4] as Vec2) };
    assert.equal(controlPointDistance(square, moved), 5);
    // A handle moved by 2 px while its vertex stays.
    const handle = { ...square, outTangents: square.outTangents.map((t, k) => (k === 2 ? [0, 2] : t) as Vec2) };
    assert.equal(controlPointDistance(square, handle), 2);
  });

  it('bounds the distance between the two paths at every parameter', () => {
    const random = prng(11);
    for (let trial = 0; trial < 20; trial++) {
      const a = randomPath(random, 5, 200, 200), b = randomPath(random, 5, 205, 198);
      const bound = controlPointDistance(a, b);
      let worst = 0;
      for (let k = 0; k < 5; k++) {
        const ca = segmentControls(a, k), cb = segmentControls(b, k);
        for (let s = 0; s <= 64; s++) {
          const p = cubicPoint(ca, s / 64), q = cubicPoint(cb, s / 64);
          worst = Math.max(worst, Math.hypot(p[0] - q[0], p[1] - q[1]));
        }
      }
      assert.ok(worst <= bound + 1e-9, `curves ${worst} px apart, bound ${bound}`);
      assert.ok(worst > 0.3 * bound, `bound ${bound} far above the curves' ${worst}`);
    }
  });
});

describe('keyframes from measured deviations', () => {
  it('keeps every interpolated frame within the tolerance, as measuring every frame does', () => {
    // A square moving around a circle of radius 10 px (as in core.test.ts), its outlines the squares themselves.
    const frames = 48, tolerance = 1, frame = { width: 1000, height: 1000 };
    const square = (x: number, y: number): BezierPath => ({
      closed: true,
      vertices: [[x, y], [x + 100, y], [x + 100, y + 100], [x, y + 100]],
      inTangents: [[0, 0], [0, 0], [0, 0], [0, 0]],
      outTangents: [[0, 0], [0, 0], [0, 0], [0, 0]],
    });
    const shapes = Array.from({ length: frames }, (_, f) => {
      const a = (2 * Math.PI * f) / frames;
      return square(200 + 10 * Math.cos(a), 200 + 10 * Math.sin(a));
    });
    // Traced outlines a tenth of a pixel off the shapes: measured deviations that leave room for
    // short interpolations (which then go unmeasured) but not for long ones.
    const outlines = shapes.map((s) => Float32Array.from(flattenPath(s, 0.01), (v, i) => v + (i % 2 ? 0.1 : 0)));
    const deviations = shapes.map((s, f) => pathDeviation(s, new OutlineTarget(outlines[f], frame), tolerance, frame));
    assert.ok(deviations.every((d) => Math.abs(d.max - 0.1) < 0.01), 'each shape 0.1 px from its outline');
    const keys = selectKeyframes(shapes, new OutlineTargets(outlines, frame), tolerance, deviations);
    assert.deepEqual(keys, selectKeyframes(shapes, new OutlineTargets(outlines, frame), tolerance));
    for (let k = 0; k + 1 < keys.length; k++) {
      for (let f = keys[k]; f <= keys[k + 1]; f++) {
        const shape = lerpPath(shapes[keys[k]], shapes[keys[k + 1]], (f - keys[k]) / (keys[k + 1] - keys[k]));
        const d = outlineDistance(flattenPath(shape, 0.01), Float64Array.from(outlines[f]), frame.width, frame.height);
        assert.ok(d <= tolerance, `frame ${f}: ${d} px`);
      }
    }
  });
});

describe('scene shapes', () => {
  it('build their mosaic at twice the resolution up to 1080p, at frame resolution when that would be too large, else not at all', () => {
    const hd = { width: 1920, height: 1080 }, uhd = { width: 3840, height: 2160 };
    // A 1080p pan over twice the frame's width: 4 × 4.1 Mpx at scale 2 would pass the 16 Mpx cap.
    assert.equal(mosaicScale(hd, 3e6), 2);
    assert.equal(mosaicScale(hd, 2 * 1920 * 1080), 1);
    assert.equal(mosaicScale(hd, 17e6), undefined);
    assert.equal(mosaicScale(uhd, 3840 * 2160), 1);
    assert.equal(mosaicScale(uhd, 2 * 3840 * 2160), undefined);
  });

  it('average every view of a short shot, evenly spaced views of a long one, and every view that reaches past those', () => {
    const frame = { width: 1920, height: 1080 };
    // Scene to frame t: a pan of 3 px a frame, plus a lift of 40 px at frame 101 (a bump of the camera).
    const pan = (frames: number, lifted = -1) =>
      Array.from({ length: frames }, (_, t) => ({ a: 1, b: 0, tx: 3 * t, ty: t === lifted ? -40 : 0 }));
    assert.deepEqual(mosaicViews(pan(48), frame), Array.from({ length: 48 }, (_, t) => t));
    const every5 = Array.from({ length: 48 }, (_, k) => 5 * k).concat(239);
    assert.deepEqual(mosaicViews(pan(240), frame), every5);
    // Frame 101 saw 40 px above all the others: its view goes in, and nothing else changes.
    assert.deepEqual(mosaicViews(pan(240, 101), frame), [...every5, 101].sort((a, b) => a - b));
  });

  it('carries one shape through a slow pan along a straight horizon, where the mosaic also has slivers past the views', async () => {
    // The bundled sample's camera move stretched over 2400 frames, its first 240, over the still's
    // true sky: the motion along the horizon is weakly pinned, so the views' ends disagree a little
    // and filling past them leaves slivers beside the sky in the mosaic.
    const mask = await readMattePng(new URL(`../../shared/data/${SKY_PAN_SAMPLE.dataset}/masks/${SKY_PAN_SAMPLE.still}.png`, import.meta.url).pathname);
    const { width, height } = SKY_PAN_SAMPLE;
    const { tolerance, minArea } = modelMatteDefaults(width, height);
    const tracker = new Tracker({ width, height, tolerance });
    for (const map of cameraMove({ ...SKY_PAN_MOVE, frameCount: 2400 }).slice(0, 240)) tracker.addFrame(trace(warpMatte(mask, map, width, height), { minArea }).regions);
    assert.equal(tracker.tracks.length, 1);
    const [track] = tracker.tracks;
    const scene = sceneShapes({ motions: track.motions, outlines: track.outlines, hole: false },
      new OutlineTargets(track.outlines, tracker.options), tolerance, SCENE_FIT_SHARE * tolerance);
    assert.ok(scene, 'one scene shape');
    assert.equal(scene.shapes.length, 240);
    const frames = Array.from({ length: 240 }, (_, f) => f);
    assert.ok(scene.hold(frames), 'every frame within the tolerance');
    for (const f of frames) assert.ok(scene.deviations.at(f)!.max <= tolerance, `frame ${f}: ${scene.deviations.at(f)!.max} px`);
  });
});
