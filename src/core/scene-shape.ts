/**
 * The scene-shape strategy for a track: when the region is rigid in the scene and only the camera
 * moves (pans, zooms, rolls, as most sky shots do), one bezier shape in scene coordinates, moved by the
 * camera, is the mask at every frame. Its vertices stay on their features, keep moving when those
 * leave the frame and are already in place when they enter, and move linearly wherever the camera does,
 * so keyframes are few. The shape is fitted to a mosaic of the frames' views of the region (see mosaicViews).
 */
import type { BezierPath, Vec2 } from './types.ts';
import { applySimilarity, composeSimilarity, estimateMotion, IDENTITY, invertSimilarity, type Similarity } from './motion.ts';
import { Mosaic } from './mosaic.ts';
import { traceRows } from './trace.ts';
import { fitContour, featureReach } from './fit.ts';
import { flattenPath } from './bezier.ts';
import { PolylineIndex } from './nearest.ts';
import { OutlineTarget, pathDeviation, type Deviation, type Deviations, type FrameBox, type OutlineTargets, type Shapes } from './keyframes.ts';

/**
 * Share of the tolerance the scene shape may be fitted to the mosaic with: less than a frame-by-frame
 * fit gets (track.ts FIT_SHARE), since carrying it to each frame adds the camera's small errors.
 */
export const SCENE_FIT_SHARE = 0.5;

/**
 * Mosaics larger than this many pixels are not built: their time grows with their pixels (about
 * 10 ns each), though their memory does not (a few rows at a time, and 48 bytes per frame's outline
 * edge). Past it a mosaic is made at scale 1 instead of 2, and past that too (a very long pan) the
 * track keeps its own shapes.
 */
const MAX_MOSAIC_PIXELS = 16e6;
/** The mosaic reaches this far (px) past every view, so the shape closes outside all frames. */
const MARGIN = 8;
/**
 * Mosaic pixels per scene pixel: two up to 1080p, where a mosaic at frame resolution would cut
 * sub-pixel spikes (spire tips) shorter a second time; one above, where such tips are relatively
 * finer, or where two would make the mosaic too large. Undefined when even one would.
 */
export function mosaicScale(frame: FrameBox, scenePixels: number): number | undefined {
  const scales = frame.width * frame.height <= 2_100_000 ? [2, 1] : [1];
  return scales.find((scale) => scenePixels * scale * scale <= MAX_MOSAIC_PIXELS);
}

export interface SceneShapeInput {
  /** Camera motion from the previous frame to each frame (the first is ignored). */
  motions: Similarity[];
  /** Each frame's traced outline, in frame coordinates. */
  outlines: Float32Array[];
  /** Whether the outline is a hole (runs counter-clockwise): the shape then runs the same way. */
  hole: boolean;
}

/**
 * A scene shape carried to each frame. A frame's shape is checked against its outline (its camera
 * aligned to the outline first, and nudged where the shape misses by a hair) when first asked for:
 * the shapes that matter are the keyframes', as frames between keys show the interpolated shape,
 * which keyframe selection checks itself.
 */
export interface SceneShapes {
  /** Each frame's shape, through its camera, checked when first asked for. */
  shapes: Shapes;
  /** The deviations of the shapes checked so far from their outlines. */
  deviations: Deviations;
  /** Whether these frames' shapes (checked now where they were not yet) stay within the tolerance of their outlines. */
  hold(frames: number[]): boolean;
}

/**
 * One scene shape moved by the camera as every frame's shape, where its fit to the mosaic exists and
 * holds at the shot's first, last and middle frames (which fail first when the region is not rigid);
 * undefined where not. Other frames are checked when asked for (see SceneShapes).
 */
