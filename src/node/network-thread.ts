/**
 * The sky model in a worker thread of its own (WASM), for the segment thread: while the network
 * works on one frame there, the segment thread resizes the next and refines the last
 * (Segmenter, SkyNetwork.concurrent), so on two cores the network sets the pace instead of the sum
 * of the stages. As with the segment thread, nothing frame-sized is allocated per frame on either
 * side (buffers freed in a thread pile up in its malloc arena until V8 collects): each run sends a
 * copy of the planes and an array for the probability in buffers that go there and come back.
 */
import type { Worker } from 'node:worker_threads';
import type { Backend, SkyNetwork, Size } from '../core/segment/index.ts';
import { Mailbox } from './mailbox.ts';
import { startWorker, takeSpare } from './start-worker.ts';
import { reviveError, type ThreadError } from './thread-error.ts';

export interface NetworkThreadOptions {
  /** An ONNX model other than the shipped one. */
  model?: string;
  /** WASM threads for the network. */
  threads?: number;
}

/** Worker → caller. */
export type FromNetwork =
  | { type: 'ready'; backend: Backend }
  | { type: 'sky'; planes: Float32Array; probability: Float32Array; ms: number }
  | { type: 'error'; error: ThreadError };

/** Caller → worker: the planes, and the array the probability is written to. */
export interface ToNetwork { planes: Float32Array; probability: Float32Array; size: Size }

export class NetworkThread implements SkyNetwork {
  readonly concurrent = true;
  busyMs = 0;
  /** Runs are answered in order: the one awaited first is the one asked first. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Buffers back from the worker, for the next runs. */
  private readonly sparePlanes: Float32Array[] = [];
  private readonly spareProbabilities: Float32Array[] = [];

  private constructor(private readonly worker: Worker, private readonly mailbox: Mailbox<FromNetwork>, readonly backend: Backend) {}

  /** Starts the worker and loads the model there; throws the model's ModelError as loading it would. */
  static async start(options: NetworkThreadOptions): Promise<NetworkThread> {
    const mailbox = new Mailbox<FromNetwork>();
    const { worker, ready } = await startWorker(new URL('./network-worker.mjs', import.meta.url), options, 'network', mailbox);
    return new NetworkThread(worker, mailbox, ready.backend);
  }

  run(planes: Float32Array, size: Size, out: Float32Array = new Float32Array(size.width * size.height)): Promise<Float32Array> {
    // The planes are copied now: the caller may reuse its buffer as soon as this returns.
    const sent = takeSpare(this.sparePlanes, planes.length, (length) => new Float32Array(length));
    sent.set(planes);
    const probability = takeSpare(this.spareProbabilities, size.width * size.height, (length) => new Float32Array(length));
    this.worker.postMessage({ planes: sent, probability, size } satisfies ToNetwork, [sent.buffer as ArrayBuffer, probability.buffer as ArrayBuffer]);
    const answer = this.queue.then(async () => {
      const message = await this.mailbox.take();
      if (message.type === 'error') throw await reviveError(message.error);
      if (message.type !== 'sky') throw new Error(`network thread: ${message.type} while a result was due`);
      out.set(message.probability);
      this.sparePlanes.push(message.planes);
      this.spareProbabilities.push(message.probability);
      this.busyMs += message.ms;
      return out;
    });
    this.queue = answer.catch(() => {});
    return answer;
  }

  /** Ends the worker, and with it the model's memory. */
  async dispose(): Promise<void> {
    await this.worker.terminate();
  }
}

