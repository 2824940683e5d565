/**
 * Shared checking code for the roto tests: a roto document against the mattes it was traced from
 * (IoU and boundary error at every frame), how far each scene moves between frames, the first
 * vertex's steadiness, and potrace as the reference for how many vertices an outline needs.
 */
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import type { RotoDocument } from '../../src/core/document.ts';
import type { BezierPath, Matte, Vec2 } from '../../src/core/types.ts';
import { opacityAtFrame, pathAtFrame, renderDocument } from '../../src/core/render.ts';
import { boundaryPixels, iou, removeSpecks, squaredDistanceTransform, threshold, type BoundaryError } from '../../src/core/metrics.ts';
import { cubicPoint, flattenPath, flatteningSteps } from '../../src/core/bezier.ts';
import { PolylineIndex } from '../../src/core/nearest.ts';
import { densify } from '../../src/core/polyline.ts';
import {
  blobRadius, type AppearingRegionScene, type Blob, type EdgeShapesScene, type RegionWithHolesScene,
  type RotatingBlobScene, type SkylinePanScene, type SoftEdgesScene, type SyntheticScene,
} from '../../src/synthetic/index.ts';

// ---------------------------------------------------------------------------------------------
// Masks

/**
 * `mask` without its thin parts: a 1-pixel morphological opening (3×3 erosion, then 3×3 dilation)
 * of the sky, then the same of the non-sky (a closing of the sky). Each removes exactly the
 * structures of its kind narrower than 3 px and leaves every wider edge where it was. Neighbours
 * outside the frame are ignored, so the frame edge is neither eroded nor grown.
 */
export function withoutThinParts(mask: Uint8Array, width: number, height: number): Uint8Array {
  const sky = dilate(erode(mask, width, height), width, height);
  return erode(dilate(sky, width, height), width, height);
}

/**
 * The pixels where either mask has a part narrower than 3 px (what `withoutThinParts` changes),
 * grown by 1 px so that the boundary pixels beside such a part are in it too.
 *
 * Why: the skyline's spires and antennas (non-sky reaching up into the sky) taper to tips narrower
 * than a pixel. Sampling a bezier mask and a matte at pixel centres decides each whole pixel on a
 * sub-pixel difference, and along a slowly tapering tip a sideways difference of a few tenths of a
 * pixel moves the last covered pixel by several pixels up or down: the max boundary error then
 * measures that sampling, not the mask. Measuring the max on the two masks after an opening does not
 * cure it: opening the sky leaves the (non-sky) spires alone, and opening both ways just moves the
 * tip to where each mask reaches 3 px wide, which still differs by several pixels; worse, an antenna
 * about 3 px wide survives the opening in one mask and not in the other, and then the whole antenna
 * (100+ px) counts as error. So the max is taken over the raw masks' boundary pixels outside this
 * zone (distances measured between the raw masks); mean boundary error and IoU use every pixel.
 */
export function thinZone(a: Uint8Array, b: Uint8Array, width: number, height: number): Uint8Array {
  const ta = withoutThinParts(a, width, height), tb = withoutThinParts(b, width, height);
  const changed = new Uint8Array(a.length);
  for (let i = 0; i < a.length; i++) changed[i] = (a[i] ^ ta[i]) | (b[i] ^ tb[i]);
  return dilate(changed, width, height);
}

