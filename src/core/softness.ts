/**
 * Edge softness: how wide the matte's 0.1–0.9 ramp is across a contour. A hard, anti-aliased edge
 * measures about 1 px; a blurred one (leaves, haze) more. The feather of a mask comes from it.
 */
import type { Matte } from './types.ts';
import { hypot } from './hypot.ts';

/** Bilinear matte value at a point in pixel coordinates (pixel centres at +0.5), clamped to the frame. */
export function sampleMatte(matte: Matte, x: number, y: number): number {
  const { width: W, height: H, data } = matte;
  const fx = Math.min(W - 1, Math.max(0, x - 0.5)), fy = Math.min(H - 1, Math.max(0, y - 0.5));
  const x0 = Math.floor(fx), y0 = Math.floor(fy);
  const x1 = Math.min(W - 1, x0 + 1), y1 = Math.min(H - 1, y0 + 1);
  const tx = fx - x0, ty = fy - y0;
  const top = data[y0 * W + x0] * (1 - tx) + data[y0 * W + x1] * tx;
  const bottom = data[y1 * W + x0] * (1 - tx) + data[y1 * W + x1] * tx;
  return top * (1 - ty) + bottom * ty;
}

const STEP = 0.25;
const REACH = 32;
const SAMPLES = 128;

/**
 * Median width in px of the 0.1–0.9 ramp, measured along the matte's gradient at up to 128 points
 * of the contour (points on the frame edge skipped); 0 when nothing could be measured. A ramp that
 * does not reach 0.1 or 0.9 within REACH px on its side counts as 2 × REACH: very soft (haze, a
 * blurred horizon), not unmeasured, or a soft edge would get no feather at all.
 */
export function edgeRampWidth(matte: Matte, points: Float64Array): number {
  const n = points.length / 2;
  const stride = Math.max(1, Math.floor(n / SAMPLES));
  const widths: number[] = [];
  for (let i = 0; i < n; i += stride) {
    const x = points[2 * i], y = points[2 * i + 1];
    if (x <= 0 || y <= 0 || x >= matte.width || y >= matte.height) continue;
    const gx = sampleMatte(matte, x + 1, y) - sampleMatte(matte, x - 1, y);
    const gy = sampleMatte(matte, x, y + 1) - sampleMatte(matte, x, y - 1);
    const g = hypot(gx, gy);
    if (g < 1e-6) continue;
    const ux = gx / g, uy = gy / g; // towards the sky
    const up = distanceTo(matte, x, y, ux, uy, 0.9) ?? REACH;
    const down = distanceTo(matte, x, y, -ux, -uy, 0.1) ?? REACH;
    widths.push(up + down);
  }
  if (widths.length === 0) return 0;
  widths.sort((a, b) => a - b);
  return widths[widths.length >> 1];
}

/** How far along (ux, uy) from (x, y) the matte first crosses `level`, or undefined within REACH px. */
function distanceTo(matte: Matte, x: number, y: number, ux: number, uy: number, level: number): number | undefined {
  const rising = level > 0.5;
  let previous = sampleMatte(matte, x, y);
  for (let d = STEP; d <= REACH; d += STEP) {
    const v = sampleMatte(matte, x + ux * d, y + uy * d);
    if (rising ? v >= level : v <= level) return d - STEP + (STEP * (level - previous)) / (v - previous || 1);
    previous = v;
  }
  return undefined;
}
