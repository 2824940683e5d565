/** The shipped sky model on disk (Node): models/sky.onnx, or a file the user names. */
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { ModelError, SkyModel, type BackendChoice } from '../core/segment/index.ts';

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
  return SkyModel.load(bytes, { ...options, source: path });
}
