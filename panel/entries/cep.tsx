/**
 * The CEP panel (After Effects before 27): the page runs with Node (--enable-nodejs --mixed-context),
 * so frames come from the footage file through ffmpeg (src/node/footage.ts), inference runs here in
 * single-threaded WASM (no WebGPU, no dependable SharedArrayBuffer in CEP 11/12), and masks are
 * written by ExtendScript through evalScript (src/hosts/aftereffects-cep.ts).
 */
import * as ort from 'onnxruntime-web';
import { createAfterEffectsCepHost } from '../../src/hosts/aftereffects-cep.ts';
import { SkyModel } from '../../src/core/segment/session.ts';
import { Segmenter } from '../../src/core/segment/segmenter.ts';
import { openFootage } from '../../src/node/footage.ts';
import { mountPanel } from '../mount.tsx';

declare const require: (id: string) => unknown;
declare global {
  interface Window {
    __adobe_cep__: { evalScript(script: string, callback: (result: string) => void): void };
  }
}

const fs = require('fs') as { readFileSync(path: string): Uint8Array };
const { fileURLToPath } = require('url') as { fileURLToPath(url: string): string };
/** The extension's folder, with sky.onnx and ort-wasm-simd-threaded.wasm beside index.html. */
const here = (name: string) => fileURLToPath(new URL(name, location.href).href);

ort.env.wasm.numThreads = 1;
ort.env.wasm.wasmBinary = fs.readFileSync(here('ort-wasm-simd-threaded.wasm'));

let model: Promise<SkyModel> | null = null;
const evalScript = (script: string) => new Promise<string>((resolve) => window.__adobe_cep__.evalScript(script, resolve));

mountPanel(document.getElementById('root')!, {
  host: createAfterEffectsCepHost(evalScript, openFootage),
  backends: ['wasm'],
  async createSegmenter() {
    model ??= SkyModel.load(fs.readFileSync(here('sky.onnx')), { backend: 'wasm', threads: 1, source: here('sky.onnx') });
    return new Segmenter(await model);
  },
});
