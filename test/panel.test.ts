/**
 * The panel in headless Chromium: the real React UI (panel/) bundled with esbuild around a test page
 * (test/panel-page.tsx) that wires it to the After Effects UXP adapter over the AE double, synthetic
 * sky footage and the thresholding stand-in segmenter. Clicks Auto-roto sky and checks progress, the
 * preview, the write and its summary against the double's layer; a cancel that writes nothing; and a
 * batch of three layers where the locked one fails and the others go through. Makes docs/panel.png
 * (AUTOROTO_SCREENSHOT=1 to renew it).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { chromiumSkip, launchChromium } from './helpers/chromium.ts';
import type { LayerState, PanelScene } from './panel-page.tsx';
import { InferenceClient, serveInference, type Port, type Reply, type Request } from '../panel/inference/protocol.ts';
import { afterEffectsDom, createAfterEffectsUxpHost } from '../src/hosts/aftereffects-uxp.ts';
import { analyseTarget } from '../src/hosts/roto-job.ts';
import { AfterEffectsDouble } from './doubles/aftereffects.ts';
import { skyFootage, thresholdSegmenter } from './doubles/sky-footage.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SCREENSHOT = fileURLToPath(new URL('../docs/panel.png', import.meta.url));
const SHOT = { width: 320, height: 180, frameRate: 24, frameCount: 24 };

/** The page bundled for the browser; node:vm (the double's ExtendScript runner, unused here) stubbed. */
async function bundlePage(): Promise<string> {
  const result = await build({
    entryPoints: [`${ROOT}test/panel-page.tsx`], bundle: true, write: false, format: 'iife', platform: 'browser',
    jsx: 'automatic', define: { 'process.env.NODE_ENV': '"production"' }, logLevel: 'silent',
    plugins: [{
      name: 'no-node-vm',
      setup(b) {
        b.onResolve({ filter: /^node:vm$/ }, () => ({ path: 'vm', namespace: 'stub' }));
        b.onLoad({ filter: /.*/, namespace: 'stub' }, () => ({ contents: 'export function createContext() { return {}; } export function runInContext() { throw new Error("no ExtendScript in the browser"); }' }));
      },
    }],
  });
  return result.outputFiles[0].text;
}

