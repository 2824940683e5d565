/**
 * Full-resolution edge refinement: a fast colour guided filter (He, Sun & Tang; He & Sun 2015).
 *
 * The network's probability p lives at the working size. Inside each small window there, p is fitted
 * as a linear function of the colour, q = a·I + b. The coefficients (a, b) are smooth, so they are
 * computed at the working size and interpolated up; q is then evaluated on the full-resolution
 * frame. Where sky and building differ in colour the step lands on the image's own edge, at the
 * footage's pixel (sharp where the image is sharp, soft through leaves and hair), never on the
 * network's coarse grid.
 */
import type { Matte, RgbFrame } from '../types.ts';
import { boxMean } from './box-filter.ts';
import type { Size } from './working-size.ts';

export interface GuidedFilterOptions {
  /** Window radius in working-size pixels. */
  radius: number;
  /** Regularisation (colour variance units, colours in 0..1): larger keeps q closer to p's own blur. */
  epsilon: number;
  /**
   * Contrast about 0.5 applied to the result (1 = none). The network's probability is rarely
   * saturated (a pale overcast sky may sit at 0.8), so without it the 0.1–0.9 ramp, and with it the
   * feather, spans tens of pixels even at a crisp roofline; scaling about 0.5 leaves the 0.5 line,
   * and so the masks' paths, exactly where they were.
   */
  contrast: number;
}

export const DEFAULT_GUIDED_FILTER: GuidedFilterOptions = { radius: 8, epsilon: 1e-2, contrast: 2.5 };

/** Per working-size pixel, the averaged linear model: q = ar·r + ag·g + ab·b + b0. */
export interface ColourModel {
  size: Size;
  ar: Float32Array;
  ag: Float32Array;
  ab: Float32Array;
  b0: Float32Array;
}

/**
 * The fit's working-size buffers, made once per shot: a fit allocates nothing, and its model is in
 * `model`, overwritten by the next fit. Buffers freed every frame would not go back to the system:
 * V8 frees them only when it collects, and the allocator keeps what it held at the high-water mark.
 */
export class GuidedFilterBuffers {
  readonly product: Float32Array;
  readonly rows: Float32Array;
  readonly sums: Float64Array;
  /** Box means of the colours, the probability and their products (13 planes). */
  readonly means: Float32Array[];
  /** The per-window coefficients before their own box mean (4 planes). */
  readonly coefficients: Float32Array[];
  readonly model: ColourModel;

  constructor(readonly size: Size) {
    const plane = () => new Float32Array(size.width * size.height);
    this.product = plane();
    this.rows = plane();
    this.sums = new Float64Array(size.width);
    this.means = Array.from({ length: 13 }, plane);
    this.coefficients = Array.from({ length: 4 }, plane);
    this.model = { size, ar: plane(), ag: plane(), ab: plane(), b0: plane() };
  }
}

export function fitColourModel(
  planes: Float32Array, p: Float32Array, size: Size, options: GuidedFilterOptions = DEFAULT_GUIDED_FILTER,
  buffers = new GuidedFilterBuffers(size),
): ColourModel {
  const { width: w, height: h } = size;
  const n = w * h;
  const { radius: r, epsilon } = options;
  const R = planes.subarray(0, n), G = planes.subarray(n, 2 * n), B = planes.subarray(2 * n, 3 * n);
  const product = (x: Float32Array, y: Float32Array) => {
    const out = buffers.product;
    for (let i = 0; i < n; i++) out[i] = x[i] * y[i];
    return out;
  };
  const mean = (x: Float32Array, out: Float32Array) => boxMean(x, w, h, r, out, buffers.rows, buffers.sums);
  const [mr, mg, mb, mp, rr, rg, rb, gg, gb, bb, rp, gp, bp] = buffers.means;
  mean(R, mr); mean(G, mg); mean(B, mb); mean(p, mp);
  mean(product(R, R), rr); mean(product(R, G), rg); mean(product(R, B), rb);
  mean(product(G, G), gg); mean(product(G, B), gb); mean(product(B, B), bb);
  mean(product(R, p), rp); mean(product(G, p), gp); mean(product(B, p), bp);
  const [ar, ag, ab, b0] = buffers.coefficients;
  for (let i = 0; i < n; i++) {
    // Σ + εI and the colour–matte covariance, then a = (Σ + εI)⁻¹ cov by the adjugate.
    const s00 = rr[i] - mr[i] * mr[i] + epsilon, s01 = rg[i] - mr[i] * mg[i], s02 = rb[i] - mr[i] * mb[i];
    const s11 = gg[i] - mg[i] * mg[i] + epsilon, s12 = gb[i] - mg[i] * mb[i], s22 = bb[i] - mb[i] * mb[i] + epsilon;
    const c0 = rp[i] - mr[i] * mp[i], c1 = gp[i] - mg[i] * mp[i], c2 = bp[i] - mb[i] * mp[i];
    const i00 = s11 * s22 - s12 * s12, i01 = s02 * s12 - s01 * s22, i02 = s01 * s12 - s02 * s11;
    const i11 = s00 * s22 - s02 * s02, i12 = s01 * s02 - s00 * s12, i22 = s00 * s11 - s01 * s01;
    const det = s00 * i00 + s01 * i01 + s02 * i02;
    const a0 = (i00 * c0 + i01 * c1 + i02 * c2) / det;
    const a1 = (i01 * c0 + i11 * c1 + i12 * c2) / det;
    const a2 = (i02 * c0 + i12 * c1 + i22 * c2) / det;
    ar[i] = a0;
    ag[i] = a1;
    ab[i] = a2;
    b0[i] = mp[i] - a0 * mr[i] - a1 * mg[i] - a2 * mb[i];
  }
  const model = buffers.model;
  mean(ar, model.ar); mean(ag, model.ag); mean(ab, model.ab); mean(b0, model.b0);
  return model;
}

