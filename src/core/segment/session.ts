/**
 * The sky model in onnxruntime-web: WebGPU where the page offers `navigator.gpu`, WASM otherwise
 * (Node, the CLI, tests, CEP panels). WASM runs single-threaded unless told otherwise, since CEP
 * panels have no SharedArrayBuffer.
 */
import * as ort from 'onnxruntime-web';
import { FileError } from '../file-error.ts';
import type { Size } from './working-size.ts';

export type Backend = 'webgpu' | 'wasm';
export type BackendChoice = Backend | 'auto';

/** The model file cannot be used: `path` names it (a path or URL), `reason` says why. */
export class ModelError extends FileError {}

/** An onnxruntime-web module: the one this file imports, or a build of it a host loads itself. */
export type OrtRuntime = typeof ort;

export interface SessionOptions {
  backend?: BackendChoice;
  /**
   * The onnxruntime-web build to run on (default: the one bundled with this module). Node's default
   * build is WASM only, so Node hosts running WebGPU pass the browser build (src/node/model.ts).
   */
  runtime?: OrtRuntime;
  /** WASM threads (1 where SharedArrayBuffer is missing). */
  threads?: number;
  /** Names the model in error messages. */
  source?: string;
}

export function webgpuAvailable(): boolean {
  return typeof navigator !== 'undefined' && 'gpu' in navigator && !!(navigator as { gpu?: unknown }).gpu;
}

function describe(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0].slice(0, 200);
}

/** What a sky model takes and gives (models/MODEL_CARD.md); H and W are free because the working size follows the footage's aspect ratio. */
const SIGNATURE = 'rgb 1×3×H×W float32 → sky 1×1×H×W, H and W free';

/**
 * Why the session cannot be the sky model (SIGNATURE), or undefined where it can. A shape the file
 * does not give is taken on trust (run() checks what comes out).
 */
function signatureProblem(session: ort.InferenceSession): string | undefined {
  if (!session.inputNames.includes('rgb') || !session.outputNames.includes('sky')) {
    return `inputs ${session.inputNames.join(', ')}, outputs ${session.outputNames.join(', ')}`;
  }
  for (const [name, channels, metadata] of [['rgb', 3, session.inputMetadata], ['sky', 1, session.outputMetadata]] as const) {
    const value = metadata.find((m) => m.name === name);
    if (!value?.isTensor) return `${name} is not a tensor`;
    if (value.type !== 'float32') return `${name} is ${value.type}, not float32`;
    const shape = value.shape, fixed = (d: number | string | undefined) => typeof d === 'number' && d > 0;
    if (shape.length === 0) continue;
    const wrong = shape.length !== 4 || (fixed(shape[0]) && shape[0] !== 1) || (fixed(shape[1]) && shape[1] !== channels) || fixed(shape[2]) || fixed(shape[3]);
    if (wrong) return `${name} is ${shape.join('×')}`;
  }
  return undefined;
}

/**
 * What the Segmenter needs of a model: the network's sky probability for a frame's planes. A model
 * that runs `concurrent`ly (in a thread of its own, or on the GPU) works on while the caller goes
 * on: the Segmenter then makes the last frame's matte meanwhile (and keeps the planes a run was
 * given until it has taken the run's result).
 */
export interface SkyNetwork {
  readonly backend: Backend;
  readonly concurrent: boolean;
  /** Milliseconds spent running the network so far, in whichever thread runs it. */
  readonly busyMs: number;
  /**
   * The WebGPU device the network runs on, where it runs on one in this thread: run() then also takes
   * the planes in a buffer on that device, so stages there hand them over without a trip through the CPU.
   */
  readonly device?: GPUDevice;
  run(planes: Float32Array | GPUBuffer, size: Size, out?: Float32Array): Promise<Float32Array>;
  /**
   * Where the network runs on WebGPU (`device`): the probability for planes in a buffer on that device,
   * left there in a buffer of the network's that its next run overwrites. Resolves once the run's
   * work is queued: nothing waits for the GPU, and work queued after it reads its result (before the
   * next run is asked for: so two shots segmented at once do not share a model that runs this way).
   */
  runOnDevice?(planes: GPUBuffer, size: Size): Promise<GPUBuffer>;
}

/**
 * A session for one working size whose input and output stay in buffers of its own on the device
 * (onnxruntime-web's graph capture binds the same buffers to every run).
 */
