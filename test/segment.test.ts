/**
 * The segment stage's pure parts, against known geometry: working sizes, resampling, the box filter,
 * guided-filter refinement of a displaced edge, global motion, and temporal stabilisation; and that
 * buffers reused from frame to frame (as the Segmenter reuses them) give what fresh ones give.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { RgbFrame } from '../src/core/types.ts';
import { boxMean } from '../src/core/segment/box-filter.ts';
import { estimateAffine, MotionEstimator, type Affine } from '../src/core/segment/global-motion.ts';
import { GuidedFilterBuffers, refineMatte, upsampleMatte } from '../src/core/segment/guided-filter.ts';
import { axisWeights, lumaOfPlanes, PlaneResampler, rgbPlanes } from '../src/core/segment/resample.ts';
import { DEFAULT_STABILISER, TemporalStabiliser, type StabiliserOptions } from '../src/core/segment/stabilise.ts';
import { workingSize } from '../src/core/segment/working-size.ts';
import { prng as random } from '../src/synthetic/geometry.ts';

/** Smooth texture: a sum of sines with random frequencies and phases, values 0..1. */
function texture(seed: number): (x: number, y: number) => number {
  const rnd = random(seed);
  const waves = Array.from({ length: 12 }, () => ({ fx: (rnd() - 0.5) * 0.3, fy: (rnd() - 0.5) * 0.3, phase: rnd() * 6.28 }));
  return (x, y) => 0.5 + waves.reduce((s, w) => s + Math.sin(w.fx * x + w.fy * y + w.phase), 0) / 24;
}

describe('working size', () => {
  it('matches training/working_size.py on a table of frame sizes (multiples of 32, about 480×270 px)', () => {
    // Printed by: python3 -c "from working_size import working_size; …" in training/.
    const table = [[1920, 1080, 480, 256], [3840, 2160, 480, 256], [7680, 4320, 480, 256], [480, 360, 416, 320], [480, 480, 352, 352],
      [683, 512, 416, 320], [1080, 1920, 256, 480], [2048, 858, 544, 224], [1440, 1080, 416, 320], [640, 360, 480, 256], [16, 16, 352, 352],
      [5000, 100, 2560, 64]];
    for (const [w, h, ww, wh] of table) assert.deepEqual(workingSize(w, h), { width: ww, height: wh }, `${w}×${h}`);
  });
});

describe('resampling to the working size', () => {
  it('area weights sum to 1 and cover each source pixel equally when shrinking', () => {
    for (const [source, target] of [[1920, 384], [1000, 352], [37, 32], [100, 288]]) {
      const w = axisWeights(source, target);
      const coverage = new Float64Array(source);
      for (let i = 0; i < target; i++) {
        let sum = 0;
        for (let k = 0; k < w.count[i]; k++) {
          sum += w.weights[w.offset[i] + k];
          coverage[w.start[i] + k] += w.weights[w.offset[i] + k];
        }
        assert.ok(Math.abs(sum - 1) < 1e-5, `${source}→${target}: target ${i} sums to ${sum}`);
      }
      if (source > target) for (const c of coverage) assert.ok(Math.abs(c - target / source) < 1e-4);
    }
  });

  it('shrinks by an exact factor as the mean of each block, into r, g, b planes in 0..1', () => {
    const frame: RgbFrame = { width: 8, height: 4, data: new Uint8Array(8 * 4 * 3) };
    for (let i = 0; i < 32; i++) frame.data.set([i, 2 * i, 255 - i], i * 3);
    const planes = rgbPlanes(frame, { width: 4, height: 2 });
    // Output (1, 0) averages source pixels 2, 3, 10, 11.
    assert.ok(Math.abs(planes[1] - (2 + 3 + 10 + 11) / 4 / 255) < 1e-6);
    assert.ok(Math.abs(planes[8 + 1] - (2 * (2 + 3 + 10 + 11)) / 4 / 255) < 1e-6);
    assert.ok(Math.abs(planes[16 + 1] - (255 - (2 + 3 + 10 + 11) / 4) / 255) < 1e-6);
    const luma = lumaOfPlanes(planes, { width: 4, height: 2 });
    assert.ok(Math.abs(luma[1] - (0.299 * planes[1] + 0.587 * planes[9] + 0.114 * planes[17])) < 1e-6);
  });
});

