/**
 * The camera motion the segment stage measures on the footage, handed on to tracking: its conversion
 * from the stabiliser's working-size map, and what it does for a fast pan along a near-straight
 * horizon (where an outline alone cannot tell how far the camera moved) and for a tilt down from all
 * sky (where there is no outline to follow at all), against known geometry.
 * A wrong one must cost nothing; regions.bin keeps it, and version 1 files still read.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { RotoBuilder } from '../src/core/pipeline.ts';
import { decodeRegions, encodeRegions, REGIONS_FORMAT, type RegionsFile } from '../src/core/regions-codec.ts';
import { cameraMotionOf } from '../src/core/segment/camera-motion.ts';
import type { Affine } from '../src/core/segment/global-motion.ts';
import type { Matte, Similarity } from '../src/core/types.ts';
import type { RotoDocument } from '../src/core/document.ts';
import { prng } from '../src/synthetic/geometry.ts';
import { describeQuality, sequenceQuality, summarize } from './helpers/roto-check.ts';

describe('cameraMotionOf', () => {
  it("turns the stabiliser's working-size map (current → previous) into the full-resolution similarity previous → current", () => {
    // 1920×1080 at 384×224: the two axes scale differently (5 and 4.82), so M is no similarity.
    const width = 1920, height = 1080, size = { width: 384, height: 224 };
    const truth: Similarity = { a: 1.01 * Math.cos(0.02), b: 1.01 * Math.sin(0.02), tx: -37.5, ty: 6.25 };
    // M = working ← full, after the inverse of the truth, after full ← working.
    const sx = width / size.width, sy = height / size.height;
    const d = truth.a * truth.a + truth.b * truth.b;
    const ia = truth.a / d, ib = truth.b / d;
    const inverse = (x: number, y: number) => [ia * (x - truth.tx) + ib * (y - truth.ty), -ib * (x - truth.tx) + ia * (y - truth.ty)];
    const [c0x, c0y] = inverse(0, 0), [c1x, c1y] = inverse(sx, 0), [c2x, c2y] = inverse(0, sy);
    const m: Affine = [(c1x - c0x) / sx, (c2x - c0x) / sx, c0x / sx, (c1y - c0y) / sy, (c2y - c0y) / sy, c0y / sy];
    const got = cameraMotionOf(m, size, width, height);
    for (const key of ['a', 'b', 'tx', 'ty'] as const) assert.ok(Math.abs(got[key] - truth[key]) < 1e-9, `${key}: ${got[key]} vs ${truth[key]}`);
  });
});

/** Sky above the line y = horizonAt(x, frame), with a one-pixel ramp: `frames` mattes of width × height. */
function horizonMattes(width: number, height: number, frames: number, horizonAt: (x: number, frame: number) => number): Matte[] {
  return Array.from({ length: frames }, (_, f): Matte => {
    const data = new Float32Array(width * height);
    for (let x = 0; x < width; x++) {
      const h = horizonAt(x + 0.5, f);
      for (let y = 0; y < height; y++) data[y * width + x] = Math.max(0, Math.min(1, h - (y + 0.5) + 0.5));
    }
    return { width, height, data };
  });
}

/** The document of `mattes`, each after the first carrying `motionAt(frame)` as its camera motion. */
function rotoOf(mattes: Matte[], motionAt: (frame: number) => Similarity | undefined): RotoDocument {
  const { width, height } = mattes[0];
  const builder = new RotoBuilder({ path: 'shot', width, height, frameRate: 24 });
  mattes.forEach((matte, f) => builder.addMatte({ ...matte, cameraMotion: f === 0 ? undefined : motionAt(f) }));
  return builder.finish();
}

const keys = (doc: RotoDocument) => doc.masks.reduce((n, m) => n + m.path.length, 0);

describe('tracking from the camera motion', () => {
  const speed = 20;
  /** A gently rolling horizon (bumps of 1.5–6 px over 90–700 px), panning left by `speed` px a frame. */
  const mattes = horizonMattes(960, 540, 32, (x, f) => {
    const wx = x + f * speed;
    return 0.55 * 540 + 6 * Math.sin((2 * Math.PI * wx) / 700) + 3 * Math.sin((2 * Math.PI * wx) / 260 + 1) + 1.5 * Math.sin((2 * Math.PI * wx) / 90);
  });
  const without = rotoOf(mattes, () => undefined);
  const exact = rotoOf(mattes, () => ({ a: 1, b: 0, tx: -speed, ty: 0 }));

  it('with it a fast pan keeps one scene shape (2 keyframes of 32); without, the outline alone falls behind and keys most frames', () => {
    assert.equal(exact.masks.length, 1);
    assert.ok(keys(exact) <= 3, `${keys(exact)} keyframes with the camera motion`);
    assert.ok(keys(without) >= 4 * keys(exact), `${keys(without)} keyframes without it: the case this is for no longer fails`);
    const quality = summarize(sequenceQuality(exact, (f) => mattes[f], 0));
    assert.ok(quality.minIou >= 0.995 && quality.worstMean <= 0.5, describeQuality(quality));
  });

  it('a measured one, off by 0.3 px (sd) each frame, does as well', () => {
    const noise = prng(3);
    const gauss = () => Math.sqrt(-2 * Math.log(1 - noise())) * Math.cos(2 * Math.PI * noise());
    const noisy = rotoOf(mattes, () => ({ a: 1, b: 0, tx: -speed + 0.3 * gauss(), ty: 0.3 * gauss() }));
    assert.ok(keys(noisy) <= 3, `${keys(noisy)} keyframes`);
    const quality = summarize(sequenceQuality(noisy, (f) => mattes[f], 0));
    assert.ok(quality.minIou >= 0.995 && quality.worstMean <= 0.5, describeQuality(quality));
  });

  it('a wrong one (the other way) costs nothing: the masks made without one', () => {
    assert.deepEqual(rotoOf(mattes, () => ({ a: 1, b: 0, tx: speed, ty: 0 })), without);
  });
});

