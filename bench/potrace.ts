/**
 * potrace (npm `potrace`, a JavaScript port of Potrace) on the same mattes, for comparison.
 *
 * Its Node API takes an image, read through Jimp: each matte is thresholded at 0.5 (sky black,
 * the rest white) and written as an 8-bit grayscale PNG with pngjs — untimed. Then, timed apart:
 *   decode     Jimp.read(png)                     (what loadImage(buffer) does first)
 *   luminance  potrace.loadImage(jimpImage)       (RGBA → luminance bitmap, synchronous)
 *   trace      potrace.getSVG()                   (threshold, path decomposition, curve fit, SVG text)
 * decode + luminance + trace is exactly loadImage(pngBuffer) + getSVG(). `core` leaves out the
 * PNG decode, which only its file-oriented API needs (our pipeline takes the float matte as is).
 */
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import type { SyntheticScene } from '../src/synthetic/index.ts';
import { summarize, type Summary } from './stats.ts';

interface PotraceInstance {
  loadImage(target: unknown, callback: (error: Error | null) => void): void;
  getSVG(): string;
}
interface PotraceModule {
  Potrace: new (options?: Record<string, unknown>) => PotraceInstance;
}
interface JimpStatic {
  read(buffer: Buffer): Promise<unknown>;
}

const require = createRequire(import.meta.url);
const potrace = require('potrace') as PotraceModule;
// The Jimp that potrace itself uses (its `instanceof Jimp` check must hold).
const Jimp = createRequire(require.resolve('potrace'))('jimp') as JimpStatic;

export interface PotraceResult {
  width: number;
  height: number;
  frames: number;
  decode: Summary;
  luminance: Summary;
  trace: Summary;
  /** luminance + trace: loadImage(Jimp image) + getSVG(). */
  core: Summary;
  /** decode + luminance + trace: loadImage(PNG buffer) + getSVG(). */
  total: Summary;
  /** Subpaths in the SVG of the last frame (sanity: the sky was traced). */
  subpaths: number;
  pngBytes: number;
  raw: { decodeMs: number[]; luminanceMs: number[]; traceMs: number[] };
}

/** Sky (> 0.5) black, the rest white, as an 8-bit grayscale PNG. */
export function thresholdPng(data: Float32Array, width: number, height: number, gray: Buffer): Buffer {
  for (let i = 0; i < gray.length; i++) gray[i] = data[i] > 0.5 ? 0 : 255;
  const png = new PNG({ width, height, colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8 });
  png.data = gray;
  return PNG.sync.write(png, { colorType: 0, inputColorType: 0, inputHasAlpha: false, bitDepth: 8, deflateLevel: 1 });
}

async function traceOne(png: Buffer): Promise<{ decodeMs: number; luminanceMs: number; traceMs: number; svg: string }> {
  const t0 = performance.now();
  const image = await Jimp.read(png);
  const t1 = performance.now();
  // threshold 128: the bitmap is already binary, so skip the auto-threshold histogram.
  const tracer = new potrace.Potrace({ threshold: 128 });
  let failure = null as Error | null;
  tracer.loadImage(image, (error) => { failure = error; });
  if (failure) throw failure;
  const t2 = performance.now();
  const svg = tracer.getSVG();
  const t3 = performance.now();
  return { decodeMs: t1 - t0, luminanceMs: t2 - t1, traceMs: t3 - t2, svg };
}

export async function measurePotrace(scene: SyntheticScene, frames: number, warmup: number): Promise<PotraceResult> {
  const { width, height } = scene;
  const buffer = new Float32Array(width * height);
  const gray = Buffer.alloc(width * height);
  for (let f = 0; f < warmup; f++) await traceOne(thresholdPng(scene.matte(f, buffer).data, width, height, gray));
  globalThis.gc?.();

  const decodeMs: number[] = [], luminanceMs: number[] = [], traceMs: number[] = [];
  let svg = '', pngBytes = 0;
  for (let f = 0; f < frames; f++) {
    const png = thresholdPng(scene.matte(f, buffer).data, width, height, gray);
    pngBytes = png.length;
    const r = await traceOne(png);
    decodeMs.push(r.decodeMs);
    luminanceMs.push(r.luminanceMs);
    traceMs.push(r.traceMs);
    svg = r.svg;
  }
  return {
    width, height, frames,
    decode: summarize(decodeMs),
    luminance: summarize(luminanceMs),
    trace: summarize(traceMs),
    core: summarize(traceMs.map((t, i) => t + luminanceMs[i])),
    total: summarize(traceMs.map((t, i) => t + luminanceMs[i] + decodeMs[i])),
    subpaths: (svg.match(/M /g) ?? []).length,
    pngBytes,
    raw: { decodeMs, luminanceMs, traceMs },
  };
}
