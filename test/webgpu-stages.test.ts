/**
 * The stages around the network as WebGPU shaders (src/core/segment/gpu-stages.ts) give what the
 * TypeScript stages give, frame after frame of a moving shot: the same working-size planes, the same
 * camera motion, and the same full-resolution matte within float32 rounding.
 *
 * test/browser/stages-page.ts runs both on the same frames in headless Chromium, whose WebGPU adapter
 * here is SwiftShader (a CPU implementation: slow, but the same shaders and validation as a GPU).
 * The shot is the bundled sample's Horizon-UAV still under a camera move, at an odd size (643×361:
 * a frame that is no whole number of 4-byte words, shrunk by a non-integer factor), and a small one
 * that the working size enlarges (160×120). The network's probability is stood in for by the still's
 * true sky mask warped with the frame, at the working size, with a ripple that changes every frame,
 * so that the stabiliser blends, gives way and carries history as on real footage. The GPU stages
 * are driven a frame ahead, as the Segmenter drives them (the next frame uploaded and resized before
 * the last one is stabilised and refined), so each frame's matte must come from its own frame and planes.
 *
 * No WebGPU adapter skips with the reason; no Chromium skips on a developer machine and fails under
 * CI=true (helpers/chromium.ts).
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, it } from 'node:test';
import { rgbPlanes } from '../src/core/segment/resample.ts';
import { workingSize } from '../src/core/segment/working-size.ts';
import type { RgbFrame } from '../src/core/types.ts';
import { openFootage } from '../src/node/footage.ts';
import { readMattePng } from '../src/node/png.ts';
import { warpMatte, warpRgb } from '../src/synthetic/camera-move.ts';
import { SKY_PAN_SAMPLE, skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';
import type { FrameAgreement, StagesRun } from './browser/stages-page.ts';
import { chromiumSkip } from './helpers/chromium.ts';
import { openWebgpuPage, WEBGPU_FLAGS, type WebgpuPage } from './helpers/webgpu-page.ts';

const ENTRY = fileURLToPath(new URL('./browser/stages-page.ts', import.meta.url));
const DATA = fileURLToPath(new URL(`../../shared/data/${SKY_PAN_SAMPLE.dataset}/`, import.meta.url));

interface Shot {
  name: string;
  width: number;
  height: number;
  frames: number;
  stabilise: boolean;
}

const SHOTS: Shot[] = [
  { name: 'odd', width: 643, height: 361, frames: 6, stabilise: true },
  { name: 'small', width: 160, height: 120, frames: 3, stabilise: false },
];

/** The shot's frames and stand-in probabilities, as the page reads them. */
async function shotFiles(shot: Shot, still: RgbFrame, mask: Awaited<ReturnType<typeof readMattePng>>): Promise<Record<string, Uint8Array>> {
  const { width, height, frames } = shot;
  const maps = skyPanMaps({ width, height }, frames);
  const size = workingSize(width, height);
  const n = size.width * size.height;
  const rgb = new Uint8Array(frames * width * height * 3);
  const p = new Float32Array(frames * n);
  maps.forEach((map, f) => {
    rgb.set(warpRgb(still, map, width, height).data, f * width * height * 3);
    const sky = warpMatte(mask, map, width, height).data;
    const grey = new Uint8Array(width * height * 3).map((_, i) => Math.round(255 * sky[Math.floor(i / 3)]));
    const soft = rgbPlanes({ width, height, data: grey }, size).subarray(0, n);
    // A ripple a few working pixels long, moving every frame: what the stabiliser is there to average.
    for (let i = 0; i < n; i++) {
      const x = i % size.width, y = Math.floor(i / size.width);
      p[f * n + i] = Math.min(1, Math.max(0, soft[i] + 0.08 * Math.sin(0.3 * x + 0.2 * y + 1.7 * f)));
    }
  });
  return { [`/${shot.name}.rgb`]: rgb, [`/${shot.name}.f32`]: new Uint8Array(p.buffer) };
}

