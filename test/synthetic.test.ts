/** Synthetic matte sequences: the mattes must be the exact area coverage of the analytic shapes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Matte } from '../src/core/types.ts';
import { EdgeSweep, SWEEP_CHUNK, sweepChunks } from '../src/core/coverage.ts';
import {
  BIRD_SHAPE, CoverageRasterizer, SCENES, appearingRegion, edgeShapes, frameSequence, gaussianBlur, gaussianKernel,
  insidePolygon, predicateMask, prng, regionWithHoles, rotatingBlob, skyArea, skylinePan, softEdges, type SyntheticScene,
} from '../src/synthetic/index.ts';

const W = 960, H = 540; // half 1080p keeps the exhaustive checks quick; geometry scales with the size

/** Counts threshold-vs-predicate disagreements, and those with no boundary within 1 px of the pixel centre. */
function agreement(scene: SyntheticScene, frame: number, matte: Matte = scene.matte(frame)) {
  const truth = predicateMask(scene, frame);
  let disagree = 0, far = 0;
  const { width } = scene;
  for (let i = 0; i < truth.length; i++) {
    if ((matte.data[i] > 0.5 ? 1 : 0) === truth[i]) continue;
    disagree++;
    const x = (i % width) + 0.5, y = Math.floor(i / width) + 0.5;
    let near = false;
    for (let k = 0; k < 32 && !near; k++) {
      const a = (2 * Math.PI * k) / 32;
      for (const r of [0.5, 1]) {
        if ((scene.isSky(x + r * Math.cos(a), y + r * Math.sin(a), frame) ? 1 : 0) !== truth[i]) { near = true; break; }
      }
    }
    if (!near) far++;
  }
  return { disagree, far, total: truth.length };
}

/** Sky regions (4-connected) and non-sky islands (8-connected) not touching the frame edge (holes). */
function topologyOf(matte: Matte): { regions: number; holes: number } {
  const { width, height, data } = matte;
  const mask = new Uint8Array(width * height);
  for (let i = 0; i < mask.length; i++) mask[i] = data[i] > 0.5 ? 1 : 0;
  const seen = new Uint8Array(mask.length);
  const stack: number[] = [];
  let regions = 0, holes = 0;
  for (let s = 0; s < mask.length; s++) {
    if (seen[s]) continue;
    const v = mask[s];
    let edge = false;
    seen[s] = 1;
    stack.push(s);
    while (stack.length) {
      const i = stack.pop()!;
      const x = i % width, y = (i - x) / width;
      if (x === 0 || y === 0 || x === width - 1 || y === height - 1) edge = true;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          if ((dx === 0 && dy === 0) || (v && dx !== 0 && dy !== 0)) continue;
          const xx = x + dx, yy = y + dy;
          if (xx < 0 || yy < 0 || xx >= width || yy >= height) continue;
          const j = yy * width + xx;
          if (!seen[j] && mask[j] === v) { seen[j] = 1; stack.push(j); }
        }
      }
    }
    if (v) regions++;
    else if (!edge) holes++;
  }
  return { regions, holes };
}

/** Fraction of pixel (px, py) inside the scene's shape, by n × n supersampling of the predicate. */
function supersampled(scene: SyntheticScene, frame: number, px: number, py: number, n: number): number {
  let c = 0;
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) if (scene.isSky(px + (i + 0.5) / n, py + (j + 0.5) / n, frame)) c++;
  return c / (n * n);
}