describe('the panel in Chromium', { skip: chromiumSkip }, () => {
  let browser: Browser;
  let script: string;

  before(async () => {
    [script, browser] = await Promise.all([bundlePage(), launchChromium()]);
  });
  after(async () => {
    await browser?.close();
  });

  async function openPanel(scene: PanelScene): Promise<Page> {
    const page = await browser.newPage({ viewport: { width: 420, height: 760 }, deviceScaleFactor: 1 });
    await page.route(/^(?!data:|about:)/, (route) => route.abort());
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(error.message));
    await page.setContent('<!doctype html><html><head><meta charset="utf-8"></head><body style="margin:0;background:#232323"><div id="root"></div></body></html>');
    await page.addScriptTag({ content: script });
    await page.evaluate((s) => window.autorotoTest.setup(s), scene);
    await page.getByTestId('run').waitFor();
    assert.deepEqual(errors, []);
    return page;
  }
  const layers = (page: Page) => page.evaluate(() => window.autorotoTest.layers()) as Promise<LayerState[]>;
  const undo = (page: Page) => page.evaluate(() => window.autorotoTest.undo());

  it('runs Auto-roto sky: progress with an ETA, a preview before anything is written, then the masks and a summary', async () => {
    const page = await openPanel({ shot: SHOT, comps: [{ name: 'Harbour' }], delayMs: 25 });
    await page.getByLabel('Tolerance (px)').fill('1.5');
    await page.getByTestId('run').click();
    const progress = page.getByTestId('progress');
    await progress.getByText(/frame \d+ of 24/).waitFor();
    await page.getByTestId('eta').getByText(/left/).waitFor();
    assert.equal(await page.getByTestId('cancel').isVisible(), true);

    const preview = page.getByTestId('preview');
    await preview.waitFor();
    assert.deepEqual((await layers(page))[0].masks, [], 'nothing written before the editor says so');
    assert.equal((await undo(page)).begun, 0);
    const outlines = await preview.locator('svg path').evaluateAll((paths) => paths.map((p) => p.getAttribute('d') ?? ''));
    assert.ok(outlines.length >= 1 && outlines.every((d) => /^M-?[\d.]+ -?[\d.]+C/.test(d) && d.endsWith('Z')), `mask outlines drawn: ${outlines}`);
    // The canvas shows the frame with the sky tinted: pink-ish on top, the brown ground untouched below.
    const [top, bottom] = await preview.locator('canvas').evaluate((canvas: HTMLCanvasElement) => {
      const c = canvas.getContext('2d')!;
      return [Array.from(c.getImageData(160, 10, 1, 1).data), Array.from(c.getImageData(160, 170, 1, 1).data)];
    });
    assert.ok(top[0] > 140 && top[2] > 150, `sky tinted: ${top}`);
    assert.deepEqual(bottom.slice(0, 3), [120, 80, 40], 'ground untouched');

    await page.getByTestId('write').click();
    const summary = page.getByTestId('summary');
    await summary.waitFor();
    const masks = Number(await page.getByTestId('summary-masks').textContent());
    const keyframes = Number(await page.getByTestId('summary-keyframes').textContent());
    const written = (await layers(page))[0].masks;
    assert.ok(masks >= 1);
    assert.equal(written.length, masks, 'the summary counts the masks on the layer');
    assert.ok(written.every((m) => m.name.startsWith('Autoroto Sky')));
    assert.equal(written.reduce((n, m) => n + Math.max(1, m.pathKeys), 0), keyframes, 'the summary counts the path keys on the layer');
    assert.ok(Number(await page.getByTestId('summary-vertices').textContent()) >= 3 * masks);
    assert.match(await summary.textContent() ?? '', /\d+(\.\d)? s/);
    assert.deepEqual(await undo(page), { begun: 1, ended: 1 }, 'one undo group');
    // docs/panel.png is committed: written when missing or asked for (AUTOROTO_SCREENSHOT=1), so a test run leaves the tree clean.
    if (process.env.AUTOROTO_SCREENSHOT === '1' || !existsSync(SCREENSHOT)) await page.screenshot({ path: SCREENSHOT, fullPage: true, animations: 'disabled' });
    await page.close();
  });

  it('cancels mid-run and leaves the layer untouched', async () => {
    const page = await openPanel({ shot: SHOT, comps: [{ name: 'Harbour' }], delayMs: 150 });
    await page.getByTestId('run').click();
    await page.getByTestId('progress').getByText(/frame [2-9] of 24/).waitFor();
    await page.getByTestId('cancel').click();
    await page.getByTestId('cancelled').waitFor();
    assert.equal(await page.getByTestId('preview').count(), 0, 'no preview after a cancel');
    assert.deepEqual((await layers(page))[0].masks, []);
    assert.deepEqual(await undo(page), { begun: 0, ended: 0 });
    // The panel is ready for another run.
    assert.equal(await page.getByTestId('run').isEnabled(), true);
    await page.close();
  });

  it('runs a batch across comps, continues past a locked layer and reports every item', async () => {
    const page = await openPanel({ shot: SHOT, comps: [{ name: 'Harbour' }, { name: 'Bridge', locked: true }, { name: 'Cliffs' }], delayMs: 0 });
    await page.getByTestId('tab-batch').click();
    await page.getByTestId('queue').click();
    const items = page.getByTestId('queue-items').locator('li');
    await assertEventually(async () => (await items.count()) === 3);
    assert.deepEqual(await items.evaluateAll((li) => li.map((e) => e.getAttribute('data-status'))), ['queued', 'queued', 'queued']);
    await page.getByTestId('run-batch').click();
    await page.getByTestId('batch-done').waitFor();
    assert.deepEqual(await items.evaluateAll((li) => li.map((e) => e.getAttribute('data-status'))), ['done', 'failed', 'done']);
    assert.match(await page.getByTestId('batch-done').textContent() ?? '', /2 of 3 layers done/);
    const report = (await page.getByTestId('batch-report').textContent() ?? '').split('\n');
    assert.equal(report.length, 3);
    assert.match(report[0], /^Harbour \/ Harbour\.mov: \d+ masks, \d+ vertices, \d+ keyframes/);
    assert.match(report[1], /^Bridge \/ Bridge\.mov: failed \(Layer "Bridge\.mov" is locked/);
    assert.match(report[2], /^Cliffs \/ Cliffs\.mov: \d+ masks/);
    const state = await layers(page);
    assert.ok(state[0].masks.length >= 1 && state[2].masks.length >= 1);
    assert.deepEqual(state[1].masks, [], 'the failing layer is untouched');
    assert.deepEqual(await undo(page), { begun: 2, ended: 2 });
    await page.close();
  });
});

