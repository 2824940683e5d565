/**
 * A city skyline under the sky, filmed with a slow pan and zoom: buildings (flat, pitched, with
 * antennas and spires, some side by side) standing on a gently curved hill line. The skyline world is
 * wider than the frame, so buildings enter at the right edge and leave at the left. The sky touches
 * the top, left and right edges of every frame.
 *
 * World units: at zoom 1 the frame is 1 unit high (so the scene looks the same at any resolution);
 * world y grows downwards like screen y. The camera centre moves right at constant speed and zooms
 * linearly about the frame centre.
 */
import type { Matte } from '../core/types.ts';
import { prng } from './geometry.ts';
import { CoverageRasterizer } from '../core/coverage.ts';
import { progress, resolveSceneOptions, type SceneOptions, type SyntheticScene } from './scene.ts';

export interface SkylinePanOptions extends SceneOptions {
  /** Pan speed in px per frame, measured at 1080 lines (it scales with the height). Default 4. */
  panSpeed?: number;
  /** Zoom at the first and last frame (default 1 → 1.1). */
  zoomStart?: number;
  zoomEnd?: number;
  /** Seed of the building layout. Default 1. */
  seed?: number;
}

/** One building: its roof line as world points from (x0, ·) to (x1, ·), vertical steps allowed. */
export interface Building {
  x0: number;
  x1: number;
  kind: 'flat' | 'pitched' | 'antenna' | 'spire' | 'stepped';
  /** Roof outline, x non-decreasing: x0, y0, x1, y1, … */
  roof: Float64Array;
}

export interface SkylinePanScene extends SyntheticScene {
  readonly buildings: readonly Building[];
  /** World y of the skyline at world x (sky above, i.e. at smaller y). */
  worldSkyline(wx: number): number;
  /** Screen y of the skyline at screen x in `frame`: (x, y) is sky iff y < skylineY(x, frame). */
  skylineY(x: number, frame: number): number;
  /** Camera at `frame`: world x of the frame centre and zoom. */
  camera(frame: number): { x: number; zoom: number };
}

const HORIZON = 0.5; // world y at the frame centre

function hill(wx: number): number {
  return 0.78 + 0.035 * Math.sin((2 * Math.PI * wx) / 1.7 + 0.8) + 0.02 * Math.sin((2 * Math.PI * wx) / 0.63 + 2.1);
}

function makeBuildings(left: number, right: number, seed: number): Building[] {
  const rnd = prng(seed);
  const between = (a: number, b: number) => a + (b - a) * rnd();
  const out: Building[] = [];
  let x = left + between(0, 0.1);
  while (x < right) {
    const w = between(0.05, 0.2);
    const x0 = x, x1 = x + w;
    const top = between(0.34, 0.66);
    const r = rnd();
    let kind: Building['kind'];
    let roof: number[];
    if (r < 0.35) {
      kind = 'flat';
      roof = [x0, top, x1, top];
    } else if (r < 0.55) {
      kind = 'pitched';
      const p = between(0.02, 0.07);
      roof = [x0, top, (x0 + x1) / 2, top - p, x1, top];
    } else if (r < 0.72) {
      kind = 'antenna';
      const aw = between(0.003, 0.008), ah = between(0.05, 0.14);
      const xa = between(x0 + 0.2 * w, x1 - 0.2 * w - aw);
      roof = [x0, top, xa, top, xa, top - ah, xa + aw, top - ah, xa + aw, top, x1, top];
    } else if (r < 0.86) {
      kind = 'spire';
      const sw = between(0.012, 0.03), sh = between(0.06, 0.15), xc = (x0 + x1) / 2;
      roof = [x0, top, xc - sw / 2, top, xc, top - sh, xc + sw / 2, top, x1, top];
    } else {
      kind = 'stepped';
      const st = between(0.04, 0.1), xs = x0 + between(0.25, 0.45) * w;
      roof = [x0, top + st, xs, top + st, xs, top, x1, top];
    }
    out.push({ x0, x1, kind, roof: Float64Array.from(roof) });
    // A third of the buildings stand right against the next one.
    x = x1 + (rnd() < 0.33 ? 0 : between(0.01, 0.22));
  }
  return out;
}