describe('box filter', () => {
  it('equals the brute-force mean over clipped windows, windows narrower and wider than the image', () => {
    const rnd = random(3);
    const w = 23, h = 17;
    const src = Float32Array.from({ length: w * h }, rnd);
    // 11 and 12 have no column whose window both gains and loses one (12: some windows hold the whole row).
    for (const r of [0, 1, 3, 8, 11, 12, 16, 30]) {
      const fast = boxMean(src, w, h, r);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          let s = 0, n = 0;
          for (let j = Math.max(0, y - r); j <= Math.min(h - 1, y + r); j++) for (let i = Math.max(0, x - r); i <= Math.min(w - 1, x + r); i++) { s += src[j * w + i]; n++; }
          assert.ok(Math.abs(fast[y * w + x] - s / n) < 1e-5, `r=${r} (${x}, ${y})`);
        }
      }
    }
  });
});

/** A 960×540 frame: textured blue sky left of x = edge, a textured dark building right of it, anti-aliased. */
function skyAndBuilding(edge: number): { frame: RgbFrame; coverage: (x: number) => number } {
  const width = 960, height = 540;
  const sky = texture(1), wall = texture(2);
  const data = new Uint8Array(width * height * 3);
  const coverage = (x: number) => Math.max(0, Math.min(1, edge - x));
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const c = coverage(x);
      const s = [90 + 40 * sky(x, y), 150 + 40 * sky(x, y), 230], b = [50 + 50 * wall(x, y), 45 + 40 * wall(x, y), 40 + 30 * wall(x, y)];
      for (let k = 0; k < 3; k++) data[(y * width + x) * 3 + k] = Math.round(c * s[k] + (1 - c) * b[k]);
    }
  }
  return { frame: { width, height, data }, coverage };
}

/** Where a row of a matte crosses 0.5, with linear interpolation between pixel centres. */
function crossing(values: (x: number) => number, width: number): number {
  for (let x = 0; x < width - 1; x++) {
    const a = values(x), b = values(x + 1);
    if ((a - 0.5) * (b - 0.5) <= 0 && a !== b) return x + 0.5 + (a - 0.5) / (a - b);
  }
  return NaN;
}

describe('guided-filter refinement', () => {
  it('puts a building edge that the network misplaced by 2 px back near the image edge (within 0.35 px)', () => {
    const edge = 400.3;
    const { frame } = skyAndBuilding(edge);
    const size = workingSize(frame.width, frame.height);
    const planes = rgbPlanes(frame, size);
    const scale = frame.width / size.width;
    for (const shift of [0.8, -0.8]) {
      // The network's answer: a soft step displaced by 0.8 working pixels (2 px at full resolution).
      const p = new Float32Array(size.width * size.height);
      for (let y = 0; y < size.height; y++) for (let x = 0; x < size.width; x++) {
        const d = (edge / scale + shift) - (x + 0.5);
        p[y * size.width + x] = 1 / (1 + Math.exp(-2 * d));
      }
      const refined = refineMatte(frame, planes, p, size);
      const plain = upsampleMatte(p, size, frame.width, frame.height);
      for (const y of [10, 270, 530]) {
        const r = crossing((x) => refined.data[y * frame.width + x], frame.width);
        const b = crossing((x) => plain.data[y * frame.width + x], frame.width);
        assert.ok(Math.abs(r - edge) < 0.35, `shift ${shift}, row ${y}: refined edge at ${r.toFixed(2)}, true ${edge}`);
        assert.ok(Math.abs(b - edge) > 1.5, `shift ${shift}, row ${y}: bilinear edge at ${b.toFixed(2)} (the test's premise)`);
      }
      // Away from the edge the matte stays flat: 1 in the sky, 0 on the wall.
      assert.ok(refined.data[270 * frame.width + 100] > 0.97 && refined.data[270 * frame.width + 800] < 0.03);
    }
  });
});

