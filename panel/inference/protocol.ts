/**
 * The message protocol between the UXP panel and its inference webview (UXP itself runs no
 * WebAssembly, WebGPU or canvas, so the webview does what needs them: the sky model, decoding the
 * footage file, encoding PNG mattes). Plain structured-clone data over postMessage, request/reply by
 * `id`; a request may get several `frame` replies before its `done`.
 *
 * Both ends are written against `Port`, so the pair also runs in one process (tests) with the
 * thresholding stand-in behind the server.
 */
import type { Matte, RgbFrame } from '../../src/core/types.ts';
import type { FieldSeparation } from '../../src/core/fields.ts';
import type { Footage, OpenFootage, Segmenter } from '../../src/hosts/types.ts';
import { GpuLostError } from '../../src/core/segment/gpu-lost.ts';
import { BROWSER_IMAGE_FILE_NAME, IMAGE_FILE_NAME } from '../../src/core/image-file-name.ts';
import { HostError } from '../../src/hosts/errors.ts';
import type { BackendChoice } from '../services.ts';

export type Request =
  /** Loads the sky model (once; later loads with the same backend answer at once). */
  | { id: number; type: 'load'; backend: BackendChoice }
  /**
   * Opens a footage file for reading: a movie, or the image sequence of `sequenceLength` frames its
   * file starts; `fields` as After Effects separates them (OpenFootage).
   */
  | { id: number; type: 'open'; path: string; sequenceLength?: number; fields?: FieldSeparation }
  /** Streams frames start..end (both included) of an opened file: `frame` replies, then `done`. */
  | { id: number; type: 'frames'; path: string; start: number; end: number }
  /** Starts a shot: a fresh segmenter (its temporal smoothing is per shot). */
  | { id: number; type: 'shot' }
  /**
   * The next frame of a shot; the reply is its matte. The segmenter may hold a frame's matte until it
   * has the next frame (it makes one frame's matte while its network works on the next), so the panel
   * sends the next frame before it waits for a matte, and marks the shot's `last` frame.
   */
  | { id: number; type: 'segment'; shot: number; frame: RgbFrame; last: boolean }
  /** Ends a shot and frees it. */
  | { id: number; type: 'end'; shot: number }
  /** An 8-bit grayscale PNG of a matte (Premiere's matte sequence). */
  | { id: number; type: 'png'; width: number; height: number; gray: Uint8Array }
  /** Stops a running `frames` stream. */
  | { id: number; type: 'cancel'; request: number };

export type Reply =
  | { id: number; type: 'loaded'; backend: 'webgpu' | 'wasm' }
  | { id: number; type: 'opened'; width: number; height: number; frameRate: number; frameCount: number }
  | { id: number; type: 'frame'; frame: RgbFrame }
  | { id: number; type: 'shot'; shot: number }
  | { id: number; type: 'matte'; matte: Matte }
  | { id: number; type: 'png'; bytes: Uint8Array }
  | { id: number; type: 'done' }
  /** A failed request; `gpuLost` is the reason where the shot failed because its GPU was lost (GpuLostError). */
  | { id: number; type: 'error'; message: string; gpuLost?: string };

/** One end of a postMessage channel. */
export interface Port<Out, In> {
  post(message: Out): void;
  /** Calls `listener` for every message from the other end; returns the unsubscribe. */
  listen(listener: (message: In) => void): () => void;
}

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/** The panel's side: requests with promises, streams as async iterables. */
export class InferenceClient {
  private next = 1;
  private readonly waiting = new Map<number, (reply: Reply) => void>();

  constructor(private readonly port: Port<Request, Reply>) {
    port.listen((reply) => this.waiting.get(reply.id)?.(reply));
  }

  /** Sends a request and collects its replies: `onReply` returns true when the request is over. */
  private send(request: WithoutId<Request>, onReply: (reply: Reply) => boolean): number {
    const id = this.next++;
    this.waiting.set(id, (reply) => {
      if (onReply(reply)) this.waiting.delete(id);
    });
    this.port.post({ ...request, id } as Request);
    return id;
  }

  request<T extends Reply['type']>(request: WithoutId<Request>, expect: T): Promise<Extract<Reply, { type: T }>> {
    return new Promise((resolve, reject) => {
      this.send(request, (reply) => {
        if (reply.type === 'error') reject(reply.gpuLost === undefined ? new Error(reply.message) : new GpuLostError(reply.gpuLost));
        else if (reply.type === expect) resolve(reply as Extract<Reply, { type: T }>);
        else reject(new Error(`Autoroto's inference page answered ${reply.type} to ${request.type}`));
        return true;
      });
    });
  }

