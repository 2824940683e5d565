/**
 * The shipped sky model (models/sky.onnx) through the full segment stage, on data it never trained
 * on: the validation split of ../shared/data (IoU and boundary F1 within 2 px per source set, the
 * numbers in models/MODEL_CARD.md), flicker with and without temporal stabilisation on synthetic
 * hand-held shots over held-out stills, and clear errors for a missing, corrupt or wrong model file.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { iou, threshold } from '../src/core/metrics.ts';
import { CancelledError, ModelError, Segmenter, SkyModel } from '../src/core/segment/index.ts';
import { measureClipFlicker, measureFlicker } from '../src/eval/flicker-set.ts';
import { loadLabelled, scoreValidation, segmentStill, validationImages } from '../src/eval/validation.ts';
import { DEFAULT_MODEL_PATH, loadSkyModel } from '../src/node/model.ts';
import { onnxModel, type OnnxValue } from './helpers/onnx-model.ts';

/**
 * A one-layer model, brightness through a 1×1 convolution (`stride` 2: every other pixel) and a
 * logistic, with the names and shapes given: a valid ONNX file that may or may not be a sky model.
 */
function convModel(options: { input: OnnxValue; output: OnnxValue; channelsOut?: number; stride?: number }): Uint8Array {
  const channels = options.channelsOut ?? 1, stride = options.stride ?? 1;
  return onnxModel(
    [
      { op: 'Conv', inputs: [options.input[0], 'weight', 'bias'], outputs: ['brightness'], attributes: [{ name: 'kernel_shape', ints: [1, 1] }, { name: 'strides', ints: [stride, stride] }] },
      { op: 'Sigmoid', inputs: ['brightness'], outputs: [options.output[0]] },
    ],
    [{ name: 'weight', dims: [channels, 3, 1, 1], values: new Array(3 * channels).fill(1) }, { name: 'bias', dims: [channels], values: new Array(channels).fill(-1.5) }],
    options.input, options.output);
}

/** What the committed model reaches (models/MODEL_CARD.md), less a small margin for float differences. */
const FLOOR = {
  ade20k_sky: { iou: 0.60, f1: 0.58 },
  camvid: { iou: 0.92, f1: 0.62 },
  horizon_uav: { iou: 0.99, f1: 0.94 },
};

describe('the shipped sky model', () => {
  let model: SkyModel;
  before(async () => {
    model = await loadSkyModel();
  });
  after(async () => {
    await model?.dispose();
  });

  it('scores the validation split per source set as the model card says', async () => {
    const scores = await scoreValidation(model);
    assert.deepEqual(Object.keys(scores), ['ade20k_sky', 'camvid', 'horizon_uav']);
    for (const [set, floor] of Object.entries(FLOOR)) {
      const r = scores[set];
      assert.ok(r.iou >= floor.iou, `${set}: IoU ${r.iou.toFixed(4)} < ${floor.iou}`);
      assert.ok(r.f1 >= floor.f1, `${set}: boundary F1 ${r.f1.toFixed(4)} < ${floor.f1}`);
    }
  });

  it('finds no sky in a validation image without sky, and sky where the truth is mostly sky', async () => {
    const images = await validationImages();
    let checkedEmpty = 0;
    for (const item of images.filter((i) => i.set === 'ade20k_sky')) {
      const { frame, truth } = await loadLabelled(item);
      if (truth.some((v) => v)) continue;
      const sky = threshold(await segmentStill(model, frame)).reduce((s, v) => s + v, 0) / truth.length;
      assert.ok(sky < 0.02, `${item.name}: ${(sky * 100).toFixed(1)} % sky found in a picture without sky`);
      if (++checkedEmpty === 3) break;
    }
    assert.equal(checkedEmpty, 3);
  });

  it('flickers at most half as much with temporal stabilisation, without losing accuracy', async () => {
    const r = await measureFlicker(model);
    assert.ok(r.shots.length >= 4, `flicker shots: ${r.shots.join(', ')}`);
    assert.ok(r.ratio <= 0.5, `stabilised change ${r.stabilised.toFixed(5)} vs per-frame ${r.perFrame.toFixed(5)}: ratio ${r.ratio.toFixed(3)}`);
    assert.ok(r.minIouStabilised >= r.minIouPerFrame - 0.01, `lowest IoU stabilised ${r.minIouStabilised.toFixed(4)}, per frame ${r.minIouPerFrame.toFixed(4)}`);
  });

  it('on real aerial clips with large steps between frames, stabilisation does not ghost', async () => {
    // Frames a third of a second apart: history carried along a rough motion estimate must give way
    // wherever the footage does not line up, so no frame gets worse than segmenting it alone.
    const r = await measureClipFlicker(model);
    assert.equal(r.shots.length, 3, `clips: ${r.shots.join(', ')}`);
    assert.ok(r.minIouStabilised >= r.minIouPerFrame - 0.005, `lowest IoU stabilised ${r.minIouStabilised.toFixed(4)}, per frame ${r.minIouPerFrame.toFixed(4)}`);
    assert.ok(r.stabilised <= r.perFrame, `stabilised change ${r.stabilised.toFixed(5)} vs per-frame ${r.perFrame.toFixed(5)}`);
  });
});

