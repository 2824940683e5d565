/**
 * Roto document → Lottie (Bodymovin 5.x JSON), so any Lottie player shows the masks animating.
 *
 * The masks travel as Lottie layer masks (`masksProperties`) on a white solid layer: Lottie's mask
 * model is After Effects' own (modes a/s/i/n, `inv`, relative tangents, hold keys), so the
 * compositing needs no translation. Three things do:
 * - Opacity 0 means "this mask does not exist here" (DESIGN.md), which changes compositing beyond
 *   the mask itself: a 0%-opacity intersect mask would blank the layer, and the first *active* mask
 *   decides whether compositing starts empty or full. So the timeline is cut where any opacity
 *   changes, and each stretch gets its own layer (ip..op) carrying only the masks active there, at
 *   constant opacity. A stretch with no active mask gets no layer: it shows nothing, as the
 *   document means (a layer without masks would show everything).
 * - lottie-web draws an inverted mask as "frame rectangle + path" under the non-zero rule, which
 *   only cuts a hole when the path winds against the rectangle; inverted masks are therefore
 *   written counter-clockwise on screen. The direction does not change the shape for any player.
 * - Intersect masks at full opacity are written as subtracting the inverse (see lottieMask).
 * Feather has no standard Lottie field and is left out: it does not move the mask's 50% line.
 */
import { validateDocument, type MaskMode, type PathKey, type RotoDocument, type RotoMask } from '../core/document.ts';
import { flattenPath } from '../core/bezier.ts';
import { opacityAtFrame } from '../core/render.ts';
import { signedArea } from '../core/trace.ts';
import type { BezierPath, Vec2 } from '../core/types.ts';

/** Lottie's shape value: vertices, in/out tangents relative to their vertex, closed flag. */
export interface LottieShape {
  c: boolean;
  v: Vec2[];
  i: Vec2[];
  o: Vec2[];
}

export interface LottieShapeKey {
  t: number;
  s: [LottieShape];
  /** 1 = hold until the next key. */
  h?: 1;
  i?: { x: number; y: number };
  o?: { x: number; y: number };
}

export type LottieAnimated<T> = { a: 0; k: T } | { a: 1; k: LottieShapeKey[] };

export interface LottieMask {
  nm: string;
  mode: 'a' | 's' | 'i' | 'n';
  inv: boolean;
  pt: LottieAnimated<LottieShape>;
  o: { a: 0; k: number };
  x: { a: 0; k: number };
}

export interface LottieSolidLayer {
  ddd: 0;
  ind: number;
  ty: 1;
  nm: string;
  sr: 1;
  ks: Record<'o' | 'r' | 'p' | 'a' | 's', { a: 0; k: number | number[] }>;
  ao: 0;
  hasMask: true;
  masksProperties: LottieMask[];
  sw: number;
  sh: number;
  sc: string;
  ip: number;
  op: number;
  st: 0;
  bm: 0;
}

export interface LottieAnimation {
  v: string;
  nm: string;
  fr: number;
  ip: 0;
  op: number;
  w: number;
  h: number;
  ddd: 0;
  assets: [];
  layers: LottieSolidLayer[];
  markers: [];
}

const LOTTIE_VERSION = '5.12.0';
const MODE_CODES: Record<MaskMode, LottieMask['mode']> = { add: 'a', subtract: 's', intersect: 'i', none: 'n' };
/** Linear easing: Lottie keys ease by a cubic timing curve; (0,0)-(1,1) is the straight line AE's linear keys follow. */
const LINEAR_OUT = { x: 0, y: 0 };
const LINEAR_IN = { x: 1, y: 1 };

/** The document as a Lottie animation (frames map 1:1, `fr` = the source frame rate). */
export function exportLottie(doc: RotoDocument): LottieAnimation {
  validateDocument(doc);
  const { width, height, frameRate, frameCount } = doc.source;
  const layers: LottieSolidLayer[] = [];
  for (const stretch of opacityStretches(doc.masks, frameCount)) {
    const active = doc.masks
      .map((mask, m) => ({ mask, value: stretch.values[m] }))
      .filter(({ value }) => value > 0);
    if (!active.some(({ mask }) => mask.mode !== 'none')) continue;
    layers.push({
      ddd: 0,
      ind: layers.length + 1,
      ty: 1,
      nm: `Autoroto sky, frames ${stretch.start}-${stretch.end - 1}`,
      sr: 1,
      ks: {
        o: { a: 0, k: 100 },
        r: { a: 0, k: 0 },
        p: { a: 0, k: [0, 0, 0] },
        a: { a: 0, k: [0, 0, 0] },
        s: { a: 0, k: [100, 100, 100] },
      },
      ao: 0,
      hasMask: true,
      masksProperties: active.map(({ mask, value }) => lottieMask(mask, value, stretch.start, stretch.end)),
      sw: width,
      sh: height,
      sc: '#ffffff',
      ip: stretch.start,
      op: stretch.end,
      st: 0,
      bm: 0,
    });
  }
  return {
    v: LOTTIE_VERSION, nm: 'Autoroto sky', fr: frameRate, ip: 0, op: frameCount,
    w: width, h: height, ddd: 0, assets: [], layers, markers: [],
  };
}

