/**
 * `autoroto sky --backend webgpu` in Node (DESIGN.md's `--backend wasm|webgpu`): onnxruntime-web's
 * WebGPU build and the GPU stages on Dawn (npm `webgpu`), for render-farm machines with GPUs.
 *
 * Here Dawn runs on Mesa's llvmpipe through OpenGL (AUTOROTO_DAWN_FLAGS=backend=opengl, EGL without a
 * display): a CPU, so slow (about 4 s a frame for the network), but the same WebGPU calls, shaders and
 * validation as on a GPU. Three frames of the sample, shrunk to 160×90, give the mattes and masks that
 * `--backend wasm` gives. Where Dawn finds no adapter (no Mesa EGL: .ci/run installs it) the comparison
 * is skipped with Dawn's reason; a Dawn told to use a backend the machine lacks must fail cleanly.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseDocument } from '../src/core/document.ts';
import { iou, threshold } from '../src/core/metrics.ts';
import { runFfmpeg } from '../src/node/ffmpeg.ts';
import { readMattePng } from '../src/node/png.ts';
import { ROOT, cli, snapshot } from './helpers/cli.ts';

const SAMPLE = join(ROOT, 'samples', 'sky-pan.mp4');
/** Dawn on llvmpipe: OpenGL ES/GL through EGL with no display. */
const LLVMPIPE = { AUTOROTO_DAWN_FLAGS: 'backend=opengl', EGL_PLATFORM: 'surfaceless' };

let tmp: string;
let frames: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'autoroto-webgpu-'));
  frames = join(tmp, 'frames');
  await mkdir(frames);
  await runFfmpeg(['-v', 'error', '-i', SAMPLE, '-frames:v', '3', '-vf', 'scale=160:90', join(frames, 'f%02d.png')]);
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('autoroto sky --backend webgpu (Dawn in Node)', { timeout: 240_000 }, () => {
  it('gives the mattes and masks of --backend wasm', async (t) => {
    const gpuOut = join(tmp, 'webgpu'), wasmOut = join(tmp, 'wasm');
    const gpu = await cli(['sky', frames, '--out', gpuOut, '--backend', 'webgpu', '--mattes', '--no-preview'], undefined, undefined, LLVMPIPE);
    if (gpu.code === 2 && /found no WebGPU adapter/.test(gpu.stderr)) return t.skip(gpu.stderr.trim().split('\n').pop());
    assert.equal(gpu.code, 0, gpu.stderr);
    assert.match(gpu.stdout, /^Roto'd 3 frames .* webgpu\)/);
    const wasm = await cli(['sky', frames, '--out', wasmOut, '--backend', 'wasm', '--mattes', '--no-preview']);
    assert.equal(wasm.code, 0, wasm.stderr);
    const names = (await readdir(join(wasmOut, 'mattes'))).sort();
    assert.deepEqual((await readdir(join(gpuOut, 'mattes'))).sort(), names);
    for (const name of names) {
      const a = await readMattePng(join(gpuOut, 'mattes', name)), b = await readMattePng(join(wasmOut, 'mattes', name));
      const sky = threshold(b).reduce((s, v) => s + v, 0) / b.data.length;
      assert.ok(sky > 0.05 && sky < 0.95, `${name}: ${(100 * sky).toFixed(0)} % sky, so IoU says something`);
      let sum = 0;
      for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
      t.diagnostic(`${name}: IoU ${iou(threshold(a), threshold(b)).toFixed(6)}, mean |Δ| ${(sum / a.data.length).toExponential(2)}`);
      assert.ok(iou(threshold(a), threshold(b)) >= 0.999 && sum / a.data.length < 1e-3, name);
    }
    const [dg, dw] = [await readFile(join(gpuOut, 'roto.json'), 'utf8'), await readFile(join(wasmOut, 'roto.json'), 'utf8')].map(parseDocument);
    assert.deepEqual(dg.masks.map((m) => [m.path[0].vertices.length, m.path.length]), dw.masks.map((m) => [m.path[0].vertices.length, m.path.length]));
  });

  it('a Dawn backend the machine lacks exits 2, says why and what to do, and writes nothing', async () => {
    const out = join(tmp, 'lacking');
    const before = await snapshot(tmp);
    const run = await cli(['sky', frames, '--out', out, '--backend', 'webgpu'], undefined, undefined, { AUTOROTO_DAWN_FLAGS: 'backend=d3d12' });
    assert.equal(run.code, 2, run.stderr);
    assert.match(run.stderr, /^autoroto: .*sky\.onnx: WebGPU was asked for, but Dawn found no WebGPU adapter with backend=d3d12 .*; use --backend wasm$/m);
    assert.deepEqual(await snapshot(tmp), before);
  });
});
