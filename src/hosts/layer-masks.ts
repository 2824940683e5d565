/**
 * The Autoroto masks a layer should carry after a run over a frame range: the editor has the last
 * word, so outside the range every frame keeps exactly what it showed before (their keys, their
 * edits), and only inside it does the new roto take over. Pure: hosts read the layer's Autoroto
 * masks into `LayerMask`s, call `spliceRange`, and write the result in one undo group.
 *
 * How a frame outside the range stays as it was: old keys outside [first, last] are kept as they
 * are, and a key is added at first − 1 and at last + 1 (where those frames exist) with the value
 * the old mask had there. Between a kept key and a boundary key the old motion was a straight line
 * (linear) or a hold, so the values at every frame in between are unchanged too. The boundary key
 * before the range and the last key inside it are hold keys: nothing is interpolated across the
 * edge of the range, where the vertex count may change (After Effects allows that between keys).
 *
 * Masks are matched by name. A new mask with no old one exists only inside the range (opacity 0
 * outside); an old mask the new run did not find is hidden (opacity 0) inside the range. When the
 * range covers every frame of the source, nothing is left of the old masks and the new ones, with
 * their own mode and feather, replace them; otherwise a kept mask keeps its mode, inversion, feather
 * and expansion, which the editor may have set.
 *
 * Not kept: an editor's temporal ease (keys are read as linear or hold) and keyed feather or
 * expansion (read as their current value).
 */
import { lerpPath } from '../core/bezier.ts';
import type { OpacityKey, PathKey, RotoDocument, RotoMask } from '../core/document.ts';
import { opacityAtFrame, pathAtFrame } from '../core/render.ts';
import type { BezierPath } from '../core/types.ts';
import type { FrameRange } from './types.ts';

export type Interpolation = 'linear' | 'hold';

export interface LayerOpacityKey extends OpacityKey {
  /** The outgoing interpolation: the document's opacity keys are all hold, an editor's may be linear. */
  interpolation: Interpolation;
}

/**
 * A mask as a layer holds it, in source frames: like a RotoMask, except that keys may sit between
 * frames (an editor's), the vertex count may change from key to key, and opacity may be linear.
 */
export interface LayerMask extends Omit<RotoMask, 'opacity'> {
  opacity: LayerOpacityKey[];
}

/** Key frames this close are one frame (frames come back from comp times in seconds). */
const SAME_FRAME = 1e-6;

export function layerMaskOfRotoMask(mask: RotoMask): LayerMask {
  return { ...mask, opacity: mask.opacity.map((k) => ({ ...k, interpolation: 'hold' })) };
}

interface Key {
  frame: number;
  interpolation: Interpolation;
}

/** The value at `frame` (constant before the first and after the last key), mixing with `lerp`. */
function valueAt<K extends Key, V>(keys: K[], frame: number, value: (k: K) => V, lerp: (a: K, b: K, t: number) => V): V {
  if (frame <= keys[0].frame) return value(keys[0]);
  let i = 0;
  while (i + 1 < keys.length && keys[i + 1].frame <= frame) i++;
  const a = keys[i];
  if (i + 1 === keys.length || a.frame === frame || a.interpolation === 'hold') return value(a);
  const b = keys[i + 1];
  return lerp(a, b, (frame - a.frame) / (b.frame - a.frame));
}

/** The interpolation of the segment that `frame` lies in (what a key added there must continue). */
function interpolationAt(keys: Key[], frame: number): Interpolation {
  let interpolation: Interpolation = 'linear';
  for (const k of keys) if (k.frame <= frame) interpolation = k.interpolation;
  return interpolation;
}

const shapeOf = (k: BezierPath): BezierPath => ({ closed: k.closed, vertices: k.vertices, inTangents: k.inTangents, outTangents: k.outTangents });

/** The mask's path at `frame`; keys with different vertex counts hold (AE's in-between is its own). */
export function layerPathAt(mask: LayerMask, frame: number): BezierPath {
  return valueAt(mask.path, frame, shapeOf, (a, b, t) => (a.vertices.length === b.vertices.length ? lerpPath(a, b, t) : shapeOf(a)));
}

export function layerOpacityAt(mask: LayerMask, frame: number): number {
  return valueAt(mask.opacity, frame, (k) => k.value, (a, b, t) => a.value + (b.value - a.value) * t);
}

const outside = (frame: number, range: FrameRange): boolean => frame < range.first - SAME_FRAME || frame > range.last + SAME_FRAME;