describe('tracking through all-sky frames', () => {
  it('a tilt down from all sky: the camera motion carries the track through the frames with no outline, so one scene shape holds when the horizon rises in', () => {
    const speed = 15;
    // The horizon lies 700 px below the first frame's top and rises by `speed` a frame: in view from frame 11.
    const mattes = horizonMattes(960, 540, 32, (x, f) => 700 + 6 * Math.sin((2 * Math.PI * x) / 300) + 3 * Math.sin((2 * Math.PI * x) / 110 + 1) - f * speed);
    const tilt = rotoOf(mattes, () => ({ a: 1, b: 0, tx: 0, ty: -speed })), without = rotoOf(mattes, () => undefined);
    assert.equal(tilt.masks.length, 1);
    assert.ok(keys(tilt) <= 2, `${keys(tilt)} keyframes with the camera motion`);
    assert.ok(keys(without) > keys(tilt), `${keys(without)} keyframes without it: the case this is for no longer fails`);
    const quality = summarize(sequenceQuality(tilt, (f) => mattes[f], 0));
    assert.ok(quality.minIou >= 0.995 && quality.worstMean <= 0.5, describeQuality(quality));
  });

  it('sky from edge to edge in every frame, under a moving camera: the frame\'s own rectangle, standing still', () => {
    const width = 320, height = 180;
    const allSky = Array.from({ length: 8 }, (): Matte => ({ width, height, data: new Float32Array(width * height).fill(1) }));
    const doc = rotoOf(allSky, () => ({ a: 1, b: 0, tx: -20, ty: 3 }));
    assert.equal(doc.masks.length, 1);
    const [first, ...rest] = doc.masks[0].path;
    for (const key of rest) assert.deepEqual(key.vertices, first.vertices, `frame ${key.frame}`);
    for (const [x, y] of first.vertices) assert.ok(x >= -16 && x <= width + 16 && y >= -16 && y <= height + 16, `vertex (${x}, ${y}) far off the frame`);
  });
});

describe('regions.bin', () => {
  const square = (x: number): Float64Array => Float64Array.from([x, 0, x + 4, 0, x + 4, 4, x, 4]);
  const file: RegionsFile = {
    header: { format: REGIONS_FORMAT, path: 'shot.mp4', width: 64, height: 48, frameRate: 24, shotFrameCount: 10, firstFrame: 3, tolerance: 1, minArea: 4 },
    frames: [
      { regions: [{ outer: { points: square(1), area: 16, rampWidth: 1.5 }, holes: [] }] },
      { regions: [{ outer: { points: square(2), area: 16, rampWidth: 1.25 }, holes: [] }], cameraMotion: { a: 1.001, b: -0.002, tx: 1.0000001, ty: -2.5 } },
      { regions: [] },
    ],
  };

  it('keeps each frame\'s camera motion exactly (f64), and frames without one without one', () => {
    assert.deepEqual(decodeRegions(encodeRegions(file)), file);
  });

  it('still reads version 1 files (no camera motion field), as frames without camera motion', () => {
    const withoutMotion: RegionsFile = { header: { ...file.header }, frames: file.frames.map(({ regions }) => ({ regions })) };
    const v2 = encodeRegions(withoutMotion);
    // Version 1 is version 2 without the per-frame flag words, which are all 0 here.
    const newline = v2.indexOf(10);
    const header = new TextEncoder().encode(`${JSON.stringify({ ...file.header, format: 'autoroto.regions/1' })}\n`);
    const body: number[] = [];
    let at = newline + 1;
    for (const { regions } of withoutMotion.frames) {
      at += 4; // the flag
      const size = 4 + regions.reduce((s, r) => s + 4 + 20 + 4 * r.outer.points.length, 0);
      body.push(...v2.subarray(at, at + size));
      at += size;
    }
    const v1 = Uint8Array.from([...header, ...body]);
    const read = decodeRegions(v1);
    assert.equal(read.header.format, 'autoroto.regions/1');
    assert.deepEqual(read.frames, withoutMotion.frames);
  });

  it('says what is wrong with a damaged camera motion flag', () => {
    const bytes = encodeRegions(file);
    bytes[bytes.indexOf(10) + 1] = 7;
    assert.throws(() => decodeRegions(bytes), /camera motion flag 7/);
  });
});