  /** The frames of a `frames` request as they arrive; leaving the loop early cancels the stream. */
  async *frames(path: string, start: number, end: number): AsyncGenerator<RgbFrame> {
    const queue: Reply[] = [];
    let wake: (() => void) | null = null;
    const id = this.send({ type: 'frames', path, start, end }, (reply) => {
      queue.push(reply);
      wake?.();
      return reply.type !== 'frame';
    });
    let finished = false;
    try {
      for (;;) {
        if (queue.length === 0) await new Promise<void>((resolve) => { wake = resolve; });
        wake = null;
        const reply = queue.shift()!;
        if (reply.type === 'frame') yield reply.frame;
        else {
          finished = true;
          if (reply.type === 'error') throw new Error(reply.message);
          return;
        }
      }
    } finally {
      if (!finished) {
        this.waiting.delete(id);
        this.port.post({ id: this.next++, type: 'cancel', request: id });
      }
    }
  }

  async load(backend: BackendChoice): Promise<'webgpu' | 'wasm'> {
    return (await this.request({ type: 'load', backend }, 'loaded')).backend;
  }

  /**
   * openFootage for the hosts, decoded in the webview: movies by its <video> element, and image
   * sequences of PNG or JPEG files. Sequences of the plates' deep formats (EXR, DPX, TIFF), which
   * the CEP panel and the command line read (src/node/footage.ts), are refused here.
   */
  readonly openFootage: OpenFootage = async (path, options) => {
    const sequence = (options?.sequenceLength ?? 1) > 1 && IMAGE_FILE_NAME.test(path);
    if (sequence && !BROWSER_IMAGE_FILE_NAME.test(path)) {
      throw new HostError('no-video', `${path} starts an image sequence of ${/\.(\w+)$/.exec(path)![1].toUpperCase()} files, which this panel cannot decode (it reads PNG and JPEG sequences). ` +
        'Use the CEP panel, or run autoroto sky on the sequence\'s folder and apply its sky.jsx to the layer.');
    }
    const { width, height, frameRate, frameCount } = await this.request({
      type: 'open', path, ...(sequence ? { sequenceLength: options!.sequenceLength } : {}), ...(options?.fields ? { fields: options.fields } : {}),
    }, 'opened');
    const frames = (range: { start: number; end: number }) => this.frames(path, range.start, range.end);
    return { width, height, frameRate, frameCount, frames } satisfies Footage;
  };

  /** A segmenter whose frames go to the webview, each answered with its matte, the next frame sent before a matte is awaited. */
  segmenter(): Segmenter {
    return {
      segment: (frames, options = {}) => this.segmentShot(frames, options),
    };
  }

  private async *segmentShot(frames: AsyncIterable<RgbFrame>, options: Parameters<Segmenter['segment']>[1] = {}): AsyncGenerator<Matte> {
    const { shot } = await this.request({ type: 'shot' }, 'shot');
    const source = frames[Symbol.asyncIterator]();
    let done = 0;
    /** The matte asked for last and not yet taken. */
    let asked: Promise<Extract<Reply, { type: 'matte' }>> | undefined;
    try {
      // A frame is read ahead of the one sent, so that the last frame goes marked as such: its matte,
      // and any the segmenter holds, then come out without another frame.
      let next = await source.next();
      for (;;) {
        options.signal?.throwIfAborted();
        let sent: typeof asked;
        if (!next.done) {
          const frame = next.value;
          next = await source.next();
          sent = this.request({ type: 'segment', shot, frame, last: !!next.done }, 'matte');
          // Taken in the next round: until then a failure must not count as unhandled.
          sent.catch(() => {});
        }
        if (asked) {
          const { matte } = await asked;
          options.onProgress?.({ frames: ++done });
          yield matte;
        }
        if (!sent) return;
        asked = sent;
      }
    } finally {
      await source.return?.();
      this.port.post({ id: this.next++, type: 'end', shot });
    }
  }

  png(width: number, height: number, gray: Uint8Array): Promise<Uint8Array> {
    return this.request({ type: 'png', width, height, gray }, 'png').then((r) => r.bytes);
  }
}

