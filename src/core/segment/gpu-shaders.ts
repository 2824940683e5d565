/**
 * WGSL compute shaders for GpuStages: the same arithmetic as the TypeScript stages (resample.ts,
 * stabilise.ts, guided-filter.ts), in float32, one invocation per output pixel. Each shader is
 * dispatched over a 2-D grid (x in workgroups of 64, y one row per workgroup row), so that 8K frames
 * stay within WebGPU's 65,535 workgroups per dimension.
 */

/** The shot's sizes and per-frame parameters, one uniform buffer shared by every shader (SHOT_BYTES long). */
const SHOT = /* wgsl */ `
struct Shot {
  W: u32, H: u32, w: u32, h: u32,
  radius: i32, firstFrame: u32, stabilise: u32, pad0: u32,
  m0: vec4<f32>, m1: vec4<f32>,
  blend: f32, trustFrom: f32, trustAt: f32, mismatchFrom: f32,
  mismatchAt: f32, epsilon: f32, contrast: f32, pad1: f32,
};
@group(0) @binding(0) var<uniform> shot: Shot;
`;
export const SHOT_BYTES = 96;

/** Frame bytes (interleaved 8-bit RGB) packed four to a u32, little-endian as the Uint8Array was. */
const FRAME_BYTES = /* wgsl */ `
fn frameByte(i: u32) -> f32 { return f32((frame[i >> 2u] >> ((i & 3u) * 8u)) & 255u); }
`;

/** Each source row shrunk to w pixels (area weights along x): rows[(y·w + x)·3 + c], still in 0..255. */
export const RESIZE_ROWS = /* wgsl */ `${SHOT}
@group(0) @binding(1) var<storage, read> frame: array<u32>;
@group(0) @binding(2) var<storage, read> taps: array<i32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> rows: array<f32>;
${FRAME_BYTES}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = id.x; let y = id.y;
  if (x >= shot.w || y >= shot.H) { return; }
  let count = u32(taps[3u * x + 1u]); let base = u32(taps[3u * x + 2u]);
  var s = (y * shot.W + u32(taps[3u * x])) * 3u;
  var r = 0.0; var g = 0.0; var b = 0.0;
  for (var k = 0u; k < count; k++) {
    let wt = weights[base + k];
    r += wt * frameByte(s); g += wt * frameByte(s + 1u); b += wt * frameByte(s + 2u);
    s += 3u;
  }
  let o = (y * shot.w + x) * 3u;
  rows[o] = r; rows[o + 1u] = g; rows[o + 2u] = b;
}`;

/** Source rows mixed into target rows (area weights along y): the network's planes r, g, b in 0..1. */
export const RESIZE_COLUMNS = /* wgsl */ `${SHOT}
@group(0) @binding(1) var<storage, read> rows: array<f32>;
@group(0) @binding(2) var<storage, read> taps: array<i32>;
@group(0) @binding(3) var<storage, read> weights: array<f32>;
@group(0) @binding(4) var<storage, read_write> planes: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = id.x; let y = id.y;
  if (x >= shot.w || y >= shot.h) { return; }
  let top = u32(taps[3u * y]); let count = u32(taps[3u * y + 1u]); let base = u32(taps[3u * y + 2u]);
  var r = 0.0; var g = 0.0; var b = 0.0;
  for (var k = 0u; k < count; k++) {
    let wt = weights[base + k];
    let s = ((top + k) * shot.w + x) * 3u;
    r += wt * rows[s]; g += wt * rows[s + 1u]; b += wt * rows[s + 2u];
  }
  let i = y * shot.w + x; let n = shot.w * shot.h;
  planes[i] = r / 255.0; planes[n + i] = g / 255.0; planes[2u * n + i] = b / 255.0;
}`;

/**
 * Temporal stabilisation (stabilise.ts): the probability blended with the history carried by the
 * camera motion M (m0 = a b c d, m1 = e f), Catmull-Rom for the history and bilinear for the luma.
 * Writes the stabilised probability and the frame's luma (both copied over the history afterwards).
 */
