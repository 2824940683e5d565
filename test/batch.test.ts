/**
 * One Auto-roto run (analyse, then write) and the batch queue, through the After Effects UXP adapter
 * on the AE double, with synthetic sky footage and a thresholding stand-in for the model.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { iou } from '../src/core/metrics.ts';
import { afterEffectsDom, createAfterEffectsUxpHost } from '../src/hosts/aftereffects-uxp.ts';
import { analyseTarget, etaSeconds, writeAnalysis, type StageProgress } from '../src/hosts/roto-job.ts';
import { reportLines, runBatch, type BatchSnapshot } from '../src/hosts/batch-queue.ts';
import type { Host, OpenFootage, Segmenter } from '../src/hosts/types.ts';
import type { openFootage } from '../src/node/footage.ts';
import type { Segmenter as SkySegmenter } from '../src/core/segment/segmenter.ts';

/** The real footage reader and sky segmenter fit the hosts' types (tsc checks this). */
type Fits<T extends U, U> = T;
export type RealPartsFit = [Fits<typeof openFootage, OpenFootage>, Fits<SkySegmenter, Segmenter>];
import { AfterEffectsDouble, rasterizeLayerMasks, readMasks, type AVLayer } from './doubles/aftereffects.ts';
import { skyFootage, skyFrame, thresholdSegmenter, type SkyShot } from './doubles/sky-footage.ts';

const SHOT: SkyShot = { width: 160, height: 90, frameRate: 24, frameCount: 12 };

function project(comps: string[]): { ae: AfterEffectsDouble; host: Host; layers: AVLayer[] } {
  const ae = new AfterEffectsDouble();
  const layers = comps.map((name) => {
    const plate = ae.importFootage(`/shots/${name}.mov`, SHOT.width, SHOT.height, SHOT.frameRate, SHOT.frameCount / SHOT.frameRate);
    const comp = ae.app.project.items.addComp(name, SHOT.width, SHOT.height, 1, SHOT.frameCount / SHOT.frameRate, SHOT.frameRate);
    const layer = comp.layers.add(plate);
    layer.selected = true;
    return layer;
  });
  const host = createAfterEffectsUxpHost(afterEffectsDom(ae.uxpModule() as unknown as Parameters<typeof afterEffectsDom>[0]), async () => skyFootage(SHOT));
  return { ae, host, layers };
}

/** The shot's true sky at a frame, 1 = sky. */
function truth(frame: number): Uint8Array {
  const rgb = skyFrame(SHOT, frame).data;
  return Uint8Array.from({ length: SHOT.width * SHOT.height }, (_, i) => (rgb[i * 3 + 2] - rgb[i * 3] > 60 ? 1 : 0));
}

describe('an Auto-roto run', () => {
  it('analyses without writing, with per-stage progress and an ETA, then writes masks that follow the sky', async () => {
    const { ae, host, layers } = project(['Harbour']);
    const [target] = await host.selectedTargets();
    const progress: StageProgress[] = [];
    let clock = 0;
    const analysis = await analyseTarget(host, thresholdSegmenter(), target, { range: { first: 2, last: 9 }, previewFrame: 4 },
      { onProgress: (p) => progress.push(p), now: () => (clock += 10) });
    assert.deepEqual(readMasks(layers[0]), [], 'nothing written before the preview');
    assert.equal(ae.undo.begun, 0);
    assert.deepEqual(progress.filter((p) => p.stage === 'frames').map((p) => p.done), [1, 2, 3, 4, 5, 6, 7, 8]);
    assert.ok(progress.filter((p) => p.stage === 'frames').every((p) => p.total === 8 && p.etaSeconds !== null));
    assert.deepEqual(progress.filter((p) => p.stage === 'track').map((p) => p.done), [0, 1]);
    assert.equal(analysis.preview.frame, 4);
    assert.equal(analysis.preview.rgb.length, SHOT.width * SHOT.height * 3);
    assert.ok(analysis.doc.masks.every((m) => m.path.every((k) => k.frame >= 2 && k.frame <= 9)), 'keys in source frames');
    assert.equal(analysis.doc.source.frameCount, SHOT.frameCount);

    const { summary } = await writeAnalysis(host, analysis);
    assert.equal(summary.masks, analysis.doc.masks.length);
    assert.ok(summary.vertices >= 4 && summary.keyframes >= 1);
    for (const frame of [2, 5, 9]) assert.ok(iou(rasterizeLayerMasks(layers[0], frame, SHOT.frameRate), truth(frame)) > 0.97, `frame ${frame}`);
    assert.deepEqual([ae.undo.begun, ae.undo.ended], [1, 1]);
  });

  it('estimates time left from the pace so far', () => {
    assert.equal(etaSeconds(2000, 4, 10), 3);
    assert.equal(etaSeconds(0, 0, 10), null);
  });
});

describe('the batch queue', () => {
  const runItem = (host: Host, delayMs = 0) => async (target: Parameters<Host['write']>[0], context: { signal: AbortSignal; onFraction: (f: number) => void }) => {
    const analysis = await analyseTarget(host, thresholdSegmenter(delayMs), target, { range: 'layer' },
      { signal: context.signal, onProgress: (p) => p.stage === 'frames' && context.onFraction(p.done / p.total) });
    return (await writeAnalysis(host, analysis, { signal: context.signal })).summary;
  };

  it('runs items across comps one by one, goes on past a failing one, and reports each', async () => {
    const { ae, host, layers } = project(['Harbour', 'Pier', 'Beach']);
    layers[1].locked = true;
    const targets = await host.selectedTargets();
    const snapshots: BatchSnapshot[] = [];
    const final = await runBatch(targets, runItem(host), { onChange: (s) => snapshots.push(s) });
    assert.deepEqual(final.items.map((i) => i.status), ['done', 'failed', 'done']);
    assert.match(final.items[1].message!, /"Pier.mov" is locked/);
    assert.deepEqual(layers.map((l) => readMasks(l).length > 0), [true, false, true]);
    assert.equal(ae.undo.begun, 2);
    assert.ok(snapshots.some((s) => s.items[0].status === 'running' && s.items[1].status === 'queued'));
    const fractions = snapshots.map((s) => s.fraction);
    assert.deepEqual(fractions, fractions.slice().sort((a, b) => a - b), 'progress only grows');
    assert.equal(final.fraction, 1);
    const lines = reportLines(final.items);
    assert.match(lines[0], /^Harbour \/ Harbour.mov: \d+ masks, \d+ vertices, \d+ keyframes, [\d.]+ s$/);
    assert.match(lines[1], /^Pier \/ Pier.mov: failed \(Layer "Pier.mov" is locked/);
  });

  it('cancel stops the running item with nothing written for it and skips the rest', async () => {
    const { ae, host, layers } = project(['Harbour', 'Pier', 'Beach']);
    const targets = await host.selectedTargets();
    const cancel = new AbortController();
    const final = await runBatch(targets, runItem(host, 3), {
      signal: cancel.signal,
      onChange: (s) => { if (s.items[1].status === 'running' && s.items[1].fraction > 0.3) cancel.abort(); },
    });
    assert.deepEqual(final.items.map((i) => [i.status, i.message]), [['done', undefined], ['cancelled', 'nothing was written'], ['cancelled', 'not started']]);
    assert.deepEqual(layers.map((l) => readMasks(l).length > 0), [true, false, false]);
    assert.deepEqual([ae.undo.begun, ae.undo.ended], [1, 1]);
  });
});