/** 3×3 dilation (max) or erosion (min) of a 0/1 mask; neighbours outside the frame are ignored. */
function filter3x3(mask: Uint8Array, width: number, height: number, op: 'max' | 'min'): Uint8Array {
  const rows = new Uint8Array(mask.length), out = new Uint8Array(mask.length);
  const max = op === 'max';
  for (let y = 0; y < height; y++) {
    const r = y * width, last = r + width - 1;
    if (width === 1) { rows[r] = mask[r]; continue; }
    rows[r] = max ? mask[r] | mask[r + 1] : mask[r] & mask[r + 1];
    rows[last] = max ? mask[last] | mask[last - 1] : mask[last] & mask[last - 1];
    if (max) for (let i = r + 1; i < last; i++) rows[i] = mask[i - 1] | mask[i] | mask[i + 1];
    else for (let i = r + 1; i < last; i++) rows[i] = mask[i - 1] & mask[i] & mask[i + 1];
  }
  const n = mask.length;
  if (height === 1) return rows;
  for (let i = 0; i < width; i++) {
    out[i] = max ? rows[i] | rows[i + width] : rows[i] & rows[i + width];
    out[n - 1 - i] = max ? rows[n - 1 - i] | rows[n - 1 - i - width] : rows[n - 1 - i] & rows[n - 1 - i - width];
  }
  if (max) for (let i = width; i < n - width; i++) out[i] = rows[i - width] | rows[i] | rows[i + width];
  else for (let i = width; i < n - width; i++) out[i] = rows[i - width] & rows[i] & rows[i + width];
  return out;
}

const dilate = (mask: Uint8Array, width: number, height: number) => filter3x3(mask, width, height, 'max');
const erode = (mask: Uint8Array, width: number, height: number) => filter3x3(mask, width, height, 'min');

/**
 * Calls `visit(i, d)` for each boundary pixel i of either mask (as `boundaryPixels` in metrics.ts
 * defines them) with its distance d in px to the other mask's nearest boundary pixel (Infinity when
 * it has none): the distances `boundaryError` averages. Searches outwards from each pixel, which
 * where the masks mostly agree is many times faster than two full-frame distance transforms; a pixel
 * with nothing within `searchRadius` px reads the exact transform instead.
 */
export function forEachBoundaryDistance(a: Uint8Array, b: Uint8Array, width: number, height: number,
  visit: (i: number, d: number) => void, searchRadius = 48): void {
  const ba = boundaryPixels(a, width, height), bb = boundaryPixels(b, width, height);
  for (const [from, to] of [[ba, bb], [bb, ba]]) {
    let transform: Float64Array | undefined;
    for (let i = 0; i < from.length; i++) {
      if (!from[i]) continue;
      let d = to[i] ? 0 : nearestSetPixel(to, i % width, Math.floor(i / width), width, height, searchRadius);
      if (d === undefined) {
        transform ??= squaredDistanceTransform(to, width, height);
        d = transform[i] >= 1e20 ? Infinity : Math.sqrt(transform[i]);
      }
      visit(i, d);
    }
  }
}

/** The same numbers as `boundaryError` in src/core/metrics.ts, faster (see `forEachBoundaryDistance`). */
export function boundaryErrorNear(a: Uint8Array, b: Uint8Array, width: number, height: number): BoundaryError {
  let sum = 0, count = 0, max = 0;
  forEachBoundaryDistance(a, b, width, height, (_, d) => {
    sum += d;
    count++;
    if (d > max) max = d;
  });
  return count === 0 ? { mean: 0, max: 0 } : { mean: sum / count, max };
}

/** Euclidean distance from (x, y) to the nearest set pixel, or undefined when none is within `radius`. */
function nearestSetPixel(set: Uint8Array, x: number, y: number, width: number, height: number, radius: number): number | undefined {
  let best = Infinity;
  const visit = (xx: number, yy: number) => {
    if (xx < 0 || yy < 0 || xx >= width || yy >= height || !set[yy * width + xx]) return;
    best = Math.min(best, (xx - x) * (xx - x) + (yy - y) * (yy - y));
  };
  for (let r = 1; r <= radius; r++) {
    // The square ring of pixels r steps away (Chebyshev distance r).
    for (let k = -r; k <= r; k++) { visit(x + k, y - r); visit(x + k, y + r); }
    for (let k = 1 - r; k < r; k++) { visit(x - r, y + k); visit(x + r, y + k); }
    // Every pixel not yet looked at is at least r + 1 px away.
    if (best <= (r + 1) * (r + 1)) return Math.sqrt(best);
  }
  return undefined;
}

