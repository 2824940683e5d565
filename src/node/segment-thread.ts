/**
 * The segment stage (model, stabiliser, refinement) in a worker thread of its own, for the command
 * line: onnxruntime-web's WASM memory only grows (about 200 MB for the network's activations, its
 * threads' stacks and arenas) and is given back only when the thread that loaded it ends. Ending the
 * thread after the last frame leaves that room to keyframe selection, the writers and the preview,
 * which run after the stream and grow with the shot's length; in the same thread they came on top of it.
 * Both sides run at once: the next frame is segmented while the caller traces the last matte (and on
 * WASM the network runs in a third thread, network-thread.ts, beside the other stages).
 *
 * Nothing frame-sized is allocated in the worker: the thread has a malloc arena of its own, which
 * keeps what it once held resident, and buffers freed there pile up until V8 collects. So each frame
 * is copied into one of a few buffers that go to the worker and come back with the matte (the
 * caller keeps its own frames), and the matte is an array this thread allocates, sent along with
 * the frame, filled there and handed back without a copy.
 */
import type { Worker } from 'node:worker_threads';
import type { BackendChoice, SegmentTimings, StagesDevice } from '../core/segment/index.ts';
import type { Matte, RgbFrame } from '../core/types.ts';
import { Mailbox } from './mailbox.ts';
import { startWorker, takeSpare } from './start-worker.ts';
import { reviveError, type ThreadError } from './thread-error.ts';

export interface SegmentThreadOptions {
  /** An ONNX model other than the shipped one. */
  model?: string;
  backend?: BackendChoice;
  /** WASM threads for the network. */
  threads?: number;
  /** The first frames only warm the stabiliser up (SegmentOptions.warmUp): no mattes for them. */
  warmUp?: number;
}

/**
 * Frames sent ahead of the mattes taken: in the worker one in the network and one being refined, and
 * one waiting, so that the network need not wait for the caller, who works on the last matte.
 */
const AHEAD = 3;

/** Worker → caller. */
export type FromWorker =
  | { type: 'ready'; backend: string }
  | { type: 'matte'; matte: Matte; frame: Uint8Array }
  /** A warm-up frame is done: its buffer back, no matte. */
  | { type: 'warmed'; frame: Uint8Array }
  | { type: 'done'; timings: SegmentTimings; stages?: StagesDevice }
  | { type: 'error'; error: ThreadError };

/** Caller → worker: a frame with the array its matte is written to (none for a warm-up frame). */
export type ToWorker = { type: 'frame'; frame: RgbFrame; matte?: Float32Array } | { type: 'end' };

export class SegmentThread {
  /** The segmenter's ms per stage, once the last matte has been taken. */
  readonly timings: SegmentTimings = { resize: 0, network: 0, stabilise: 0, refine: 0 };
  /** Frame buffers back from the worker, for the next frames' copies. */
  private readonly spareFrames: Uint8Array[] = [];
  private loaded = '';
  private stages: StagesDevice | undefined;

  /** `warmUp`: frames still to be sent that get no matte. */
  private constructor(private readonly worker: Worker, private readonly mailbox: Mailbox<FromWorker>, private warmUp: number) {}

  /**
   * The network's backend, as the model loaded; on WebGPU, once the frames end, with a note where the
   * stages around the network stayed on the CPU (a frame past the device's buffer limits).
   */
  get backend(): string {
    return this.loaded === 'webgpu' && this.stages === 'cpu' ? 'webgpu (stages on CPU)' : this.loaded;
  }

  /** Starts the worker and loads the model there; throws the model's ModelError as loading it would. */
  static async start(options: SegmentThreadOptions): Promise<SegmentThread> {
    const mailbox = new Mailbox<FromWorker>();
    const { worker, ready } = await startWorker(new URL('./segment-worker.mjs', import.meta.url), options, 'segment', mailbox);
    const thread = new SegmentThread(worker, mailbox, options.warmUp ?? 0);
    thread.loaded = ready.backend;
    return thread;
  }

  /** Each frame's matte, in order (none for the warm-up frames); `timings` is filled in when the frames end. */
  async *segment(frames: AsyncIterable<RgbFrame>): AsyncGenerator<Matte> {
    const iterator = frames[Symbol.asyncIterator]();
    let inFlight = 0, ended = false;
    const send = async (): Promise<void> => {
      const next = await iterator.next();
      if (next.done) {
        ended = true;
        this.worker.postMessage({ type: 'end' } satisfies ToWorker);
      } else {
        inFlight++;
        this.post(next.value);
      }
    };
    try {
      while (!ended && inFlight < AHEAD) await send();
      while (inFlight > 0) {
        const message = await this.mailbox.take();
        if (message.type === 'error') throw await reviveError(message.error);
        if (message.type !== 'matte' && message.type !== 'warmed') throw new Error(`segment thread: ${message.type} while mattes were due`);
        inFlight--;
        this.spareFrames.push(message.frame);
        if (!ended) await send();
        if (message.type === 'matte') yield message.matte;
      }
      const done = await this.mailbox.take();
      if (done.type === 'error') throw await reviveError(done.error);
      if (done.type === 'done') {
        Object.assign(this.timings, done.timings);
        this.stages = done.stages;
      }
    } finally {
      await iterator.return?.();
    }
  }

  /** Sends a copy of the frame, in a spare buffer where one fits, and a new array for its matte unless it only warms up. */
  private post(frame: RgbFrame): void {
    const { width, height } = frame;
    const data = takeSpare(this.spareFrames, frame.data.length, (length) => new Uint8Array(length));
    data.set(frame.data);
    if (this.warmUp > 0) {
      this.warmUp--;
      this.worker.postMessage({ type: 'frame', frame: { width, height, data } } satisfies ToWorker, [data.buffer as ArrayBuffer]);
      return;
    }
    const matte = new Float32Array(width * height);
    this.worker.postMessage({ type: 'frame', frame: { width, height, data }, matte } satisfies ToWorker, [data.buffer as ArrayBuffer, matte.buffer]);
  }

  /** Ends the worker, and with it the model's memory. */
  async close(): Promise<void> {
    await this.worker.terminate();
  }
}
