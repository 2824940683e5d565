/**
 * The sky parts of the benchmark (run.ts runs them after the roto core's):
 *   1. the model at its working size, onnxruntime-web WASM vs onnxruntime-node (model-speed.ts)
 *   2. full-resolution refinement and the resize at 1080p and 4K (refine.ts)
 *   3. `autoroto sky` end to end on a 10 s 1080p clip, per stage (sky-e2e.ts)
 *   4. peak RSS of `autoroto sky` over 240 vs 2400 frames (sky-memory.ts)
 * Each part can be left out; the clip's still is read once, only if a part needs it.
 */
import type { RgbFrame } from '../src/core/types.ts';
import type { Row } from './format.ts';
import { measureModelSpeed, modelRows, type ModelSpeedResult } from './model-speed.ts';
import { measureRefine, refineRows, type RefineResult } from './refine.ts';
import { e2eRows, measureE2e, type E2eResult } from './sky-e2e.ts';
import { loadStill } from './sky-clip.ts';
import { sizeLabel, type FrameSize } from './sky-move.ts';
import { measureSkyMemory, skyMemoryRows, type SkyMemoryResult } from './sky-memory.ts';

export interface SkyBenchConfig {
  model: boolean;
  refine: boolean;
  e2e: boolean;
  memory: boolean;
  modelFrames: number;
  modelWarmup: number;
  modelThreads: number[];
  /** Timed frames per refinement size (after `refineWarmup`). */
  refineSizes: { size: FrameSize; frames: number }[];
  refineWarmup: number;
  e2eSize: FrameSize;
  e2eFrames: number;
  e2ePreviews: boolean[];
  memorySize: FrameSize;
  memoryFrames: { short: number; long: number };
  /** Seconds any one child process may run. */
  timeoutSeconds: number;
}

export interface SkyBenchResult {
  model?: ModelSpeedResult;
  refine?: RefineResult[];
  e2e?: E2eResult;
  memory?: SkyMemoryResult;
  /** Parts that failed (a child stopped by --memory-timeout, a missing still): the others still report. */
  failed: Record<string, string>;
}

export async function measureSkyParts(config: SkyBenchConfig, log: (line: string) => void): Promise<SkyBenchResult> {
  const result: SkyBenchResult = { failed: {} };
  const { timeoutSeconds } = config;
  const attempt = async (part: string, run: () => Promise<void>): Promise<void> => {
    try {
      await run();
    } catch (error) {
      result.failed[part] = error instanceof Error ? error.message : String(error);
      log(`  ${part} failed: ${result.failed[part]}`);
    }
  };
  let still: RgbFrame | undefined;
  const theStill = async () => (still ??= await loadStill());
  if (config.model) {
    await attempt('model', async () => {
      result.model = await measureModelSpeed({ frames: config.modelFrames, warmup: config.modelWarmup, threads: config.modelThreads, timeoutSeconds, log });
    });
  }
  if (config.refine) {
    await attempt('refine', async () => {
      const refine: RefineResult[] = [];
      for (const { size, frames } of config.refineSizes) {
        log(`refine ${sizeLabel(size)}: ${frames} frames…`);
        refine.push(measureRefine(await theStill(), size, frames, config.refineWarmup));
      }
      result.refine = refine;
    });
  }
  if (config.e2e) {
    await attempt('end to end', async () => {
      result.e2e = await measureE2e(await theStill(), { size: config.e2eSize, frames: config.e2eFrames, previews: config.e2ePreviews, timeoutSeconds, log });
    });
  }
  if (config.memory) {
    await attempt('sky memory', async () => {
      result.memory = await measureSkyMemory(await theStill(), { size: config.memorySize, ...config.memoryFrames, timeoutSeconds, log });
    });
  }
  return result;
}

export function skyRows(result: SkyBenchResult, flatShare: number): Row[] {
  return [
    ...(result.model ? modelRows(result.model) : []),
    ...(result.refine ? refineRows(result.refine) : []),
    ...(result.e2e ? e2eRows(result.e2e) : []),
    ...(result.memory ? skyMemoryRows(result.memory, flatShare) : []),
    ...Object.entries(result.failed).map(([part, why]): Row => [`${part}: FAILED`, why.slice(0, 120), '', '']),
  ];
}

/** Every child's hash of src/ and of the model file (run.ts warns when they differ). */
export function skyFingerprints(result: SkyBenchResult): { sources: string[]; models: string[] } {
  const children = [...(result.model?.runs ?? []), ...(result.e2e?.runs ?? []), ...(result.memory ? [result.memory.short, result.memory.long] : [])];
  return { sources: children.map((c) => c.source), models: children.map((c) => c.model) };
}
