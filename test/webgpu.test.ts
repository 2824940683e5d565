/**
 * The segment stage on WebGPU agrees with WASM (issue 4: "WASM in Node and WebGPU produce mattes with
 * IoU ≥ 0.999 against each other").
 *
 * test/browser/segment-page.ts (src/core/segment as a host would bundle it) is bundled with esbuild and
 * served from 127.0.0.1 (a secure context, which WebGPU needs) with models/sky.onnx, one small real
 * frame and onnxruntime-web's .wasm. Headless Chromium gets a WebGPU adapter from SwiftShader (a CPU
 * fallback: correct but slow) and segments a shot of the frame with backend 'webgpu', then 'wasm'; each
 * frame's matte is compared with the same shot segmented in Node with backend 'wasm'. The shot is the
 * frame twice, so that the second goes the way every frame after a shot's first does: on WebGPU its
 * planes are made on the network's own device and handed to the network there, its network run starts
 * while the first frame is refined, and it is stabilised with the camera motion measured from the first.
 * A small frame keeps the full-resolution steps cheap, but the network runs at its working size (about
 * 480×270 px) whatever the frame's size: the first run takes SwiftShader about 30 s on two busy cores.
 *
 * The frame is a held-out CamVid street (training/split.csv, split = val) shrunk to 160×120. The model
 * file is read once and the same bytes go to Node and the page, so a retrained model changes nothing
 * here but the numbers printed: the test holds the backends to each other, not to the model's accuracy.
 *
 * No WebGPU adapter (another Chromium build or driver) skips the WebGPU comparison with the reason;
 * no Chromium skips everything on a developer machine and fails under CI=true (helpers/chromium.ts).
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { iou, threshold } from '../src/core/metrics.ts';
import { Segmenter, SkyModel } from '../src/core/segment/index.ts';
import { rgbPlanes } from '../src/core/segment/resample.ts';
import type { Matte, RgbFrame } from '../src/core/types.ts';
import { validationImages } from '../src/eval/validation.ts';
import { openFootage } from '../src/node/footage.ts';
import { DEFAULT_MODEL_PATH } from '../src/node/model.ts';
import type { PageAdapter, PageLoss, PageMatte } from './browser/segment-page.ts';
import { chromiumSkip } from './helpers/chromium.ts';
import { onnxModel, type OnnxNode } from './helpers/onnx-model.ts';
import { openWebgpuPage, WEBGPU_FLAGS, type WebgpuPage } from './helpers/webgpu-page.ts';

const ENTRY = fileURLToPath(new URL('./browser/segment-page.ts', import.meta.url));
/** A held-out CamVid frame (480×360, street with buildings, trees and poles against the sky). */
const FRAME = { set: 'camvid', name: '0001TP_008550', width: 160, height: 120 };
/** Frames in the shot (the same picture each time). */
const FRAMES = 2;

/** The validation image, shrunk by area averaging to `width` × `height` 8-bit RGB. */
async function smallFrame(): Promise<RgbFrame> {
  const item = (await validationImages()).find((i) => i.set === FRAME.set && i.name === FRAME.name);
  assert.ok(item, `${FRAME.set}/${FRAME.name} is not in training/split.csv's validation split`);
  let full: RgbFrame | undefined;
  for await (const f of (await openFootage(item.image)).frames()) full = f;
  const size = { width: FRAME.width, height: FRAME.height };
  const planes = rgbPlanes(full!, size);
  const n = size.width * size.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.round(planes[c * n + i] * 255);
  return { ...size, data };
}

/**
 * A stand-in sky model that onnxruntime-web cannot graph-capture: brightness through a 1×1 convolution
 * and a logistic, with a Shrink between them (λ 0: the identity), an operator onnxruntime-web 1.30's
 * WebGPU provider leaves to the CPU. A model of someone else's (`--model`) may have such a layer.
 */
function uncapturableModel(): Uint8Array {
  const conv: OnnxNode = {
    op: 'Conv', inputs: ['rgb', 'weight', 'bias'], outputs: ['brightness'],
    attributes: [{ name: 'kernel_shape', ints: [1, 1] }, { name: 'dilations', ints: [1, 1] }, { name: 'strides', ints: [1, 1] }, { name: 'pads', ints: [0, 0, 0, 0] }],
  };
  return onnxModel(
    [conv, { op: 'Shrink', inputs: ['brightness'], outputs: ['shrunk'], attributes: [{ name: 'lambd', float: 0 }] }, { op: 'Sigmoid', inputs: ['shrunk'], outputs: ['sky'] }],
    [{ name: 'weight', dims: [1, 3, 1, 1], values: [4, 4, 4] }, { name: 'bias', dims: [1], values: [-7] }],
    ['rgb', [1, 3, 'height', 'width']], ['sky', [1, 1, 'height', 'width']]);
}