export const STABILISE = /* wgsl */ `${SHOT}
@group(0) @binding(1) var<storage, read> planes: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<f32>;
@group(0) @binding(3) var<storage, read> history: array<f32>;
@group(0) @binding(4) var<storage, read> previousLuma: array<f32>;
@group(0) @binding(5) var<storage, read_write> stabilised: array<f32>;
@group(0) @binding(6) var<storage, read_write> luma: array<f32>;

fn ramp(value: f32, lo: f32, hi: f32) -> f32 {
  let t = select(select((value - lo) / (hi - lo), 1.0, value >= hi), 0.0, value <= lo);
  return t * t * (3.0 - 2.0 * t);
}

fn bilinearLuma(u: f32, v: f32) -> f32 {
  let w = i32(shot.w); let h = i32(shot.h);
  let x = clamp(u, 0.0, f32(w - 1)); let y = clamp(v, 0.0, f32(h - 1));
  let x0 = min(w - 2, i32(floor(x))); let y0 = min(h - 2, i32(floor(y)));
  let tx = x - f32(x0); let ty = y - f32(y0); let i = y0 * w + x0;
  let top = previousLuma[i] + (previousLuma[i + 1] - previousLuma[i]) * tx;
  let bottom = previousLuma[i + w] + (previousLuma[i + w + 1] - previousLuma[i + w]) * tx;
  return top + (bottom - top) * ty;
}

fn catmullRom(t: f32) -> vec4<f32> {
  let t2 = t * t; let t3 = t2 * t;
  return 0.5 * vec4<f32>(-t3 + 2.0 * t2 - t, 3.0 * t3 - 5.0 * t2 + 2.0, -3.0 * t3 + 4.0 * t2 + t, t3 - t2);
}

fn cubicHistory(u: f32, v: f32) -> f32 {
  let w = i32(shot.w); let h = i32(shot.h);
  let x0 = i32(floor(u)); let y0 = i32(floor(v));
  let wx = catmullRom(u - f32(x0)); let wy = catmullRom(v - f32(y0));
  var sum = 0.0;
  for (var j = 0; j < 4; j++) {
    let y = clamp(y0 - 1 + j, 0, h - 1) * w;
    var row = 0.0;
    for (var i = 0; i < 4; i++) { row += wx[i] * history[y + clamp(x0 - 1 + i, 0, w - 1)]; }
    sum += wy[j] * row;
  }
  return clamp(sum, 0.0, 1.0);
}

@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = id.x; let y = id.y;
  if (x >= shot.w || y >= shot.h) { return; }
  let n = shot.w * shot.h; let i = y * shot.w + x;
  let l = 0.299 * planes[i] + 0.587 * planes[n + i] + 0.114 * planes[2u * n + i];
  luma[i] = l;
  if (shot.stabilise == 0u || shot.firstFrame == 1u) { stabilised[i] = p[i]; return; }
  let cx = f32(x) + 0.5; let cy = f32(y) + 0.5;
  let u = shot.m0.x * cx + shot.m0.y * cy + shot.m0.z - 0.5;
  let v = shot.m0.w * cx + shot.m1.x * cy + shot.m1.y - 0.5;
  if (u < -0.5 || v < -0.5 || u > f32(shot.w) - 0.5 || v > f32(shot.h) - 0.5) { stabilised[i] = p[i]; return; }
  let carried = cubicHistory(u, v);
  let disagreement = ramp(abs(p[i] - carried), shot.trustFrom, shot.trustAt);
  let mismatch = ramp(abs(l - bilinearLuma(u, v)), shot.mismatchFrom, shot.mismatchAt);
  let alpha = shot.blend + (1.0 - shot.blend) * max(disagreement, mismatch);
  stabilised[i] = alpha * p[i] + (1.0 - alpha) * carried;
}`;

/** The guided filter's 13 quantities per working pixel: r g b p, rr rg rb gg gb bb, rp gp bp (guided-filter.ts's order). */
export const GUIDE_PRODUCTS = /* wgsl */ `${SHOT}
@group(0) @binding(1) var<storage, read> planes: array<f32>;
@group(0) @binding(2) var<storage, read> p: array<f32>;
@group(0) @binding(3) var<storage, read_write> quantities: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = id.x; let y = id.y;
  if (x >= shot.w || y >= shot.h) { return; }
  let n = shot.w * shot.h; let i = y * shot.w + x;
  let r = planes[i]; let g = planes[n + i]; let b = planes[2u * n + i]; let q = p[i];
  quantities[i] = r; quantities[n + i] = g; quantities[2u * n + i] = b; quantities[3u * n + i] = q;
  quantities[4u * n + i] = r * r; quantities[5u * n + i] = r * g; quantities[6u * n + i] = r * b;
  quantities[7u * n + i] = g * g; quantities[8u * n + i] = g * b; quantities[9u * n + i] = b * b;
  quantities[10u * n + i] = r * q; quantities[11u * n + i] = g * q; quantities[12u * n + i] = b * q;
}`;

/**
 * Means over the radius along one axis (box-filter.ts, windows clipped at the border and divided by
 * the pixels inside), for \`planes\` planes of w × h; \`alongY\` picks the axis (rows first, then columns).
 */
