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
}

export class SkyModel implements SkyNetwork {
  busyMs = 0;
  /** Settles when the last run asked for has; none when no run is under way (see run). */
  private underWay: Promise<void> | undefined;

  private constructor(
    private readonly runtime: OrtRuntime, private readonly session: ort.InferenceSession, readonly backend: Backend, readonly device: GPUDevice | undefined,
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
      throw new ModelError(source, 'WebGPU was asked for but this runtime has no WebGPU adapter; use --backend wasm (or auto)');
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
    if (!session.inputNames.includes('rgb') || !session.outputNames.includes('sky')) {
      throw new ModelError(source, `not an Autoroto sky model (inputs ${session.inputNames.join(', ')}, outputs ${session.outputNames.join(', ')}; expected rgb → sky)`);
    }
    // onnxruntime-web's own device, made with its first WebGPU session.
    const device = backend === 'webgpu' ? await runtime.env.webgpu.device : undefined;
    return new SkyModel(runtime, session, backend, device);
  }

  /**
   * Sky probability at `size` for planar RGB in 0..1 at the same size (on the CPU, or on WebGPU in a
   * storage buffer on `device`, left as it is), in `out`. Runs asked for while
   * one is under way wait for it: onnxruntime-web runs a session once at a time (on WebGPU a second
   * run fails with "Session mismatch").
   */
  run(planes: Float32Array | GPUBuffer, size: Size, out: Float32Array = new Float32Array(size.width * size.height)): Promise<Float32Array> {
    // Started at once when none is under way: on WebGPU the run submits its work a task later, and
    // the Segmenter lets exactly one task pass before its CPU work.
    const run = this.underWay ? this.underWay.then(() => this.runNow(planes, size, out)) : this.runNow(planes, size, out);
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
    const data = (sky.location === 'gpu-buffer' ? await sky.getData(true) : sky.data) as Float32Array;
    input.dispose?.();
    out.set(data);
    this.busyMs += performance.now() - start;
    return out;
  }

  async dispose(): Promise<void> {
    await this.session.release();
  }
}
