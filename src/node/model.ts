/** The shipped sky model on disk (Node): models/sky.onnx, or a file the user names. */
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ModelError, SkyModel, type BackendChoice, type OrtRuntime } from '../core/segment/index.ts';
import { installNodeWebgpu, WebgpuUnavailableError } from './webgpu.ts';

export const DEFAULT_MODEL_PATH = fileURLToPath(new URL('../../models/sky.onnx', import.meta.url));

export interface LoadModelOptions {
  backend?: BackendChoice;
  threads?: number;
}

export async function loadSkyModel(path = DEFAULT_MODEL_PATH, options: LoadModelOptions = {}): Promise<SkyModel> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such model file' : code === 'EISDIR' ? 'is a folder, not a model file' : `cannot read the model (${code ?? String(error)})`;
    throw new ModelError(path, `${why}; reinstall autoroto (the model ships in models/sky.onnx) or pass --model <file.onnx>`, { cause: error });
  }
  if (options.backend !== 'webgpu') return SkyModel.load(bytes, { ...options, source: path });
  // The network runs on the GPU: one WASM thread schedules it.
  return SkyModel.load(bytes, { backend: 'webgpu', threads: 1, source: path, runtime: await webgpuRuntime(path) });
}

/**
 * onnxruntime-web's browser build (WebGPU through JSEP, what pages and panels bundle) on Dawn, for
 * `--backend webgpu`: Node's default build of onnxruntime-web is WASM only. The package exports only
 * the build's .wasm, so the build is imported by its path beside it; it finds its .wasm by URL, which
 * Node cannot fetch from a file, so it is handed the bytes.
 */
async function webgpuRuntime(path: string): Promise<OrtRuntime> {
  try {
    await installNodeWebgpu();
  } catch (error) {
    if (error instanceof WebgpuUnavailableError) throw new ModelError(path, `WebGPU was asked for, but ${error.message}`, { cause: error });
    throw error;
  }
  const wasm = createRequire(import.meta.url).resolve('onnxruntime-web/ort-wasm-simd-threaded.jsep.wasm');
  const runtime = (await import(pathToFileURL(join(dirname(wasm), 'ort.bundle.min.mjs')).href)) as OrtRuntime;
  runtime.env.wasm.wasmBinary = await readFile(wasm);
  return runtime;
}