describe('CoverageRasterizer', () => {
  it('gives each pixel the exact area of a polygon inside it', () => {
    const r = new CoverageRasterizer(10, 10);
    r.polygon([1.25, 1.5, 7.75, 2.1, 6.3, 8.9], 1);
    const area = 0.5 * Math.abs((7.75 - 1.25) * (8.9 - 1.5) - (6.3 - 1.25) * (2.1 - 1.5));
    const data = r.resolve();
    let sum = 0;
    for (const v of data) sum += v;
    assert.ok(Math.abs(sum - area) < 1e-4, `${sum} vs ${area}`);
    // A unit square offset by a quarter pixel: four pixels covered 9/16, 3/16, 3/16, 1/16.
    const q = new CoverageRasterizer(4, 4);
    q.polygon([1.25, 1.25, 2.25, 1.25, 2.25, 2.25, 1.25, 2.25], 1);
    const d = q.resolve();
    assert.deepEqual([d[5], d[6], d[9], d[10]].map((v) => Math.round(v * 16)), [9, 3, 3, 1]);
  });

  it('clips polygons reaching outside the frame exactly, in either orientation, and subtracts holes', () => {
    const tri = [-5, -3, 14, 2, 3, 20];
    for (const pts of [tri, [tri[4], tri[5], tri[2], tri[3], tri[0], tri[1]]]) {
      const r = new CoverageRasterizer(10, 10);
      r.polygon(pts, 1);
      const d = r.resolve();
      for (let py = 0; py < 10; py++) {
        for (let px = 0; px < 10; px++) {
          let c = 0;
          const n = 32;
          for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) if (insidePolygon(tri, px + (i + 0.5) / n, py + (j + 0.5) / n)) c++;
          assert.ok(Math.abs(c / (n * n) - d[py * 10 + px]) < 0.02, `pixel ${px},${py}`);
        }
      }
    }
    const h = new CoverageRasterizer(6, 6);
    h.fill(1);
    h.polygon([2, 2, 4, 2, 4, 4, 2, 4], -1);
    const d = h.resolve();
    assert.equal(d[0], 1);
    assert.equal(d[2 * 6 + 2], 0);
    assert.equal(skyArea({ width: 6, height: 6, data: d }), 32);
  });
});

describe('EdgeSweep', () => {
  it('accumulates each row exactly as a CoverageRasterizer holds it, to the bit', () => {
    const random = prng(3);
    for (let k = 0; k < 20; k++) {
      const width = 5 + Math.floor(random() * 60), height = 5 + Math.floor(random() * 60);
      const raster = new CoverageRasterizer(width, height), sweep = new EdgeSweep(width, height);
      // Many overlapping polygons, both ways round, reaching past every side, with whole-pixel and
      // axis-aligned edges: sums in each cell depend on the order they are added in.
      for (let p = 0; p < 1 + Math.floor(random() * 30); p++) {
        const n = 3 + Math.floor(random() * 12);
        const points: number[] = [];
        for (let i = 0; i < n; i++) {
          let x = (random() * 1.4 - 0.2) * width, y = (random() * 1.4 - 0.2) * height;
          if (random() < 0.3) { x = Math.round(x); y = Math.round(y); }
          if (i > 0 && random() < 0.3) x = points[2 * i - 2];
          points.push(x, y);
        }
        const value = random() < 0.7 ? 1 : -1;
        raster.polygon(points, value);
        sweep.polygon(points, value);
      }
      const row = new Float32Array(width);
      for (let y = 0; y < height; y++) {
        row.fill(0);
        sweep.depositRow(y, row, new Uint8Array(sweepChunks(width)));
        assert.deepEqual(row, raster.data.subarray(y * width, (y + 1) * width), `case ${k}, row ${y}`);
      }
    }
  });

  it('reports every chunk of cells that the edges added to in a row (the mosaic sums only those)', () => {
    const random = prng(5);
    let untouched = 0;
    for (let k = 0; k < 20; k++) {
      const width = 40 + Math.floor(random() * 400), height = 5 + Math.floor(random() * 60);
      const sweep = new EdgeSweep(width, height);
      // Small polygons, some past the sides, most of a row's chunks left untouched.
      for (let p = 0; p < 1 + Math.floor(random() * 10); p++) {
        const cx = (random() * 1.2 - 0.1) * width, cy = random() * height, r = 1 + random() * 12;
        const points: number[] = [];
        for (let i = 0; i < 3 + Math.floor(random() * 6); i++) points.push(cx + (random() * 2 - 1) * r, cy + (random() * 2 - 1) * r);
        sweep.polygon(points, random() < 0.7 ? 1 : -1);
      }
      const row = new Float32Array(width);
      for (let y = 0; y < height; y++) {
        row.fill(0);
        const touched = new Uint8Array(sweepChunks(width));
        sweep.depositRow(y, row, touched);
        row.forEach((v, x) => assert.ok(v === 0 || touched[Math.floor(x / SWEEP_CHUNK)] === 1, `case ${k}, row ${y}: cell ${x} added to, its chunk not reported`));
        untouched += touched.filter((t) => t === 0).length;
      }
    }
    assert.ok(untouched > 1000, `only ${untouched} chunks untouched: the check saw too little`);
  });

  it('takes rows in order only', () => {
    const sweep = new EdgeSweep(4, 4);
    sweep.polygon([0.5, 0.5, 3.5, 0.5, 2, 3.5]);
    assert.throws(() => sweep.depositRow(1, new Float32Array(4), new Uint8Array(sweepChunks(4))), RangeError);
  });
});

