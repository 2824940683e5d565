/**
 * The whole pipeline (RotoBuilder: trace → fit → track → document) on synthetic matte sequences with
 * known geometry, at 1080p and once at 4K. Every frame of each document, interpolated frames
 * included, is rendered and compared with the thresholded matte (specks under minArea removed from
 * both). Heavy by nature: each scene is built once (in `before`) and shared by its tests.
 */
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { validateDocument, type RotoDocument } from '../src/core/document.ts';
import { RotoBuilder } from '../src/core/pipeline.ts';
import { opacityAtFrame, pathAtFrame } from '../src/core/render.ts';
import { boundaryError, removeSpecks, threshold } from '../src/core/metrics.ts';
import { trace } from '../src/core/trace.ts';
import { OutlineTarget, pathToOutlineDistance } from '../src/core/keyframes.ts';
import {
  appearingRegion, edgeShapes, prng, regionWithHoles, rotatingBlob, skylinePan, softEdges, type SyntheticScene,
} from '../src/synthetic/index.ts';
import {
  bestMatch, boundaryErrorNear, describeQuality, firstVertexJumps, forEachBoundaryDistance, frameQuality, outlineDistance, pathPolyline,
  inThinZone, potraceMask, sceneMotion, sequenceQuality, summarize, thinZone, withoutThinParts,
} from './helpers/roto-check.ts';

interface Run {
  scene: SyntheticScene;
  doc: RotoDocument;
  tolerance: number;
  minArea: number;
  buildSeconds: number;
}

/** The scene's first `frames` mattes through a RotoBuilder with its default tolerance and minArea. */
function build(scene: SyntheticScene, frames = scene.frameCount): Run {
  const started = performance.now();
  const builder = new RotoBuilder({ path: `${scene.name}.synthetic`, width: scene.width, height: scene.height, frameRate: scene.frameRate });
  for (let f = 0; f < frames; f++) builder.addMatte(scene.matte(f));
  const doc = builder.finish();
  return { scene, doc, tolerance: builder.tolerance, minArea: builder.minArea, buildSeconds: (performance.now() - started) / 1000 };
}

function visibleMasks(doc: RotoDocument, frame: number): number {
  return doc.masks.filter((m) => m.mode !== 'none' && opacityAtFrame(m, frame) > 0).length;
}

/** Whether the mask is visible from the first frame to the last. */
function livesWholeShot(doc: RotoDocument, mask: RotoDocument['masks'][number]): boolean {
  for (let f = 0; f < doc.source.frameCount; f++) if (opacityAtFrame(mask, f) <= 0) return false;
  return true;
}

/**
 * The checks every scene gets: a valid document with one vertex count per mask, one visible mask per
 * region and hole, the rendered document against the matte at every frame, and a steady vertex 0.
 */
