/**
 * Interlaced footage with known geometry: woven frames of a bright area whose right edge moves 10 px
 * a frame; the upper field (even rows) has it at UPPER_EDGE + 10f, the lower field, 1/50 s later,
 * 6 px further on. Where a frame's rows put the edge tells which field a reader kept, or that it
 * kept both (combs).
 */
import assert from 'node:assert/strict';
import type { RgbFrame } from '../../src/core/types.ts';

export const WOVEN = { width: 160, height: 96, frameRate: '25', frameCount: 10 };
export const UPPER_EDGE = 20;
export const LOWER_EDGE = 26;
/** The frame whose rows the checks look at. */
export const CHECKED_FRAME = 5;

export function wovenFrames(): RgbFrame[] {
  const { width, height, frameCount } = WOVEN;
  return Array.from({ length: frameCount }, (_, f) => {
    const data = new Uint8Array(width * height * 3);
    for (let y = 0; y < height; y++) data.fill(255, y * width * 3, (y * width + (y % 2 === 0 ? UPPER_EDGE : LOWER_EDGE) + 10 * f) * 3);
    return { width, height, data };
  });
}

/** ffmpeg output options for H.264 flagged interlaced, `field` first (4:4:4, lossless). */
export function interlacedH264(field: 'upper' | 'lower'): string[] {
  return ['-vf', `setfield=${field === 'upper' ? 'tff' : 'bff'}`, '-c:v', 'libx264', '-flags', '+ildct+ilme', '-qp', '0', '-pix_fmt', 'yuv444p'];
}

/** Where the edge is on 32 rows of a frame: the bright area's width (green summed over 255). */
export function edgeRows(frame: RgbFrame): number[] {
  return Array.from({ length: 32 }, (_, k) => {
    let sum = 0;
    for (let x = 0; x < frame.width; x++) sum += frame.data[((32 + k) * frame.width + x) * 3 + 1] / 255;
    return sum;
  });
}

const spread = (rows: number[]) => Math.max(...rows) - Math.min(...rows);
const mean = (rows: number[]) => rows.reduce((a, b) => a + b, 0) / rows.length;

/** The rows of CHECKED_FRAME alternate between the two fields' edges. */
export function assertCombed(frame: RgbFrame, label: string): void {
  const rows = edgeRows(frame);
  assert.ok(spread(rows) > 5, `${label}: rows alternate between the fields' edges: ${rows.join(' ')}`);
}

/** Every row of CHECKED_FRAME has the edge where `field` has it. */
export function assertDominant(frame: RgbFrame, field: 'upper' | 'lower', label: string): void {
  const rows = edgeRows(frame), at = (field === 'upper' ? UPPER_EDGE : LOWER_EDGE) + 10 * CHECKED_FRAME;
  assert.ok(spread(rows) < 1, `${label}: no combing: ${rows.join(' ')}`);
  assert.ok(Math.abs(mean(rows) - at) < 1, `${label}: edge at ${mean(rows)}, the ${field} field's is ${at}`);
}
