/**
 * The sky model's speed in one runtime at one thread count, in a process of its own (run by
 * model-speed.ts): onnxruntime-web reads its thread count once per process, and each runtime's
 * thread pool should have the cores to itself.
 *
 *   --runtime web    onnxruntime-web, WASM, through SkyModel (what the CLI and the panels run)
 *   --runtime node   onnxruntime-node (native; a dev dependency) on the same file
 *   --threads N      WASM threads (ort.env.wasm.numThreads) / intraOpNumThreads
 *
 * Input: frame 0 of the 1080p benchmark clip, area-resized to its working size (as the Segmenter
 * does). `--warmup` untimed runs first (the first run compiles and allocates), then `--frames` timed.
 */
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import * as node from 'onnxruntime-node';
import * as web from 'onnxruntime-web';
import { rgbPlanes } from '../src/core/segment/resample.ts';
import { workingSize, type Size } from '../src/core/segment/working-size.ts';
import { DEFAULT_MODEL_PATH, loadSkyModel } from '../src/node/model.ts';
import { warpRgb } from '../src/synthetic/camera-move.ts';
import { fileFingerprint, sourceFingerprint } from './fingerprint.ts';
import { loadStill } from './sky-clip.ts';
import { skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';
import { summarize, type Summary } from './stats.ts';

export type Runtime = 'web' | 'node';

export interface ModelRun {
  runtime: Runtime;
  /** Threads asked for. */
  threads: number;
  /** What the runtime settled on (onnxruntime-web falls back to 1 where threads are unsupported). */
  threadsUsed: number;
  /** OS threads of the process once the session exists (web with N threads starts N − 1 workers). */
  osThreads: number;
  size: Size;
  sessionMs: number;
  warmup: number;
  /** Wall ms per run. */
  perFrame: Summary;
  /** Process cpu ms (user + system, all threads) per run: above wall when threads overlap. */
  cpu: Summary;
  /** Mean sky probability of the output: the runtimes must agree. */
  outputMean: number;
  model: string;
  source: string;
}

/** Runs one inference on `planes`; resolves to the sky probability. */
type Infer = () => Promise<Float32Array>;

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

/** OS threads of this process (Linux), NaN elsewhere. */
function osThreads(): number {
  try {
    return Number(/^Threads:\s+(\d+)/m.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? NaN);
  } catch {
    return NaN;
  }
}

async function session(runtime: Runtime, threads: number, planes: Float32Array, size: Size): Promise<{ infer: Infer; threadsUsed: number }> {
  if (runtime === 'web') {
    const model = await loadSkyModel(DEFAULT_MODEL_PATH, { backend: 'wasm', threads });
    return { infer: () => model.run(planes, size), threadsUsed: web.env.wasm.numThreads ?? 1 };
  }
  const s = await node.InferenceSession.create(await readFile(DEFAULT_MODEL_PATH), { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all' });
  const infer = async () => {
    const output = await s.run({ rgb: new node.Tensor('float32', planes, [1, 3, size.height, size.width]) });
    return output.sky.data as Float32Array;
  };
  return { infer, threadsUsed: threads };
}

const runtime = flag('--runtime') as Runtime;
if (runtime !== 'web' && runtime !== 'node') throw new Error('--runtime web|node');
const threads = Number(flag('--threads') ?? 1);
const frames = Number(flag('--frames') ?? 20);
const warmup = Number(flag('--warmup') ?? 3);

const frame = warpRgb(await loadStill(), skyPanMaps({ width: 1920, height: 1080 }, 1)[0], 1920, 1080);
const size = workingSize(frame.width, frame.height);
const planes = rgbPlanes(frame, size);

const t0 = performance.now();
const { infer, threadsUsed } = await session(runtime, threads, planes, size);
const sessionMs = performance.now() - t0;
let output: Float32Array = new Float32Array(0);
for (let i = 0; i < warmup; i++) output = await infer();
const wall: number[] = [], cpu: number[] = [];
for (let i = 0; i < frames; i++) {
  const c = process.cpuUsage(), t = performance.now();
  output = await infer();
  wall.push(performance.now() - t);
  const d = process.cpuUsage(c);
  cpu.push((d.user + d.system) / 1000);
}
const result: ModelRun = {
  runtime, threads, threadsUsed, osThreads: osThreads(), size, sessionMs, warmup,
  perFrame: summarize(wall),
  cpu: summarize(cpu),
  outputMean: output.reduce((s, v) => s + v, 0) / output.length,
  model: fileFingerprint(DEFAULT_MODEL_PATH),
  source: sourceFingerprint(),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
// onnxruntime-web's thread workers would keep the process alive.
process.exit(0);
