/** Finished tracks → the roto document's masks: keyframes, opacity holds, mode, feather, names. */
import type { RotoMask } from './document.ts';
import { MASK_NAME_PREFIX } from './document.ts';
import { selectKeyframes } from './keyframes.ts';
import { FIT_SHARE, type ShapeTrack, type TrackOptions } from './track.ts';
import { sceneShapes } from './scene-shape.ts';

/** The 0.1–0.9 ramp of an anti-aliased hard edge measures up to about this; only softness beyond it feathers. */
export const HARD_EDGE_RAMP = 1.5;

/**
 * One track as a mask. A region that only the camera moves gets one scene shape carried by the camera
 * (few keyframes, vertices that slide in and out of frame); otherwise the track's frame-by-frame shapes.
 */
export function trackToMask(track: ShapeTrack, name: string, frameCount: number, options: TrackOptions): RotoMask {
  const { tolerance } = options;
  const scene = sceneShapes({ motions: track.motions, outlines: track.outlines, hole: track.kind === 'hole' }, options, tolerance, FIT_SHARE * tolerance);
  const shapes = scene ?? track.shapes;
  const keys = selectKeyframes(shapes, track.outlines, tolerance, options);
  const lastFrame = track.firstFrame + track.shapes.length - 1;
  const opacity = [{ frame: 0, value: track.firstFrame > 0 ? 0 : 100 }];
  if (track.firstFrame > 0) opacity.push({ frame: track.firstFrame, value: 100 });
  if (lastFrame < frameCount - 1) opacity.push({ frame: lastFrame + 1, value: 0 });
  const ramp = track.rampCount > 0 ? track.rampSum / track.rampCount : 0;
  const feather = Math.round(Math.max(0, ramp - HARD_EDGE_RAMP) * 10) / 10;
  return {
    name,
    mode: track.kind === 'outer' ? 'add' : 'subtract',
    inverted: false,
    feather: [feather, feather],
    expansion: 0,
    opacity,
    path: keys.map((k) => ({ frame: track.firstFrame + k, interpolation: 'linear' as const, ...shapes[k] })),
  };
}

/** All tracks as masks, composited in nesting order (regions, then their holes, then islands in them). */
export function tracksToMasks(tracks: ShapeTrack[], frameCount: number, options: TrackOptions): RotoMask[] {
  const ordered = tracks.map((track, order) => ({ track, order })).sort((a, b) => a.track.depth - b.track.depth || a.order - b.order);
  return ordered.map(({ track }, k) => trackToMask(track, `${MASK_NAME_PREFIX} ${k + 1}`, frameCount, options));
}
