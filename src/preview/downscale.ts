/** Smaller copies of frames for previews: each output pixel is the mean of the source pixels it covers. */
import type { RgbFrame } from '../core/types.ts';

/** The size of `frame` scaled to `width` px wide (never enlarged), aspect kept, at least 1 × 1. */
export function fitWidth(frame: { width: number; height: number }, width: number): { width: number; height: number } {
  if (frame.width <= width) return { width: frame.width, height: frame.height };
  return { width, height: Math.max(1, Math.round((frame.height * width) / frame.width)) };
}

/**
 * `frame` box-filtered down to `width` × `height` (each at most the source's): output pixel (x, y)
 * averages the source pixels whose index falls in its share of the rows and columns.
 */
export function downscale(frame: RgbFrame, width: number, height: number): RgbFrame {
  if (width > frame.width || height > frame.height || width < 1 || height < 1) {
    throw new RangeError(`cannot downscale ${frame.width}×${frame.height} to ${width}×${height}`);
  }
  const columns = Int32Array.from({ length: width + 1 }, (_, x) => Math.floor((x * frame.width) / width));
  const data = new Uint8Array(width * height * 3);
  const sums = new Float64Array(width * 3);
  for (let y = 0; y < height; y++) {
    const top = Math.floor((y * frame.height) / height), bottom = Math.floor(((y + 1) * frame.height) / height);
    sums.fill(0);
    for (let sy = top; sy < bottom; sy++) {
      const row = sy * frame.width * 3;
      for (let x = 0; x < width; x++) {
        for (let sx = columns[x]; sx < columns[x + 1]; sx++) {
          const i = row + sx * 3;
          sums[x * 3] += frame.data[i];
          sums[x * 3 + 1] += frame.data[i + 1];
          sums[x * 3 + 2] += frame.data[i + 2];
        }
      }
    }
    for (let x = 0; x < width; x++) {
      const count = (bottom - top) * (columns[x + 1] - columns[x]);
      for (let c = 0; c < 3; c++) data[(y * width + x) * 3 + c] = Math.round(sums[x * 3 + c] / count);
    }
  }
  return { width, height, data };
}
