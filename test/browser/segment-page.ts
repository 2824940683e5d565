/**
 * Browser entry for test/webgpu.test.ts: the segment stage (src/core/segment, as hosts bundle it)
 * in a page. The test bundles this file with esbuild and serves it with the model, one RGB frame and
 * onnxruntime-web's .wasm from localhost; the page segments the frame with the backend it is asked for
 * and hands the matte back as base64 of its Float32Array bytes.
 */
import { requestStagesDevice, Segmenter, SkyModel, type Backend, type StagesDevice } from '../../src/core/segment/index.ts';
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
  /** The matte's Float32Array, little-endian bytes in base64. */
  data: string;
  /** Where resize, stabilisation and refinement ran. */
  stages?: StagesDevice;
  /** Model load and segmentation, ms. */
  loadMs: number;
  segmentMs: number;
}

async function adapter(): Promise<PageAdapter> {
  const { adapter: a, missing } = await pageAdapter();
  return a ? { vendor: a.info?.vendor, architecture: a.info?.architecture } : { missing };
}

/** Segments /frame.rgb (`width` × `height`, interleaved RGB) with /sky.onnx on `backend`. */
async function segment(backend: Backend, width: number, height: number): Promise<PageMatte> {
  const [modelBytes, rgb] = await Promise.all([fetchBytes('/sky.onnx'), fetchBytes('/frame.rgb')]);
  const frame: RgbFrame = { width, height, data: rgb };
  const t0 = performance.now();
  const model = await SkyModel.load(modelBytes, { backend, threads: 1, source: '/sky.onnx' });
  const t1 = performance.now();
  let gpu: GPUDevice | undefined;
  try {
    if (model.backend !== backend) throw new Error(`asked for ${backend}, got ${model.backend}`);
    // As the panel does: with the network on WebGPU, the stages around it run there too.
    gpu = backend === 'webgpu' ? await requestStagesDevice() : undefined;
    const segmenter = new Segmenter(model, { gpu });
    for await (const matte of segmenter.segment([frame])) {
      const t2 = performance.now();
      const bytes = new Uint8Array(matte.data.buffer, matte.data.byteOffset, matte.data.byteLength);
      return {
        backend: model.backend, stages: segmenter.stagesRanOn, width: matte.width, height: matte.height, data: base64(bytes), loadMs: t1 - t0, segmentMs: t2 - t1,
      };
    }
    throw new Error('the segmenter returned no matte');
  } finally {
    gpu?.destroy();
    await model.dispose();
  }
}

(globalThis as { autoroto?: unknown }).autoroto = { adapter, segment };