function sharedChecks(label: string, get: () => Run): void {
  it(`${label}: is a valid document whose masks each keep one vertex count (frame 0's, for masks that live the whole shot)`, (t) => {
    const { doc } = get();
    validateDocument(doc);
    const counts = doc.masks.map((mask) => {
      const count = mask.path[0].vertices.length;
      for (const key of mask.path) assert.equal(key.vertices.length, count, `${mask.name}: key at frame ${key.frame} has ${key.vertices.length} vertices, not ${count}`);
      if (livesWholeShot(doc, mask)) assert.equal(mask.path[0].frame, 0, `${mask.name} is visible at frame 0 but its first key is at ${mask.path[0].frame}`);
      return count;
    });
    t.diagnostic(`${doc.masks.length} masks; vertices per mask ${counts.join(', ')}; path keys per mask ${doc.masks.map((m) => m.path.length).join(', ')} of ${doc.source.frameCount} frames`);
  });

  it(`${label}: has one visible mask per sky region and hole at every frame`, () => {
    const { doc, scene } = get();
    for (let f = 0; f < doc.source.frameCount; f++) {
      const { regions, holes } = scene.topology(f);
      assert.equal(visibleMasks(doc, f), regions + holes, `frame ${f}: ${visibleMasks(doc, f)} visible masks, the scene has ${regions} regions and ${holes} holes`);
    }
  });

  it(`${label}: matches the thresholded matte at every frame (IoU ≥ 0.995, mean boundary error ≤ 0.5 px, max ≤ tolerance + 0.5 px away from parts under 3 px wide)`, (t) => {
    const { doc, scene, tolerance, minArea } = get();
    const started = performance.now();
    const frames = sequenceQuality(doc, (f) => scene.matte(f), minArea);
    const summary = summarize(frames);
    t.diagnostic(`${frames.length} frames, tolerance ${tolerance.toFixed(2)} px: ${describeQuality(summary)} ` +
      `(built in ${get().buildSeconds.toFixed(1)} s, checked in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
    const bad = frames.filter((q) => q.iou < 0.995 || q.mean > 0.5 || q.maxAwayFromThin > tolerance + 0.5);
    assert.deepEqual(bad.map((q) => `frame ${q.frame}: IoU ${q.iou.toFixed(5)}, mean ${q.mean.toFixed(3)} px, ` +
      `max ${q.maxAwayFromThin.toFixed(2)} px away from thin parts (${q.maxRaw.toFixed(2)} px anywhere)`), []);
  });

  it(`${label}: keeps vertex 0 steady (it moves no more than the scene's motion + 2 px between frames)`, (t) => {
    const { doc, scene } = get();
    const { jumps, worst } = firstVertexJumps(doc, (f, at) => sceneMotion(scene, f, at));
    if (worst) t.diagnostic(`largest move ${worst.moved.toFixed(2)} px (mask ${worst.mask + 1}, frame ${worst.frame} → ${worst.frame + 1}, allowed ${worst.allowed.toFixed(2)} px)`);
    assert.deepEqual(jumps.map((j) => `mask ${j.mask + 1}, frame ${j.frame} → ${j.frame + 1}: vertex 0 moved ${j.moved.toFixed(2)} px, allowed ${j.allowed.toFixed(2)} px`), []);
  });
}

describe('checking helpers', () => {
  it('boundaryErrorNear gives the same numbers as metrics.boundaryError (near, far and empty masks)', () => {
    const W = 320, H = 180;
    const scene = skylinePan({ width: W, height: H });
    const a = threshold(scene.matte(0)), b = threshold(scene.matte(5));
    const far = new Uint8Array(W * H);
    for (let y = 10; y < 20; y++) for (let x = 250; x < 300; x++) far[y * W + x] = 1;
    const pairs: [string, Uint8Array, Uint8Array][] = [
      ['two frames', a, b], ['a far blob', far, b], ['empty', new Uint8Array(W * H), a], ['both empty', new Uint8Array(W * H), new Uint8Array(W * H)],
    ];
    for (const [name, p, q] of pairs) assert.deepEqual(boundaryErrorNear(p, q, W, H), boundaryError(p, q, W, H), name);
  });

  it('withoutThinParts removes sky and non-sky under 3 px wide and keeps wider parts and the frame edge as they are', () => {
    const W = 60, H = 30;
    // Sky: a band on the left edge, lines 1, 2 and 3 px wide; non-sky lines 1, 2 and 3 px wide in a sky block.
    const sky = (x: number) => x < 6 || x === 10 || x === 14 || x === 15 || (x >= 20 && x < 23) ||
      (x >= 30 && x !== 35 && !(x === 40 || x === 41) && !(x >= 46 && x < 49));
    const kept = (x: number) => x < 6 || (x >= 20 && x < 23) || (x >= 30 && !(x >= 46 && x < 49));
    const mask = new Uint8Array(W * H);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) mask[y * W + x] = sky(x) ? 1 : 0;
    const out = withoutThinParts(mask, W, H);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) assert.equal(out[y * W + x], kept(x) ? 1 : 0, `pixel (${x}, ${y})`);
    }
  });

  it('thinZone keeps the tip of a 1-px-wide spike out of the max boundary error, and nothing else', () => {
    // Non-sky below y = 20 with a 1-px-wide spike up to y = 6 in the truth, up to y = 10 in the other mask.
    const W = 30, H = 30;
    const mask = (tip: number) => Uint8Array.from({ length: W * H }, (_, i) => {
      const x = i % W, y = Math.floor(i / W);
      return y >= 20 || (x === 15 && y >= tip) ? 0 : 1;
    });
    const truth = mask(6), other = mask(10);
    const zone = thinZone(other, truth, W, H);
    let raw = 0, away = 0;
    forEachBoundaryDistance(other, truth, W, H, (i, d) => {
      raw = Math.max(raw, d);
      if (!zone[i]) away = Math.max(away, d);
    });
    assert.equal(raw, 4);
    assert.equal(away, 0);
    for (let x = 0; x < W; x++) assert.equal(zone[19 * W + x], x >= 14 && x <= 16 ? 1 : 0, `zone at (${x}, 19)`);
  });

  it('inThinZone, from 11×11 pixels, agrees with thinZone over the whole frame on random masks', () => {
    const W = 41, H = 33;
    for (let seed = 1; seed <= 3; seed++) {
      const rnd = prng(seed);
      // Blocky random masks (4×4 cells) with single pixels flipped: thin and wide parts, at the frame edge too.
      const cells = Array.from({ length: 100 }, () => (rnd() < 0.5 ? 1 : 0));
      const mask = () => Uint8Array.from({ length: W * H }, (_, i) => cells[Math.floor((i % W) / 4) + 10 * Math.floor(i / W / 4)] ^ (rnd() < 0.05 ? 1 : 0));
      const a = mask(), b = mask();
      const zone = thinZone(a, b, W, H);
      for (let i = 0; i < W * H; i++) assert.equal(inThinZone(a, b, W, H, i % W, Math.floor(i / W)), zone[i] === 1, `seed ${seed}, pixel ${i}`);
    }
  });
});