/** Samples an image function through an affine (current pixel → previous pixel) into a luma plane. */
function lumaPlane(f: (x: number, y: number) => number, width: number, height: number, m: Affine = [1, 0, 0, 0, 1, 0]): Float32Array {
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) {
    const cx = x + 0.5, cy = y + 0.5;
    out[y * width + x] = f(m[0] * cx + m[1] * cy + m[2], m[3] * cx + m[4] * cy + m[5]);
  }
  return out;
}

describe('global motion', () => {
  const size = { width: 384, height: 224 };
  const scene = texture(5);
  it('recovers a pan with zoom and roll to within 0.05 px over the frame', () => {
    const truth: Affine = [Math.cos(0.01) * 1.02, -Math.sin(0.01), 7.3, Math.sin(0.01), Math.cos(0.01) * 1.02, -4.6];
    const previous = lumaPlane(scene, size.width, size.height);
    const current = lumaPlane(scene, size.width, size.height, truth);
    const m = estimateAffine(previous, current, size);
    for (const [x, y] of [[0, 0], [384, 0], [0, 224], [384, 224], [192, 112]]) {
      const dx = m[0] * x + m[1] * y + m[2] - (truth[0] * x + truth[1] * y + truth[2]);
      const dy = m[3] * x + m[4] * y + m[5] - (truth[3] * x + truth[4] * y + truth[5]);
      assert.ok(Math.hypot(dx, dy) < 0.05, `at (${x}, ${y}) off by ${Math.hypot(dx, dy).toFixed(3)} px`);
    }
  });

  it('follows the background when a third of the frame moves on its own', () => {
    const truth: Affine = [1, 0, 5, 0, 1, 2];
    const previous = lumaPlane(scene, size.width, size.height);
    const current = lumaPlane(scene, size.width, size.height, truth);
    const mover = texture(9);
    for (let y = 0; y < size.height; y++) for (let x = 0; x < 128; x++) current[y * size.width + x] = mover(x - 20, y);
    const m = estimateAffine(previous, current, size);
    assert.ok(Math.abs(m[2] + m[0] * 192 + m[1] * 112 - (5 + 192)) < 0.3 && Math.abs(m[5] + m[3] * 192 + m[4] * 112 - (2 + 112)) < 0.3, `estimate ${m.map((v) => v.toFixed(3))}`);
  });
});

describe('temporal stabilisation', () => {
  const size = { width: 384, height: 224 };
  const scene = texture(6);
  /** Frame t of a camera panning right by `speed` px per frame over a sky/ground scene, with noisy probabilities. */
  function frameAt(t: number, speed: number, noise: () => number) {
    const m: Affine = [1, 0, speed * t, 0, 1, 0];
    const luma = lumaPlane(scene, size.width, size.height, m);
    const horizon = (x: number) => 110 + 20 * Math.sin(x / 37);
    const truth = new Float32Array(size.width * size.height);
    const p = new Float32Array(size.width * size.height);
    for (let y = 0; y < size.height; y++) for (let x = 0; x < size.width; x++) {
      const d = horizon(x + 0.5 + speed * t) - (y + 0.5);
      truth[y * size.width + x] = 1 / (1 + Math.exp(-2 * d));
      p[y * size.width + x] = 1 / (1 + Math.exp(-2 * (d + (noise() - 0.5) * 2)));
    }
    return { luma, truth, p };
  }
  const meanAbs = (a: Float32Array, b: Float32Array) => a.reduce((s, v, i) => s + Math.abs(v - b[i]), 0) / a.length;

  it('halves the error of noisy per-frame probabilities on a slow pan, and is no worse on a fast one (no lag)', () => {
    for (const [speed, most] of [[1.5, 0.5], [12, 0.8]]) {
      const noise = random(11);
      const stabiliser = new TemporalStabiliser(size);
      let raw = 0, steady = 0;
      for (let t = 0; t < 12; t++) {
        const { luma, truth, p } = frameAt(t, speed, noise);
        const s = stabiliser.next(p, luma);
        if (t >= 4) {
          raw += meanAbs(p, truth);
          steady += meanAbs(s, truth);
        }
      }
      // On a fast pan much of the frame is new every frame, so there is less history to average.
      assert.ok(steady < most * raw, `speed ${speed}: stabilised error ${steady.toFixed(4)} vs per-frame ${raw.toFixed(4)}`);
    }
  });

  it('gives way where the footage does not line up (a cut to another scene), instead of ghosting the old horizon', () => {
    // Six still frames of one scene, then a cut to another whose horizon lies a pixel lower: close
    // enough for the probabilities to agree (under trustFrom) but the luma says it is another picture.
    const other = texture(9);
    const horizon = (x: number) => 110 + 20 * Math.sin(x / 37);
    const frame = (f: (x: number, y: number) => number, drop: number) => {
      const p = new Float32Array(size.width * size.height);
      for (let y = 0; y < size.height; y++) for (let x = 0; x < size.width; x++) {
        p[y * size.width + x] = 1 / (1 + Math.exp(-2 * (horizon(x + 0.5) + drop - (y + 0.5))));
      }
      return { luma: lumaPlane(f, size.width, size.height), p };
    };
    const errorAtCut = (options?: StabiliserOptions) => {
      const stabiliser = new TemporalStabiliser(size, options);
      const before = frame(scene, 0);
      for (let t = 0; t < 6; t++) stabiliser.next(before.p, before.luma);
      const cut = frame(other, 1);
      return meanAbs(stabiliser.next(cut.p, cut.luma), cut.p);
    };
    const withCheck = errorAtCut(), withoutCheck = errorAtCut({ ...DEFAULT_STABILISER, mismatchFrom: 2, mismatchAt: 3 });
    assert.ok(withCheck < 0.3 * withoutCheck, `error at the cut ${withCheck.toFixed(5)}, without the luma check ${withoutCheck.toFixed(5)}`);
  });
});

