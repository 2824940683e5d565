/**
 * The segment stage in its own thread (src/node/segment-thread.ts), as `autoroto sky` and `segment`
 * run it: the same mattes, to the bit, as a Segmenter in this thread, also after warm-up frames; the
 * camera motion the mattes carry, against the sample's true move; the
 * caller's frames are left intact; timings and backend come back; a bad model is the same ModelError as loading it here.
 * And the Segmenter's reused buffers carry nothing from one frame to the next. With the network in a
 * thread of its own (NetworkThread), the Segmenter asks for the next frame's run before it makes the
 * last frame's matte, with the same mattes; cancelling and a network thread that stops end the run cleanly,
 * and so does a network run that fails while the Segmenter estimates the camera motion beside it.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { CancelledError, ModelError, Segmenter, type Size, type SkyNetwork } from '../src/core/segment/index.ts';
import type { Matte, RgbFrame } from '../src/core/types.ts';
import { openFootage } from '../src/node/footage.ts';
import { loadSkyModel } from '../src/node/model.ts';
import { NetworkThread } from '../src/node/network-thread.ts';
import { SegmentThread } from '../src/node/segment-thread.ts';
import { applySimilarity } from '../src/core/motion.ts';
import { applyMap, type AffineMap } from '../src/synthetic/camera-move.ts';
import { skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';
import { ROOT } from './helpers/cli.ts';

const FRAMES = 5;

async function sampleFrames(): Promise<RgbFrame[]> {
  const footage = await openFootage(join(ROOT, 'samples', 'sky-pan.mp4'));
  const frames: RgbFrame[] = [];
  for await (const frame of footage.frames({ start: 0, end: FRAMES - 1 })) frames.push(frame);
  return frames;
}

function invertMap(m: AffineMap): AffineMap {
  const det = m.a * m.e - m.b * m.d;
  const a = m.e / det, b = -m.b / det, d = -m.d / det, e = m.a / det;
  return { a, b, c: -(a * m.c + b * m.f), d, e, f: -(d * m.c + e * m.f) };
}

async function* stream<T>(items: T[]): AsyncGenerator<T> {
  yield* items;
}

async function collect(mattes: AsyncIterable<Matte>): Promise<Matte[]> {
  const out: Matte[] = [];
  for await (const matte of mattes) out.push(matte);
  return out;
}

/** The frames' mattes from a Segmenter in this thread, on a model loaded for them. */
async function segmentHere(frames: RgbFrame[]): Promise<Matte[]> {
  const model = await loadSkyModel(undefined, { threads: 1 });
  try {
    return await collect(new Segmenter(model).segment(stream(frames)));
  } finally {
    await model.dispose();
  }
}

describe('SegmentThread', () => {
  it('gives the mattes a Segmenter in this thread gives, in order, and leaves the frames to the caller', async () => {
    const frames = await sampleFrames();
    const copies = frames.map((f) => Uint8Array.from(f.data));
    const here = await segmentHere(frames);
    const thread = await SegmentThread.start({ threads: 1 });
    let there: Matte[];
    try {
      there = await collect(thread.segment(stream(frames)));
    } finally {
      await thread.close();
    }
    assert.equal(thread.backend, 'wasm');
    assert.equal(there.length, FRAMES);
    there.forEach((matte, k) => {
      assert.equal(matte.width, here[k].width);
      assert.equal(matte.height, here[k].height);
      assert.deepEqual(matte.data, here[k].data, `frame ${k}`);
      assert.deepEqual(matte.cameraMotion, here[k].cameraMotion, `frame ${k}`);
    });
    frames.forEach((frame, k) => assert.deepEqual(frame.data, copies[k], `frame ${k} was changed or taken`));
    assert.ok(thread.timings.network > 0 && thread.timings.refine > 0, JSON.stringify(thread.timings));
  });

  it("each matte after the first carries the camera's motion measured on the footage, within 0.25 px of the sample's true move", async () => {
    const frames = await sampleFrames();
    const mattes = await segmentHere(frames);
    assert.equal(mattes[0].cameraMotion, undefined, 'the first frame has no previous one');
    const maps = skyPanMaps();
    const { width, height } = mattes[0];
    for (let k = 1; k < FRAMES; k++) {
      const motion = mattes[k].cameraMotion;
      assert.ok(motion, `frame ${k}: no camera motion`);
      // Truth: a point of frame k − 1 → the still → frame k.
      const back = invertMap(maps[k]);
      for (const [x, y] of [[0, 0], [width, 0], [0, height], [width, height], [width / 2, height / 2]]) {
        const [sx, sy] = applyMap(maps[k - 1], x, y);
        const [tx, ty] = applyMap(back, sx, sy);
        const [mx, my] = applySimilarity(motion, x, y);
        const off = Math.hypot(mx - tx, my - ty);
        assert.ok(off <= 0.25, `frame ${k} at (${x}, ${y}): off by ${off.toFixed(3)} px`);
      }
    }
  });

  it('with warm-up frames (a range\'s pre-roll), gives only the later frames\' mattes, each as a run over all the frames gives it', async () => {
    const frames = await sampleFrames();
    const warmUp = 3;
    const model = await loadSkyModel(undefined, { threads: 1 });
    let all: Matte[], warmedHere: Matte[];
    try {
      all = await collect(new Segmenter(model).segment(stream(frames)));
      warmedHere = await collect(new Segmenter(model).segment(stream(frames), { warmUp }));
    } finally {
      await model.dispose();
    }
    const thread = await SegmentThread.start({ threads: 1, warmUp });
    let there: Matte[];
    try {
      there = await collect(thread.segment(stream(frames)));
    } finally {
      await thread.close();
    }
    for (const mattes of [warmedHere, there]) {
      assert.equal(mattes.length, FRAMES - warmUp);
      mattes.forEach((matte, k) => assert.deepEqual(matte.data, all[warmUp + k].data, `frame ${warmUp + k}`));
    }
  });

  it("a Segmenter's buffers, reused from frame to frame, give each frame the matte a fresh Segmenter gives it; mattes are new arrays", async () => {
    const frames = (await sampleFrames()).slice(0, 2);
    const model = await loadSkyModel(undefined, { threads: 1 });
    try {
      // Without the stabiliser no frame depends on the one before, so only reuse could link them.
      const reused = await collect(new Segmenter(model).segment(stream(frames), { stabilise: false }));
      for (const [k, frame] of frames.entries()) {
        const [fresh] = await collect(new Segmenter(model).segment(stream([frame]), { stabilise: false }));
        assert.deepEqual(reused[k].data, fresh.data, `frame ${k}`);
      }
      assert.notEqual(reused[0].data.buffer, reused[1].data.buffer);
    } finally {
      await model.dispose();
    }
  });

  it('throws the ModelError loading a missing model throws, naming the file', async () => {
    const path = join(ROOT, 'no-such-model.onnx');
    await assert.rejects(SegmentThread.start({ model: path, threads: 1 }), (error: unknown) => {
      assert.ok(error instanceof ModelError, String(error));
      assert.equal(error.path, path);
      assert.match(error.message, /no such model file/);
      return true;
    });
  });
});

