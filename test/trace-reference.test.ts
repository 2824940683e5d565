/**
 * trace() against a plain marching-squares reference: every cell of the padded grid visited, corners
 * compared as floats, segments derived from which corners are sky (not from a table), edges linked
 * through a Map. trace() packs the thresholded matte into bits and visits only the crossed cells;
 * both must give the same contours, point for point, with the same start and orientation.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Matte } from '../src/core/types.ts';
import { signedArea, trace } from '../src/core/trace.ts';
import { prng, skylinePan } from '../src/synthetic/index.ts';

const clamp = (v: number, lo: number, hi: number): number => Math.min(hi, Math.max(lo, v));

/**
 * The 0.5 contours of `matte`, in the order a row-by-row scan of the cells first meets them, each
 * from the first crossing the scan met, with the sky on its right on screen. The grid is padded
 * twice: a ring repeating the edge pixels, and outside it a ring of zeros, both on the frame edge.
 */
function referenceContours({ width: W, height: H, data }: Matte): Float64Array[] {
  const value = (gx: number, gy: number): number =>
    gx < 1 || gy < 1 || gx > W + 2 || gy > H + 2 ? 0 : data[clamp(gy - 2, 0, H - 1) * W + clamp(gx - 2, 0, W - 1)];
  const sky = (gx: number, gy: number): boolean => value(gx, gy) > 0.5;
  const position = (g: number, size: number): number => clamp(g - 1.5, 0, size);

  type Point = [number, number];
  /** A cell edge by its two grid points, the lower coordinates first. */
  type Edge = [Point, Point];
  const key = ([[x0, y0], [x1, y1]]: Edge): string => `${x0},${y0},${x1},${y1}`;
  const crossing = ([[x0, y0], [x1, y1]]: Edge): Point => {
    const v0 = value(x0, y0), v1 = value(x1, y1);
    const t = clamp((0.5 - v0) / (v1 - v0), 1e-6, 1 - 1e-6);
    const px0 = position(x0, W), py0 = position(y0, H);
    return [px0 + t * (position(x1, W) - px0), py0 + t * (position(y1, H) - py0)];
  };

  const next = new Map<string, string>();
  const points = new Map<string, Point>();
  for (let gy = 0; gy < H + 3; gy++) {
    for (let gx = 0; gx < W + 3; gx++) {
      // Corners clockwise on screen from the top left; edge k runs from corner k to corner k + 1.
      const corners: Point[] = [[gx, gy], [gx + 1, gy], [gx + 1, gy + 1], [gx, gy + 1]];
      const inside = corners.map(([x, y]) => sky(x, y));
      const edges: Edge[] = [[corners[0], corners[1]], [corners[1], corners[2]], [corners[3], corners[2]], [corners[0], corners[3]]];
      const crossed = [0, 1, 2, 3].filter((k) => inside[k] !== inside[(k + 1) % 4]);
      if (crossed.length === 0) continue;
      // The cell's segments as [edge, edge, a corner]: the segment cuts that corner off, or for two
      // crossed edges facing each other, the corner just says which side is which.
      const segments: [number, number, number][] = [];
      if (crossed.length === 4) {
        // A saddle: with a sky centre the two sky corners are joined through it, so the segments cut
        // off the other two, else they cut off the sky corners. Corners clockwise from the top left.
        const centre = corners.reduce((sum, [x, y]) => sum + value(x, y), 0) / 4;
        for (let k = 0; k < 4; k++) if (inside[k] !== centre > 0.5) segments.push([k, (k + 3) % 4, k]);
      } else {
        const odd = [0, 1, 2, 3].find((k) => inside[k] !== inside[(k + 1) % 4] && inside[k] !== inside[(k + 3) % 4]);
        segments.push(odd === undefined ? [crossed[0], crossed[1], 0] : [odd, (odd + 3) % 4, odd]);
      }
      for (const [a, b, corner] of segments) {
        // Sky on the right on screen (y down): the corner is right of a → b iff it is sky. Decided in grid
        // units (the edge cells have zero width in px), between the edges' midpoints.
        const middle = (k: number): Point => [(edges[k][0][0] + edges[k][1][0]) / 2, (edges[k][0][1] + edges[k][1][1]) / 2];
        const [ax, ay] = middle(a), [bx, by] = middle(b), [cx, cy] = corners[corner];
        const right = -(by - ay) * (cx - ax) + (bx - ax) * (cy - ay) > 0;
        const [from, to] = right === inside[corner] ? [edges[a], edges[b]] : [edges[b], edges[a]];
        next.set(key(from), key(to));
        points.set(key(from), crossing(from));
      }
    }
  }

  const contours: Float64Array[] = [];
  const done = new Set<string>();
  for (const start of next.keys()) {
    if (done.has(start)) continue;
    const xy: number[] = [];
    for (let edge = start; !done.has(edge); edge = next.get(edge)!) {
      done.add(edge);
      const [x, y] = points.get(edge)!;
      if (xy.length >= 2 && xy[xy.length - 2] === x && xy[xy.length - 1] === y) continue;
      xy.push(x, y);
    }
    if (xy.length >= 4 && xy[0] === xy[xy.length - 2] && xy[1] === xy[xy.length - 1]) xy.length -= 2;
    contours.push(Float64Array.from(xy));
  }
  return contours;
}