describe('synthetic scenes', () => {
  for (const [name, make] of Object.entries(SCENES)) {
    it(`${name}: the 0.5 threshold matches the exact shape at pixel centres`, () => {
      const scene = make({ width: W, height: H });
      assert.equal(scene.name, name);
      for (const frame of [0, Math.floor(scene.frameCount / 2), scene.frameCount - 1]) {
        const { disagree, far, total } = agreement(scene, frame);
        assert.ok(disagree <= total * 0.001, `frame ${frame}: ${disagree} of ${total} pixels disagree`);
        assert.equal(far, 0, `frame ${frame}: ${far} disagreeing pixels are more than 1 px from the boundary`);
      }
    });

    it(`${name}: values are area fractions in 0..1 and match supersampling along the boundary`, () => {
      const scene = make({ width: W, height: H, frameCount: 30 });
      const frame = 11;
      const m = scene.matte(frame);
      assert.equal(m.width, W);
      assert.equal(m.height, H);
      assert.equal(m.data.length, W * H);
      let partial = 0, checked = 0;
      for (let i = 0; i < m.data.length; i++) {
        const v = m.data[i];
        assert.ok(v >= 0 && v <= 1, `value ${v} at ${i}`);
        if (v > 0 && v < 1) {
          partial++;
          // Check every 7th edge pixel against 16 × 16 supersampling (error ≤ ~1/16 near corners).
          if (partial % 7 === 0) {
            const x = i % W, y = Math.floor(i / W);
            const s = supersampled(scene, frame, x, y, 16);
            assert.ok(Math.abs(s - v) < 0.07, `pixel ${x},${y}: matte ${v}, supersampled ${s}`);
            checked++;
          }
        }
      }
      assert.ok(checked > 50, 'the scene has anti-aliased edges');
    });

    it(`${name}: the topology is what the scene says`, () => {
      const scene = make({ width: W, height: H, frameCount: 24 });
      for (let f = 0; f < scene.frameCount; f += 3) {
        assert.deepEqual(topologyOf(scene.matte(f)), scene.topology(f), `frame ${f}`);
      }
    });
  }

  it('coverage is exact: areas match closed forms', () => {
    const blob = rotatingBlob({ width: W, height: H });
    for (const f of [0, 40, 77]) {
      const b = blob.blob(f);
      let k = 1;
      for (const h of b.harmonics) k += (h.amplitude * h.amplitude) / 2; // ∫(1 + Σ a sin)²/2 dθ over 2π
      const exact = Math.PI * b.radius * b.radius * k;
      assert.ok(Math.abs(skyArea(blob.matte(f)) - exact) / exact < 2e-4, `blob frame ${f}`);
    }
    const holes = regionWithHoles({ width: W, height: H });
    const e = holes.region(), bl = holes.balloon(30), bird = holes.bird(30);
    let birdArea = 0;
    for (let i = 0, n = bird.length / 2, j = n - 1; i < n; j = i++) birdArea += bird[2 * j] * bird[2 * i + 1] - bird[2 * i] * bird[2 * j + 1];
    const exact = Math.PI * (e.rx * e.ry - bl.rx * bl.ry) - Math.abs(birdArea) / 2;
    assert.ok(Math.abs(skyArea(holes.matte(30)) - exact) / exact < 1e-4);
    assert.equal(BIRD_SHAPE.length, 24);
  });

  it('mattes at 4K average down (2 × 2) to the 1080p matte: geometry scales with resolution', () => {
    const hd = skylinePan().matte(37), uhd = skylinePan({ width: 3840, height: 2160 }).matte(37);
    let max = 0;
    for (let y = 0; y < 1080; y++) {
      for (let x = 0; x < 1920; x++) {
        const i = 2 * y * 3840 + 2 * x;
        const avg = (uhd.data[i] + uhd.data[i + 1] + uhd.data[i + 3840] + uhd.data[i + 3841]) / 4;
        max = Math.max(max, Math.abs(avg - hd.data[y * 1920 + x]));
      }
    }
    assert.ok(max < 0.01, `largest difference ${max}`);
  });

  it('frameSequence yields every frame, one at a time', () => {
    const scene = edgeShapes({ width: 64, height: 36, frameCount: 5 });
    const frames = [...frameSequence(scene)];
    assert.equal(frames.length, 5);
    assert.deepEqual(frames[3].data, scene.matte(3).data);
    assert.equal([...frameSequence(scene, 2, 4)].length, 2);
  });
});