async function segmentInNode(modelBytes: Uint8Array, frame: RgbFrame): Promise<Matte[]> {
  const model = await SkyModel.load(modelBytes, { backend: 'wasm', threads: 1, source: DEFAULT_MODEL_PATH });
  try {
    const mattes: Matte[] = [];
    for await (const matte of new Segmenter(model).segment(Array.from({ length: FRAMES }, () => ({ ...frame })))) mattes.push(matte);
    return mattes;
  } finally {
    await model.dispose();
  }
}

function decode(result: PageMatte): Matte[] {
  assert.equal(result.data.length, FRAMES, 'a matte for every frame');
  return result.data.map((base64) => {
    const bytes = Buffer.from(base64, 'base64');
    const data = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
    return { width: result.width, height: result.height, data };
  });
}

interface Agreement {
  iou: number;
  /** Pixels on different sides of 0.5. */
  flipped: number;
  meanAbs: number;
  maxAbs: number;
}

function agreement(a: Matte, b: Matte): Agreement {
  assert.deepEqual([b.width, b.height], [a.width, a.height]);
  const ta = threshold(a), tb = threshold(b);
  let flipped = 0, sum = 0, max = 0;
  for (let i = 0; i < a.data.length; i++) {
    flipped += ta[i] ^ tb[i];
    const d = Math.abs(a.data[i] - b.data[i]);
    sum += d;
    if (d > max) max = d;
  }
  return { iou: iou(ta, tb), flipped, meanAbs: sum / a.data.length, maxAbs: max };
}

const show = (r: Agreement) =>
  `IoU ${r.iou.toFixed(6)}, ${r.flipped} px flipped, mean |Δ| ${r.meanAbs.toExponential(2)}, max |Δ| ${r.maxAbs.toExponential(2)}`;

/** Each of the page's mattes against Node's for the same frame: IoU ≥ 0.999, and `within` (a limit on mean or max |Δ|) holds. */
function assertAgrees(t: { diagnostic(message: string): void }, result: PageMatte, expected: Matte[], within: (r: Agreement) => boolean): void {
  decode(result).forEach((matte, f) => {
    const r = agreement(expected[f], matte);
    t.diagnostic(`frame ${f}: ${show(r)}`);
    assert.ok(r.iou >= 0.999, `frame ${f}: ${show(r)}`);
    assert.ok(within(r), `frame ${f}: ${show(r)}`);
  });
}