describe('skylinePan at 1080p, 96 frames (panning and zooming skyline with buildings)', () => {
  let run: Run;
  before(() => { run = build(skylinePan({ frameCount: 96 })); });
  sharedChecks('skylinePan 1080p', () => run);

  it('skylinePan 1080p: needs path keyframes on at most 15% of the frames of a smooth pan', (t) => {
    const { doc } = run;
    const ratios = doc.masks.map((m) => m.path.length / doc.source.frameCount);
    t.diagnostic(`path keys per mask: ${doc.masks.map((m, k) => `${m.path.length}/${doc.source.frameCount} (${(100 * ratios[k]).toFixed(1)}%)`).join(', ')}`);
    for (const [k, ratio] of ratios.entries()) assert.ok(ratio <= 0.15, `mask ${k + 1}: keyframes on ${(100 * ratio).toFixed(1)}% of the frames`);
  });

  it('skylinePan 1080p: lets skyline vertices slide out of and into frame (past the edge) rather than appear or vanish', (t) => {
    const { doc, scene } = run;
    const { width } = scene;
    const last = doc.source.frameCount - 1;
    const [mask] = doc.masks;
    // Buildings that enter at the right during the shot already have their vertices at frame 0, off to
    // the right of the frame; those that leave at the left still have theirs at the last frame.
    const offRight = pathAtFrame(mask, 0).vertices.filter(([x, y]) => x > width + 1 && y > 0).length;
    const offLeft = pathAtFrame(mask, last).vertices.filter(([x, y]) => x < -1 && y > 0).length;
    t.diagnostic(`frame 0: ${offRight} skyline vertices past the right edge; frame ${last}: ${offLeft} past the left edge`);
    assert.ok(offRight >= 2, `only ${offRight} vertices wait past the right edge at frame 0`);
    assert.ok(offLeft >= 2, `only ${offLeft} vertices have slid past the left edge at frame ${last}`);
    // And every vertex moves smoothly: between neighbouring frames none moves further than the scene
    // does at its place (pan plus zoom, in or out of frame), plus 2 px.
    for (let f = 1; f <= last; f++) {
      const a = pathAtFrame(mask, f - 1).vertices, b = pathAtFrame(mask, f).vertices;
      a.forEach((v, k) => {
        const move = Math.hypot(b[k][0] - v[0], b[k][1] - v[1]), allowed = sceneMotion(scene, f - 1, v) + 2;
        assert.ok(move <= allowed, `frame ${f - 1} → ${f}: vertex ${k} moves ${move.toFixed(2)} px, the scene there ${allowed.toFixed(2)} px`);
      });
    }
  });

  it('skylinePan 1080p: uses no more vertices per mask than potrace, with its error within the tolerance', async (t) => {
    const { doc, scene, tolerance, minArea } = run;
    const { width, height } = scene;
    const failures: string[] = [];
    for (const frame of [0, 32, 64, 95]) {
      const matte = scene.matte(frame);
      const contours = trace(matte, { minArea }).regions.flatMap((r) => [r.outer.points, ...r.holes.map((h) => h.points)]);
      const reference = await potraceMask(removeSpecks(threshold(matte), width, height, minArea, matte.data), width, height, { turdSize: minArea });
      for (const [m, mask] of doc.masks.entries()) {
        if (opacityAtFrame(mask, frame) <= 0) continue;
        const ours = pathPolyline(pathAtFrame(mask, frame));
        const contour = contours[bestMatch(ours, contours)];
        const theirs = reference[bestMatch(ours, reference.map((p) => p.polyline))];
        assert.ok(contour && theirs, `frame ${frame}, mask ${m + 1}: no traced contour or potrace path overlaps it`);
        // Our error by the document's own measure (keyframes.ts: inside the frame, direction-aware, outline
        // slivers under 1.5 px wide such as spire tips not held to the tolerance); potrace's, which runs
        // the other way round, by plain nearest distance (for the report).
        const frameBox = { width, height };
        const ourVertices = mask.path[0].vertices.length;
        const ourError = pathToOutlineDistance(pathAtFrame(mask, frame), new OutlineTarget(contour, frameBox), Infinity, frameBox);
        const theirError = outlineDistance(theirs.polyline, contour, width, height);
        t.diagnostic(`frame ${frame}, mask ${m + 1}: ours ${ourVertices} vertices at ${ourError.toFixed(3)} px; ` +
          `potrace ${theirs.vertices} vertices (${theirs.curves} curves, ${theirs.lines} line segments) at ${theirError.toFixed(3)} px; ` +
          `${reference.length} potrace paths`);
        if (ourVertices > theirs.vertices) failures.push(`frame ${frame}, mask ${m + 1}: ${ourVertices} vertices, potrace ${theirs.vertices}`);
        if (ourError > tolerance) failures.push(`frame ${frame}, mask ${m + 1}: ${ourError.toFixed(3)} px from the traced contour, tolerance ${tolerance}`);
      }
    }
    assert.deepEqual(failures, []);
  });
});