describe('skylinePan', () => {
  const scene = skylinePan({ width: W, height: H });

  it('pans: buildings enter at the right edge and leave at the left', () => {
    const visible = (f: number) => {
      const cam = scene.camera(f), half = W / H / (2 * cam.zoom);
      return scene.buildings.filter((b) => b.x1 > cam.x - half && b.x0 < cam.x + half);
    };
    const first = visible(0), last = visible(scene.frameCount - 1);
    assert.ok(first.some((b) => !last.includes(b)), 'a building leaves');
    assert.ok(last.some((b) => !first.includes(b)), 'a building enters');
    assert.ok(scene.buildings.length > first.length + 2, 'the skyline is wider than the frame');
    const kinds = new Set(first.concat(last).map((b) => b.kind));
    assert.ok(kinds.size >= 3, `varied roofs: ${[...kinds]}`);
    // Constant speed: 4 px per frame at 1080 lines, so 2 px here.
    const cam0 = scene.camera(0), cam1 = scene.camera(1);
    assert.ok(Math.abs((cam1.x - cam0.x) * H - 2) < 1e-9);
    assert.equal(cam0.zoom, 1);
    assert.ok(Math.abs(scene.camera(scene.frameCount - 1).zoom - 1.1) < 1e-12);
  });

  it('sky touches the top, left and right edges in every frame', () => {
    for (let f = 0; f < scene.frameCount; f += 7) {
      const m = scene.matte(f);
      for (let x = 0; x < W; x++) assert.ok(m.data[x] > 0.99, `frame ${f} top row at ${x}`);
      assert.ok(m.data[W * 10] > 0.99 && m.data[W * 10 + W - 1] > 0.99, `frame ${f} sides`);
      assert.ok(m.data[(H - 1) * W] < 0.01 && m.data[H * W - 1] < 0.01, `frame ${f} ground at the bottom`);
    }
  });

  it('the sky area changes smoothly from frame to frame', () => {
    const areas: number[] = [];
    for (const m of frameSequence(scene)) areas.push(skyArea(m));
    const frame = W * H;
    for (let f = 1; f < areas.length; f++) {
      const step = Math.abs(areas[f] - areas[f - 1]);
      assert.ok(step < 0.004 * frame, `frame ${f}: area jumps by ${step} px²`);
      assert.ok(step > 0, `frame ${f}: nothing moved`);
    }
    // Consecutive steps differ little: no frame pops.
    for (let f = 2; f < areas.length; f++) {
      const jerk = Math.abs(areas[f] - 2 * areas[f - 1] + areas[f - 2]);
      assert.ok(jerk < 0.002 * frame, `frame ${f}: area step changes by ${jerk} px²`);
    }
  });

  it('skylineY agrees with isSky and with the matte column by column', () => {
    const f = 50, m = scene.matte(f);
    for (let x = 3; x < W; x += 97) {
      const y = scene.skylineY(x + 0.5, f);
      assert.equal(scene.isSky(x + 0.5, y - 0.01, f), true);
      assert.equal(scene.isSky(x + 0.5, y + 0.01, f), false);
      // Sky in this column, by the matte, is the part above the skyline (for a flat run of roof).
      let col = 0;
      for (let yy = 0; yy < H; yy++) col += m.data[yy * W + x];
      if (Math.abs(scene.skylineY(x + 0.01, f) - scene.skylineY(x + 0.99, f)) < 1e-9) assert.ok(Math.abs(col - y) < 1e-3, `column ${x}`);
    }
  });
});