describe('NetworkThread (the network in a thread of its own) under a Segmenter', () => {
  it("runs the network on the next frame while the last frame's matte is made, with the same mattes", async () => {
    const frames = await sampleFrames();
    const here = await segmentHere(frames);
    const network = await NetworkThread.start({ threads: 1 });
    // Which frame's run was asked for, and which frame's matte came out, in the order they happened.
    const events: string[] = [];
    const observed: SkyNetwork = {
      backend: network.backend,
      concurrent: network.concurrent,
      get busyMs() { return network.busyMs; },
      // A network in a thread has no device, so it is given planes on the CPU.
      run(planes: Float32Array, size: Size, out?: Float32Array) {
        events.push(`run ${events.filter((e) => e.startsWith('run')).length}`);
        return network.run(planes, size, out);
      },
    };
    let there: Matte[] = [];
    try {
      for await (const matte of new Segmenter(observed).segment(stream(frames))) {
        events.push(`matte ${there.length}`);
        there.push(matte);
      }
    } finally {
      await network.dispose();
    }
    there.forEach((matte, k) => assert.deepEqual(matte.data, here[k].data, `frame ${k}`));
    // Each matte comes out only once the next frame's run was asked for (the last one's at the end).
    const expected = frames.flatMap((_, k) => (k === 0 ? ['run 0'] : [`run ${k}`, `matte ${k - 1}`])).concat(`matte ${FRAMES - 1}`);
    assert.deepEqual(events, expected);
    assert.ok(network.busyMs > 0);
  });

  it('a cancelled run stops before the next frame and leaves no run unhandled', async () => {
    const frames = await sampleFrames();
    const network = await NetworkThread.start({ threads: 1 });
    const abort = new AbortController();
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    let mattes = 0;
    try {
      await assert.rejects(async () => {
        for await (const matte of new Segmenter(network).segment(stream(frames), { signal: abort.signal })) {
          assert.ok(matte.data.length > 0);
          if (++mattes === 2) abort.abort();
        }
      }, CancelledError);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
      await network.dispose();
    }
    assert.equal(mattes, 2);
    assert.deepEqual(unhandled, []);
  });

  it('a network thread that stops mid-shot fails the run with that reason, not a hang', async () => {
    const frames = await sampleFrames();
    const network = await NetworkThread.start({ threads: 1 });
    const stopping = network.dispose();
    await assert.rejects(collect(new Segmenter(network).segment(stream(frames))), /the network thread stopped/);
    await stopping;
  });
});

describe('Segmenter with a network run that fails', () => {
  it('fails the shot with the run\'s error, also when it fails while the motion is estimated, and leaves nothing unhandled', async () => {
    const frames = await sampleFrames();
    // On WebGPU the Segmenter lets a task pass and estimates the camera motion before it takes the run's result.
    const lost: SkyNetwork = { backend: 'webgpu', concurrent: false, busyMs: 0, run: () => Promise.reject(new Error('the GPU device was lost')) };
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => { unhandled.push(reason); };
    process.on('unhandledRejection', onUnhandled);
    try {
      await assert.rejects(collect(new Segmenter(lost).segment(stream(frames))), /the GPU device was lost/);
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    assert.deepEqual(unhandled, []);
  });
});
