/**
 * One Auto-roto run on one target, in two steps so the panel can show a preview between them:
 * `analyseTarget` (frames → segmenter → RotoBuilder → roto document; writes nothing) and
 * `writeAnalysis` (the host's one-undo-group write). Progress is per stage with an ETA. A cancel
 * (the signal) stops the analysis where it is; nothing has been written then. analyseOnBackend runs a
 * shot again on the CPU where its GPU was lost.
 */
import type { Matte } from '../core/types.ts';
import type { RotoDocument } from '../core/document.ts';
import { RotoBuilder, modelMatteDefaults } from '../core/pipeline.ts';
import { GpuLostError } from '../core/segment/gpu-lost.ts';
import type { BackendChoice } from '../core/segment/session.ts';
import { throwIfCancelled } from './errors.ts';
import type { FrameRange, Host, HostTarget, RangeChoice, Segmenter, WriteReport } from './types.ts';

export type Stage = 'frames' | 'track' | 'write';

export interface StageProgress {
  stage: Stage;
  done: number;
  total: number;
  /** Seconds left in this stage at the pace so far; null until there is a pace. */
  etaSeconds: number | null;
}

export interface RotoOptions {
  range: RangeChoice;
  /** Largest distance in px between mask and matte outline (default: modelMatteDefaults, by frame size). */
  tolerance?: number;
  /** Mask feather in px, both directions (default: from the matte's edge softness). */
  feather?: number;
  /** Regions and holes smaller than this many px² are left out (default: modelMatteDefaults). */
  minArea?: number;
  /** Source frame to keep the matte of, for the preview (default: the middle of the range). */
  previewFrame?: number;
}

export interface Analysis {
  target: HostTarget;
  doc: RotoDocument;
  range: FrameRange;
  preview: { frame: number; matte: Matte; rgb: Uint8Array };
  seconds: number;
}

export interface RotoSummary {
  masks: number;
  vertices: number;
  keyframes: number;
  seconds: number;
}

export interface RunContext {
  signal?: AbortSignal;
  onProgress?: (progress: StageProgress) => void;
  /** Milliseconds, for ETAs and times (performance.now in the panel). */
  now?: () => number;
}

/** Seconds left for `total` steps when `done` took `elapsedMs`. */
export function etaSeconds(elapsedMs: number, done: number, total: number): number | null {
  return done > 0 ? (elapsedMs / done) * (total - done) / 1000 : null;
}

/** The editor's feather, where the options set one, instead of the one from the matte's edge softness. */
function withFeather(doc: RotoDocument, feather?: number): RotoDocument {
  return feather === undefined ? doc : { ...doc, masks: doc.masks.map((m) => ({ ...m, feather: [feather, feather] })) };
}

export async function analyseTarget(host: Host, segmenter: Segmenter, target: HostTarget, options: RotoOptions, context: RunContext = {}): Promise<Analysis> {
  const { signal, onProgress } = context;
  const now = context.now ?? (() => Date.now());
  const started = now();
  const source = await host.openFrames(target, options.range);
  const { range } = source;
  const total = range.last - range.first + 1;
  const previewFrame = Math.min(range.last, Math.max(range.first, options.previewFrame ?? Math.round((range.first + range.last) / 2)));
  const defaults = modelMatteDefaults(source.width, source.height);
  const builder = new RotoBuilder({ path: source.path, width: source.width, height: source.height, frameRate: source.frameRate }, {
    ...(options.tolerance === undefined ? { tolerance: defaults.tolerance, softnessTolerance: defaults.softnessTolerance } : { tolerance: options.tolerance }),
    minArea: options.minArea ?? defaults.minArea, firstFrame: range.first, shotFrameCount: source.frameCount,
  });
  let preview: Analysis['preview'] | null = null;
  // The frames are decoded once: the preview frame's pixels are kept as they go by.
  let previewRgb: Uint8Array | null = null;
  async function* frames() {
    let f = range.first;
    for await (const frame of source.frames(range)) {
      if (f++ === previewFrame) previewRgb = frame.data.slice();
      yield frame;
    }
  }
  let done = 0;
  for await (const matte of segmenter.segment(frames(), { signal })) {
    throwIfCancelled(signal);
    builder.addMatte(matte);
    if (range.first + done === previewFrame) preview = { frame: previewFrame, matte, rgb: previewRgb! };
    done++;
    onProgress?.({ stage: 'frames', done, total, etaSeconds: etaSeconds(now() - started, done, total) });
  }
  throwIfCancelled(signal);
  onProgress?.({ stage: 'track', done: 0, total: 1, etaSeconds: null });
  const doc = withFeather(builder.finish(), options.feather);
  throwIfCancelled(signal);
  onProgress?.({ stage: 'track', done: 1, total: 1, etaSeconds: 0 });
  return { target, doc, range, preview: preview!, seconds: (now() - started) / 1000 };
}

/** Makes a fresh segmenter for one shot on a backend ('auto': WebGPU where there is one, else WASM). */
export type CreateSegmenter = (backend: BackendChoice) => Promise<Segmenter>;

/**
 * analyseTarget with a segmenter for `backend`. On 'auto', a shot whose GPU was lost part way
 * (GpuLostError: a driver reset, the GPU out of memory) is analysed again from its first frame on the
 * CPU (WASM), and `onFallback` says so: a batch left to run goes on. Nothing was written either way.
 * Where WebGPU was asked for by name, the error stands.
 */
export async function analyseOnBackend(host: Host, createSegmenter: CreateSegmenter, backend: BackendChoice, target: HostTarget,
  options: RotoOptions, context: RunContext & { onFallback?: (message: string) => void } = {}): Promise<Analysis> {
  try {
    return await analyseTarget(host, await createSegmenter(backend), target, options, context);
  } catch (error) {
    if (!(error instanceof GpuLostError) || backend !== 'auto' || context.signal?.aborted) throw error;
    context.onFallback?.(`The GPU stopped during ${target.container} / ${target.name} (${error.reason}): it was analysed again on the CPU (WASM), which runs the shots after it too.`);
    return analyseTarget(host, await createSegmenter('wasm'), target, options, context);
  }
}

export function summarize(doc: RotoDocument, seconds: number): RotoSummary {
  return {
    masks: doc.masks.length,
    vertices: doc.masks.reduce((n, m) => n + m.path[0].vertices.length, 0),
    keyframes: doc.masks.reduce((n, m) => n + m.path.length, 0),
    seconds,
  };
}

/** Writes an analysis; a cancel that came in first means nothing is written. */
export async function writeAnalysis(host: Host, analysis: Analysis, context: RunContext = {}): Promise<{ report: WriteReport; summary: RotoSummary }> {
  const now = context.now ?? (() => Date.now());
  const started = now();
  throwIfCancelled(context.signal);
  context.onProgress?.({ stage: 'write', done: 0, total: 1, etaSeconds: null });
  const report = await host.write(analysis.target, analysis.doc, analysis.range);
  context.onProgress?.({ stage: 'write', done: 1, total: 1, etaSeconds: 0 });
  return { report, summary: summarize(analysis.doc, analysis.seconds + (now() - started) / 1000) };
}