export interface FrameQuality {
  frame: number;
  iou: number;
  /** Mean and max boundary error over every boundary pixel. */
  mean: number;
  maxRaw: number;
  /** Max boundary error over the boundary pixels outside the thin-part zone (see `thinZone`). */
  maxAwayFromThin: number;
}

/** The document at `frame` against the matte: both thresholded, specks under `minArea` removed. */
export function frameQuality(doc: RotoDocument, frame: number, matte: Matte, minArea: number): FrameQuality {
  const { width, height } = matte;
  const truth = removeSpecks(threshold(matte), width, height, minArea, matte.data);
  const rendered = removeSpecks(renderDocument(doc, frame), width, height, minArea);
  let sum = 0, count = 0;
  const off: { i: number; d: number }[] = [];
  forEachBoundaryDistance(rendered, truth, width, height, (i, d) => {
    sum += d;
    count++;
    if (d > 0) off.push({ i, d });
  });
  // The largest distance at a pixel outside the thin-part zone: look from the largest down.
  off.sort((p, q) => q.d - p.d);
  const away = off.find(({ i }) => !inThinZone(rendered, truth, width, height, i % width, Math.floor(i / width)));
  return { frame, iou: iou(rendered, truth), mean: count ? sum / count : 0, maxRaw: off.length ? off[0].d : 0, maxAwayFromThin: away?.d ?? 0 };
}

/**
 * Whether pixel (x, y) is in `thinZone(a, b)`, from the 11×11 pixels around it alone: the four
 * 3×3 filters of `withoutThinParts` and the zone's 1-px growth reach 5 px, so filtering that window
 * (treating its edges as the frame's) gives the exact result at its centre 3×3.
 */
export function inThinZone(a: Uint8Array, b: Uint8Array, width: number, height: number, x: number, y: number): boolean {
  const x0 = Math.max(0, x - 5), x1 = Math.min(width - 1, x + 5), y0 = Math.max(0, y - 5), y1 = Math.min(height - 1, y + 5);
  const w = x1 - x0 + 1, h = y1 - y0 + 1;
  for (const mask of [a, b]) {
    const window = new Uint8Array(w * h);
    for (let yy = y0; yy <= y1; yy++) window.set(mask.subarray(yy * width + x0, yy * width + x1 + 1), (yy - y0) * w);
    const thin = withoutThinParts(window, w, h);
    for (let yy = Math.max(y0, y - 1); yy <= Math.min(y1, y + 1); yy++) {
      for (let xx = Math.max(x0, x - 1); xx <= Math.min(x1, x + 1); xx++) {
        const k = (yy - y0) * w + (xx - x0);
        if (window[k] !== thin[k]) return true;
      }
    }
  }
  return false;
}

/** `frameQuality` at every frame of the document, the mattes coming from `matteAt`. */
export function sequenceQuality(doc: RotoDocument, matteAt: (frame: number) => Matte, minArea: number): FrameQuality[] {
  const out: FrameQuality[] = [];
  for (let f = 0; f < doc.source.frameCount; f++) out.push(frameQuality(doc, f, matteAt(f), minArea));
  return out;
}

export interface QualitySummary {
  minIou: number;
  worstMean: number;
  worstMaxRaw: number;
  worstMaxAwayFromThin: number;
}

export function summarize(frames: FrameQuality[]): QualitySummary {
  return {
    minIou: Math.min(...frames.map((q) => q.iou)),
    worstMean: Math.max(...frames.map((q) => q.mean)),
    worstMaxRaw: Math.max(...frames.map((q) => q.maxRaw)),
    worstMaxAwayFromThin: Math.max(...frames.map((q) => q.maxAwayFromThin)),
  };
}

export function describeQuality(q: QualitySummary): string {
  return `min IoU ${q.minIou.toFixed(5)}, worst mean boundary error ${q.worstMean.toFixed(3)} px, ` +
    `worst max ${q.worstMaxAwayFromThin.toFixed(2)} px away from parts under 3 px wide (${q.worstMaxRaw.toFixed(2)} px anywhere)`;
}