/** trace()'s contours (outer boundaries and holes) and the reference's, each as a sorted list of point lists. */
function compare(matte: Matte, minArea: number, name: string): void {
  const { regions, droppedArea } = trace(matte, { minArea });
  const ours = regions.flatMap((r) => [r.outer, ...r.holes]).map((c) => [...c.points].join(' ')).sort();
  const reference = referenceContours(matte);
  const kept = reference.filter((c) => Math.abs(signedArea(c)) >= minArea).map((c) => [...c].join(' ')).sort();
  assert.deepEqual(ours, kept, `${name}: contours differ`);
  const dropped = reference.reduce((sum, c) => sum + (Math.abs(signedArea(c)) < minArea ? Math.abs(signedArea(c)) : 0), 0);
  assert.ok(Math.abs(droppedArea - dropped) <= 1e-9 * Math.max(1, dropped), `${name}: dropped ${droppedArea}, reference ${dropped}`);
}

/** Values that test the 0.5 threshold on the float's bits: either side of 0.5 by one ulp, signed zeros, denormals, out of 0..1. */
const SPECIAL = [0.5, 0.50000006, 0.49999997, -0, 0, 1, -1, 2, 1e-45, -1e-45];

describe('trace matches a plain marching-squares reference', () => {
  it('on random binary, soft and quantized mattes of many sizes (saddles, samples at exactly 0.5, frame edges, word boundaries)', () => {
    const random = prng(11);
    const widths = [1, 2, 3, 27, 28, 29, 30, 31, 32, 59, 60, 61, 62, 92, 93];
    for (let k = 0; k < 120; k++) {
      const W = k < widths.length ? widths[k] : 1 + Math.floor(random() * 80);
      const H = 1 + Math.floor(random() * 40);
      const data = new Float32Array(W * H);
      const kind = k % 4;
      for (let i = 0; i < data.length; i++) {
        const r = random();
        data[i] = kind === 0 ? (r < 0.5 ? 0 : 1) // binary: saddles everywhere
          : kind === 1 ? r // soft
          : kind === 2 ? [0, 0.25, 0.5, 0.75, 1][Math.floor(r * 5)] // saddle centres on both sides of 0.5, exact 0.5s
          : SPECIAL[Math.floor(r * SPECIAL.length)];
      }
      compare({ width: W, height: H, data }, k % 3 === 0 ? 2.5 : 0, `matte ${k} (${W}×${H}, kind ${kind})`);
    }
  });

  it('on a uniform matte (all sky: the frame outline; none: nothing) and on the 1080p skyline', () => {
    for (const v of [0, 1]) compare({ width: 70, height: 33, data: new Float32Array(70 * 33).fill(v) }, 0, `uniform ${v}`);
    const scene = skylinePan({ width: 1920, height: 1080, frameCount: 48 });
    compare(scene.matte(17, new Float32Array(1920 * 1080)), 64, 'skyline 1080p');
  });
});