describe('skylinePan at 1080p, a 10 s pan (240 frames: buildings keep entering and leaving)', () => {
  let run: Run;
  before(() => { run = build(skylinePan({ frameCount: 240 })); });

  it('skylinePan 240 frames: keeps one mask shape over the whole pan, with path keyframes on at most 15% of the frames', (t) => {
    const { doc } = run;
    t.diagnostic(`${doc.masks.length} masks; path keys ${doc.masks.map((m) => `${m.path.length}/${doc.source.frameCount}`).join(', ')}; ` +
      `vertices ${doc.masks.map((m) => m.path[0].vertices.length).join(', ')}`);
    assert.equal(doc.masks.length, 1);
    assert.ok(doc.masks[0].path.length <= 0.15 * doc.source.frameCount, `${doc.masks[0].path.length} keys`);
  });

  it('skylinePan 240 frames: matches the thresholded matte at every 4th frame and every key (as the 96-frame shot)', (t) => {
    const { doc, scene, tolerance, minArea } = run;
    const keys = doc.masks.flatMap((m) => m.path.map((k) => k.frame));
    const frames = [...new Set([...keys, ...Array.from({ length: 60 }, (_, k) => 4 * k)])].sort((a, b) => a - b);
    const quality = frames.map((f) => frameQuality(doc, f, scene.matte(f), minArea));
    t.diagnostic(`${frames.length} frames: ${describeQuality(summarize(quality))}`);
    const bad = quality.filter((q) => q.iou < 0.995 || q.mean > 0.5 || q.maxAwayFromThin > tolerance + 0.5);
    assert.deepEqual(bad.map((q) => `frame ${q.frame}: IoU ${q.iou.toFixed(5)}, mean ${q.mean.toFixed(3)} px, max ${q.maxAwayFromThin.toFixed(2)} px`), []);
  });
});