describe('buffers reused across frames', () => {
  // Two different frames through one set of buffers: the second result must not depend on the first.
  const frames = [skyAndBuilding(400.3).frame, skyAndBuilding(612.8).frame];
  const size = workingSize(frames[0].width, frames[0].height);
  const probability = (planes: Float32Array) => lumaOfPlanes(planes, size);

  it('resample, refine and upsample give, to the bit, what fresh buffers give', () => {
    const resampler = new PlaneResampler(frames[0].width, frames[0].height, size);
    const guided = new GuidedFilterBuffers(size);
    const out = new Float32Array(frames[0].width * frames[0].height);
    for (const frame of frames) {
      const fresh = rgbPlanes(frame, size);
      const planes = resampler.resample(frame);
      assert.deepEqual(planes, fresh);
      const p = probability(fresh);
      assert.deepEqual(refineMatte(frame, planes, p, size, undefined, guided, out).data, refineMatte(frame, fresh, p, size).data);
      assert.deepEqual(upsampleMatte(p, size, frame.width, frame.height, out).data, upsampleMatte(p, size, frame.width, frame.height).data);
    }
  });

  it('box means and motion estimates give, to the bit, what fresh buffers give', () => {
    const planes = frames.map((frame) => probability(rgbPlanes(frame, size)));
    const rows = new Float32Array(size.width * size.height), sums = new Float64Array(size.width), out = new Float32Array(size.width * size.height);
    for (const plane of planes) assert.deepEqual(boxMean(plane, size.width, size.height, 8, out, rows, sums), boxMean(plane, size.width, size.height, 8));
    const estimator = new MotionEstimator(size);
    const scene = texture(5);
    for (const shift of [3.2, -1.7]) {
      const previous = lumaPlane(scene, size.width, size.height), current = lumaPlane(scene, size.width, size.height, [1, 0, shift, 0, 1, 0]);
      assert.deepEqual(estimator.estimate(previous, current), estimateAffine(previous, current, size));
    }
  });

  it('the stabiliser gives the same when the caller writes every frame into one luma and one probability buffer', () => {
    const scene = texture(6);
    const fresh = new TemporalStabiliser(size), reused = new TemporalStabiliser(size);
    const luma = new Float32Array(size.width * size.height), p = new Float32Array(size.width * size.height);
    for (let t = 0; t < 4; t++) {
      const frameLuma = lumaPlane(scene, size.width, size.height, [1, 0, 2.5 * t, 0, 1, 0]);
      const frameP = frameLuma.map((v) => 1 - v);
      luma.set(frameLuma);
      p.set(frameP);
      assert.deepEqual(reused.next(p, luma), fresh.next(frameP, frameLuma), `frame ${t}`);
    }
  });
});