/** Linear interpolation indices from full-resolution pixel centres to working-size pixel centres. */
function lerpAxis(full: number, low: number) {
  const i0 = new Int32Array(full), i1 = new Int32Array(full), t = new Float32Array(full);
  const scale = low / full;
  for (let x = 0; x < full; x++) {
    const c = Math.min(low - 1, Math.max(0, (x + 0.5) * scale - 0.5));
    i0[x] = Math.floor(c);
    i1[x] = Math.min(low - 1, i0[x] + 1);
    t[x] = c - i0[x];
  }
  return { i0, i1, t };
}

/** The model evaluated on the full-resolution frame: the refined matte, clamped to 0..1, in `out`. */
export function applyColourModel(model: ColourModel, frame: RgbFrame, contrast = 1, out: Float32Array = new Float32Array(frame.width * frame.height)): Matte {
  const { width: W, height: H, data } = frame;
  const { width: w, height: h } = model.size;
  const xs = lerpAxis(W, w), ys = lerpAxis(H, h);
  const { i0, i1, t: tx } = xs;
  const planes = [model.ar, model.ag, model.ab, model.b0];
  const ar = new Float32Array(w), ag = new Float32Array(w), ab = new Float32Array(w), b0 = new Float32Array(w);
  const row = [ar, ag, ab, b0];
  for (let y = 0; y < H; y++) {
    const r0 = ys.i0[y] * w, r1 = ys.i1[y] * w, ty = ys.t[y];
    for (let k = 0; k < 4; k++) {
      const plane = planes[k], dst = row[k];
      for (let x = 0; x < w; x++) dst[x] = plane[r0 + x] + (plane[r1 + x] - plane[r0 + x]) * ty;
    }
    // Pixel by pixel, in runs that lie between the same two working-size columns (about five at
    // 1080p): their eight coefficients are read once a run rather than once a pixel.
    let x = 0, o = y * W, s = o * 3;
    while (x < W) {
      const a = i0[x], b = i1[x];
      const ra = ar[a], dr = ar[b] - ra, ga = ag[a], dg = ag[b] - ga, ba = ab[a], db = ab[b] - ba, ca = b0[a], dc = b0[b] - ca;
      for (; x < W && i0[x] === a; x++, o++, s += 3) {
        const t = tx[x];
        const cr = ra + dr * t, cg = ga + dg * t, cb = ba + db * t, c0 = ca + dc * t;
        const q = 0.5 + ((cr * data[s] + cg * data[s + 1] + cb * data[s + 2]) / 255 + c0 - 0.5) * contrast;
        out[o] = q < 0 ? 0 : q > 1 ? 1 : q;
      }
    }
  }
  return { width: W, height: H, data: out };
}

/** The working-size probability refined on the full-resolution frame (the matte in `out`). */
export function refineMatte(
  frame: RgbFrame, planes: Float32Array, p: Float32Array, size: Size, options: GuidedFilterOptions = DEFAULT_GUIDED_FILTER,
  buffers = new GuidedFilterBuffers(size), out?: Float32Array,
): Matte {
  return applyColourModel(fitColourModel(planes, p, size, options, buffers), frame, options.contrast, out);
}

/** Plain bilinear upsampling of the working-size probability (what refinement improves on). */
export function upsampleMatte(p: Float32Array, size: Size, width: number, height: number, out: Float32Array = new Float32Array(width * height)): Matte {
  const xs = lerpAxis(width, size.width), ys = lerpAxis(height, size.height);
  const w = size.width;
  for (let y = 0; y < height; y++) {
    const r0 = ys.i0[y] * w, r1 = ys.i1[y] * w, ty = ys.t[y];
    for (let x = 0; x < width; x++) {
      const a = xs.i0[x], b = xs.i1[x], t = xs.t[x];
      const top = p[r0 + a] + (p[r0 + b] - p[r0 + a]) * t;
      const bottom = p[r1 + a] + (p[r1 + b] - p[r1 + a]) * t;
      out[y * width + x] = top + (bottom - top) * ty;
    }
  }
  return { width, height, data: out };
}
