/**
 * estimateMotion (core/motion.ts): a region's motion between frames by ICP, on point sets of known
 * motion, including the ones where ICP on its own goes wrong: a few points, and points whose region
 * has left the frame so that only the frame's edge is there to match.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { applySimilarity, estimateMotion, fitSimilarity, IDENTITY, type Similarity } from '../src/core/motion.ts';
import { PolylineIndex } from '../src/core/nearest.ts';

/** Points of a wavy horizon y = 200 + 15 sin(x / 40) from x0 to x1, one every `step` px. */
function horizon(x0: number, x1: number, step: number, dx = 0, dy = 0): Float64Array {
  const points: number[] = [];
  for (let x = x0; x <= x1; x += step) points.push(x + dx, 200 + 15 * Math.sin(x / 40) + dy);
  return Float64Array.from(points);
}

function moved(points: Float64Array, t: Similarity): Float64Array {
  const out = new Float64Array(points.length);
  for (let i = 0; i < points.length; i += 2) [out[i], out[i + 1]] = applySimilarity(t, points[i], points[i + 1]);
  return out;
}

const scaleOf = (t: Similarity) => Math.hypot(t.a, t.b);

describe('fitSimilarity', () => {
  it('recovers a similarity exactly, and with rigid the rotation and translation at scale 1', () => {
    const from = horizon(0, 600, 10);
    const truth = { a: 1.02 * Math.cos(0.05), b: 1.02 * Math.sin(0.05), tx: 7, ty: -3 };
    const fitted = fitSimilarity(from, moved(from, truth));
    for (const k of ['a', 'b', 'tx', 'ty'] as const) assert.ok(Math.abs(fitted[k] - truth[k]) < 1e-9, `${k}: ${fitted[k]}`);
    const rigid = fitSimilarity(from, moved(from, { a: Math.cos(0.05), b: Math.sin(0.05), tx: 7, ty: -3 }), true);
    assert.ok(Math.abs(scaleOf(rigid) - 1) < 1e-12 && Math.abs(Math.atan2(rigid.b, rigid.a) - 0.05) < 1e-9);
  });
});

describe('estimateMotion', () => {
  it('follows a zoom, turn and pan of a wavy blob', () => {
    const blob = (count: number) => Float64Array.from({ length: 2 * count }, (_, i) => {
      const theta = (2 * Math.PI * (i >> 1)) / count, r = 100 + 10 * Math.sin(5 * theta);
      return i % 2 === 0 ? 320 + r * Math.cos(theta) : 180 + r * Math.sin(theta);
    });
    const truth = { a: 1.01, b: 0.004, tx: -4, ty: 6 };
    const { transform, residual } = estimateMotion(blob(200), new PolylineIndex(moved(blob(2000), truth), true), IDENTITY, 80);
    assert.ok(residual < 0.05, `residual ${residual}`);
    // Every point goes where the true motion takes it, within a quarter of a pixel (ICP stops at 0.01 px steps).
    const [ours, true_] = [moved(blob(200), transform), moved(blob(200), truth)];
    for (let i = 0; i < ours.length; i += 2) assert.ok(Math.hypot(ours[i] - true_[i], ours[i + 1] - true_[i + 1]) < 0.25, `point ${i / 2}: ${Math.hypot(ours[i] - true_[i], ours[i + 1] - true_[i + 1]).toFixed(3)} px off`);
  });

  it('keeps the scale at 1 for a handful of points, whatever scale the guess had', () => {
    // 12 points of a corner of horizon entering the frame, moved 3 px right and 5 up.
    const from = horizon(0, 55, 5);
    const to = new PolylineIndex(horizon(0, 80, 1, 3, -5), false);
    const { transform, residual } = estimateMotion(from, to, { a: 1.05, b: 0, tx: 0, ty: 0 }, 80);
    assert.ok(Math.abs(scaleOf(transform) - 1) < 1e-12, `scale ${scaleOf(transform)}`);
    // On the moved curve (how far along it they slid, a short stretch does not tell).
    assert.ok(residual < 0.1, `residual ${residual}`);
  });

  it('stands still, rather than shrinking the points onto it, when all that is left to match is the frame edge', () => {
    // The region left the frame: its new outline is the 640×360 frame's edge. Matched to it, the
    // horizon's points fit best shrunk to a point on the edge (a scale near 0).
    const from = horizon(100, 540, 10);
    const edge = new PolylineIndex(Float64Array.from([0, 0, 640, 0, 640, 360, 0, 360]), true);
    const { transform } = estimateMotion(from, edge, IDENTITY, 400);
    assert.deepEqual(transform, IDENTITY);
  });
});