describe('streaming, progress and cancel', () => {
  it('reports each frame, and an abort stops the stream before the next frame', async () => {
    const model = await loadSkyModel();
    try {
      const item = (await validationImages()).find((i) => i.set === 'camvid')!;
      const { frame } = await loadLabelled(item);
      const controller = new AbortController();
      const seen: number[] = [];
      const out: number[] = [];
      const run = async () => {
        for await (const matte of new Segmenter(model).segment([frame, frame, frame, frame], {
          signal: controller.signal,
          onProgress: ({ frames }) => seen.push(frames),
        })) {
          out.push(matte.width);
          if (out.length === 2) controller.abort();
        }
      };
      await assert.rejects(run(), CancelledError);
      assert.deepEqual(seen, [1, 2]);
      assert.deepEqual(out, [frame.width, frame.width]);
    } finally {
      await model.dispose();
    }
  });
});

describe('model file errors', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autoroto-model-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('a missing file names the file and says what to do', async () => {
    const path = join(dir, 'nope.onnx');
    await assert.rejects(loadSkyModel(path), (e: unknown) => e instanceof ModelError && e.message.startsWith(`${path}: no such model file`) && /--model/.test(e.message));
  });

  it('a corrupt or empty file names the file', async () => {
    const corrupt = join(dir, 'corrupt.onnx');
    await writeFile(corrupt, 'this is not a protobuf at all, just text');
    await assert.rejects(loadSkyModel(corrupt), (e: unknown) => e instanceof ModelError && e.message.startsWith(`${corrupt}: not a usable ONNX sky model`));
    const empty = join(dir, 'empty.onnx');
    await writeFile(empty, '');
    await assert.rejects(loadSkyModel(empty), (e: unknown) => e instanceof ModelError && e.message.startsWith(`${empty}: the model file is empty`));
  });

  it('a valid ONNX model that is not a sky model (other names, a fixed size, three channels out, half the resolution out) names the file and says what a sky model is', async () => {
    const signature = 'expected rgb 1×3×H×W float32 → sky 1×1×H×W, H and W free)';
    const bad = async (name: string, model: Uint8Array) => {
      const path = join(dir, `${name}.onnx`);
      await writeFile(path, model);
      return path;
    };
    const names = await bad('names', convModel({ input: ['x', [1, 3, 'h', 'w']], output: ['y', [1, 1, 'h', 'w']] }));
    await assert.rejects(loadSkyModel(names), { name: 'ModelError', message: `${names}: not an Autoroto sky model (inputs x, outputs y; ${signature}` });
    const fixed = await bad('fixed', convModel({ input: ['rgb', [1, 3, 256, 256]], output: ['sky', [1, 1, 256, 256]] }));
    await assert.rejects(loadSkyModel(fixed), { name: 'ModelError', message: `${fixed}: not an Autoroto sky model (rgb is 1×3×256×256; ${signature}` });
    const three = await bad('three', convModel({ input: ['rgb', [1, 3, 'h', 'w']], output: ['sky', [1, 3, 'h', 'w']], channelsOut: 3 }));
    await assert.rejects(loadSkyModel(three), { name: 'ModelError', message: `${three}: not an Autoroto sky model (sky is 1×3×h×w; ${signature}` });

    // Its file does not say its output is half the size of its input: what it gives does, at the first frame.
    const half = await bad('half', convModel({ input: ['rgb', [1, 3, 'h', 'w']], output: ['sky', [1, 1, 'h2', 'w2']], stride: 2 }));
    const model = await loadSkyModel(half);
    try {
      const frame = { width: 64, height: 48, data: new Uint8Array(64 * 48 * 3).fill(200) };
      await assert.rejects(async () => {
        for await (const _ of new Segmenter(model).segment([frame])) assert.fail('no matte from a model that gives the wrong size');
      }, (e: unknown) => e instanceof ModelError && e.message.startsWith(`${half}: not an Autoroto sky model (sky is 1×1×`) && e.message.endsWith(signature));
    } finally {
      await model.dispose();
    }
  });

  it('WebGPU asked for in a runtime without it (a panel on a machine without WebGPU) says so in words any host can act on', async () => {
    // Plain Node: no navigator.gpu, as a webview or CEP panel without WebGPU.
    await assert.rejects(SkyModel.load(new Uint8Array(await readFile(DEFAULT_MODEL_PATH)), { backend: 'webgpu', source: 'sky.onnx' }),
      (e: unknown) => e instanceof ModelError && e.message === 'sky.onnx: WebGPU was asked for but this runtime has no WebGPU adapter; choose the WASM backend, or auto');
  });

  it('WebGPU asked for where there is none is a clear error, not a silent fallback', async () => {
    // Dawn told to use Direct3D 12, which Linux does not have: no adapter, whatever GPU the machine has.
    const before = process.env.AUTOROTO_DAWN_FLAGS;
    process.env.AUTOROTO_DAWN_FLAGS = 'backend=d3d12';
    try {
      await assert.rejects(loadSkyModel(undefined, { backend: 'webgpu' }),
        (e: unknown) => e instanceof ModelError && /: WebGPU was asked for, but Dawn found no WebGPU adapter with backend=d3d12 .*; use --backend wasm$/.test(e.message));
    } finally {
      if (before === undefined) delete process.env.AUTOROTO_DAWN_FLAGS;
      else process.env.AUTOROTO_DAWN_FLAGS = before;
    }
  });
});

