/**
 * The segment stage on WebGPU, timed in Node: Dawn (npm `webgpu`, the WebGPU implementation inside
 * Chrome) stands in as `navigator.gpu`, and onnxruntime-web's browser build (the one panels and pages
 * bundle, WebGPU through JSEP) runs the shipped model on it. webgpu.ts bundles this file with esbuild
 * into one .mjs that needs no node_modules, so it also runs on a GPU machine that has only Node.
 *
 * On the 1080p benchmark move (skyPanMaps at 1920×1080) over the sample's still, for WebGPU and then WASM (1
 * thread, the CLI's backend) in the same process:
 *   - the network alone on frame 0 at its working size (planes in, probability read back), median
 *     and p95 of `--runs` runs after 10 warm-ups, and at any larger `--network-sizes`;
 *   - the whole Segmenter (resize, network, stabilise, refine) over `--frames` frames, per stage,
 *     after 8 untimed frames (V8 compiles the CPU stages on the first ones);
 *   - the WebGPU mattes against the WASM ones: IoU of sky at 0.5 and mean |Δ|, per frame.
 * Prints one JSON line (WebgpuRun) on stdout.
 *
 *   node webgpu-child.mjs --model sky.onnx --wasm ort-wasm-simd-threaded.jsep.wasm --still still.rgb
 *     --still-size 480x480 --dawn node_modules/webgpu/index.js [--size 1920x1080] [--frames 48]
 *     [--runs 100] [--network-sizes 768x448,…] [--dawn-flag backend=vulkan …]
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as ort from 'onnxruntime-web';
import { iou, threshold } from '../src/core/metrics.ts';
import { requestStagesDevice, Segmenter, SkyModel, workingSize, type Backend, type Size, type StagesDevice } from '../src/core/segment/index.ts';
import { rgbPlanes } from '../src/core/segment/resample.ts';
import type { RgbFrame } from '../src/core/types.ts';
import { installNodeWebgpu, type WebgpuAdapterInfo } from '../src/node/webgpu.ts';
import { warpRgb } from '../src/synthetic/camera-move.ts';
import { skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';
import { parseSize, type FrameSize } from './sky-move.ts';
import { summarize, type Summary } from './stats.ts';

export interface AdapterInfo extends WebgpuAdapterInfo {
  /** Why there is no adapter; absent when there is one. */
  missing?: string;
}

export interface BackendRun {
  backend: Backend;
  sessionMs: number;
  /** The network alone at the working size, ms per run (planes in, probability back on the CPU). */
  network: Summary;
  /**
   * WebGPU only: the same with the planes and the probability in buffers on the device, the recorded
   * commands replayed (SkyModel.runOnDevice), until the GPU has done the run (absent before 2026-11-27).
   */
  networkOnDevice?: Summary;
  /** WebGPU only: the same at the `--network-sizes` asked for (what a larger working size would cost). */
  networkAt: { size: Size; ms: Summary }[];
  /** The Segmenter over the frames, after a warm-up shot of WARM_UP_FRAMES: wall ms per frame (what the caller does with a matte left out), and each stage's total ms. */
  segmentFrame: Summary;
  stages: { resize: number; network: number; stabilise: number; refine: number };
  /** Where resize, stabilisation and refinement ran (WebGPU: as shaders on their own device). */
  stagesOn: StagesDevice;
  /** Whether they ran on the network's own device (absent in results from before 2026-11-27). */
  stagesOnNetworkDevice?: boolean;
  /** Whether the network's probabilities stayed on that device for them (absent before 2026-11-27). */
  probabilityOnDevice?: boolean;
  /** WebGPU only: the same shot with those stages in TypeScript, as before they had shaders. */
  cpuStages?: { segmentFrame: Summary; stages: BackendRun['stages'] };
}

export interface WebgpuRun {
  size: FrameSize;
  workingSize: Size;
  frames: number;
  adapter: AdapterInfo;
  runs: BackendRun[];
  /** WebGPU against WASM, per frame (absent without an adapter). */
  agreement?: { iou: Summary; meanAbsDiff: Summary };
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

function required(name: string): string {
  const value = flag(name);
  if (!value) throw new Error(`webgpu-child needs ${name}`);
  return value;
}

/** Installs Dawn as navigator.gpu; says why when there is no adapter. */
async function installDawn(path: string, flags: string[]): Promise<AdapterInfo> {
  try {
    return await installNodeWebgpu({ module: pathToFileURL(path).href, flags });
  } catch (error) {
    return { missing: (error as Error).message };
  }
}

/** ms per call of `once`, after 10 untimed calls. */
async function timeRuns(once: () => Promise<unknown>, runs: number): Promise<Summary> {
  for (let i = 0; i < 10; i++) await once();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    await once();
    times.push(performance.now() - t);
  }
  return summarize(times);
}

/** ms per run of the network on `frame` area-resized to `size`, after 10 warm-up runs. */
function timeNetwork(model: SkyModel, frame: RgbFrame, size: Size, runs: number): Promise<Summary> {
  const planes = rgbPlanes(frame, size);
  const out = new Float32Array(size.width * size.height);
  return timeRuns(() => model.run(planes, size, out), runs);
}