describe('skylinePan at 4K (3840×2160), the first 8 frames of the same 96-frame shot', () => {
  let run: Run;
  before(() => { run = build(skylinePan({ width: 3840, height: 2160, frameCount: 96 }), 8); });
  sharedChecks('skylinePan 4K', () => run);
});

describe('rotatingBlob at 1080p, 48 frames (a smooth blob turning, breathing and drifting)', () => {
  let run: Run;
  before(() => { run = build(rotatingBlob({ frameCount: 48 })); });
  sharedChecks('rotatingBlob', () => run);
});

describe('regionWithHoles at 1080p, 48 frames (an elliptical region with a balloon and a bird as holes)', () => {
  let run: Run;
  before(() => { run = build(regionWithHoles({ frameCount: 48 })); });
  sharedChecks('regionWithHoles', () => run);
});

describe('appearingRegion at 1080p, 48 frames (a second region opens and closes mid-shot)', () => {
  let run: Run;
  before(() => { run = build(appearingRegion({ frameCount: 48 })); });
  sharedChecks('appearingRegion', () => run);

  it('appearingRegion: the new region\'s mask has opacity 0 before its first frame, 100 while it exists, 0 after (hold keys)', (t) => {
    const { doc } = run;
    const scene = run.scene as ReturnType<typeof appearingRegion>;
    const late = doc.masks.filter((m) => opacityAtFrame(m, 0) === 0);
    assert.equal(late.length, 1, `${late.length} masks start invisible`);
    const [mask] = late;
    t.diagnostic(`appears at frame ${scene.appearFrame}, gone at ${scene.disappearFrame}; opacity keys ${JSON.stringify(mask.opacity)}; path keys from frame ${mask.path[0].frame}`);
    for (let f = 0; f < doc.source.frameCount; f++) {
      const expected = f >= scene.appearFrame && f < scene.disappearFrame ? 100 : 0;
      assert.equal(opacityAtFrame(mask, f), expected, `opacity at frame ${f}`);
    }
    assert.equal(mask.path[0].frame, scene.appearFrame, 'first path key at the appearing frame');
  });
});

describe('edgeShapes at 1080p, 48 frames (sky touching all four frame edges, a canopy in a corner, a floating hole)', () => {
  let run: Run;
  before(() => { run = build(edgeShapes({ frameCount: 48 })); });
  sharedChecks('edgeShapes', () => run);
});

describe('softEdges(skylinePan) at 1080p, 24 frames (the skyline blurred by a gaussian of σ = 3 px)', () => {
  let run: Run;
  before(() => { run = build(softEdges(skylinePan({ frameCount: 24 }), { sigma: 3 })); });
  sharedChecks('softEdges(skylinePan)', () => run);

  it('softEdges(skylinePan): feathers the mask (feather > 0, within 25% of the blur\'s 10–90% ramp of 2.563 σ)', (t) => {
    const ramp = 2 * 1.2816 * 3;
    const feathers = run.doc.masks.map((m) => m.feather);
    t.diagnostic(`feather ${feathers.map((f) => f.join('×')).join(', ')} px; the blur's 10–90% ramp ${ramp.toFixed(2)} px`);
    for (const [fx, fy] of feathers) {
      assert.ok(fx > 0 && fy > 0, `feather ${fx}×${fy}`);
      assert.ok(Math.abs(fx - ramp) <= 0.25 * ramp && Math.abs(fy - ramp) <= 0.25 * ramp, `feather ${fx}×${fy} px vs ramp ${ramp.toFixed(2)} px`);
    }
  });
});