const show = (f: FrameAgreement) =>
  `planes ${f.planesMaxAbs.toExponential(1)}, motion ${f.motionMaxAbs.toExponential(1)}, matte max ${f.matteMaxAbs.toExponential(1)} ` +
  `mean ${f.matteMeanAbs.toExponential(1)}, ${f.flipped} px flipped, IoU ${f.iou.toFixed(6)}, sky ${(100 * f.sky).toFixed(0)} %`;

describe('resize, stabilise and refine as WebGPU shaders (SwiftShader) against TypeScript', { skip: chromiumSkip, timeout: 240_000 }, () => {
  let page: WebgpuPage | undefined;

  before(async () => {
    const images = join(DATA, 'images'), masks = join(DATA, 'masks');
    assert.ok(existsSync(images), `${images} not found (the tests read ../shared/data beside the repository)`);
    let still: RgbFrame | undefined;
    for await (const frame of (await openFootage(join(images, `${SKY_PAN_SAMPLE.still}.jpg`))).frames()) still = frame;
    const mask = await readMattePng(join(masks, `${SKY_PAN_SAMPLE.still}.png`));
    const files: Record<string, Uint8Array> = {};
    for (const shot of SHOTS) Object.assign(files, await shotFiles(shot, still!, mask));
    page = await openWebgpuPage(ENTRY, files);
  });

  after(() => page?.close());

  for (const shot of SHOTS) {
    const what = `${shot.width}×${shot.height}, ${shot.frames} frames${shot.stabilise ? ', stabilised' : ', unstabilised'}`;
    it(`${what}: the same planes, motion and matte (|Δ| < 1e-4, mean |Δ| < 1e-6, IoU ≥ 0.9999 every frame)`, async (t) => {
      const run = await page!.call<StagesRun>('compare', shot.name, shot.width, shot.height, shot.frames, shot.stabilise);
      if (run.missing) return t.skip(`no WebGPU adapter in headless Chromium with ${WEBGPU_FLAGS.join(' ')}: ${run.missing}`);
      assert.ok(!run.declined, 'SwiftShader\'s limits declined a shot this small');
      assert.equal(run.frames.length, shot.frames);
      run.frames.forEach((f, i) => t.diagnostic(`frame ${i}: ${show(f)}`));
      for (const [i, f] of run.frames.entries()) {
        // Both classes present, or IoU would say nothing.
        assert.ok(f.sky > 0.05 && f.sky < 0.95, `frame ${i}: ${show(f)}`);
        assert.ok(f.planesMaxAbs < 1e-5, `frame ${i}: ${show(f)}`);
        assert.ok(f.motionMaxAbs < 1e-3, `frame ${i}: ${show(f)}`);
        // Float32 rounding: SwiftShader measured ≤ 4e-6 and ≤ 3e-8 (a stabiliser that ignored its history: 5e-3 and 4e-5).
        assert.ok(f.matteMaxAbs < 1e-4 && f.matteMeanAbs < 1e-6 && f.iou >= 0.9999, `frame ${i}: ${show(f)}`);
      }
      if (shot.stabilise) assert.ok(run.frames.slice(1).every((f) => f.motionMaxAbs < Infinity), 'both stabilisers measured a camera motion after the first frame');
    });
  }

  it('a device lost mid-shot gives GpuLostError, which says what happened (a host then runs the shot on the CPU)', async (t) => {
    const { missing, name, message } = await page!.call<{ missing?: string; name?: string; message?: string }>('loseDevice', 'small', 160, 120);
    if (missing) return t.skip(`no WebGPU adapter in headless Chromium with ${WEBGPU_FLAGS.join(' ')}: ${missing}`);
    assert.equal(name, 'GpuLostError', message);
    assert.match(message!, /^The GPU stopped during the shot \(.+\): run it again, or choose the WASM backend\.$/);
  });
});