// ---------------------------------------------------------------------------------------------
// Motion and vertex steadiness

/**
 * The largest distance any point of the scene's geometry moves from `frame` to `frame + 1`, in px:
 * what a vertex riding on the outline may legitimately move. Under a camera move, a point outside
 * the frame can move more than any inside it: give `at` to include that point.
 */
export function sceneMotion(scene: SyntheticScene, frame: number, at?: Vec2): number {
  const soft = scene as SoftEdgesScene;
  if (soft.base) return sceneMotion(soft.base, frame, at);
  const next = frame + 1;
  switch (scene.name) {
    case 'skylinePan': {
      // Screen position is an affine function of the world point: in the frame, its largest move is at a corner.
      const s = scene as SkylinePanScene;
      const a = s.camera(frame), b = s.camera(next);
      const ka = scene.height * a.zoom, kb = scene.height * b.zoom;
      let worst = 0;
      const points: Vec2[] = [[0, 0], [scene.width, 0], [0, scene.height], [scene.width, scene.height]];
      if (at) points.push(at);
      for (const [x, y] of points) {
        const wx = (x - scene.width / 2) / ka + a.x;
        const nx = (wx - b.x) * kb + scene.width / 2, ny = ((y - scene.height / 2) * kb) / ka + scene.height / 2;
        worst = Math.max(worst, Math.hypot(nx - x, ny - y));
      }
      return worst;
    }
    case 'rotatingBlob': {
      const s = scene as RotatingBlobScene;
      return blobMotion(s.blob(frame), s.blob(next));
    }
    case 'regionWithHoles': {
      const s = scene as RegionWithHolesScene;
      const a = s.balloon(frame), b = s.balloon(next);
      let worst = 0;
      for (let k = 0; k < 360; k++) {
        const t = (2 * Math.PI * k) / 360;
        worst = Math.max(worst, Math.hypot(b.cx + b.rx * Math.cos(t) - a.cx - a.rx * Math.cos(t), b.cy + b.ry * Math.sin(t) - a.cy - a.ry * Math.sin(t)));
      }
      const p = s.bird(frame), q = s.bird(next);
      for (let i = 0; i < p.length; i += 2) worst = Math.max(worst, Math.hypot(q[i] - p[i], q[i + 1] - p[i + 1]));
      return worst;
    }
    case 'appearingRegion': {
      const s = scene as AppearingRegionScene;
      const a = s.opening(frame), b = s.opening(next);
      return a && b ? Math.max(...a.map((v, k) => Math.abs(b[k] - v))) : 0;
    }
    case 'edgeShapes': {
      const s = scene as EdgeShapesScene;
      let worst = blobMotion(s.blob(frame), s.blob(next));
      const c = s.corner(frame), d = s.corner(next);
      worst = Math.max(worst, Math.hypot(d.cx - c.cx, d.cy - c.cy) + Math.abs(d.r - c.r));
      for (let x = 0; x <= scene.width; x += 0.5) {
        const ya = s.bandTop(x, frame), yb = s.bandTop(x, next);
        if (Number.isFinite(ya) && Number.isFinite(yb)) worst = Math.max(worst, Math.abs(yb - ya));
      }
      return worst;
    }
    default:
      throw new Error(`sceneMotion: no motion model for scene ${scene.name}`);
  }
}

/** Largest move of a point fixed on the blob (the same body angle in both frames). */
function blobMotion(a: Blob, b: Blob): number {
  let worst = 0;
  for (let k = 0; k < 720; k++) {
    const phi = (2 * Math.PI * k) / 720;
    const at = (blob: Blob): [number, number] => {
      const theta = phi + blob.rotation, r = blobRadius(blob, theta);
      return [blob.cx + r * Math.cos(theta), blob.cy + r * Math.sin(theta)];
    };
    const [ax, ay] = at(a), [bx, by] = at(b);
    worst = Math.max(worst, Math.hypot(bx - ax, by - ay));
  }
  return worst;
}

