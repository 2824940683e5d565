/** Unit tests of the core stages on small mattes with exactly known geometry: trace, fit, keyframes. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { BezierPath, Contour, Matte, Vec2 } from '../src/core/types.ts';
import { trace } from '../src/core/trace.ts';
import { fitContour, fitSpan, outlineTangent } from '../src/core/fit.ts';
import { OutlineTarget, OutlineTargets, pathDeviation, selectKeyframes } from '../src/core/keyframes.ts';
import { flattenPath, lerpPath } from '../src/core/bezier.ts';
import { fillPolygons } from '../src/core/render.ts';
import { removeSpecks, threshold } from '../src/core/metrics.ts';
import { PolylineIndex } from '../src/core/nearest.ts';
import { arcLengths, CORNER_ROUNDING, densify } from '../src/core/polyline.ts';
import {
  CoverageRasterizer, ellipsePolygon, gaussianBlur, prng, regionWithHoles, rotatingBlob, skylinePan, transformPolygon,
} from '../src/synthetic/index.ts';
import { outlineDistance } from './helpers/roto-check.ts';

/** A matte from a function of the pixel centre (x + 0.5, y + 0.5). */
function matteOf(width: number, height: number, value: (cx: number, cy: number) => number): Matte {
  const data = new Float32Array(width * height);
  for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) data[y * width + x] = value(x + 0.5, y + 0.5);
  return { width, height, data };
}

/** The anti-aliased matte of polygons (+1 sky, −1 not sky), optionally over a sky-filled frame. */
function rasterMatte(width: number, height: number, shapes: [ArrayLike<number>, number][], fill = 0): Matte {
  const raster = new CoverageRasterizer(width, height);
  if (fill) raster.fill(fill);
  for (const [points, value] of shapes) raster.polygon(points, value);
  return { width, height, data: raster.resolve() };
}

const clamp01 = (v: number) => Math.min(1, Math.max(0, v));

function* pointsOf(contour: Contour): Generator<Vec2> {
  for (let i = 0; i < contour.points.length; i += 2) yield [contour.points[i], contour.points[i + 1]];
}

