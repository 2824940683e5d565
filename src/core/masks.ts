/** Finished tracks → the roto document's masks: shapes, keyframes, opacity holds, mode, feather, names. */
import type { RotoMask } from './document.ts';
import { MASK_NAME_PREFIX } from './document.ts';
import { OutlineTargets, selectKeyframes } from './keyframes.ts';
import { insideFrame, type RegionTrack, type TrackOptions } from './track.ts';
import { SCENE_FIT_SHARE, sceneShapes } from './scene-shape.ts';
import { followShapes, type ShapeRun } from './follow.ts';
import { IDENTITY } from './motion.ts';

/** The 0.1–0.9 ramp of an anti-aliased hard edge measures up to about this; only softness beyond it feathers. */
export const HARD_EDGE_RAMP = 1.5;

type UnnamedMask = Omit<RotoMask, 'name'>;

/** A run of shapes and the frames of it kept as keyframes. */
type KeyedRun = ShapeRun & { keys: number[] };

/**
 * One track as masks. A region that only the camera moves gets one scene shape carried by the camera
 * (few keyframes, vertices that slide in and out of frame); otherwise shapes followed frame by frame,
 * in one run or, where the region changed past following, a run per mask handing over to the next.
 */
export function trackToMasks(tracked: RegionTrack, frameCount: number, options: TrackOptions): UnnamedMask[] {
  const { tolerance } = options;
  // Sky from edge to edge in every frame: the mask is the frame's own rectangle, standing still, not
  // a shape sliding with whatever the camera (or the clouds it measured) did.
  const track = tracked.outlines.some((outline) => outlinedInFrame(outline, options)) ? tracked : { ...tracked, motions: tracked.motions.map(() => IDENTITY) };
  const scene = sceneRun(track, options);
  const runs = scene ? [scene] : followShapes(track, options).map((run) => {
    const from = run.firstFrame - track.firstFrame;
    const targets = new OutlineTargets(track.outlines.slice(from, from + run.shapes.length), options);
    return { ...run, keys: selectKeyframes(run.shapes, targets, tolerance) };
  });
  const ramp = track.rampCount > 0 ? track.rampSum / track.rampCount : 0;
  const feather = Math.round(Math.max(0, ramp - HARD_EDGE_RAMP) * 10) / 10;
  return runs.map(({ firstFrame, shapes, keys }) => {
    const lastFrame = firstFrame + shapes.length - 1;
    const opacity = [{ frame: 0, value: firstFrame > 0 ? 0 : 100 }];
    if (firstFrame > 0) opacity.push({ frame: firstFrame, value: 100 });
    if (lastFrame < frameCount - 1) opacity.push({ frame: lastFrame + 1, value: 0 });
    return {
      mode: track.kind === 'outer' ? 'add' : 'subtract',
      inverted: false,
      feather: [feather, feather],
      expansion: 0,
      opacity,
      path: keys.map((k) => ({ frame: firstFrame + k, interpolation: 'linear' as const, ...shapes.at(k)! })),
    };
  });
}

/**
 * The track as one scene shape carried by the camera, with its keyframes, where that holds: at the
 * keys, and (as keyframe selection checks) at every frame between them. Selection asks for the frames'
 * shapes, each checked then, and shares their prepared outlines.
 */
function sceneRun(track: RegionTrack, options: TrackOptions): KeyedRun | undefined {
  const { tolerance } = options;
  const targets = new OutlineTargets(track.outlines, options);
  const scene = sceneShapes({ motions: track.motions, outlines: track.outlines, hole: track.kind === 'hole' }, targets, tolerance, SCENE_FIT_SHARE * tolerance);
  if (!scene) return undefined;
  const keys = selectKeyframes(scene.shapes, targets, tolerance, scene.deviations);
  return scene.hold(keys) ? { firstFrame: track.firstFrame, shapes: scene.shapes, keys } : undefined;
}

/** Whether any point of the outline lies inside the frame rather than on its edge. */
function outlinedInFrame(outline: Float32Array, options: TrackOptions): boolean {
  for (let i = 0; i < outline.length; i += 2) if (insideFrame(outline[i], outline[i + 1], options)) return true;
  return false;
}

/** All tracks as masks, composited in nesting order (regions, then their holes, then islands in them). */
export function tracksToMasks(tracks: RegionTrack[], frameCount: number, options: TrackOptions): RotoMask[] {
  const ordered = tracks.map((track, order) => ({ track, order })).sort((a, b) => a.track.depth - b.track.depth || a.order - b.order);
  return ordered
    .flatMap(({ track }) => trackToMasks(track, frameCount, options))
    .map((mask, k) => ({ name: `${MASK_NAME_PREFIX} ${k + 1}`, ...mask }));
}