export interface VertexJump {
  mask: number;
  frame: number;
  /** How far vertex 0 moved from `frame` to `frame + 1`, and what the scene allowed (motion + slack). */
  moved: number;
  allowed: number;
}

/**
 * For each mask and each pair of consecutive frames where it is visible in both: how far vertex 0
 * of the rendered (interpolated) path moves. Returns every move above the scene's motion + `slack`,
 * and the largest move relative to its allowance.
 */
export function firstVertexJumps(doc: RotoDocument, motion: (frame: number, at: Vec2) => number, slack = 2): { jumps: VertexJump[]; worst: VertexJump | undefined } {
  const jumps: VertexJump[] = [];
  let worst: VertexJump | undefined;
  doc.masks.forEach((mask, m) => {
    for (let f = 0; f + 1 < doc.source.frameCount; f++) {
      if (opacityAtFrame(mask, f) <= 0 || opacityAtFrame(mask, f + 1) <= 0) continue;
      const a = pathAtFrame(mask, f).vertices[0], b = pathAtFrame(mask, f + 1).vertices[0];
      const jump = { mask: m, frame: f, moved: Math.hypot(b[0] - a[0], b[1] - a[1]), allowed: motion(f, a) + slack };
      if (!worst || jump.moved - jump.allowed > worst.moved - worst.allowed) worst = jump;
      if (jump.moved > jump.allowed) jumps.push(jump);
    }
  });
  return { jumps, worst };
}

// ---------------------------------------------------------------------------------------------
// Outlines and distances

/**
 * Symmetric Hausdorff distance in px between two closed polylines, inside the frame: only points
 * more than half a pixel inside the frame are measured from (where an outline follows the frame
 * edge, a mask may run along it or past it, and no pixel centre can tell the difference). Both are
 * densified first, so the middles of long segments count too.
 */
export function outlineDistance(a: Float64Array, b: Float64Array, width: number, height: number): number {
  const da = densify(a, 0.25), db = densify(b, 0.25);
  const directed = (from: Float64Array, to: Float64Array): number => {
    const index = new PolylineIndex(to, true);
    let max = 0;
    for (let i = 0; i < from.length; i += 2) {
      const x = from[i], y = from[i + 1];
      if (x <= 0.5 || y <= 0.5 || x >= width - 0.5 || y >= height - 0.5) continue;
      max = Math.max(max, index.nearest(x, y)!.distance);
    }
    return max;
  };
  return Math.max(directed(da, db), directed(db, da));
}

/** A bezier path as a closed polyline within 0.01 px. */
export function pathPolyline(path: BezierPath): Float64Array {
  return flattenPath(path, 0.01);
}

export interface Box { x0: number; y0: number; x1: number; y1: number }

export function boxOf(points: Float64Array): Box {
  const box = { x0: Infinity, y0: Infinity, x1: -Infinity, y1: -Infinity };
  for (let i = 0; i < points.length; i += 2) {
    box.x0 = Math.min(box.x0, points[i]); box.x1 = Math.max(box.x1, points[i]);
    box.y0 = Math.min(box.y0, points[i + 1]); box.y1 = Math.max(box.y1, points[i + 1]);
  }
  return box;
}

export function boxIou(a: Box, b: Box): number {
  const w = Math.min(a.x1, b.x1) - Math.max(a.x0, b.x0), h = Math.min(a.y1, b.y1) - Math.max(a.y0, b.y0);
  if (w <= 0 || h <= 0) return 0;
  const area = (box: Box) => (box.x1 - box.x0) * (box.y1 - box.y0);
  return (w * h) / (area(a) + area(b) - w * h);
}

/** The index of the polyline whose bounding box overlaps `target`'s the most (-1 when none does). */
export function bestMatch(target: Float64Array, candidates: Float64Array[]): number {
  const box = boxOf(target);
  let best = -1, bestScore = 0;
  candidates.forEach((c, k) => {
    const score = boxIou(box, boxOf(c));
    if (score > bestScore) { bestScore = score; best = k; }
  });
  return best;
}

