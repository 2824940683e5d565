/** Inside the segment thread (segment-thread.ts): loads the model, then frames in, mattes out. */
import { parentPort, workerData } from 'node:worker_threads';
import { FileError } from '../core/file-error.ts';
import { requestStagesDevice, Segmenter } from '../core/segment/index.ts';
import { loadSkyModel } from './model.ts';
import { Mailbox } from './mailbox.ts';
import type { FromWorker, SegmentThreadOptions, ThreadError, ToWorker } from './segment-thread.ts';

const port = parentPort!;
const send = (message: FromWorker, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

function describe(error: unknown): ThreadError {
  if (error instanceof FileError) return { name: error.name, message: error.message, path: error.path, reason: error.reason };
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

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
  const model = await loadSkyModel(options.model, { backend: options.backend, threads: options.threads });
  send({ type: 'ready', backend: model.backend });
  // With the network on WebGPU (Dawn), resize, stabilisation and refinement run there too.
  const gpu = model.backend === 'webgpu' ? await requestStagesDevice() : undefined;
  const segmenter = new Segmenter(model, { gpu });
  // The frame being segmented: the Segmenter asks for the next only after its matte is taken, or,
  // for a warm-up frame (no matte), once it is done with it, when its buffer goes back.
  let current: FrameMessage | undefined;
  const releaseWarmUp = (): void => {
    if (current && !current.matte) send({ type: 'warmed', frame: current.frame.data }, [current.frame.data.buffer as ArrayBuffer]);
    current = undefined;
  };
  const frames = (async function* () {
    for await (const message of incoming()) {
      releaseWarmUp();
      yield (current = message).frame;
    }
    releaseWarmUp();
  })();
  try {
    for await (const matte of segmenter.segment(frames, { matteBuffer: () => current!.matte!, warmUp: options.warmUp })) {
      const frame = current!.frame.data;
      send({ type: 'matte', matte, frame }, [matte.data.buffer as ArrayBuffer, frame.buffer as ArrayBuffer]);
    }
  } finally {
    gpu?.destroy();
    await model.dispose();
  }
  send({ type: 'done', timings: segmenter.timings, stages: segmenter.stagesRanOn });
} catch (error) {
  send({ type: 'error', error: describe(error) });
}
