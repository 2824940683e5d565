/**
 * The network's working size for a frame: about WORK_AREA pixels, each side a multiple of 32 (the
 * network halves the resolution five times). Any aspect ratio maps to it; the slight stretch that the
 * rounding causes (≤ 1/2 of 32 px per side) is within what the model saw in training.
 * Mirrors training/working_size.py: a test holds the two to the same table.
 */
/**
 * 480×270, a quarter of 1080p each way. The model was trained on views drawn around the scale of a
 * 360×240 frame (×0.74–1.65, training/augment.py VIEW_AREA); at 1.5 times that area it sits near the
 * middle of that range and measured best on every validation set (`npm run evaluate`, 2026-11-26):
 * IoU / boundary F1 ADE20K 0.583 / 0.553 → 0.602 / 0.582, CamVid 0.915 / 0.611 → 0.921 / 0.624,
 * Horizon-UAV 0.996 / 0.914 → 0.997 / 0.944 (1.25 to 1.6 times all beat 1; 1.75 and 2 lose ADE20K's F1).
 */
export const WORK_AREA = 480 * 270;
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