interface DeviceGraph {
  size: Size;
  session: ort.InferenceSession;
  /** Whether its runs replay captured commands (see SkyModel.graphCaptured). */
  captured: boolean;
  input: ort.Tensor;
  output: ort.Tensor;
  inputBuffer: GPUBuffer;
  outputBuffer: GPUBuffer;
}

export class SkyModel implements SkyNetwork {
  busyMs = 0;
  /** Settles when the last run asked for has; none when no run is under way (see queued). */
  private underWay: Promise<void> | undefined;
  /** runOnDevice's session, for the working size it last ran at. */
  private graph: DeviceGraph | undefined;

  /**
   * Whether runOnDevice's runs replay the GPU commands recorded at the first (undefined before the
   * first). Not where the model has a layer onnxruntime-web runs on the CPU (its WebGPU provider lacks
   * the operator): such a model cannot be captured, and its runs dispatch every layer from JavaScript,
   * which gives the same probability more slowly.
   */
  get graphCaptured(): boolean | undefined {
    return this.graph?.captured;
  }

  private constructor(
    private readonly runtime: OrtRuntime, private readonly session: ort.InferenceSession,
    /** Names the model in error messages. */
    private readonly source: string,
    readonly backend: Backend, readonly device: GPUDevice | undefined,
    /** The model file, kept on WebGPU for runOnDevice's sessions. */
    private readonly bytes: Uint8Array | undefined,
  ) {}

  /** On WebGPU the network's work runs on the GPU while this thread makes the last frame's matte. */
  get concurrent(): boolean {
    return this.backend === 'webgpu';
  }

  static async load(bytes: Uint8Array, options: SessionOptions = {}): Promise<SkyModel> {
    const source = options.source ?? 'sky model';
    if (bytes.length === 0) throw new ModelError(source, 'the model file is empty; reinstall autoroto or pass a valid .onnx file');
    const wanted = options.backend ?? 'auto';
    if (wanted === 'webgpu' && !webgpuAvailable()) {
      throw new ModelError(source, 'WebGPU was asked for but this runtime has no WebGPU adapter; choose the WASM backend, or auto');
    }
    const backend: Backend = wanted === 'auto' ? (webgpuAvailable() ? 'webgpu' : 'wasm') : wanted;
    const runtime = options.runtime ?? ort;
    runtime.env.wasm.numThreads = options.threads ?? 1;
    let session: ort.InferenceSession;
    try {
      // Errors only: on WebGPU the session warns on stderr that shape arithmetic stays on the CPU (by design).
      session = await runtime.InferenceSession.create(bytes, { executionProviders: [backend], graphOptimizationLevel: 'all', logSeverityLevel: 3 });
    } catch (error) {
      if (wanted === 'auto' && backend === 'webgpu') return SkyModel.load(bytes, { ...options, backend: 'wasm' });
      throw new ModelError(source, `not a usable ONNX sky model (${describe(error)}); reinstall autoroto or pass a valid .onnx file`, { cause: error });
    }
    const problem = signatureProblem(session);
    if (problem) {
      await session.release();
      throw new ModelError(source, `not an Autoroto sky model (${problem}; expected ${SIGNATURE})`);
    }
    // onnxruntime-web's own device, made with its first WebGPU session.
    const device = backend === 'webgpu' ? await runtime.env.webgpu.device : undefined;
    return new SkyModel(runtime, session, source, backend, device, device && bytes);
  }

  /**
   * Sky probability at `size` for planar RGB in 0..1 at the same size (on the CPU, or on WebGPU in a
   * storage buffer on `device`, left as it is), in `out`.
   */
  run(planes: Float32Array | GPUBuffer, size: Size, out: Float32Array = new Float32Array(size.width * size.height)): Promise<Float32Array> {
    return this.queued(() => this.runNow(planes, size, out));
  }

  /**
   * Sky probability at `size` for planes on `device`, left there (SkyNetwork.runOnDevice). A run
   * replays the GPU commands recorded at the first run of its size (onnxruntime-web's graph capture):
   * a few calls instead of dispatching every layer from JavaScript, which on a fast GPU took longer than
   * the layers themselves (where the model can be captured: see graphCaptured).
   */
  runOnDevice(planes: GPUBuffer, size: Size): Promise<GPUBuffer> {
    if (!this.device || !this.bytes) return Promise.reject(new Error(`runOnDevice: the network runs on ${this.backend}, not on a WebGPU device`));
    return this.queued(async () => {
      const start = performance.now();
      const graph = await this.graphFor(size);
      const encoder = this.device!.createCommandEncoder();
      encoder.copyBufferToBuffer(planes, 0, graph.inputBuffer, 0, graph.inputBuffer.size);
      this.device!.queue.submit([encoder.finish()]);
      await graph.session.run({ rgb: graph.input }, { sky: graph.output });
      this.busyMs += performance.now() - start;
      return graph.outputBuffer;
    });
  }

