/**
 * Comp time ↔ source frame for a footage layer without time remapping, as After Effects plays it:
 * source frame f shows at comp time `startTime + (f / frameRate) * (stretch / 100)` (the same rule
 * sky.jsx keys by). Pure functions, shared by every After Effects adapter.
 */
import { HostError } from './errors.ts';
import type { FrameRange } from './types.ts';

export interface LayerTiming {
  /** Comp time of the source's first frame, seconds. */
  startTime: number;
  /** Time stretch, percent (100 = as shot); must be positive. */
  stretch: number;
  /** Comp times where the layer starts and stops showing. */
  inPoint: number;
  outPoint: number;
  /** The source's frame rate and length. */
  frameRate: number;
  frameCount: number;
}

/** A frame this close to a whole number is that frame (comp times are stored in ticks). */
const FRAME_EPSILON = 1e-6;

export function compTimeOfFrame(timing: LayerTiming, frame: number): number {
  return timing.startTime + (frame / timing.frameRate) * (timing.stretch / 100);
}

/** The source frame (fractional) the layer shows at comp time `time`. */
export function frameAtCompTime(timing: LayerTiming, time: number): number {
  return ((time - timing.startTime) * 100 / timing.stretch) * timing.frameRate;
}

/**
 * The source frames whose start lies in comp time [from, to), clipped to the source and to the
 * layer's in/out points; throws when none does (a work area outside the layer, say).
 */
export function sourceFramesBetween(timing: LayerTiming, from: number, to: number): FrameRange {
  const start = Math.max(from, timing.inPoint);
  const end = Math.min(to, timing.outPoint);
  const first = Math.max(0, Math.ceil(frameAtCompTime(timing, start) - FRAME_EPSILON));
  const last = Math.min(timing.frameCount - 1, Math.ceil(frameAtCompTime(timing, end) - FRAME_EPSILON) - 1);
  if (!(timing.stretch > 0)) throw new HostError('empty-range', `The layer plays backwards (time stretch ${timing.stretch}%): Autoroto can only key a layer that plays forwards.`);
  if (last < first) throw new HostError('empty-range', 'The layer shows no frames of its footage in that range: move the work area over the layer, or pick its in/out points.');
  return { first, last };
}
