/**
 * `npm run build`: the panel for each runtime, with the model and only the onnxruntime-web WASM each
 * one loads (nothing is fetched at run time):
 *   dist/uxp/  manifest.json (UXP v5, AE 27+ / Premiere 25.6+), index.html + panel.js (React UI and
 *              the host DOM), webview/ index.html + webview.js + sky.onnx + ort-wasm-simd-threaded.jsep.wasm
 *              (the inference page: onnxruntime-web's default build, WebGPU through JSEP, else WASM)
 *   dist/cep/  CSXS/manifest.xml (AEFT, CEP 11/12), index.html + panel.js (UI, ffmpeg via Node,
 *              inference in single-threaded WASM: onnxruntime-web/wasm) + sky.onnx + ort-wasm-simd-threaded.wasm,
 *              package.json naming the ffmpeg it needs beside it
 * AUTOROTO_DIST=<dir> builds somewhere else (the build test); --env targets=uxp,cep builds only those.
 */
import { existsSync, readFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import webpack from 'webpack';

const root = dirname(fileURLToPath(import.meta.url));
const dist = resolve(root, process.env.AUTOROTO_DIST ?? 'dist');
const ort = (file) => resolve(root, 'node_modules/onnxruntime-web/dist', file);
const MODEL = resolve(root, 'models/sky.onnx');
const pkg = JSON.parse(readFileSync(resolve(root, 'package.json'), 'utf8'));

/** Emits files next to the bundle: [name in the output, source path or text]. */
class EmitFiles {
  constructor(files) { this.files = files; }
  apply(compiler) {
    compiler.hooks.thisCompilation.tap('EmitFiles', (compilation) => {
      compilation.hooks.processAssets.tap({ name: 'EmitFiles', stage: webpack.Compilation.PROCESS_ASSETS_STAGE_ADDITIONAL }, () => {
        for (const [name, from] of this.files) {
          if (typeof from === 'string' && !existsSync(from)) {
            compilation.errors.push(new webpack.WebpackError(`${from} is missing: ${name} cannot be part of the panel`));
            continue;
          }
          const content = typeof from === 'string' ? readFileSync(from) : from.text;
          compilation.emitAsset(name, new webpack.sources.RawSource(content));
        }
      });
    });
  }
}

const text = (value) => ({ text: value });

function config(name, { entry, output, externals = [], alias = {}, files, clean = true }) {
  return {
    name,
    entry,
    target: ['web', 'es2020'],
    output: { path: output, filename: '[name].js', clean },
    resolve: { extensions: ['.ts', '.tsx', '.js', '.mjs'], alias, conditionNames: ['import', 'browser', 'default'] },
    module: {
      // onnxruntime-web names its .wasm with new URL(…, import.meta.url): the entries point it at the copied file instead.
      parser: { javascript: { url: false } },
      rules: [{
        test: /\.tsx?$/, exclude: /node_modules/, loader: 'ts-loader',
        options: { transpileOnly: true, compilerOptions: { module: 'esnext', moduleResolution: 'bundler', noEmit: false, allowImportingTsExtensions: false, sourceMap: false } },
      }],
    },
    externals,
    externalsType: 'commonjs',
    performance: { hints: false },
    devtool: false,
    plugins: [new EmitFiles(files)],
  };
}

const nodeBuiltin = ({ request }, callback) => {
  if (request.startsWith('node:')) return callback(null, request.slice(5));
  if (builtinModules.includes(request) || request === '@ffmpeg-installer/ffmpeg') return callback(null, request);
  callback();
};
const uxpModule = ({ request }, callback) => (['aftereffects', 'premierepro', 'uxp', 'fs'].includes(request) ? callback(null, request) : callback());

const builds = {
  uxp: () => [
    config('uxp-panel', {
      entry: { panel: './panel/entries/uxp.tsx' }, output: resolve(dist, 'uxp'), externals: [uxpModule], clean: { keep: /^webview[\\/]/ },
      files: [['manifest.json', resolve(root, 'manifest.json')], ['index.html', resolve(root, 'panel/entries/index.html')]],
    }),
    config('uxp-webview', {
      entry: { webview: './panel/inference/webview.ts' }, output: resolve(dist, 'uxp/webview'), clean: false,
      files: [['index.html', resolve(root, 'panel/inference/index.html')], ['sky.onnx', MODEL], ['ort-wasm-simd-threaded.jsep.wasm', ort('ort-wasm-simd-threaded.jsep.wasm')]],
    }),
  ],
  cep: () => [
    config('cep', {
      entry: { panel: './panel/entries/cep.tsx' }, output: resolve(dist, 'cep'), externals: [nodeBuiltin],
      alias: { 'onnxruntime-web$': ort('ort.wasm.bundle.min.mjs') },
      files: [
        ['CSXS/manifest.xml', resolve(root, 'panel/cep/manifest.xml')], ['index.html', resolve(root, 'panel/entries/index.html')],
        ['sky.onnx', MODEL], ['ort-wasm-simd-threaded.wasm', ort('ort-wasm-simd-threaded.wasm')],
        ['package.json', text(JSON.stringify({ name: 'autoroto-cep', private: true, version: pkg.version,
          dependencies: { '@ffmpeg-installer/ffmpeg': pkg.dependencies['@ffmpeg-installer/ffmpeg'] } }, null, 2))],
      ],
    }),
  ],
};

export default (env = {}) => (env.targets ? String(env.targets).split(',') : Object.keys(builds)).flatMap((target) => builds[target]());
