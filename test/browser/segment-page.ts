/**
 * Browser entry for test/webgpu.test.ts: the segment stage (src/core/segment, as hosts bundle it)
 * in a page. The test bundles this file with esbuild and serves it with the model, one RGB frame and
 * onnxruntime-web's .wasm from localhost; the page segments a shot of that frame, `frames` times over,
 * with the model and backend it is asked for and hands the mattes back as base64 of their Float32Array bytes.
 */
import { GpuStages } from '../../src/core/segment/gpu-stages.ts';
import { requestStagesDevice, Segmenter, SkyModel, stagesDeviceOnDemand, type Backend, type StagesDevice } from '../../src/core/segment/index.ts';
import type { RgbFrame } from '../../src/core/types.ts';
import { base64, fetchBytes, pageAdapter } from './page-io.ts';

export interface PageAdapter {
  /** Why there is no adapter, or undefined when there is one. */
  missing?: string;
  vendor?: string;
  architecture?: string;
}

export interface PageMatte {
  backend: Backend;
  width: number;
  height: number;
  /** Each frame's matte: its Float32Array, little-endian bytes in base64. */
  data: string[];
  /** Where resize, stabilisation and refinement ran, and whether that was the network's own device. */
  stages?: StagesDevice;
  onNetworkDevice: boolean;
  /** Whether the network's probabilities stayed on that device for them (SkyNetwork.runOnDevice). */
  probabilityOnDevice: boolean;
  /** Whether those runs replayed captured GPU commands (SkyModel.graphCaptured). */
  graphCaptured?: boolean;
  /** The GPU stages' resize and refine calls, with the frame each was for, and the network's runs, in order ("resize 0", "network on device", "refine 0", …). */
  gpuCalls: string[];
  /** How many times the Segmenter asked for the stages' device of their own (the panel's stagesDeviceOnDemand). */
  stagesDeviceAsked: number;
  /** Model load and segmentation, ms. */
  loadMs: number;
  segmentMs: number;
}

async function adapter(): Promise<PageAdapter> {
  const { adapter: a, missing } = await pageAdapter();
  return a ? { vendor: a.info?.vendor, architecture: a.info?.architecture } : { missing };
}

/** Records GpuStages' resize and refine calls (frames numbered as they were first resized) and the network's runs in `calls`. */
function recordGpuStages(calls: string[]): void {
  const numbers = new Map<RgbFrame, number>();
  const { resize, refine } = GpuStages.prototype;
  GpuStages.prototype.resize = function (frame) {
    if (!numbers.has(frame)) numbers.set(frame, numbers.size);
    calls.push(`resize ${numbers.get(frame)}`);
    return resize.call(this, frame);
  };
  GpuStages.prototype.refine = function (frame, out) {
    calls.push(`refine ${numbers.get(frame)}`);
    return refine.call(this, frame, out);
  };
  const { run, runOnDevice } = SkyModel.prototype;
  SkyModel.prototype.run = function (planes, size, out) {
    calls.push('network');
    return run.call(this, planes, size, out);
  };
  SkyModel.prototype.runOnDevice = function (planes, size) {
    calls.push('network on device');
    return runOnDevice.call(this, planes, size);
  };
}
const gpuCalls: string[] = [];
recordGpuStages(gpuCalls);

/**
 * Segments a shot of /frame.rgb (`width` × `height`, interleaved RGB), `frames` long, with the model at
 * `modelPath` on `backend`. With `hideNetworkDevice`, the Segmenter is not told the network's device
 * (as where onnxruntime-web does not say which it uses), so the stages need one of their own.
 */
async function segment(backend: Backend, width: number, height: number, frames: number, modelPath = '/sky.onnx',
  hideNetworkDevice = false): Promise<PageMatte> {
  const [modelBytes, rgb] = await Promise.all([fetchBytes(modelPath), fetchBytes('/frame.rgb')]);
  const frame: RgbFrame = { width, height, data: rgb };
  const t0 = performance.now();
  const model = await SkyModel.load(modelBytes, { backend, threads: 1, source: modelPath });
  const t1 = performance.now();
  const onDemand = stagesDeviceOnDemand();
  let stagesDeviceAsked = 0;
  try {
    if (model.backend !== backend) throw new Error(`asked for ${backend}, got ${model.backend}`);
    if (hideNetworkDevice) (model as { device?: GPUDevice }).device = undefined;
    // As the panel does: with the network on WebGPU, the stages around it run there too, on a device
    // of their own only where the network's cannot take them.
    const gpu = backend === 'webgpu' ? () => (stagesDeviceAsked++, onDemand()) : undefined;
    const segmenter = new Segmenter(model, { gpu });
    const data: string[] = [];
    gpuCalls.length = 0;
    // A frame object of its own per frame, as a decoder gives them (the stages know frames by object).
    for await (const matte of segmenter.segment(Array.from({ length: frames }, () => ({ ...frame })))) {
      data.push(base64(new Uint8Array(matte.data.buffer, matte.data.byteOffset, matte.data.byteLength)));
    }
    return {
      backend: model.backend, stages: segmenter.stagesRanOn, onNetworkDevice: segmenter.stagesOnNetworkDevice, probabilityOnDevice: segmenter.probabilityOnDevice, graphCaptured: model.graphCaptured, gpuCalls: [...gpuCalls], width, height, data,
      stagesDeviceAsked, loadMs: t1 - t0, segmentMs: performance.now() - t1,
    };
  } finally {
    await onDemand.destroy();
    await model.dispose();
  }
}

/** What segmenting a shot of /frame.rgb on WebGPU gave when the network's device was lost (destroyed) before its first frame. */
export interface PageLoss {
  mattes: number;
  error?: { name: string; message: string; cause?: string };
}

async function segmentOnLostDevice(width: number, height: number, frames: number): Promise<PageLoss> {
  const [modelBytes, rgb] = await Promise.all([fetchBytes('/sky.onnx'), fetchBytes('/frame.rgb')]);
  const model = await SkyModel.load(modelBytes, { backend: 'webgpu', threads: 1, source: '/sky.onnx' });
  const gpu = await requestStagesDevice();
  // onnxruntime-web's device, which the network and the stages run on: no WebGPU work in this page after it.
  model.device!.destroy();
  let mattes = 0;
  try {
    for await (const _ of new Segmenter(model, { gpu }).segment(Array.from({ length: frames }, () => ({ width, height, data: rgb })))) mattes++;
    return { mattes };
  } catch (error) {
    const e = error as Error;
    return { mattes, error: { name: e.name, message: e.message, cause: e.cause instanceof Error ? e.cause.message : undefined } };
  } finally {
    gpu?.destroy();
  }
}

(globalThis as { autoroto?: unknown }).autoroto = { adapter, segment, segmentOnLostDevice };