/**
 * `old`'s keys outside the range, `inside` in it, and boundary keys at first − 1 and last + 1 that
 * carry `old`'s value there; `at(frame)` is old's value, `make` builds a key.
 */
function splice<K extends Key>(old: K[], inside: K[], range: FrameRange, frameCount: number, make: (frame: number, interpolation: Interpolation) => K): K[] {
  const kept = old.filter((k) => outside(k.frame, range));
  const hasKeyAt = (frame: number) => kept.some((k) => Math.abs(k.frame - frame) < SAME_FRAME);
  const byFrame = (a: K, b: K) => a.frame - b.frame;
  const before = kept.filter((k) => k.frame < range.first);
  if (range.first > 0 && !hasKeyAt(range.first - 1)) before.push(make(range.first - 1, 'hold'));
  const after = kept.filter((k) => k.frame > range.last);
  if (range.last + 1 < frameCount && !hasKeyAt(range.last + 1)) after.push(make(range.last + 1, interpolationAt(old, range.last + 1)));
  // The last key before the range and the last inside it hold: nothing is interpolated across its edges.
  const holdLast = (keys: K[]) => keys.map((k, i) => (i === keys.length - 1 ? { ...k, interpolation: 'hold' as const } : k));
  return [...holdLast(before.sort(byFrame)), ...holdLast(inside), ...after.sort(byFrame)];
}

/** The document mask's keys inside the range, with keys at both ends of it. */
function keysInRange(mask: RotoMask, range: FrameRange): { path: PathKey[]; opacity: LayerOpacityKey[] } {
  const within = <K extends { frame: number }>(keys: K[]) => keys.filter((k) => !outside(k.frame, range));
  const path = within(mask.path);
  if (path.length === 0 || path[0].frame > range.first) path.unshift({ ...shapeOf(pathAtFrame(mask, range.first)), frame: range.first, interpolation: 'linear' });
  if (path[path.length - 1].frame < range.last) path.push({ ...shapeOf(pathAtFrame(mask, range.last)), frame: range.last, interpolation: 'linear' });
  const opacity: LayerOpacityKey[] = within(mask.opacity).map((k) => ({ ...k, interpolation: 'hold' }));
  if (opacity.length === 0 || opacity[0].frame > range.first) opacity.unshift({ frame: range.first, value: opacityAtFrame(mask, range.first), interpolation: 'hold' });
  return { path, opacity };
}

const pathKeyOf = (mask: LayerMask) => (frame: number, interpolation: Interpolation): PathKey => ({ frame, interpolation, ...layerPathAt(mask, frame) });
const opacityKeyOf = (mask: LayerMask | null) => (frame: number, interpolation: Interpolation): LayerOpacityKey =>
  ({ frame, value: mask ? layerOpacityAt(mask, frame) : 0, interpolation });

/**
 * The Autoroto masks for the layer after writing `doc` (frames are source frames, all inside
 * `range`) over `old`, the Autoroto masks the layer has now.
 */
export function spliceRange(old: LayerMask[], doc: RotoDocument, range: FrameRange): LayerMask[] {
  const frameCount = doc.source.frameCount;
  if (range.first <= 0 && range.last >= frameCount - 1) return doc.masks.map(layerMaskOfRotoMask);
  const oldByName = new Map(old.map((m) => [m.name, m]));
  const found = new Set(doc.masks.map((m) => m.name));
  const result: LayerMask[] = doc.masks.map((mask) => {
    const before = oldByName.get(mask.name) ?? null;
    const inside = keysInRange(mask, range);
    if (!before) {
      // A region this run found first: it does not exist outside the range.
      return { ...mask, path: inside.path, opacity: splice([], inside.opacity, range, frameCount, opacityKeyOf(null)) };
    }
    return {
      ...before,
      path: splice(before.path, inside.path, range, frameCount, pathKeyOf(before)),
      opacity: splice(before.opacity, inside.opacity, range, frameCount, opacityKeyOf(before)),
    };
  });
  for (const mask of old) {
    if (found.has(mask.name)) continue;
    // A region this run did not find: hidden inside the range, as it was outside.
    const hidden: LayerOpacityKey[] = [{ frame: range.first, value: 0, interpolation: 'hold' }];
    result.push({ ...mask, opacity: splice(mask.opacity, hidden, range, frameCount, opacityKeyOf(mask)) });
  }
  return result;
}