export function sceneShapes(input: SceneShapeInput, targets: OutlineTargets, tolerance: number, fitTolerance: number): SceneShapes | undefined {
  const { outlines } = input;
  const { frame } = targets;
  const toFrame: Similarity[] = [];
  let current = IDENTITY;
  input.motions.forEach((motion, t) => {
    current = t === 0 ? IDENTITY : composeSimilarity(motion, current);
    toFrame.push(current);
  });
  const scene = fitSceneShape(outlines, toFrame.map(invertSimilarity), frame, input.hole, fitTolerance);
  if (!scene) return undefined;
  const points = flattenPath(scene, 0.25);
  const deviations: Deviation[] = [];
  // Each frame's camera is re-aligned to the scene shape itself (so that small errors do not add up)
  // just before its check. No check depends on another's, so their order does not matter.
  const check = (t: number): Deviation => {
    if (deviations[t]) return deviations[t];
    const target = targets.at(t);
    toFrame[t] = alignToFrame(points, outlines[t], toFrame[t], frame, featureReach(tolerance));
    deviations[t] = pathDeviation(transformPath(scene, toFrame[t]), target, tolerance, frame);
    const nudged = deviations[t].max > tolerance && nudgeToFit(scene, toFrame[t], target, tolerance, frame);
    if (nudged) {
      toFrame[t] = nudged.camera;
      deviations[t] = nudged.deviation;
    }
    return deviations[t];
  };
  const hold = (frames: number[]) => frames.every((t) => check(t).max <= tolerance);
  // The first and last frames are keys whatever selection finds, so where either misses, the scene
  // shape would be rejected after selection anyway; the middle frame is where a region that is not
  // rigid misses most.
  if (!hold([0, toFrame.length - 1, toFrame.length >> 1])) return undefined;
  return {
    // Each frame's shape is made when asked for: a long shot's would take more memory than its outlines.
    shapes: { length: toFrame.length, at: (t) => (toFrame[t] ? (check(t), transformPath(scene, toFrame[t])) : undefined) },
    deviations: { at: (t) => deviations[t] },
    hold,
  };
}

/**
 * Sub-pixel moves of a frame's camera, as shares of the tolerance, tried in turn when the frame's
 * shape misses its outline. A wall standing in the frame's outermost column of pixel centres puts a
 * whole run of them on one side or the other for a hair's move across it, and the traced outline
 * cannot place such a wall finer than the column (past the last centre it has no sample): one frame
 * of a long pan where that happens must not cost the shot its scene shape.
 */
const NUDGES = [0.125, 0.25, 0.5].flatMap((r) => [[r, 0], [-r, 0], [0, r], [0, -r], [r, r], [-r, -r], [r, -r], [-r, r]]);

function nudgeToFit(scene: BezierPath, camera: Similarity, target: OutlineTarget, tolerance: number, frame: FrameBox):
  { camera: Similarity; deviation: Deviation } | undefined {
  for (const [dx, dy] of NUDGES) {
    const moved = { ...camera, tx: camera.tx + dx * tolerance, ty: camera.ty + dy * tolerance };
    const deviation = pathDeviation(transformPath(scene, moved), target, tolerance, frame);
    if (deviation.max <= tolerance) return { camera: moved, deviation };
  }
  return undefined;
}

function fitSceneShape(outlines: Float32Array[], toScene: Similarity[], frame: FrameBox, hole: boolean, fitTolerance: number): BezierPath | undefined {
  let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
  for (const t of toScene) {
    for (const [sx, sy] of viewCorners(t, frame)) {
      x0 = Math.min(x0, sx); x1 = Math.max(x1, sx); y0 = Math.min(y0, sy); y1 = Math.max(y1, sy);
    }
  }
  const left = Math.floor(x0) - MARGIN, top = Math.floor(y0) - MARGIN;
  const sceneWidth = Math.ceil(x1) + MARGIN - left, sceneHeight = Math.ceil(y1) + MARGIN - top;
  const scale = mosaicScale(frame, sceneWidth * sceneHeight);
  if (!scale) return undefined;
  const width = sceneWidth * scale, height = sceneHeight * scale;
  const sceneToMosaic: Similarity = { a: scale, b: 0, tx: -left * scale, ty: -top * scale };
  const mosaic = new Mosaic(width, height);
  for (const t of mosaicViews(toScene, frame)) mosaic.add(outlines[t], frame.width, frame.height, composeSimilarity(sceneToMosaic, toScene[t]));
  const { regions } = traceRows(mosaic.rows(), { minArea: 16 * scale * scale });
  if (regions.length === 0) return undefined;
  // The largest region is the track's. Smaller ones are slivers that filling past the views' edges
  // makes where frames disagree on the region's edge there (a camera drifting along a straight
  // horizon); a real second part would show in some frame's outline and fail that frame's check.
  const contour = regions.reduce((a, b) => (b.outer.area > a.outer.area ? b : a)).outer.points;
  const points = new Float64Array(contour.length);
  // Holes run the other way round; the shape must run the way the frames' outlines do.
  const n = contour.length / 2;
  for (let i = 0; i < n; i++) {
    const k = hole ? n - 1 - i : i;
    points[2 * i] = contour[2 * k];
    points[2 * i + 1] = contour[2 * k + 1];
  }
  const fitted = fitContour(points, { tolerance: fitTolerance * scale, width, height });
  return transformPath(fitted.path, invertSimilarity(sceneToMosaic));
}

