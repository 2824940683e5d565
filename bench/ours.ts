/**
 * Our pipeline's speed: trace → fit → track per frame through RotoBuilder, and the same frames
 * through trace and Tracker separately to split the time between tracing and fitting/tracking.
 * Mattes are rendered into one reused buffer before each timed call; only the pipeline is timed.
 */
import { RotoBuilder } from '../src/core/pipeline.ts';
import { trace } from '../src/core/trace.ts';
import { Tracker } from '../src/core/track.ts';
import type { SyntheticScene } from '../src/synthetic/index.ts';
import { summarize, type Summary } from './stats.ts';

export interface OursResult {
  width: number;
  height: number;
  frames: number;
  /** builder.addMatte per frame (wall ms). */
  addMatte: Summary;
  /** builder.addMatte per frame, process CPU ms (user + system; includes GC helper threads). */
  addMatteCpu: Summary;
  /** addMatte + finish() / frames: the per-frame cost of a whole shot. */
  perFrame: Summary;
  /** finish() for the whole shot (keyframe selection, masks), ms. */
  finishMs: number;
  /** finish(), process CPU ms (as addMatteCpu): below finishMs when the process waited for a core. */
  finishCpuMs: number;
  /**
   * finish() called again on the same builder, ms: the same work with the JIT warm (the timed call is
   * the shot's first, as in a run of one shot; a panel's batch queue runs later shots warm).
   */
  finishAgainMs: number;
  /** trace() alone per frame (wall ms). */
  trace: Summary;
  /** Tracker.addFrame (fit + track) per frame, given the traced regions (wall ms). */
  track: Summary;
  /** What came out, to check the work is real. */
  output: { masks: number; keyframes: number[]; vertices: number[] };
  raw: { addMatteMs: number[]; traceMs: number[]; trackMs: number[] };
}

function cpuMs(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1000;
}

/** Runs `frames` frames of `scene` (frames 0, 1, …) through a fresh builder after `warmup` untimed frames. */
export function measureOurs(scene: SyntheticScene, frames: number, warmup: number): OursResult {
  const { width, height } = scene;
  const source = { path: `synthetic:${scene.name}`, width, height, frameRate: scene.frameRate };
  const buffer = new Float32Array(width * height);

  if (warmup > 0) {
    const warm = new RotoBuilder(source);
    for (let f = 0; f < warmup; f++) warm.addMatte(scene.matte(f, buffer));
    warm.finish();
  }
  globalThis.gc?.();

  // 1. The whole pipeline, as the CLI runs it.
  const builder = new RotoBuilder(source);
  const addMatteMs: number[] = [], addMatteCpuMs: number[] = [];
  for (let f = 0; f < frames; f++) {
    const matte = scene.matte(f, buffer);
    const cpu = process.cpuUsage();
    const t0 = performance.now();
    builder.addMatte(matte);
    addMatteMs.push(performance.now() - t0);
    addMatteCpuMs.push(cpuMs(cpu));
  }
  const finishCpu = process.cpuUsage();
  const t0 = performance.now();
  const doc = builder.finish();
  const finishMs = performance.now() - t0;
  const finishCpuMs = cpuMs(finishCpu);
  const again = performance.now();
  builder.finish();
  const finishAgainMs = performance.now() - again;

  // 2. The same frames, trace and fit + track timed apart.
  globalThis.gc?.();
  const tracker = new Tracker({ width, height, tolerance: builder.tolerance });
  const traceMs: number[] = [], trackMs: number[] = [];
  for (let f = 0; f < frames; f++) {
    const matte = scene.matte(f, buffer);
    const t1 = performance.now();
    const { regions } = trace(matte, { minArea: builder.minArea });
    const t2 = performance.now();
    tracker.addFrame(regions);
    const t3 = performance.now();
    traceMs.push(t2 - t1);
    trackMs.push(t3 - t2);
  }

  return {
    width, height, frames,
    addMatte: summarize(addMatteMs),
    addMatteCpu: summarize(addMatteCpuMs),
    perFrame: summarize(addMatteMs.map((ms) => ms + finishMs / frames)),
    finishMs,
    finishCpuMs,
    finishAgainMs,
    trace: summarize(traceMs),
    track: summarize(trackMs),
    output: {
      masks: doc.masks.length,
      keyframes: doc.masks.map((m) => m.path.length),
      vertices: doc.masks.map((m) => m.path[0]?.vertices.length ?? 0),
    },
    raw: { addMatteMs, traceMs, trackMs },
  };
}
