/**
 * Interlaced footage as After Effects shows it with its fields separated (Interpret Footage), in a
 * comp at the footage's rate: each frame is its dominant field, the field first in time; the other
 * field's lines are filled in from it. Woven frames would comb every moving edge, and the masks
 * would follow the teeth.
 */
import type { RgbFrame } from './types.ts';

/** Which field of interlaced footage comes first in time: the upper (rows 0, 2, 4, …) or the lower. */
export type FieldOrder = 'upper' | 'lower';

/** How footage's fields are separated (After Effects' Interpret Footage): a dominant field, or none ('progressive': woven frames read as stored). */
export type FieldSeparation = FieldOrder | 'progressive';

/**
 * Overwrites the other field's lines of `frame` with the mean of the dominant field's lines above
 * and below (a line at the top or bottom edge, which has one, with that one), as After Effects
 * interpolates a separated field; returns the frame.
 */
export function keepDominantField(frame: RgbFrame, order: FieldOrder): RgbFrame {
  const { width, height, data } = frame;
  const row = width * 3;
  for (let y = order === 'upper' ? 1 : 0; y < height; y += 2) {
    const above = (y > 0 ? y - 1 : y + 1) * row, below = (y + 1 < height ? y + 1 : y - 1) * row, at = y * row;
    for (let i = 0; i < row; i++) data[at + i] = (data[above + i] + data[below + i] + 1) >> 1;
  }
  return frame;
}

/** `frames` with each one's other field filled in from its dominant field (keepDominantField). */
export async function* dominantFields(frames: AsyncIterable<RgbFrame>, order: FieldOrder): AsyncGenerator<RgbFrame, void, undefined> {
  for await (const frame of frames) yield keepDominantField(frame, order);
}