describe('appearingRegion', () => {
  it('a second region appears at about a third of the shot and is gone before the end', () => {
    const scene = appearingRegion({ width: W, height: H });
    assert.equal(scene.appearFrame, 40);
    assert.ok(scene.disappearFrame < scene.frameCount);
    assert.equal(scene.topology(scene.appearFrame - 1).regions, 1);
    assert.equal(scene.topology(scene.appearFrame).regions, 2);
    assert.equal(scene.topology(scene.disappearFrame - 1).regions, 2);
    assert.equal(scene.topology(scene.disappearFrame).regions, 1);
    assert.equal(topologyOf(scene.matte(scene.appearFrame + 5)).regions, 2);
    assert.equal(topologyOf(scene.matte(scene.frameCount - 1)).regions, 1);
  });
});

describe('softEdges', () => {
  /** 10–90 % ramp width going down a column from sky (1) to ground (0). */
  function rampWidth(m: Matte, x: number): number {
    let y10 = NaN, y90 = NaN;
    for (let y = 1; y < m.height; y++) {
      const a = m.data[(y - 1) * m.width + x], b = m.data[y * m.width + x];
      // Values sit at pixel centres y + 0.5.
      if (isNaN(y90) && a >= 0.9 && b < 0.9) y90 = y - 0.5 + (a - 0.9) / (a - b);
      if (isNaN(y10) && a >= 0.1 && b < 0.1) y10 = y - 0.5 + (a - 0.1) / (a - b);
    }
    return y10 - y90;
  }

  for (const sigma of [2, 3, 5]) {
    it(`σ = ${sigma}: a straight edge ramps over 2 · 1.2816 · σ`, () => {
      const soft = softEdges(appearingRegion({ width: W, height: H }), { sigma });
      assert.equal(soft.name, 'appearingRegion-soft');
      const m = soft.matte(0);
      const expected = 2 * 1.2816 * Math.sqrt(sigma * sigma + 1 / 12); // + the pixel's own box
      for (const x of [0.1 * W, 0.3 * W, 0.5 * W].map(Math.floor)) {
        const w = rampWidth(m, x);
        assert.ok(Math.abs(w - expected) < 0.04 * expected, `column ${x}: ramp ${w}, expected ${expected}`);
        assert.ok(Math.abs(w - 2 * 1.2816 * sigma) < 0.05 * 2 * 1.2816 * sigma);
      }
      for (const v of m.data) assert.ok(v >= 0 && v <= 1 + 1e-6);
      assert.equal(m.data[0], 1, 'sky at the frame edge stays sky (edges clamped)');
    });
  }

  it('the blur is the separable gaussian, exactly (sparse skipping changes nothing)', () => {
    const m = edgeShapes({ width: 200, height: 120 }).matte(5);
    const sigma = 2.5, k = gaussianKernel(sigma), r = (k.length - 1) / 2, w = m.width, h = m.height;
    const tmp = new Float64Array(w * h), ref = new Float64Array(w * h);
    const cl = (v: number, n: number) => Math.min(n - 1, Math.max(0, v));
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) s += k[j + r] * m.data[y * w + cl(x + j, w)];
      tmp[y * w + x] = s;
    }
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
      let s = 0;
      for (let j = -r; j <= r; j++) s += k[j + r] * tmp[cl(y + j, h) * w + x];
      ref[y * w + x] = s;
    }
    const b = gaussianBlur(m, sigma);
    for (let i = 0; i < ref.length; i++) assert.ok(Math.abs(ref[i] - b.data[i]) < 1e-5, `pixel ${i}`);
  });

  it('keeps the shapes: the 0.5 threshold still matches the exact shape near straight edges', () => {
    const soft = softEdges(skylinePan({ width: W, height: H }), { sigma: 2 });
    const { disagree, total } = agreement(soft, 20);
    assert.ok(disagree < total * 0.002, `${disagree} pixels disagree`);
    assert.deepEqual(topologyOf(soft.matte(20)), soft.topology(20));
  });
});