describe('trace', () => {
  it('puts the 0.5 iso-line of a linear ramp exactly (1e-9 px) where it is, and follows the frame edge exactly', () => {
    // Sky left of x = 10.25, ramp 1/8 per px: every value is a short binary fraction, so float32 holds it exactly.
    const W = 40, H = 30;
    const vertical = trace(matteOf(W, H, (cx) => clamp01(0.5 - (cx - 10.25) / 8)), { minArea: 0 });
    assert.equal(vertical.regions.length, 1);
    const outer = vertical.regions[0].outer;
    let onLine = 0;
    for (const [x, y] of pointsOf(outer)) {
      const onEdge = x === 0 || y === 0 || y === H;
      if (!onEdge) onLine++;
      assert.ok(onEdge || Math.abs(x - 10.25) <= 1e-9, `point (${x}, ${y}) is neither on the frame edge nor on x = 10.25`);
    }
    assert.ok(onLine >= H - 1, `only ${onLine} points on the iso-line`);
    assert.ok(Math.abs(outer.area - 10.25 * H) <= 1e-9, `area ${outer.area}, expected ${10.25 * H}`);
    for (const corner of [[0, 0], [0, H], [10.25, 0], [10.25, H]]) {
      assert.ok([...pointsOf(outer)].some(([x, y]) => Math.abs(x - corner[0]) <= 1e-9 && y === corner[1]), `no point at (${corner})`);
    }

    // A slanted ramp: sky where (x − 40) + (y − 30)/2 < 0.
    const slanted = trace(matteOf(80, 60, (cx, cy) => clamp01(0.5 - ((cx - 40) + (cy - 30) / 2) / 16)), { minArea: 0 });
    assert.equal(slanted.regions.length, 1);
    let worst = 0;
    for (const [x, y] of pointsOf(slanted.regions[0].outer)) {
      if (x === 0 || y === 0 || x === 80 || y === 60) continue;
      worst = Math.max(worst, Math.abs((x - 40) + (y - 30) / 2) / Math.hypot(1, 0.5));
    }
    assert.ok(worst <= 1e-9, `slanted iso-line off by ${worst} px`);
  });

  it('traces a disc of radius 40 with its area within 0.5% of πr² and every point within 0.1 px of the circle', (t) => {
    const r = 40, cx = 50.3, cy = 47.8;
    const { regions } = trace(rasterMatte(100, 100, [[ellipsePolygon({ cx, cy, rx: r, ry: r }), 1]]), { minArea: 0 });
    assert.equal(regions.length, 1);
    const { outer, holes } = regions[0];
    assert.equal(holes.length, 0);
    const relative = outer.area / (Math.PI * r * r) - 1;
    let radial = 0;
    for (const [x, y] of pointsOf(outer)) radial = Math.max(radial, Math.abs(Math.hypot(x - cx, y - cy) - r));
    t.diagnostic(`area off by ${(100 * relative).toFixed(4)}%, largest radial error ${radial.toFixed(4)} px`);
    assert.ok(Math.abs(relative) <= 0.005, `area ${outer.area} vs πr² ${Math.PI * r * r}`);
    assert.ok(radial <= 0.1, `radial error ${radial} px`);
  });

  it('keeps holes: a ring is one region (positive area) with one hole (negative area)', () => {
    const matte = rasterMatte(120, 120, [[ellipsePolygon({ cx: 60, cy: 60, rx: 50, ry: 50 }), 1], [ellipsePolygon({ cx: 60.4, cy: 58.7, rx: 22, ry: 22 }), -1]]);
    const { regions } = trace(matte, { minArea: 0 });
    assert.equal(regions.length, 1);
    assert.equal(regions[0].holes.length, 1);
    assert.ok(regions[0].outer.area > 0);
    const hole = regions[0].holes[0].area;
    assert.ok(hole < 0 && Math.abs(-hole / (Math.PI * 22 * 22) - 1) <= 0.005, `hole area ${hole}`);
  });

  it('traces a region touching all four frame edges along the frame edge exactly (corners at (0,0), (W,0), (W,H), (0,H))', () => {
    const W = 90, H = 70;
    const matte = rasterMatte(W, H, [[ellipsePolygon({ cx: 45.5, cy: 35.2, rx: 15, ry: 12 }), -1]], 1);
    const { regions } = trace(matte, { minArea: 0 });
    assert.equal(regions.length, 1);
    const outer = regions[0].outer;
    for (const [x, y] of pointsOf(outer)) assert.ok(x === 0 || y === 0 || x === W || y === H, `(${x}, ${y}) is off the frame edge`);
    for (const [x, y] of [[0, 0], [W, 0], [W, H], [0, H]]) {
      assert.ok([...pointsOf(outer)].some((p) => p[0] === x && p[1] === y), `no point at frame corner (${x}, ${y})`);
    }
    assert.equal(outer.area, W * H);
    assert.equal(regions[0].holes.length, 1);
  });

  it('drops specks and pinholes under minArea and reports the dropped area', () => {
    // Binary pixel squares: an n×n square's contour cuts each corner by 1/8 px², so it encloses n² − 0.5.
    const square = (x: number, y: number, n: number): number[] => [x, y, x + n, y, x + n, y + n, x, y + n];
    const matte = rasterMatte(100, 80, [
      [square(10, 10, 60), 1], // the region (3599.5 px² before holes)
      [square(20, 20, 6), -1], // a pinhole: 35.5 px², dropped
      [square(40, 30, 10), -1], // a hole: 99.5 px², kept
      [square(80, 10, 3), 1], [square(85, 60, 3), 1], [square(2, 75, 3), 1], // specks: 8.5 px² each
    ]);
    const { regions, droppedArea } = trace(matte, { minArea: 40 });
    assert.equal(regions.length, 1);
    assert.equal(regions[0].holes.length, 1);
    assert.ok(Math.abs(regions[0].holes[0].area + 99.5) <= 1e-9, `kept hole ${regions[0].holes[0].area}`);
    assert.ok(Math.abs(droppedArea - (35.5 + 3 * 8.5)) <= 1e-9, `dropped ${droppedArea} px², expected ${35.5 + 3 * 8.5}`);
  });

  it('joins two squares meeting at a corner when the saddle between them is sky, as removeSpecks does given the soft matte', () => {
    // Two 3×3 squares of 0.9 touching diagonally at (5, 5); the other two pixels of that 2×2 block are
    // `between`. Each square alone encloses about 9.4 px², under the minimum area; together over it.
    const W = 12, H = 12, minArea = 12;
    const squares = (between: number): Matte => matteOf(W, H, (cx, cy) => {
      const [x, y] = [cx - 0.5, cy - 0.5];
      if ((x >= 2 && x <= 4 && y >= 2 && y <= 4) || (x >= 5 && x <= 7 && y >= 5 && y <= 7)) return 0.9;
      return (x === 5 && y === 4) || (x === 4 && y === 5) ? between : 0;
    });
    for (const [between, kept] of [[0.3, 18], [0.05, 0]]) { // saddle centre 0.6: sky; 0.475: not sky
      const matte = squares(between);
      const { regions } = trace(matte, { minArea });
      const filled = fillPolygons(regions.flatMap((r) => [r.outer.points, ...r.holes.map((h) => h.points)]), W, H);
      const despeckled = removeSpecks(threshold(matte), W, H, minArea, matte.data);
      assert.equal(filled.reduce((a, v) => a + v, 0), kept, `between ${between}: traced`);
      assert.deepEqual(despeckled, filled, `between ${between}: removeSpecks and trace agree`);
    }
    // Without the soft values a mask reads as hard-edged: a saddle's centre is 0.5, not sky.
    assert.equal(removeSpecks(threshold(squares(0.3)), W, H, minArea).reduce((a, v) => a + v, 0), 0);
  });

  it('reproduces the thresholded matte exactly (IoU 1) when its contours are filled at pixel centres, on random soft mattes', (t) => {
    const W = 97, H = 71;
    const cases: [string, Matte][] = [];
    for (let seed = 1; seed <= 4; seed++) {
      const rnd = prng(seed);
      // White noise: saddles and single-pixel regions everywhere.
      cases.push([`noise ${seed}`, matteOf(W, H, () => rnd())]);
      // Smooth blobs: blurred random pixels, rescaled around 0.5.
      const raw = matteOf(W, H, () => (rnd() < 0.3 ? 1 : 0));
      const blurred = gaussianBlur(raw, 1 + seed);
      cases.push([`blurred ${seed}`, { ...blurred, data: blurred.data.map((v) => clamp01(0.5 + 4 * (v - 0.3))) }]);
    }
    for (const [name, matte] of cases) {
      const { regions } = trace(matte, { minArea: 0 });
      const polygons = regions.flatMap((r) => [r.outer.points, ...r.holes.map((h) => h.points)]);
      const filled = fillPolygons(polygons, W, H);
      const truth = threshold(matte);
      let differ = 0;
      for (let i = 0; i < truth.length; i++) if (filled[i] !== truth[i]) differ++;
      assert.equal(differ, 0, `${name}: ${differ} pixels differ (${regions.length} regions)`);
    }
    t.diagnostic(`${cases.length} mattes, every pixel identical`);
  });
});

