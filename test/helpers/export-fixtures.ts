/** Hand-built roto documents that exercise every compositing rule the exporters must reproduce. */
import type { PathKey, RotoDocument, RotoMask } from '../../src/core/document.ts';
import type { Vec2 } from '../../src/core/types.ts';

export const WIDTH = 480;
export const HEIGHT = 270;

/** The sky above a wavy horizon: 8 vertices, smooth tangents along the horizon, corners at the frame. */
function horizon(frame: number, lift: number, interpolation: PathKey['interpolation'] = 'linear'): PathKey {
  const ys = [140, 118, 160, 125, 150].map((y, k) => y - lift * (k % 2 ? 1.5 : 0.6));
  const vertices: Vec2[] = [[0, 0], [WIDTH, 0], [WIDTH, ys[0]], [380, ys[1]], [270, ys[2]], [160, ys[3]], [70, ys[4]], [0, ys[4] - 10]];
  // Horizontal handles on the horizon (it runs right to left), none at the frame corners.
  const handle = (k: number, len: number): Vec2 => (k >= 3 && k <= 6 ? [len, 0] : [0, 0]);
  return {
    frame, interpolation, closed: true, vertices,
    inTangents: vertices.map((_, k) => handle(k, 35)),
    outTangents: vertices.map((_, k) => handle(k, -35)),
  };
}

/** A circle as 4 cubic segments; `clockwise` on screen (y down) or not. */
export function circle(frame: number, cx: number, cy: number, r: number, clockwise = true,
  interpolation: PathKey['interpolation'] = 'linear'): PathKey {
  const k = 0.5523 * r;
  const s = clockwise ? 1 : -1;
  const vertices: Vec2[] = [[cx + r, cy], [cx, cy + s * r], [cx - r, cy], [cx, cy - s * r]];
  // Out tangents point along the direction of travel, in tangents against it.
  const outTangents: Vec2[] = [[0, s * k], [-k, 0], [0, -s * k], [k, 0]];
  return { frame, interpolation, closed: true, vertices, inTangents: outTangents.map(([x, y]) => [-x, -y]), outTangents };
}

function mask(name: string, mode: RotoMask['mode'], path: PathKey[], opacity: RotoMask['opacity'] = [{ frame: 0, value: 100 }], inverted = false): RotoMask {
  return { name, mode, inverted, feather: [0, 0], expansion: 0, opacity, path };
}

function document(masks: RotoMask[]): RotoDocument {
  return {
    format: 'autoroto.roto/1',
    source: { path: 'fixture.mp4', width: WIDTH, height: HEIGHT, frameRate: 24, frameCount: 30 },
    masks,
  };
}

/**
 * A moving horizon (linear keys 0, 12, 24), a hole that holds then jumps (hold key at 0, next at 16),
 * and a second region that exists only over frames 8–19 (opacity hold keys 0 → 100 → 0).
 */
export function horizonDocument(): RotoDocument {
  return document([
    mask('Autoroto Sky 1', 'add', [horizon(0, 0), horizon(12, 30), horizon(24, -10)]),
    mask('Autoroto Sky 1 hole', 'subtract', [circle(0, 300, 60, 30, true, 'hold'), circle(16, 200, 50, 22)]),
    mask('Autoroto Sky 2', 'add', [circle(0, 100, 220, 30), circle(20, 380, 215, 40)],
      [{ frame: 0, value: 0 }, { frame: 8, value: 100 }, { frame: 20, value: 0 }]),
  ]);
}

/**
 * The first-active-mask rule and inversion: before frame 10 the add mask does not exist, so the
 * inverted intersect is first and starts from the full layer; an intersect that exists only from
 * frame 20 must not blank the layer before it. Both circles wind clockwise, the direction that an
 * inverted mask in lottie-web must not have (the exporter reverses it).
 */
export function invertedDocument(): RotoDocument {
  return document([
    mask('Autoroto Sky 1', 'add', [horizon(0, 0), horizon(24, 25)], [{ frame: 0, value: 0 }, { frame: 10, value: 100 }]),
    mask('Autoroto Sky 1 cut', 'intersect', [circle(0, 240, 100, 50), circle(29, 300, 120, 70)], undefined, true),
    mask('Autoroto Sky 1 window', 'intersect', [circle(0, 200, 135, 200)], [{ frame: 0, value: 0 }, { frame: 20, value: 100 }]),
  ]);
}
