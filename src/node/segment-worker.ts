/**
 * Inside the segment thread (segment-thread.ts): loads the model, then frames in, mattes out. On WASM
 * the network runs in a thread of its own (network-thread.ts), so that this one resizes, stabilises
 * and refines the frames around the one it works on; on WebGPU it runs here, with the stages.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Segmenter, stagesDeviceOnDemand } from '../core/segment/index.ts';
import type { RgbFrame } from '../core/types.ts';
import { loadSkyModel } from './model.ts';
import { Mailbox } from './mailbox.ts';
import { NetworkThread } from './network-thread.ts';
import type { FromWorker, SegmentThreadOptions, ToWorker } from './segment-thread.ts';
import { describeError } from './thread-error.ts';

const port = parentPort!;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

type FrameMessage = Extract<ToWorker, { type: 'frame' }>;

const mailbox = new Mailbox<ToWorker>();
port.on('message', (message: ToWorker) => mailbox.put(message));

/** The frames as the caller sends them, each with its matte's array; ends at its `end`. */
async function* incoming(): AsyncGenerator<FrameMessage> {
  for (;;) {
    const message = await mailbox.take();
    if (message.type === 'end') return;
    yield message;
  }
}

try {
  const options = workerData as SegmentThreadOptions;
  const model = options.backend === 'webgpu'
    ? await loadSkyModel(options.model, { backend: 'webgpu' })
    : await NetworkThread.start({ model: options.model, threads: options.threads });
  send({ type: 'ready', backend: model.backend });
  // With the network on WebGPU (Dawn), resize, stabilisation and refinement run there too, on the
  // network's device; a device of their own is asked for only where that one cannot take them.
  const gpu = model.backend === 'webgpu' ? stagesDeviceOnDemand() : undefined;
  const segmenter = new Segmenter(model, { gpu });
  // The frames the Segmenter has asked for and not finished, oldest first: a warm-up frame (no
  // matte) is finished when the next is asked for, and its buffer goes back; any other when its
  // matte comes out (mattes come in frame order), and its buffer goes back with the matte.
  const open: FrameMessage[] = [];
  const releaseWarmUp = (): void => {
    const last = open.at(-1);
    if (last && !last.matte) {
      open.pop();
      send({ type: 'warmed', frame: last.frame.data }, [last.frame.data.buffer as ArrayBuffer]);
    }
  };
  const frames = (async function* () {
    for await (const message of incoming()) {
      releaseWarmUp();
      open.push(message);
      yield message.frame;
    }
    releaseWarmUp();
  })();
  const matteBuffer = (frame: RgbFrame): Float32Array => open.find((m) => m.frame === frame)!.matte!;
  try {
    for await (const matte of segmenter.segment(frames, { matteBuffer, warmUp: options.warmUp })) {
      const frame = open.shift()!.frame.data;
      send({ type: 'matte', matte, frame }, [matte.data.buffer as ArrayBuffer, frame.buffer as ArrayBuffer]);
    }
  } finally {
    await gpu?.destroy();
    await model.dispose();
  }
  send({ type: 'done', timings: segmenter.timings, stages: segmenter.stagesRanOn });
} catch (error) {
  send({ type: 'error', error: describeError(error) });
}