/**
 * Largest distance from a contour point to the path (flattened within 0.01 px). Points within
 * 2 × CORNER_ROUNDING of a corner vertex are left out: there the pixel grid rounded the traced corner
 * off and the fit puts the sharp corner back on purpose (the next test checks where it puts it).
 */
function contourToPath(points: Float64Array, path: BezierPath, corner: boolean[]): number {
  const index = new PolylineIndex(flattenPath(path, 0.01), true);
  const corners = path.vertices.filter((_, k) => corner[k]);
  let worst = 0;
  for (let i = 0; i < points.length; i += 2) {
    if (corners.some((v) => Math.hypot(v[0] - points[i], v[1] - points[i + 1]) < 2 * CORNER_ROUNDING)) continue;
    worst = Math.max(worst, index.nearest(points[i], points[i + 1])!.distance);
  }
  return worst;
}

/** The vertex nearest to `p` and its distance. */
function nearestVertex(path: BezierPath, p: Vec2): number {
  return Math.min(...path.vertices.map((v) => Math.hypot(v[0] - p[0], v[1] - p[1])));
}

describe('fit', () => {
  it('keeps every contour point within the tolerance of the path (blob, skyline, bird hole; tolerance 0.5, 1, 2)', (t) => {
    const W = 960, H = 540;
    const shapes: [string, Contour][] = [
      ['blob', trace(rotatingBlob({ width: W, height: H }).matte(10)).regions[0].outer],
      ['skyline', trace(skylinePan({ width: W, height: H }).matte(0)).regions[0].outer],
      ['bird hole', trace(regionWithHoles({ width: W, height: H }).matte(30)).regions[0].holes.sort((a, b) => a.points.length - b.points.length)[0]],
    ];
    const report: string[] = [], failures: string[] = [];
    for (const [name, contour] of shapes) {
      for (const tolerance of [0.5, 1, 2]) {
        const fitted = fitContour(contour.points, { tolerance, width: W, height: H });
        const measured = contourToPath(contour.points, fitted.path, fitted.corner);
        report.push(`${name} @${tolerance}: ${fitted.path.vertices.length} vertices, ${measured.toFixed(3)} px (reported ${fitted.error.toFixed(3)})`);
        if (fitted.error > tolerance || measured > tolerance) {
          failures.push(`${name} at tolerance ${tolerance}: a contour point is ${measured.toFixed(3)} px from the path (reported error ${fitted.error.toFixed(3)})`);
        }
      }
    }
    t.diagnostic(report.join('; '));
    assert.deepEqual(failures, []);
  });

  it('keeps corners sharp: a vertex within 0.3 px of every true corner (subpixel rectangle, rotated square, building)', (t) => {
    const W = 300, H = 240;
    const rect = [20.3, 15.7, 220.6, 180.2];
    const square = transformPolygon([-50, -50, 50, -50, 50, 50, -50, 50], 1, (25 * Math.PI) / 180, 150.4, 120.7);
    // Sky above two buildings (a flat one, a pitched one), meeting the left and right frame edges.
    const building = [-2, -2, W + 2, -2, W + 2, 150.4, 230.3, 150.4, 230.3, 90.6, 180.5, 60.2, 130.7, 90.6, 130.7, 120.3, -2, 120.3];
    const cases: [string, Matte, Vec2[]][] = [
      ['rectangle', rasterMatte(W, H, [[[rect[0], rect[1], rect[2], rect[1], rect[2], rect[3], rect[0], rect[3]], 1]]),
        [[rect[0], rect[1]], [rect[2], rect[1]], [rect[2], rect[3]], [rect[0], rect[3]]]],
      ['rotated square', rasterMatte(W, H, [[square, 1]]), [0, 1, 2, 3].map((k) => [square[2 * k], square[2 * k + 1]] as Vec2)],
      ['building', rasterMatte(W, H, [[building, 1]]),
        [[0, 0], [W, 0], [W, 150.4], [230.3, 150.4], [230.3, 90.6], [180.5, 60.2], [130.7, 90.6], [130.7, 120.3], [0, 120.3]]],
    ];
    const report: string[] = [];
    for (const [name, matte, corners] of cases) {
      const fitted = fitContour(trace(matte).regions[0].outer.points, { tolerance: 1, width: W, height: H });
      const distances = corners.map((c) => nearestVertex(fitted.path, c));
      report.push(`${name}: ${fitted.path.vertices.length} vertices, worst corner ${Math.max(...distances).toFixed(3)} px`);
      distances.forEach((d, k) => assert.ok(d <= 0.3, `${name}: nearest vertex to corner (${corners[k]}) is ${d.toFixed(3)} px away`));
    }
    t.diagnostic(report.join('; '));
  });

  it('gives a sub-pixel sliver poking in from the frame edge no vertex, and a chimney standing on the edge its four corners', () => {
    const W = 400, H = 300;
    // Sky above a skyline that leaves the right edge at y = 100; it once got vertices at both ends of the sliver and at its tip.
    const sliver = [0, 0, W, 0, W, 98.5, W - 5, 98.65, W, 98.8, W, 100, 0, 200];
    const chimney = [0, 0, W, 0, W, 70, W - 20, 70, W - 20, 80, W, 80, W, 100, 0, 200];
    const cases: [string, number[], number, Vec2[]][] = [
      ['sliver', sliver, 4, [[0, 0], [W, 0], [W, 100], [0, 200]]],
      ['chimney', chimney, 1, [[0, 0], [W, 0], [W, 70], [W - 20, 70], [W - 20, 80], [W, 80], [W, 100], [0, 200]]],
    ];
    for (const [name, outline, tolerance, corners] of cases) {
      const { path } = fitContour(densify(Float64Array.from(outline), 1), { tolerance, width: W, height: H });
      assert.equal(path.vertices.length, corners.length, `${name}: ${path.vertices.map((v) => v.map((c) => c.toFixed(2)).join(',')).join(' ')}`);
      corners.forEach((c) => assert.ok(nearestVertex(path, c) <= 0.3, `${name}: no vertex at (${c})`));
    }
  });

  it('fits a circle of radius 100 at tolerance 1 with at most 8 vertices and smooth joints (collinear tangents)', (t) => {
    const W = 260, H = 250;
    const contour = trace(rasterMatte(W, H, [[ellipsePolygon({ cx: 130.3, cy: 124.6, rx: 100, ry: 100 }), 1]])).regions[0].outer;
    const fitted = fitContour(contour.points, { tolerance: 1, width: W, height: H });
    const { vertices, inTangents, outTangents } = fitted.path;
    t.diagnostic(`${vertices.length} vertices, error ${fitted.error.toFixed(3)} px`);
    assert.ok(vertices.length <= 8, `${vertices.length} vertices`);
    assert.ok(contourToPath(contour.points, fitted.path, fitted.corner) <= 1);
    vertices.forEach((_, k) => {
      assert.equal(fitted.corner[k], false, `vertex ${k} is a corner on a circle`);
      const a = inTangents[k], b = outTangents[k];
      const la = Math.hypot(a[0], a[1]), lb = Math.hypot(b[0], b[1]);
      assert.ok(la > 0 && lb > 0, `vertex ${k} has a zero-length tangent`);
      const sine = (a[0] * b[1] - a[1] * b[0]) / (la * lb), cosine = (a[0] * b[0] + a[1] * b[1]) / (la * lb);
      assert.ok(Math.abs(sine) <= 1e-9 && cosine < 0, `vertex ${k}: in and out tangents are not collinear (sin ${sine}, cos ${cosine})`);
    });
  });

  it('fits a span that goes on past the frame edge to a vertex there, and one that comes in from it', () => {
    // A circular arc of radius 400 about (200, 600) from its top (200, 200) to where it meets the left
    // frame edge, (0, 253.6). Past the edge it would go on to (-60, 296.0): the vertex past the edge is
    // there, so one cubic can follow the arc in frame and end on it.
    const arc: number[] = [];
    for (let a = 90; ; a += 0.25) {
      const x = 200 + 400 * Math.cos((a * Math.PI) / 180), y = 600 - 400 * Math.sin((a * Math.PI) / 180);
      if (x < 0) break;
      arc.push(x, y);
    }
    const [ex, ey] = [0, 600 - Math.sqrt(400 ** 2 - 200 ** 2)];
    arc.push(ex, ey);
    const points = densify(Float32Array.from([...arc, ex, 1000, 1000, 1000]), 1), s = arcLengths(points);
    const edgeAt = s[points.findIndex((v, i) => i % 2 === 0 && v === ex && points[i + 1] === ey) / 2];
    const past: Vec2 = [-60, 600 - Math.sqrt(400 ** 2 - 260 ** 2)];
    const out = fitSpan(points, s, 0, edgeAt, false, false, 9, { after: past });
    assert.deepEqual(out.curve[3], past, 'the span ends on the vertex past the edge');
    assert.ok(out.error <= 0.25, `out: ${out.error.toFixed(3)} px from the arc in frame`);
    // Coming back in: the same arc run the other way, from the vertex past the edge to the top.
    const reversed = Float64Array.from(points).reverse();
    for (let i = 0; i < reversed.length; i += 2) [reversed[i], reversed[i + 1]] = [reversed[i + 1], reversed[i]];
    const sr = arcLengths(reversed), total = sr[sr.length - 1];
    const back = fitSpan(reversed, sr, total - edgeAt, total, false, false, 9, { before: past });
    assert.deepEqual(back.curve[0], past, 'the span starts on the vertex past the edge');
    assert.ok(back.error <= 0.25, `in: ${back.error.toFixed(3)} px from the arc in frame`);
  });
  it('measures a smooth end\'s tangent on the drawn outline only, not across where it meets the frame edge', () => {
    // A hilly skyline comes out of the right edge of a 400×300 frame (the outline runs down the edge to
    // it, then along the skyline). A vertex 3 px along the skyline from the edge: the chord over 6 px
    // either side bends towards the edge by 18.7°, and the span from there cannot follow the hill (3.1 px
    // off); stopped at the edge, the tangent is the skyline's within 1° and the span fits within 0.35 px.
    const frame = { width: 400, height: 300 };
    const skyline = (x: number) => 150 + 20 * Math.sin(x / 30);
    const outline = [0, 0, 400, 0];
    for (let x = 400; x >= 0; x -= 0.5) outline.push(x, skyline(x));
    const points = densify(Float32Array.from(outline), 1), s = arcLengths(points);
    const junction = s[points.findIndex((v, i) => i % 2 === 0 && v === 400 && points[i + 1] === Math.fround(skyline(400))) / 2];
    const from = junction + 3, to = junction + 120;
    const slope = (20 / 30) * Math.cos(397 / 30), length = Math.hypot(1, slope);
    const angle = ([tx, ty]: Vec2) => (Math.acos((-tx - ty * slope) / length) * 180) / Math.PI;
    assert.ok(angle(outlineTangent(points, s, from, 6, 1)) > 15, 'across the edge, the chord bends towards it');
    assert.ok(angle(outlineTangent(points, s, from, 6, 1, frame)) < 1, `stopped at the edge: ${angle(outlineTangent(points, s, from, 6, 1, frame)).toFixed(2)}°`);
    assert.ok(fitSpan(points, s, from, to, false, false, 6).error > 2);
    const fitted = fitSpan(points, s, from, to, false, false, 6, { frame });
    assert.ok(fitted.error <= 0.35, `${fitted.error.toFixed(3)} px from the skyline`);
  });
});