/** Maximal frame ranges [start, end) over which every mask's (hold-keyed) opacity is constant. */
function opacityStretches(masks: RotoMask[], frameCount: number): { start: number; end: number; values: number[] }[] {
  const cuts = new Set<number>([0]);
  for (const mask of masks) for (const key of mask.opacity) if (key.frame > 0 && key.frame < frameCount) cuts.add(key.frame);
  const starts = [...cuts].sort((a, b) => a - b);
  const stretches: { start: number; end: number; values: number[] }[] = [];
  starts.forEach((start, k) => {
    const end = k + 1 < starts.length ? starts[k + 1] : frameCount;
    const values = masks.map((mask) => opacityAtFrame(mask, start));
    const previous = stretches[stretches.length - 1];
    if (previous && previous.values.every((v, m) => v === values[m])) previous.end = end;
    else stretches.push({ start, end, values });
  });
  return stretches;
}

/** One mask for a layer that lives over frames [start, end), with only the path keys that range needs. */
function lottieMask(mask: RotoMask, opacity: number, start: number, end: number): LottieMask {
  // Intersecting with a shape is subtracting its inverse (exactly so at full opacity and no
  // expansion), and players handle subtract far better: lottie-android draws intersect as add, and
  // Chromium does not repaint lottie-web's nested intersect <mask> when its path animates (the
  // layer stays stuck on an earlier frame; seen in test/lottie.test.ts before this rewrite).
  const asSubtract = mask.mode === 'intersect' && opacity === 100 && mask.expansion === 0;
  const inverted = asSubtract ? !mask.inverted : mask.inverted;
  const reverse = inverted && signedArea(flattenPath(mask.path[0], 0.25)) > 0;
  const keys = keysCovering(mask.path, start, end - 1);
  const pt: LottieMask['pt'] = keys.length === 1
    ? { a: 0, k: lottieShape(keys[0], reverse) }
    : {
      a: 1,
      k: keys.map((key, k): LottieShapeKey => {
        const shape: [LottieShape] = [lottieShape(key, reverse)];
        if (k === keys.length - 1) return { t: key.frame, s: shape };
        if (key.interpolation === 'hold') return { t: key.frame, s: shape, h: 1 };
        return { t: key.frame, s: shape, o: { ...LINEAR_OUT }, i: { ...LINEAR_IN } };
      }),
    };
  return {
    nm: mask.name,
    mode: asSubtract ? 's' : MODE_CODES[mask.mode],
    inv: inverted,
    pt,
    o: { a: 0, k: opacity },
    x: { a: 0, k: mask.expansion },
  };
}

/** The keys that decide the shape over frames first..last: those inside plus one on either side. */
function keysCovering(keys: PathKey[], first: number, last: number): PathKey[] {
  let from = 0;
  while (from + 1 < keys.length && keys[from + 1].frame <= first) from++;
  let to = keys.length - 1;
  while (to > from && keys[to - 1].frame >= last) to--;
  return keys.slice(from, to + 1);
}

/**
 * Fresh arrays on purpose: lottie-web converts tangents to absolute coordinates in place when it
 * loads an animation, so sharing arrays with the document (or between keys) would corrupt both.
 */
function lottieShape(path: BezierPath, reverse: boolean): LottieShape {
  const n = path.vertices.length;
  // Reversed, a closed path keeps its first vertex (AE's interpolation anchor); tangents swap roles.
  const order = Array.from({ length: n }, (_, k) => (!reverse ? k : path.closed ? (n - k) % n : n - 1 - k));
  const copy = (p: Vec2): Vec2 => [p[0], p[1]];
  return {
    c: path.closed,
    v: order.map((k) => copy(path.vertices[k])),
    i: order.map((k) => copy(reverse ? path.outTangents[k] : path.inTangents[k])),
    o: order.map((k) => copy(reverse ? path.inTangents[k] : path.outTangents[k])),
  };
}