  /**
   * Starts `job` at once when no run is under way, otherwise when the last one asked for settles:
   * onnxruntime-web runs a session once at a time (on WebGPU a second run fails with "Session
   * mismatch"). Started at once, a WebGPU run submits its work a task later, and the Segmenter lets
   * exactly one task pass before its CPU work.
   */
  private queued<T>(job: () => Promise<T>): Promise<T> {
    const run = this.underWay ? this.underWay.then(job) : job();
    const settled = run.then(() => {}, () => {});
    this.underWay = settled;
    void settled.then(() => {
      if (this.underWay === settled) this.underWay = undefined;
    });
    return run;
  }

  private async runNow(planes: Float32Array | GPUBuffer, size: Size, out: Float32Array): Promise<Float32Array> {
    const start = performance.now();
    const dims = [1, 3, size.height, size.width];
    const input = planes instanceof Float32Array ? new this.runtime.Tensor('float32', planes, dims) : this.runtime.Tensor.fromGpuBuffer(planes, { dataType: 'float32', dims });
    const output = await this.session.run({ rgb: input });
    const sky = output.sky;
    if (sky.size !== size.width * size.height) {
      // Sizes the model left free but works out otherwise (e.g. at half resolution); the device runs fail on this too, less plainly.
      throw new ModelError(this.source, `not an Autoroto sky model (sky is ${sky.dims.join('×')} for rgb 1×3×${size.height}×${size.width}; expected ${SIGNATURE})`);
    }
    const data = (sky.location === 'gpu-buffer' ? await sky.getData(true) : sky.data) as Float32Array;
    input.dispose?.();
    out.set(data);
    this.busyMs += performance.now() - start;
    return out;
  }

  /** runOnDevice's session and buffers for `size`: the last ones where the size is the same, otherwise new ones. */
  private async graphFor(size: Size): Promise<DeviceGraph> {
    if (this.graph?.size.width === size.width && this.graph.size.height === size.height) return this.graph;
    await this.releaseGraph();
    // Capturing logs fatal errors only: its refusal of a model it cannot capture is expected, and handled below.
    const create = (enableGraphCapture: boolean) => this.runtime.InferenceSession.create(this.bytes!, {
      executionProviders: ['webgpu'], graphOptimizationLevel: 'all', logSeverityLevel: enableGraphCapture ? 4 : 3,
      // The recorded commands hold for this size only (shape arithmetic runs once, on the CPU): hence a session per size.
      enableGraphCapture, preferredOutputLocation: 'gpu-buffer',
    });
    let session: ort.InferenceSession, captured = true;
    try {
      session = await create(true);
    } catch {
      // onnxruntime-web refuses to capture a model with a layer on the CPU (see graphCaptured).
      captured = false;
      try {
        session = await create(false);
      } catch (error) {
        throw new Error(`the sky model could not be set up on the GPU for ${size.width}×${size.height} (${describe(error)}); run again, or choose the WASM backend`, { cause: error });
      }
    }
    const device = this.device!, { STORAGE, COPY_SRC, COPY_DST } = GPUBufferUsage;
    const n = size.width * size.height;
    const inputBuffer = device.createBuffer({ size: 3 * n * 4, usage: STORAGE | COPY_DST });
    const outputBuffer = device.createBuffer({ size: n * 4, usage: STORAGE | COPY_SRC });
    const input = this.runtime.Tensor.fromGpuBuffer(inputBuffer, { dataType: 'float32', dims: [1, 3, size.height, size.width] });
    const output = this.runtime.Tensor.fromGpuBuffer(outputBuffer, { dataType: 'float32', dims: [1, 1, size.height, size.width] });
    this.graph = { size: { ...size }, session, captured, input, output, inputBuffer, outputBuffer };
    return this.graph;
  }

  private async releaseGraph(): Promise<void> {
    const graph = this.graph;
    this.graph = undefined;
    if (!graph) return;
    await graph.session.release();
    graph.inputBuffer.destroy();
    graph.outputBuffer.destroy();
  }

  async dispose(): Promise<void> {
    await this.releaseGraph();
    await this.session.release();
  }
}
