/**
 * The network's working size for a frame: about WORK_AREA pixels, each side a multiple of 32 (the
 * network halves the resolution five times). Any aspect ratio maps to it; the slight stretch that the
 * rounding causes (≤ 1/2 of 32 px per side) is within what the model saw in training.
 * Mirrors training/working_size.py: a test holds the two to the same table.
 */
export const WORK_AREA = 360 * 240;
const MULTIPLE = 32;

export interface Size {
  width: number;
  height: number;
}

export function workingSize(width: number, height: number, area = WORK_AREA): Size {
  const s = Math.sqrt(area / (width * height));
  const side = (n: number) => Math.max(MULTIPLE, Math.floor((n * s) / MULTIPLE + 0.5) * MULTIPLE);
  return { width: side(width), height: side(height) };
}