/** As timeNetwork, with the planes in a buffer on the network's device and the probability left there, until the GPU has done the run. */
async function timeNetworkOnDevice(model: SkyModel, device: GPUDevice, frame: RgbFrame, size: Size, runs: number): Promise<Summary> {
  const planes = rgbPlanes(frame, size);
  const buffer = device.createBuffer({ size: planes.byteLength, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
  device.queue.writeBuffer(buffer, 0, planes as Float32Array<ArrayBuffer>);
  try {
    return await timeRuns(async () => {
      await model.runOnDevice(buffer, size);
      await device.queue.onSubmittedWorkDone();
    }, runs);
  } finally {
    buffer.destroy();
  }
}

async function timeBackend(backend: Backend, modelBytes: Uint8Array, frames: RgbFrame[], runs: number, networkSizes: Size[], keep: (i: number, matte: Float32Array) => void): Promise<BackendRun> {
  const t0 = performance.now();
  const model = await SkyModel.load(modelBytes, { backend, threads: 1 });
  const sessionMs = performance.now() - t0;
  if (model.backend !== backend) throw new Error(`asked for ${backend}, got ${model.backend}`);
  try {
    const size = workingSize(frames[0].width, frames[0].height);
    const network = await timeNetwork(model, frames[0], size, runs);
    const networkOnDevice = model.device && await timeNetworkOnDevice(model, model.device, frames[0], size, runs);
    const networkAt = [];
    for (const s of networkSizes) networkAt.push({ size: s, ms: await timeNetwork(model, frames[0], s, Math.max(5, runs >> 2)) });
    const gpu = backend === 'webgpu' ? await requestStagesDevice() : undefined;
    const shot = await segmentShot(model, frames, gpu, keep);
    const cpuStages = gpu ? await segmentShot(model, frames, undefined, () => {}, true) : undefined;
    gpu?.destroy();
    return { backend, sessionMs, network, networkOnDevice, networkAt, ...shot, cpuStages: cpuStages && { segmentFrame: cpuStages.segmentFrame, stages: cpuStages.stages } };
  } finally {
    await model.dispose();
  }
}

/** The Segmenter over `frames` after an untimed warm-up shot (V8 compiles the CPU stages on the first frames). */
async function segmentShot(model: SkyModel, frames: RgbFrame[], gpu: GPUDevice | undefined, keep: (i: number, matte: Float32Array) => void, cpuStages = false) {
  for await (const matte of new Segmenter(model, { gpu, cpuStages }).segment(frames.slice(0, WARM_UP_FRAMES))) void matte;
  const segmenter = new Segmenter(model, { gpu, cpuStages });
  const perFrame: number[] = [];
  let i = 0, t = performance.now();
  for await (const matte of segmenter.segment(frames)) {
    perFrame.push(performance.now() - t);
    keep(i++, matte.data);
    t = performance.now();
  }
  return { segmentFrame: summarize(perFrame), stages: { ...segmenter.timings }, stagesOn: segmenter.stagesRanOn ?? 'cpu', stagesOnNetworkDevice: segmenter.stagesOnNetworkDevice, probabilityOnDevice: segmenter.probabilityOnDevice };
}

/** Frames segmented untimed before the timed shot, per backend. */
const WARM_UP_FRAMES = 8;

function meanAbsDiff(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i] - b[i]);
  return sum / a.length;
}

const size = parseSize(flag('--size') ?? '1920x1080');
const frameCount = Number(flag('--frames') ?? 48);
const runs = Number(flag('--runs') ?? 100);
const networkSizes = (flag('--network-sizes') ?? '').split(',').filter(Boolean).map(parseSize);
const stillSize = parseSize(required('--still-size'));
const still: RgbFrame = { ...stillSize, data: new Uint8Array(readFileSync(required('--still'))) };
const modelBytes = new Uint8Array(readFileSync(required('--model')));
// The browser build finds its .wasm by URL; Node cannot fetch a file URL, so it gets the bytes.
ort.env.wasm.wasmBinary = readFileSync(required('--wasm'));
const dawnFlags = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--dawn-flag' ? [a] : []));
const adapter = await installDawn(required('--dawn'), dawnFlags);
const frames = skyPanMaps(size, frameCount).map((map) => warpRgb(still, map, size.width, size.height));

const gpuMattes: Float32Array[] = [];
const agreementIou: number[] = [];
const agreementDiff: number[] = [];
const results: BackendRun[] = [];
if (!adapter.missing) results.push(await timeBackend('webgpu', modelBytes, frames, runs, networkSizes, (i, m) => { gpuMattes[i] = m; }));
results.push(await timeBackend('wasm', modelBytes, frames, Math.min(runs, 30), [], (i, m) => {
  if (!gpuMattes[i]) return;
  agreementIou.push(iou(threshold({ ...size, data: gpuMattes[i] }), threshold({ ...size, data: m })));
  agreementDiff.push(meanAbsDiff(gpuMattes[i], m));
}));
const run: WebgpuRun = {
  size, workingSize: workingSize(size.width, size.height), frames: frameCount, adapter, runs: results,
  agreement: agreementIou.length ? { iou: summarize(agreementIou), meanAbsDiff: summarize(agreementDiff) } : undefined,
};
process.stdout.write(`${JSON.stringify(run)}\n`);
// Dawn's device keeps the event loop alive.
process.exit(0);
