/**
 * The segment stage's full-resolution work per frame, as the Segmenter does it:
 *   resize  PlaneResampler.resample: the frame area-averaged to the working size (the network's input)
 *   fit     fitColourModel: the guided filter's colour model, at the working size
 *   apply   applyColourModel: the model evaluated on every full-resolution pixel (the refined matte)
 * refine = fit + apply (refineMatte). The frame is frame 0 of the benchmark clip at that size; the
 * probability is a ramp of its brightness (bright = sky), standing in for the network's output,
 * since no step's cost depends on the values.
 */
import { applyColourModel, DEFAULT_GUIDED_FILTER, fitColourModel, GuidedFilterBuffers } from '../src/core/segment/guided-filter.ts';
import { lumaOfPlanes, PlaneResampler, rgbPlanes } from '../src/core/segment/resample.ts';
import { workingSize, type Size } from '../src/core/segment/working-size.ts';
import type { RgbFrame } from '../src/core/types.ts';
import { warpRgb } from '../src/synthetic/camera-move.ts';
import { ms, type Row } from './format.ts';
import { skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';
import { sizeLabel, type FrameSize } from './sky-move.ts';
import { summarize, type Summary } from './stats.ts';

export interface RefineResult {
  width: number;
  height: number;
  working: Size;
  resize: Summary;
  fit: Summary;
  apply: Summary;
  /** fit + apply, wall ms. */
  refine: Summary;
  /** fit + apply, process cpu ms (a check for a busy machine: cpu far below wall means waiting for a core). */
  refineCpu: Summary;
}

function standInProbability(planes: Float32Array, size: Size): Float32Array {
  const p = lumaOfPlanes(planes, size);
  for (let i = 0; i < p.length; i++) p[i] = Math.min(1, Math.max(0, (p[i] - 0.35) * 4));
  return p;
}

export function measureRefine(still: RgbFrame, size: FrameSize, frames: number, warmup: number): RefineResult {
  const frame = warpRgb(still, skyPanMaps(size, 1)[0], size.width, size.height);
  const working = workingSize(size.width, size.height);
  const p = standInProbability(rgbPlanes(frame, working), working);
  // Buffers made once and reused, as a shot's Segmenter does (fresh ones every frame cost their page
  // faults again: about twice the time of each step).
  const resampler = new PlaneResampler(size.width, size.height, working);
  const buffers = new GuidedFilterBuffers(working);
  const out = new Float32Array(size.width * size.height);
  const resize: number[] = [], fit: number[] = [], apply: number[] = [], refine: number[] = [], refineCpu: number[] = [];
  let check = 0;
  for (let i = 0; i < warmup + frames; i++) {
    globalThis.gc?.();
    const t0 = performance.now();
    const planes = resampler.resample(frame);
    const t1 = performance.now(), c1 = process.cpuUsage();
    const model = fitColourModel(planes, p, working, DEFAULT_GUIDED_FILTER, buffers);
    const t2 = performance.now();
    const matte = applyColourModel(model, frame, DEFAULT_GUIDED_FILTER.contrast, out);
    const t3 = performance.now(), c3 = process.cpuUsage(c1);
    check += matte.data[matte.data.length >> 1]; // keeps the work observable
    if (i < warmup) continue;
    resize.push(t1 - t0);
    fit.push(t2 - t1);
    apply.push(t3 - t2);
    refine.push(t3 - t1);
    refineCpu.push((c3.user + c3.system) / 1000);
  }
  if (!Number.isFinite(check)) throw new Error('refinement gave a non-finite matte');
  return {
    ...size, working,
    resize: summarize(resize), fit: summarize(fit), apply: summarize(apply), refine: summarize(refine), refineCpu: summarize(refineCpu),
  };
}

export function refineRows(results: RefineResult[]): Row[] {
  return results.flatMap((r) => [
    [`refine ${sizeLabel(r)} (fit + apply) ms/frame (${r.refine.n} fr)`, `median ${ms(r.refine.median)} (p95 ${ms(r.refine.p95)}), cpu ${ms(r.refineCpu.median)}`, '', ''],
    [`  fit at ${sizeLabel(r.working)} / apply at ${sizeLabel(r)}`, `${ms(r.fit.median)} / ${ms(r.apply.median)}`, '', ''],
    [`resize ${sizeLabel(r)} → ${sizeLabel(r.working)} ms/frame`, `median ${ms(r.resize.median)} (p95 ${ms(r.resize.p95)})`, '', ''],
  ] as Row[]);
}