// The limit is there so that a hung GPU process fails the run instead of stalling it.
describe('segment stage in Chromium (WebGPU on SwiftShader, WASM) against WASM in Node', { skip: chromiumSkip, timeout: 240_000 }, () => {
  let frame: RgbFrame;
  let nodeMattes: Matte[];
  let uncapturableNodeMattes: Matte[];
  let page: WebgpuPage | undefined;
  let gpu: PageAdapter;

  before(async () => {
    const modelBytes = new Uint8Array(await readFile(DEFAULT_MODEL_PATH));
    const uncapturable = uncapturableModel();
    frame = await smallFrame();
    nodeMattes = await segmentInNode(modelBytes, frame);
    uncapturableNodeMattes = await segmentInNode(uncapturable, frame);
    for (const [name, matte] of [[FRAME.name, nodeMattes[0]], [`${FRAME.name} through the uncapturable model`, uncapturableNodeMattes[0]]] as const) {
      const sky = threshold(matte).reduce((s, v) => s + v, 0);
      // Both classes present, or IoU between two empty (or full) masks would be 1 whatever the backends do.
      assert.ok(sky > 0 && sky < frame.width * frame.height, `the Node matte of ${name} is all ${sky ? 'sky' : 'ground'}: the comparison would say nothing`);
    }

    page = await openWebgpuPage(ENTRY, { '/sky.onnx': modelBytes, '/uncapturable.onnx': uncapturable, '/frame.rgb': frame.data });
    gpu = await page.call<PageAdapter>('adapter');
  });

  after(() => page?.close());

  const segmentInPage = (backend: 'webgpu' | 'wasm') => page!.call<PageMatte>('segment', backend, frame.width, frame.height, FRAMES);

  it('segments on WebGPU (network and the stages around it) with the matte WASM gives in Node: IoU ≥ 0.999', async (t) => {
    if (gpu.missing) return t.skip(`no WebGPU adapter in headless Chromium with ${WEBGPU_FLAGS.join(' ')}: ${gpu.missing}`);
    const result = await segmentInPage('webgpu');
    assert.equal(result.backend, 'webgpu');
    assert.equal(result.stages, 'gpu', 'resize, stabilisation and refinement ran as WebGPU shaders');
    assert.ok(result.onNetworkDevice, "the shaders ran on the network's own device");
    assert.equal(result.stagesDeviceAsked, 0, 'no second device was asked for');
    assert.ok(result.probabilityOnDevice, "the network's probabilities stayed on its device for them");
    assert.equal(result.graphCaptured, true, 'the network replayed its captured GPU commands');
    // On the network's device they share its queue: a frame's refinement is queued before the next
    // frame's resize (and so before its network), or it would wait for that network.
    assert.deepEqual(result.gpuCalls, ['resize 0', 'network on device', 'refine 0', 'resize 1', 'network on device', 'refine 1']);
    const sky = threshold(nodeMattes[0]).reduce((s, v) => s + v, 0) / nodeMattes[0].data.length;
    t.diagnostic(`WebGPU (${gpu.vendor}/${gpu.architecture}) vs Node WASM, ${FRAMES} frames of ${frame.width}×${frame.height} (${(100 * sky).toFixed(1)} % sky); ` +
      `load ${result.loadMs.toFixed(0)} ms, segment ${result.segmentMs.toFixed(0)} ms`);
    assertAgrees(t, result, nodeMattes, (r) => r.meanAbs < 1e-3);
  });

  it('asks for a device of the stages\' own only where the network\'s cannot take them, once a shot, and segments there as well', async (t) => {
    if (gpu.missing) return t.skip(`no WebGPU adapter: ${gpu.missing}`);
    const result = await page!.call<PageMatte>('segment', 'webgpu', frame.width, frame.height, FRAMES, '/sky.onnx', true);
    assert.equal(result.stages, 'gpu', 'resize, stabilisation and refinement ran as WebGPU shaders');
    assert.ok(!result.onNetworkDevice, "not on the network's device, which the Segmenter was not told");
    assert.equal(result.stagesDeviceAsked, 1);
    assertAgrees(t, result, nodeMattes, (r) => r.meanAbs < 1e-3);
  });

  it('segments on WASM in the browser with the matte WASM gives in Node', async (t) => {
    const result = await segmentInPage('wasm');
    assert.equal(result.backend, 'wasm');
    assert.equal(result.stages, 'cpu');
    assert.ok(!result.onNetworkDevice);
    t.diagnostic(`browser WASM vs Node WASM: load ${result.loadMs.toFixed(0)} ms, segment ${result.segmentMs.toFixed(0)} ms`);
    assertAgrees(t, result, nodeMattes, (r) => r.maxAbs < 1e-4);
  });

  it('segments on WebGPU with a model that cannot be graph-captured (a layer on the CPU): uncaptured, with the matte WASM gives', async (t) => {
    if (gpu.missing) return t.skip(`no WebGPU adapter: ${gpu.missing}`);
    const result = await page!.call<PageMatte>('segment', 'webgpu', frame.width, frame.height, FRAMES, '/uncapturable.onnx');
    assert.equal(result.backend, 'webgpu');
    assert.equal(result.graphCaptured, false, 'onnxruntime-web refused to capture the model, and the network ran without');
    assert.ok(result.probabilityOnDevice, "the network's probabilities stayed on its device for the stages");
    assertAgrees(t, result, uncapturableNodeMattes, (r) => r.meanAbs < 1e-3);
  });

  // Last: it destroys onnxruntime-web's device, which the page cannot make again.
  it('fails a shot whose GPU is lost with GpuLostError, which says so (a host then runs the shot on the CPU)', async (t) => {
    if (gpu.missing) return t.skip(`no WebGPU adapter: ${gpu.missing}`);
    const result = await page!.call<PageLoss>('segmentOnLostDevice', frame.width, frame.height, FRAMES);
    t.diagnostic(JSON.stringify(result));
    assert.equal(result.mattes, 0);
    assert.equal(result.error?.name, 'GpuLostError', JSON.stringify(result.error));
    assert.match(result.error!.message, /^The GPU stopped during the shot \(.+\): run it again, or choose the WASM backend\.$/);
  });
});