/** A closed polygon path (no handles) from flat points. */
function polygonPath(points: number[]): BezierPath {
  const vertices: Vec2[] = [];
  for (let i = 0; i < points.length; i += 2) vertices.push([points[i], points[i + 1]]);
  return { closed: true, vertices, inTangents: vertices.map(() => [0, 0]), outTangents: vertices.map(() => [0, 0]) };
}

const square = (x: number, y: number) => polygonPath([x, y, x + 100, y, x + 100, y + 100, x, y + 100]);
/** A frame big enough that no shape here comes near its edge. */
const FRAME = { width: 1000, height: 1000 };
/** The traced outline a shape would have: the shape itself, flattened. */
const outlineOf = (shape: BezierPath) => Float32Array.from(flattenPath(shape, 0.01));

describe('detail boxes (flattenPath, densify)', () => {
  it('leave the stretches of a path wholly beyond one side of the box as chords, and every point in the box as it was', () => {
    // A wavy horizon from x = -3000 to 4000 across a 1000 × 1000 frame, closed far above it.
    const vertices: Vec2[] = [], inTangents: Vec2[] = [], outTangents: Vec2[] = [];
    for (let x = -3000; x <= 4000; x += 250) {
      vertices.push([x, 500 + 100 * Math.sin(x / 150)]);
      inTangents.push([-80, -40 * Math.cos(x / 150)]);
      outTangents.push([80, 40 * Math.cos(x / 150)]);
    }
    for (const corner of [[4000, -2000], [-3000, -2000]] as Vec2[]) { vertices.push(corner); inTangents.push([0, 0]); outTangents.push([0, 0]); }
    const path: BezierPath = { closed: true, vertices, inTangents, outTangents };
    const box = { x0: -5, y0: -5, x1: 1005, y1: 1005 };
    const full = densify(flattenPath(path, 0.05), 4), coarse = densify(flattenPath(path, 0.05, box), 4, box);
    const inBox = (points: Float64Array) => {
      const kept: string[] = [];
      for (let i = 0; i < points.length; i += 2) {
        if (points[i] >= box.x0 && points[i] <= box.x1 && points[i + 1] >= box.y0 && points[i + 1] <= box.y1) kept.push(`${points[i]},${points[i + 1]}`);
      }
      return kept;
    };
    assert.ok(inBox(full).length > 250);
    assert.deepEqual(inBox(coarse), inBox(full));
    assert.ok(coarse.length < full.length / 4, `${coarse.length / 2} of ${full.length / 2} points`);
  });
});