// ---------------------------------------------------------------------------------------------
// potrace (npm `potrace`, a devDependency) as the reference tracer

interface PotraceInstance {
  setParameters(params: Record<string, unknown>): void;
  loadImage(image: Buffer, callback: (error: Error | null) => void): void;
  getPathTag(): string;
}
const potrace = createRequire(import.meta.url)('potrace') as { Potrace: new () => PotraceInstance };

export interface PotracePath {
  /** Vertices as After Effects would need them: one per curve segment, two per corner (line to the corner, line on). */
  vertices: number;
  curves: number;
  lines: number;
  /** The path flattened to within 0.01 px. */
  polyline: Float64Array;
}

export interface PotraceOptions {
  /** Speckles of up to this many pixels are suppressed (potrace's turdSize). */
  turdSize: number;
  alphaMax?: number;
  optTolerance?: number;
}

/** Traces a binary mask (1 = sky) with potrace; one entry per closed path in its output. */
export async function potraceMask(mask: Uint8Array, width: number, height: number, options: PotraceOptions): Promise<PotracePath[]> {
  const png = new PNG({ width, height });
  for (let i = 0; i < mask.length; i++) {
    const v = mask[i] ? 0 : 255; // potrace traces the black pixels
    png.data[4 * i] = png.data[4 * i + 1] = png.data[4 * i + 2] = v;
    png.data[4 * i + 3] = 255;
  }
  const tracer = new potrace.Potrace();
  tracer.setParameters({
    turdSize: options.turdSize, alphaMax: options.alphaMax ?? 1, optCurve: true,
    optTolerance: options.optTolerance ?? 0.2, threshold: 128, blackOnWhite: true,
  });
  await new Promise<void>((resolve, reject) => tracer.loadImage(PNG.sync.write(png), (error) => (error ? reject(error) : resolve())));
  const d = /\sd="([^"]*)"/.exec(tracer.getPathTag())?.[1] ?? '';
  return parseSvgPaths(d);
}

/** Potrace's path data (M, then C with 3 points or L with 2 points per command, closed implicitly). */
export function parseSvgPaths(d: string): PotracePath[] {
  const out: PotracePath[] = [];
  let current: { points: number[]; curves: number; lines: number; x: number; y: number } | undefined;
  const finish = () => {
    if (!current) return;
    const { points, curves, lines } = current;
    // The last segment ends where the path started.
    if (points.length >= 4 && points[0] === points[points.length - 2] && points[1] === points[points.length - 1]) points.length -= 2;
    out.push({ vertices: curves + lines, curves, lines, polyline: Float64Array.from(points) });
  };
  for (const [, command, args] of d.matchAll(/([MCL])([^MCL]*)/g)) {
    const v = args.split(/[\s,]+/).filter((s) => s.length > 0).map(Number);
    if (command === 'M') {
      finish();
      current = { points: [v[0], v[1]], curves: 0, lines: 0, x: v[0], y: v[1] };
      continue;
    }
    if (!current) throw new Error(`potrace path data does not start with M: ${d.slice(0, 40)}`);
    const c = current;
    if (command === 'C') {
      for (let k = 0; k + 5 < v.length; k += 6) {
        const cubic: [[number, number], [number, number], [number, number], [number, number]] =
          [[c.x, c.y], [v[k], v[k + 1]], [v[k + 2], v[k + 3]], [v[k + 4], v[k + 5]]];
        const steps = flatteningSteps(cubic, 0.01);
        for (let s = 1; s <= steps; s++) c.points.push(...cubicPoint(cubic, s / steps));
        [c.x, c.y] = [v[k + 4], v[k + 5]];
        c.curves++;
      }
    } else {
      for (let k = 0; k + 1 < v.length; k += 2) {
        c.points.push(v[k], v[k + 1]);
        [c.x, c.y] = [v[k], v[k + 1]];
        c.lines++;
      }
    }
  }
  finish();
  return out;
}