/** What the webview (or a test) puts behind the server. */
export interface InferenceBackend {
  load(backend: BackendChoice): Promise<{ backend: 'webgpu' | 'wasm'; segmenter: () => Segmenter }>;
  openFootage: OpenFootage;
  png(width: number, height: number, gray: Uint8Array): Promise<Uint8Array>;
}

/** A queue a segmenter pulls frames from while the client pushes them in, one per request. */
class FrameQueue implements AsyncIterable<RgbFrame> {
  private frames: RgbFrame[] = [];
  private wake: (() => void) | null = null;
  private closed = false;
  push(frame: RgbFrame) { this.frames.push(frame); this.wake?.(); }
  close() { this.closed = true; this.wake?.(); }
  async *[Symbol.asyncIterator]() {
    for (;;) {
      while (this.frames.length === 0 && !this.closed) await new Promise<void>((resolve) => { this.wake = resolve; });
      this.wake = null;
      if (this.frames.length === 0) return;
      yield this.frames.shift()!;
    }
  }
}

/** The webview's side: answers requests until the port goes away. */
export function serveInference(port: Port<Reply, Request>, backend: InferenceBackend): () => void {
  let model: Awaited<ReturnType<InferenceBackend['load']>> | null = null;
  let loadedWith: BackendChoice | null = null;
  /** Once a shot's GPU was lost, 'auto' means WASM for the rest of this page's life: onnxruntime-web keeps its one device. */
  let lostGpu = false;
  const footage = new Map<string, Footage>();
  const shots = new Map<number, { queue: FrameQueue; mattes: AsyncIterator<Matte> }>();
  const streams = new Map<number, { stop: boolean }>();
  let nextShot = 1;

  async function answer(request: Request): Promise<void> {
    const { id } = request;
    switch (request.type) {
      case 'load': {
        const wanted = lostGpu && request.backend === 'auto' ? 'wasm' : request.backend;
        if (!model || loadedWith !== wanted) {
          model = await backend.load(wanted);
          loadedWith = wanted;
        }
        return port.post({ id, type: 'loaded', backend: model.backend });
      }
      case 'open': {
        const { sequenceLength, fields } = request;
        const opened = await backend.openFootage(request.path, { ...(sequenceLength ? { sequenceLength } : {}), ...(fields ? { fields } : {}) });
        footage.set(request.path, opened);
        return port.post({ id, type: 'opened', width: opened.width, height: opened.height, frameRate: opened.frameRate, frameCount: opened.frameCount });
      }
      case 'frames': {
        const opened = footage.get(request.path) ?? await backend.openFootage(request.path);
        const stream = { stop: false };
        streams.set(id, stream);
        try {
          for await (const frame of opened.frames({ start: request.start, end: request.end })) {
            if (stream.stop) return;
            port.post({ id, type: 'frame', frame });
          }
        } finally {
          streams.delete(id);
        }
        return port.post({ id, type: 'done' });
      }
      case 'shot': {
        if (!model) throw new Error('The sky model is not loaded yet.');
        const queue = new FrameQueue();
        const shot = nextShot++;
        shots.set(shot, { queue, mattes: model.segmenter().segment(queue)[Symbol.asyncIterator]() });
        return port.post({ id, type: 'shot', shot });
      }
      case 'segment': {
        const shot = shots.get(request.shot);
        if (!shot) throw new Error(`No shot ${request.shot} (it ended or never began).`);
        shot.queue.push(request.frame);
        if (request.last) shot.queue.close();
        const next = await shot.mattes.next();
        if (next.done) throw new Error('The segmenter stopped before the last frame.');
        return port.post({ id, type: 'matte', matte: next.value });
      }
      case 'end': {
        const shot = shots.get(request.shot);
        shots.delete(request.shot);
        shot?.queue.close();
        await shot?.mattes.return?.();
        return;
      }
      case 'png':
        return port.post({ id, type: 'png', bytes: await backend.png(request.width, request.height, request.gray) });
      case 'cancel': {
        const stream = streams.get(request.request);
        if (stream) stream.stop = true;
        return;
      }
    }
  }

  return port.listen((request) => {
    answer(request).catch((error: unknown) => {
      const gpuLost = error instanceof GpuLostError ? error.reason : undefined;
      if (gpuLost !== undefined) {
        // The model's device is gone: the next load makes a model again.
        lostGpu = true;
        model = null;
      }
      port.post({ id: request.id, type: 'error', message: error instanceof Error ? error.message : String(error), gpuLost });
    });
  });
}