/** y of a roof outline at x (x0 ≤ x < x1); at a vertical step, the part right of it. */
function roofAt(roof: Float64Array, x: number): number {
  const n = roof.length >> 1;
  for (let i = 0; i < n - 1; i++) {
    const xa = roof[2 * i], xb = roof[2 * i + 2];
    if (x >= xa && x < xb) {
      const ya = roof[2 * i + 1], yb = roof[2 * i + 3];
      return ya + ((yb - ya) * (x - xa)) / (xb - xa);
    }
  }
  return roof[2 * n - 1];
}

export function skylinePan(options: SkylinePanOptions = {}): SkylinePanScene {
  const { width, height, frameCount, frameRate } = resolveSceneOptions(options);
  const speed = (options.panSpeed ?? 4) / 1080; // world units per frame
  const zoomStart = options.zoomStart ?? 1;
  const zoomEnd = options.zoomEnd ?? 1.1;
  const aspect = width / height;
  const minZoom = Math.min(zoomStart, zoomEnd), maxZoom = Math.max(zoomStart, zoomEnd);
  if (!(minZoom > 0)) throw new RangeError('zoom must be positive');
  // Keep the highest spire tip (world y ≥ 0.34 − 0.15) well below the top edge at the strongest zoom.
  if (HORIZON - 0.5 / maxZoom >= 0.12) throw new RangeError('zoom too strong: the skyline would leave the top edge');

  const halfSpan = aspect / (2 * minZoom) + 0.05;
  const camEnd = speed * Math.max(0, frameCount - 1);
  const worldLeft = Math.min(0, camEnd) - halfSpan, worldRight = Math.max(0, camEnd) + halfSpan;
  const buildings = makeBuildings(worldLeft - 0.25, worldRight + 0.05, options.seed ?? 1);

  // The skyline as one world polyline: hill sampled ~1.5 screen px apart between buildings, roofs in.
  const hillStep = 1.5 / (height * maxZoom);
  const pts: number[] = [];
  let cursor = worldLeft - 0.2;
  const addHill = (from: number, to: number) => {
    if (to <= from) return;
    const n = Math.max(1, Math.ceil((to - from) / hillStep));
    for (let i = 0; i <= n; i++) {
      const x = from + ((to - from) * i) / n;
      pts.push(x, hill(x));
    }
  };
  for (const b of buildings) {
    if (b.x0 > cursor) addHill(cursor, b.x0);
    for (let i = 0; i < b.roof.length; i++) pts.push(b.roof[i]);
    cursor = b.x1;
  }
  addHill(cursor, worldRight + 0.3);
  const world = Float64Array.from(pts);

  const worldSkyline = (wx: number): number => {
    let lo = 0, hi = buildings.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const b = buildings[mid];
      if (wx < b.x0) hi = mid - 1;
      else if (wx >= b.x1) lo = mid + 1;
      else return roofAt(b.roof, wx);
    }
    return hill(wx);
  };
  const camera = (frame: number) => ({
    x: speed * frame,
    zoom: zoomStart + (zoomEnd - zoomStart) * progress(frame, frameCount),
  });
  const skylineY = (x: number, frame: number): number => {
    const cam = camera(frame);
    const k = height * cam.zoom;
    const wx = (x - width / 2) / k + cam.x;
    return (worldSkyline(wx) - HORIZON) * k + height / 2;
  };

  const poly = new Float64Array(world.length + 4);
  return {
    name: 'skylinePan',
    width, height, frameCount, frameRate,
    buildings,
    worldSkyline,
    skylineY,
    camera,
    matte(frame: number, into?: Float32Array): Matte {
      const cam = camera(frame);
      const k = height * cam.zoom;
      const ox = width / 2 - cam.x * k, oy = height / 2 - HORIZON * k;
      const n = world.length;
      for (let i = 0; i < n; i += 2) {
        poly[i] = world[i] * k + ox;
        poly[i + 1] = world[i + 1] * k + oy;
      }
      // Close the sky above the frame.
      poly[n] = poly[n - 2]; poly[n + 1] = -2;
      poly[n + 2] = poly[0]; poly[n + 3] = -2;
      const raster = new CoverageRasterizer(width, height, into);
      raster.polygon(poly, 1);
      return { width, height, data: raster.resolve() };
    },
    isSky(x: number, y: number, frame: number): boolean {
      return y < skylineY(x, frame);
    },
    topology: () => ({ regions: 1, holes: 0 }),
  };
}