/** Two ends of a postMessage channel in one process; messages are structured-cloned, as postMessage does. */
function channel(log: Request[]): [Port<Request, Reply>, Port<Reply, Request>] {
  const toServer = new Set<(m: Request) => void>();
  const toClient = new Set<(m: Reply) => void>();
  const deliver = <M>(listeners: Set<(m: M) => void>, message: M) => setTimeout(() => listeners.forEach((l) => l(structuredClone(message))), 0);
  return [
    { post: (m) => { log.push(m); deliver(toServer, m); }, listen: (l) => { toClient.add(l); return () => toClient.delete(l); } },
    { post: (m) => deliver(toClient, m), listen: (l) => { toServer.add(l); return () => toServer.delete(l); } },
  ];
}

describe('the inference webview protocol', () => {
  it('gives the panel footage, a segmenter and PNGs from the other end, with the same roto as in-process', async () => {
    const log: Request[] = [];
    const [clientPort, serverPort] = channel(log);
    const footage = skyFootage({ ...SHOT, frameCount: 10 });
    const stop = serveInference(serverPort, {
      load: async (backend) => ({ backend: backend === 'webgpu' ? 'webgpu' : 'wasm', segmenter: () => thresholdSegmenter() }),
      openFootage: async () => footage,
      png: async (width, height, gray) => Uint8Array.of(width, height, gray.length),
    });
    const client = new InferenceClient(clientPort);
    assert.equal(await client.load('auto'), 'wasm');
    await assert.rejects(client.request({ type: 'segment', shot: 99, frame: { width: 1, height: 1, data: new Uint8Array(3) } }, 'matte'), /No shot 99/);

    const ae = new AfterEffectsDouble();
    const plate = ae.importFootage('/shots/Harbour.mov', SHOT.width, SHOT.height, SHOT.frameRate, 10 / SHOT.frameRate);
    ae.app.project.items.addComp('Harbour', SHOT.width, SHOT.height, 1, 10 / SHOT.frameRate, SHOT.frameRate).layers.add(plate).selected = true;
    const dom = afterEffectsDom(ae.globals() as unknown as Parameters<typeof afterEffectsDom>[0]);
    const remote = createAfterEffectsUxpHost(dom, client.openFootage);
    const local = createAfterEffectsUxpHost(dom, async () => footage);
    const [target] = await remote.selectedTargets();
    const progress: number[] = [];
    const viaWebview = await analyseTarget(remote, client.segmenter(), target, { range: 'layer' }, { onProgress: (p) => p.stage === 'frames' && progress.push(p.done) });
    const inProcess = await analyseTarget(local, thresholdSegmenter(), target, { range: 'layer' });
    assert.deepEqual(progress, [1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.deepEqual(viaWebview.doc, inProcess.doc);
    assert.deepEqual(viaWebview.preview.rgb, inProcess.preview.rgb);
    assert.ok(log.some((m) => m.type === 'end'), 'the shot is ended');

    // Leaving a frame stream early tells the other end to stop.
    for await (const frame of client.frames('/shots/Harbour.mov', 0, 9)) { assert.equal(frame.width, SHOT.width); break; }
    assert.equal(log.at(-1)?.type, 'cancel');
    assert.deepEqual(await client.png(3, 2, new Uint8Array(6)), Uint8Array.of(3, 2, 6));
    stop();
  });
});

async function assertEventually(check: () => Promise<boolean>, timeoutMs = 5000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) assert.fail('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
