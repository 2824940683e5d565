/** Which frames a preview shows: picked from the frame numbers alone, before any frame arrives. */

/**
 * About `count` frames of `first` … `first + frameCount - 1`, evenly spread, always the first and
 * the last (fewer when the shot is shorter), ascending.
 */
export function evenlySpread(first: number, frameCount: number, count: number): number[] {
  if (frameCount <= 0) return [];
  const n = Math.min(frameCount, Math.max(count, 2));
  if (n === 1) return [first];
  return Array.from({ length: n }, (_, i) => first + Math.round((i * (frameCount - 1)) / (n - 1)));
}

/**
 * The still frames of a playable preview, at most `maxStills`: every k-th frame from the first (k
 * as small as that limit allows) and the last frame, so a long shot plays at a lower frame rate
 * instead of taking more space.
 */
export function stillFrames(first: number, frameCount: number, maxStills: number): { step: number; frames: number[] } {
  if (frameCount <= 0) return { step: 1, frames: [] };
  if (maxStills < 2) throw new RangeError(`maxStills must be at least 2, got ${maxStills}`);
  // k frames apart, counting the last frame as one extra still when it is off the k grid.
  let step = Math.ceil(frameCount / maxStills);
  while (Math.ceil(frameCount / step) + ((frameCount - 1) % step ? 1 : 0) > maxStills) step++;
  const frames: number[] = [];
  for (let f = 0; f < frameCount; f += step) frames.push(first + f);
  if ((frameCount - 1) % step) frames.push(first + frameCount - 1);
  return { step, frames };
}