export const BOX_MEAN = /* wgsl */ `${SHOT}
override planes: u32;
override alongY: bool;
@group(0) @binding(1) var<storage, read> source: array<f32>;
@group(0) @binding(2) var<storage, read_write> means: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = id.x; let y = id.y;
  if (x >= shot.w || y >= shot.h) { return; }
  let n = shot.w * shot.h; let i = y * shot.w + x;
  let at = i32(select(x, y, alongY)); let last = i32(select(shot.w, shot.h, alongY)) - 1;
  let lo = max(0, at - shot.radius); let hi = min(last, at + shot.radius);
  let stride = select(1u, shot.w, alongY);
  let start = i - u32(at - lo) * stride;
  let count = u32(hi - lo + 1);
  for (var k = 0u; k < planes; k++) {
    var sum = 0.0;
    var s = k * n + start;
    for (var j = 0u; j < count; j++) { sum += source[s]; s += stride; }
    means[k * n + i] = sum / f32(count);
  }
}`;

/** Per window, a = (Σ + εI)⁻¹ cov by the adjugate and b = mean p − a·mean I (guided-filter.ts's fit). */
export const GUIDE_SOLVE = /* wgsl */ `${SHOT}
@group(0) @binding(1) var<storage, read> m: array<f32>;
@group(0) @binding(2) var<storage, read_write> coefficients: array<f32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let x = id.x; let y = id.y;
  if (x >= shot.w || y >= shot.h) { return; }
  let n = shot.w * shot.h; let i = y * shot.w + x;
  let mr = m[i]; let mg = m[n + i]; let mb = m[2u * n + i]; let mp = m[3u * n + i];
  let e = shot.epsilon;
  let s00 = m[4u * n + i] - mr * mr + e; let s01 = m[5u * n + i] - mr * mg; let s02 = m[6u * n + i] - mr * mb;
  let s11 = m[7u * n + i] - mg * mg + e; let s12 = m[8u * n + i] - mg * mb; let s22 = m[9u * n + i] - mb * mb + e;
  let c0 = m[10u * n + i] - mr * mp; let c1 = m[11u * n + i] - mg * mp; let c2 = m[12u * n + i] - mb * mp;
  let i00 = s11 * s22 - s12 * s12; let i01 = s02 * s12 - s01 * s22; let i02 = s01 * s12 - s02 * s11;
  let i11 = s00 * s22 - s02 * s02; let i12 = s01 * s02 - s00 * s12; let i22 = s00 * s11 - s01 * s01;
  let det = s00 * i00 + s01 * i01 + s02 * i02;
  let a0 = (i00 * c0 + i01 * c1 + i02 * c2) / det;
  let a1 = (i01 * c0 + i11 * c1 + i12 * c2) / det;
  let a2 = (i02 * c0 + i12 * c1 + i22 * c2) / det;
  coefficients[i] = a0; coefficients[n + i] = a1; coefficients[2u * n + i] = a2;
  coefficients[3u * n + i] = mp - a0 * mr - a1 * mg - a2 * mb;
}`;

/**
 * The averaged colour model (ar ag ab b0 planes at the working size) interpolated to each
 * full-resolution pixel (y first, then x, as applyColourModel) and evaluated on its colour.
 */
export const APPLY_MODEL = /* wgsl */ `${SHOT}
@group(0) @binding(1) var<storage, read> frame: array<u32>;
@group(0) @binding(2) var<storage, read> model: array<f32>;
@group(0) @binding(3) var<storage, read_write> matte: array<f32>;
${FRAME_BYTES}
/** Where full-resolution pixel \`at\` falls between working-size pixel centres: (i0, i1, t). */
fn lerpAxis(at: u32, full: u32, low: u32) -> vec3<f32> {
  let c = clamp((f32(at) + 0.5) * (f32(low) / f32(full)) - 0.5, 0.0, f32(low - 1u));
  let i0 = floor(c);
  return vec3<f32>(i0, min(f32(low - 1u), i0 + 1.0), c - i0);
}
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) id: vec3<u32>) {
  let X = id.x; let Y = id.y;
  if (X >= shot.W || Y >= shot.H) { return; }
  let n = shot.w * shot.h;
  let xs = lerpAxis(X, shot.W, shot.w); let ys = lerpAxis(Y, shot.H, shot.h);
  let r0 = u32(ys.x) * shot.w; let r1 = u32(ys.y) * shot.w; let a = u32(xs.x); let b = u32(xs.y);
  var c: array<f32, 4>;
  for (var k = 0u; k < 4u; k++) {
    let o = k * n;
    let left = model[o + r0 + a] + (model[o + r1 + a] - model[o + r0 + a]) * ys.z;
    let right = model[o + r0 + b] + (model[o + r1 + b] - model[o + r0 + b]) * ys.z;
    c[k] = left + (right - left) * xs.z;
  }
  let s = (Y * shot.W + X) * 3u;
  let q = 0.5 + ((c[0] * frameByte(s) + c[1] * frameByte(s + 1u) + c[2] * frameByte(s + 2u)) / 255.0 + c[3] - 0.5) * shot.contrast;
  matte[Y * shot.W + X] = clamp(q, 0.0, 1.0);
}`;