/**
 * About how many views a mosaic averages: each costs the mosaic's sweep every row it spans, while past
 * a few dozen more views no longer move the average's 0.5 line by what the fit can see (and every
 * frame is checked against its own outline after). A longer shot's frames are sampled evenly.
 */
const MOSAIC_VIEWS = 48;
/** How far (scene px) a view's corner may lie outside the sampled views and still count as seen by them. */
const VIEW_REACH = 2;

/**
 * The frames whose views make the mosaic: every frame of a short shot; of a longer one, frames evenly
 * spaced (the first and last among them), and any other frame whose view reaches past theirs (a
 * corner of it outside every one of them, as a camera's shake or a turn back makes), so that the
 * mosaic still covers all the shot saw and no frame's shape there is guessed from a neighbour.
 */
export function mosaicViews(toScene: Similarity[], frame: FrameBox): number[] {
  const count = toScene.length;
  const stride = Math.ceil(count / MOSAIC_VIEWS);
  if (stride <= 1) return toScene.map((_, t) => t);
  const chosen = new Set<number>([count - 1]);
  for (let t = 0; t < count; t += stride) chosen.add(t);
  // Each view as frame t's camera (scene to frame) and the reach in its frame's px.
  const viewOf = (t: number) => ({ toFrame: invertSimilarity(toScene[t]), reach: VIEW_REACH / Math.hypot(toScene[t].a, toScene[t].b) });
  const views = [...chosen].map(viewOf);
  const seen = (x: number, y: number) => views.some(({ toFrame, reach }) => {
    const [fx, fy] = applySimilarity(toFrame, x, y);
    return fx >= -reach && fy >= -reach && fx <= frame.width + reach && fy <= frame.height + reach;
  });
  for (let t = 0; t < count; t++) {
    if (chosen.has(t)) continue;
    if (viewCorners(toScene[t], frame).every(([x, y]) => seen(x, y))) continue;
    chosen.add(t);
    views.push(viewOf(t));
  }
  return [...chosen].sort((a, b) => a - b);
}

/** A frame's four corners in the scene, through its camera `toScene` (frame to scene). */
function viewCorners(toScene: Similarity, frame: FrameBox): [number, number][] {
  return [[0, 0], [frame.width, 0], [frame.width, frame.height], [0, frame.height]].map(([x, y]) => applySimilarity(toScene, x, y));
}

/** The camera for one frame: `guess` refined by aligning the scene shape's points to the frame's outline. */
function alignToFrame(points: Float64Array, outline: Float32Array, guess: Similarity, frame: FrameBox, margin: number): Similarity {
  const inside: number[] = [];
  for (let i = 0; i < points.length; i += 2) {
    const [x, y] = applySimilarity(guess, points[i], points[i + 1]);
    if (x > margin && y > margin && x < frame.width - margin && y < frame.height - margin) inside.push(points[i], points[i + 1]);
  }
  if (inside.length < 12) return guess;
  // A few hundred points pin a similarity down as well as thousands do.
  const stride = Math.max(1, Math.floor(inside.length / 2 / 400));
  const sample: number[] = [];
  for (let i = 0; i < inside.length; i += 2 * stride) sample.push(inside[i], inside[i + 1]);
  return estimateMotion(Float64Array.from(sample), new PolylineIndex(outline, true), guess, 8 * margin).transform;
}

/** A path moved by a similarity (tangents turn and scale with it). */
export function transformPath(path: BezierPath, t: Similarity): BezierPath {
  const linear = { ...t, tx: 0, ty: 0 };
  const point = (v: Vec2): Vec2 => applySimilarity(t, v[0], v[1]);
  const vector = (v: Vec2): Vec2 => applySimilarity(linear, v[0], v[1]);
  return { closed: path.closed, vertices: path.vertices.map(point), inTangents: path.inTangents.map(vector), outTangents: path.outTangents.map(vector) };
}