describe('one frame, any shape', () => {
  it('segments odd sizes and aspect ratios (vertical, scope, tiny) at full resolution', async () => {
    const model = await loadSkyModel();
    try {
      const images = await validationImages();
      const item = images.find((i) => i.set === 'horizon_uav')!;
      const { frame, truth } = await loadLabelled(item);
      const full = threshold(await segmentStill(model, frame));
      assert.ok(iou(full, truth) > 0.8);
      // Crops of the same picture: 9:16, 2.39:1 and 37×29; each matte has the crop's size and agrees with the full frame's.
      for (const [w, h] of [[216, 384], [480, 201], [37, 29]]) {
        const x0 = Math.floor((frame.width - w) / 2), y0 = Math.floor((frame.height - h) / 2);
        const crop = { width: w, height: h, data: new Uint8Array(w * h * 3) };
        const cropTruth = new Uint8Array(w * h);
        for (let y = 0; y < h; y++) {
          crop.data.set(frame.data.subarray(((y0 + y) * frame.width + x0) * 3, ((y0 + y) * frame.width + x0 + w) * 3), y * w * 3);
          cropTruth.set(full.subarray((y0 + y) * frame.width + x0, (y0 + y) * frame.width + x0 + w), y * w);
        }
        const matte = await segmentStill(model, crop);
        assert.equal(matte.width, w);
        assert.equal(matte.height, h);
        if (w > 100) assert.ok(iou(threshold(matte), cropTruth) > 0.9, `${w}×${h}: IoU with the full frame's matte ${iou(threshold(matte), cropTruth).toFixed(3)}`);
      }
    } finally {
      await model.dispose();
    }
  });
});