describe('keyframes', () => {
  it('keeps only the first and last keyframe for linear motion', () => {
    const shapes = Array.from({ length: 30 }, (_, f) => square(100 + 3.7 * f, 200 - 1.3 * f));
    assert.deepEqual(selectKeyframes(shapes, new OutlineTargets(shapes.map(outlineOf), FRAME), 1), [0, 29]);
    assert.deepEqual(selectKeyframes(shapes.slice(0, 1), new OutlineTargets([outlineOf(shapes[0])], FRAME), 1), [0]);
  });

  it('checks every frame between the keys it keeps, not only the middle frames its search tries', () => {
    // Linear motion, but frame 7 jolts 3 px aside: every span's middle frame holds, frame 7 does not.
    const shapes = Array.from({ length: 30 }, (_, f) => square(100 + 3.7 * f + (f === 7 ? 3 : 0), 200 - 1.3 * f));
    const keys = selectKeyframes(shapes, new OutlineTargets(shapes.map(outlineOf), FRAME), 1);
    assert.ok(keys.length > 2 && keys[0] === 0 && keys[keys.length - 1] === 29, `keys ${keys.join(', ')}`);
    for (let k = 0; k + 1 < keys.length; k++) {
      for (let f = keys[k]; f <= keys[k + 1]; f++) {
        const shape = lerpPath(shapes[keys[k]], shapes[keys[k + 1]], (f - keys[k]) / (keys[k + 1] - keys[k]));
        const d = outlineDistance(flattenPath(shape, 0.01), flattenPath(shapes[f], 0.01), FRAME.width, FRAME.height);
        assert.ok(d <= 1, `frame ${f} between keys ${keys[k]} and ${keys[k + 1]}: ${d.toFixed(2)} px`);
      }
    }
  });

  it('adds keys where interpolation would drift, and keeps every frame between keys within the tolerance', (t) => {
    // A square moving around a circle of radius 10 px: linear interpolation between keys k frames
    // apart cuts inside it by 10 (1 − cos(πk/48)) px, within 1 px up to k ≈ 6.9.
    const frames = 48, tolerance = 1;
    const shapes = Array.from({ length: frames }, (_, f) => {
      const a = (2 * Math.PI * f) / frames;
      return square(200 + 10 * Math.cos(a), 200 + 10 * Math.sin(a));
    });
    const keys = selectKeyframes(shapes, new OutlineTargets(shapes.map(outlineOf), FRAME), tolerance);
    t.diagnostic(`${keys.length} keys of ${frames} frames: ${keys.join(', ')}`);
    assert.equal(keys[0], 0);
    assert.equal(keys[keys.length - 1], frames - 1);
    assert.ok(keys.length > 2 && keys.length < frames / 2, `${keys.length} keys`);
    let worst = 0;
    for (let k = 0; k + 1 < keys.length; k++) {
      for (let f = keys[k]; f <= keys[k + 1]; f++) {
        const shape = lerpPath(shapes[keys[k]], shapes[keys[k + 1]], (f - keys[k]) / (keys[k + 1] - keys[k]));
        worst = Math.max(worst, outlineDistance(flattenPath(shape, 0.01), flattenPath(shapes[f], 0.01), FRAME.width, FRAME.height));
      }
    }
    assert.ok(worst <= tolerance, `interpolated shape ${worst} px from the outline`);
  });

  it('holds a wall standing in the frame\'s outermost column to the tolerance across it, not to which pixel centres it covers, and a sliver along the edge under 1.5 px to nothing', () => {
    // Sky: a band along the top, and a sliver down the right edge to y = 25 whose wall stands at x = wall.
    const frame = { width: 40, height: 30 };
    const sky = (wall: number): Vec2[] => [[0, 0], [40, 0], [40, 25], [wall, 25], [wall, 15], [0, 15]];
    const path = (vertices: Vec2[]): BezierPath => ({ closed: true, vertices, inTangents: vertices.map(() => [0, 0]), outTangents: vertices.map(() => [0, 0]) });
    const outline = (wall: number) => new OutlineTarget(Float32Array.from(sky(wall).flat()), frame);
    // The traced wall covers the column's centres (x = 39.5), the path's, 0.3 px away, does not: ten
    // rows of edge pixels differ, yet the path is 0.3 px from the outline.
    const near = pathDeviation(path(sky(39.6)), outline(39.3), 1, frame);
    assert.ok(Math.abs(near.max - 0.3) < 1e-3, `max ${near.max}`);
    // A sliver 2 px wide that the path leaves out is 2 px off, whichever check sees it.
    const band: Vec2[] = [[0, 0], [40, 0], [40, 15], [0, 15]];
    assert.ok(pathDeviation(path(band), outline(38), 1, frame).max > 1);
    // A sliver along the edge that no pixel centre sees more than half of is not traced at all: a path
    // with one 0.8 px wide (a wall in the outermost column) is 0.8 px from what the matte had, one
    // 1.4 px wide is past the tolerance, one 2 px wide is no sliver.
    const traced = new OutlineTarget(Float32Array.from(band.flat()), frame);
    assert.ok(Math.abs(pathDeviation(path(sky(39.2)), traced, 1, frame).max - 0.8) < 1e-3);
    assert.ok(pathDeviation(path(sky(38.6)), traced, 1, frame).max > 1);
    assert.ok(pathDeviation(path(sky(38.0)), traced, 1, frame).max > 1);
  });
});
