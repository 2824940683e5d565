/**
 * PolylineIndex.nearest against a brute-force scan of every segment: the grid and its pruning (rings
 * stopped early, cells ruled out by their distance, segments by their squared distance) must never
 * change the answer.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PolylineIndex } from '../src/core/nearest.ts';
import { prng } from '../src/synthetic/index.ts';

/** The least distance from (x, y) to the polyline's segments within maxDistance (and the direction filter), measured as nearest() measures it. */
function bruteForce(points: ArrayLike<number>, closed: boolean, x: number, y: number, maxDistance: number, dx: number, dy: number, minCos: number): number | undefined {
  const n = points.length / 2;
  let best: number | undefined;
  for (let i = 0; i < (closed ? n : n - 1); i++) {
    const j = (i + 1) % n;
    const ax = points[2 * i], ay = points[2 * i + 1], ex = points[2 * j] - ax, ey = points[2 * j + 1] - ay;
    const len2 = ex * ex + ey * ey;
    if ((dx !== 0 || dy !== 0) && ex * dx + ey * dy < minCos * Math.sqrt(len2) * Math.hypot(dx, dy)) continue;
    const f = len2 > 0 ? Math.min(1, Math.max(0, ((x - ax) * ex + (y - ay) * ey) / len2)) : 0;
    const d = Math.hypot(ax + f * ex - x, ay + f * ey - y);
    if (d <= maxDistance && (best === undefined || d < best)) best = d;
  }
  return best;
}

/**
 * n points in short steps (up to `step` px) like a traced outline, with now and then a long jump, a
 * repeated point or a grid-aligned one; Float32 or Float64 as the index may be given either.
 */
function randomWalk(random: () => number, n: number, float32: boolean, step: number): Float32Array | Float64Array {
  const xy = float32 ? new Float32Array(2 * n) : new Float64Array(2 * n);
  let x = 100 * random(), y = 100 * random();
  for (let i = 0; i < n; i++) {
    const r = random();
    if (r < 0.05) { x += 60 * (random() - 0.5); y += 60 * (random() - 0.5); }
    else if (r < 0.1) { x = Math.round(x / 8) * 8; y = Math.round(y / 8) * 8; }
    else if (r < 0.97) { x += step * (random() - 0.5); y += step * (random() - 0.5); }
    xy[2 * i] = x;
    xy[2 * i + 1] = y;
  }
  return xy;
}

describe('PolylineIndex.nearest', () => {
  it('finds what a scan of every segment finds: random walks and wiggly loops, open and closed, queries in and around them', () => {
    const random = prng(5);
    for (let k = 0; k < 60; k++) {
      const n = 2 + Math.floor(random() * 400);
      const closed = k % 2 === 0;
      const xy = randomWalk(random, n, k % 3 === 0, 2);
      const index = new PolylineIndex(xy, closed, k % 4 === 1 ? 2 : 8);
      for (let q = 0; q < 300; q++) {
        // Queries on the points themselves (exact ties between neighbouring segments), near them, and far off.
        const p = Math.floor(random() * n);
        const spread = [0, 0.5, 5, 200][q % 4];
        const qx = xy[2 * p] + spread * (random() - 0.5), qy = xy[2 * p + 1] + spread * (random() - 0.5);
        const maxDistance = [Infinity, 1, 10, 0][q % 5 === 4 ? 3 : q % 3];
        const [dx, dy, minCos] = q % 7 === 0 ? [random() - 0.5, random() - 0.5, [-0.2, 0.5, 0.7][q % 3]] : [0, 0, -0.2];
        const hit = index.nearest(qx, qy, maxDistance, dx, dy, minCos);
        const expected = bruteForce(xy, closed, qx, qy, maxDistance, dx, dy, minCos);
        const where = `polyline ${k} (${n} points, ${closed ? 'closed' : 'open'}), query ${q} at (${qx}, ${qy}), max ${maxDistance}`;
        assert.equal(hit?.distance, expected, where);
        if (!hit) continue;
        // The point is where the reported segment and fraction say.
        const i = hit.segment, j = (i + 1) % n;
        assert.equal(hit.x, xy[2 * i] + hit.fraction * (xy[2 * j] - xy[2 * i]), where);
        assert.equal(hit.y, xy[2 * i + 1] + hit.fraction * (xy[2 * j + 1] - xy[2 * i + 1]), where);
      }
    }
  });
});

describe('PolylineIndex.distanceWithin', () => {
  it('finds the distance a scan of every segment finds (to rounding), for short reaches and none at all', () => {
    const random = prng(11);
    for (let k = 0; k < 60; k++) {
      const n = 2 + Math.floor(random() * 400);
      const closed = k % 2 === 0;
      const xy = randomWalk(random, n, k % 3 === 0, 3);
      const index = new PolylineIndex(xy, closed, k % 4 === 1 ? 2 : 8);
      for (let q = 0; q < 300; q++) {
        // On the points, near them, on cell sides (multiples of 8 from the grid's corner need not be; whole numbers often are) and off the grid.
        const p = Math.floor(random() * n);
        const spread = [0, 1, 6, 40][q % 4];
        let qx = xy[2 * p] + spread * (random() - 0.5), qy = xy[2 * p + 1] + spread * (random() - 0.5);
        if (q % 5 === 2) { qx = Math.round(qx); qy = Math.round(qy); }
        const maxDistance = [1.5, 3, 9, 0, Infinity][q % 5];
        const [dx, dy, minCos] = q % 3 === 0 ? [random() - 0.5, random() - 0.5, [-0.2, 0.5][q % 2]] : [0, 0, -0.2];
        const found = index.distanceWithin(qx, qy, maxDistance, dx, dy, minCos);
        const expected = bruteForce(xy, closed, qx, qy, maxDistance, dx, dy, minCos) ?? Infinity;
        const where = `polyline ${k} (${n} points, ${closed ? 'closed' : 'open'}), query ${q} at (${qx}, ${qy}), max ${maxDistance}`;
        if (expected === Infinity) assert.equal(found, Infinity, where);
        else assert.ok(Math.abs(found - expected) <= 1e-12 * Math.max(1, expected), `${where}: ${found} vs ${expected}`);
      }
    }
  });
});
