/**
 * The After Effects adapters, UXP (DOM called directly) and CEP (ExtendScript through evalScript),
 * run against the same double of AE's object model (test/doubles/aftereffects.ts) with the same
 * checks: masks reproduce the roto document, the editor's masks and keys survive, reruns replace,
 * undo groups balance, a failed write leaves the layer as it was, and bad targets get clear messages.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { RotoDocument, RotoMask } from '../src/core/document.ts';
import { renderDocument } from '../src/core/render.ts';
import { iou } from '../src/core/metrics.ts';
import type { Vec2 } from '../src/core/types.ts';
import { afterEffectsDom, createAfterEffectsUxpHost } from '../src/hosts/aftereffects-uxp.ts';
import { createAfterEffectsCepHost } from '../src/hosts/aftereffects-cep.ts';
import { HostError } from '../src/hosts/errors.ts';
import type { Host, HostTarget } from '../src/hosts/types.ts';
import { HEIGHT, WIDTH, circle, horizonDocument } from './helpers/export-fixtures.ts';
import {
  AfterEffectsDouble, FieldSeparationType, KeyframeInterpolationType, PulldownPhase, MaskMode, Shape, closedShape, rasterizeLayerMasks, readMasks, compTimeOfFrame,
  type AVLayer, type CompItem, type FileSource, type FootageItem, type MaskParade,
} from './doubles/aftereffects.ts';
import { skyFootage, skyFrame } from './doubles/sky-footage.ts';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RgbFrame } from '../src/core/types.ts';
import { FootageError, openFootage } from '../src/node/footage.ts';
import { writeRgbPng } from '../src/node/png.ts';
import { writeRawVideo } from '../src/node/ffmpeg.ts';
import { assertCombed, assertDominant, CHECKED_FRAME, interlacedH264, WOVEN, wovenFrames } from './helpers/interlaced.ts';
import { InferenceClient, serveInference, type Request } from '../panel/inference/protocol.ts';
import { channel } from './helpers/inference-channel.ts';
import { PremiereDouble } from './doubles/premiere.ts';
import { createPremiereUxpHost, TRACK_MATTE_KEY } from '../src/hosts/premiere-uxp.ts';

const FPS = 24;
const FRAMES = 30;
const isAutoroto = (name: string) => name.startsWith('Autoroto Sky');

interface Scene {
  ae: AfterEffectsDouble;
  comp: CompItem;
  layer: AVLayer;
  host: Host;
}

const footage = skyFootage({ width: WIDTH, height: HEIGHT, frameRate: FPS, frameCount: FRAMES });
/** The image-sequence shots' frames: small, a sky that moves. */
const SEQUENCE = { width: 64, height: 48, frameRate: FPS, frameCount: 6 };

const adapters: Record<string, (ae: AfterEffectsDouble) => Host> = {
  'UXP': (ae) => createAfterEffectsUxpHost(afterEffectsDom(ae.uxpModule() as unknown as Parameters<typeof afterEffectsDom>[0]), async () => footage),
  'CEP': (ae) => createAfterEffectsCepHost(async (script) => ae.evalScript(script), async () => footage),
};

function scene(adapter: (ae: AfterEffectsDouble) => Host): Scene {
  const ae = new AfterEffectsDouble();
  const plate = ae.importFootage('/shots/harbour_0420.mov', WIDTH, HEIGHT, FPS, FRAMES / FPS);
  const comp = ae.app.project.items.addComp('Harbour', WIDTH, HEIGHT, 1, FRAMES / FPS, FPS);
  comp.layers.addSolid([0, 0, 0], 'Grade', WIDTH, HEIGHT, 1);
  const layer = comp.layers.add(plate);
  layer.selected = true;
  return { ae, comp, layer, host: adapter(ae) };
}

async function targetOf(s: Scene): Promise<HostTarget> {
  const [target] = await s.host.selectedTargets();
  return target;
}

const masksOf = (layer: AVLayer) => layer.property('ADBE Mask Parade') as MaskParade;
const names = (layer: AVLayer) => readMasks(layer).map((m) => m.name);
const WHOLE = { first: 0, last: FRAMES - 1 };

/** An editor's garbage matte above the sky and a fix below it. */
function addEditorMasks(layer: AVLayer): void {
  const garbage = masksOf(layer).addProperty('ADBE Mask Atom');
  garbage.name = 'Garbage matte';
  garbage.maskMode = MaskMode.SUBTRACT;
  garbage.property('ADBE Mask Shape')!.setValue(closedShape([[10.5, 200.5], [90.5, 200.5], [90.5, 260.5]]));
}

function addFix(layer: AVLayer): void {
  const fix = masksOf(layer).addProperty('ADBE Mask Atom');
  fix.name = 'Sky fix';
  fix.inverted = true;
  fix.property('ADBE Mask Shape')!.setValue(closedShape([[300.5, 10.5], [350.5, 10.5], [350.5, 60.5]]));
}

/** The document moved by (dx, dy): a rerun that saw the sky somewhere else. */
function moved(doc: RotoDocument, dx: number, dy: number): RotoDocument {
  const move = (ps: Vec2[]): Vec2[] => ps.map(([x, y]) => [x + dx, y + dy]);
  return { ...doc, masks: doc.masks.map((m) => ({ ...m, path: m.path.map((k) => ({ ...k, vertices: move(k.vertices) })) })) };
}

function assertReproduces(layer: AVLayer, doc: RotoDocument, frames: number[]): void {
  for (const frame of frames) {
    const got = rasterizeLayerMasks(layer, frame, FPS, isAutoroto);
    assert.ok(iou(got, renderDocument(doc, frame)) >= 0.9999, `frame ${frame}`);
  }
}

for (const [adapterName, adapter] of Object.entries(adapters)) {
  describe(`After Effects ${adapterName} adapter`, () => {
    it('lists the selected layers of every comp', async () => {
      const s = scene(adapter);
      const other = s.ae.app.project.items.addComp('Pier', WIDTH, HEIGHT, 1, 1, FPS);
      other.layers.addSolid([0, 0, 0], 'Pier plate', WIDTH, HEIGHT, 1).selected = true;
      const targets = await s.host.selectedTargets();
      assert.deepEqual(targets.map((t) => [t.container, t.name]), [['Harbour', 'harbour_0420.mov'], ['Pier', 'Pier plate']]);
    });

    it('queues the comps selected in the Project panel: their selected layers, or else every layer it can key, each once, in order', async () => {
      const s = scene(adapter);
      const { ae } = s;
      const { items } = ae.app.project;
      const plate = (name: string) => ae.importFootage(`/shots/${name}`, WIDTH, HEIGHT, FPS, FRAMES / FPS);
      // Created Pier, Beach, Quay; the Project panel (sorted by Name) shows Beach, Harbour, Pier.
      const pier = items.addComp('Pier', WIDTH, HEIGHT, 1, FRAMES / FPS, FPS);
      pier.layers.add(plate('pier_b.mov'));
      pier.layers.add(plate('pier_locked.mov')).locked = true;
      pier.layers.add(plate('pier_hidden.mov')).enabled = false;
      pier.layers.add(ae.importFootage('/shots/wind.wav', WIDTH, HEIGHT, 0, 1, false));
      pier.layers.addSolid([0, 0, 0], 'Pier grade', WIDTH, HEIGHT, 1);
      pier.layers.addCamera('Camera 1', [WIDTH / 2, HEIGHT / 2]);
      pier.layers.addText('PIER 39');
      pier.layers.add(plate('pier_remap.mov')).timeRemapEnabled = true;
      pier.layers.add(ae.importFootage('/shots/pier_still.png', WIDTH, HEIGHT, 0, 0));
      const pierA = plate('pier_a.mov');
      pier.layers.add(pierA);
      const beach = items.addComp('Beach', WIDTH, HEIGHT, 1, FRAMES / FPS, FPS);
      beach.layers.add(plate('beach_1.mov'));
      beach.layers.add(plate('beach_2.mov')).selected = true;
      const quay = items.addComp('Quay', WIDTH, HEIGHT, 1, FRAMES / FPS, FPS);
      quay.layers.add(plate('quay.mov')).selected = true;
      const empty = items.addComp('Empty', WIDTH, HEIGHT, 1, FRAMES / FPS, FPS);
      for (const item of [pier, s.comp, beach, empty, pierA]) item.selected = true;
      assert.deepEqual(ae.app.project.selection.map((i) => i.name), ['Beach', 'Empty', 'Harbour', 'Pier', 'pier_a.mov']);

      const targets = await s.host.selectedTargets();
      assert.deepEqual(targets.map((t) => [t.container, t.name]), [
        ['Beach', 'beach_2.mov'], ['Harbour', 'harbour_0420.mov'], ['Pier', 'pier_a.mov'], ['Pier', 'pier_b.mov'], ['Quay', 'quay.mov'],
      ]);
      assert.equal(new Set(targets.map((t) => t.key)).size, targets.length);
      for (const target of targets) assert.equal((await s.host.openFrames(target, 'layer')).path, `/shots/${target.name}`);
    });

    it('queues what the editor selected in a Project-panel comp even when it cannot be keyed, and says why when it runs', async () => {
      const s = scene(adapter);
      s.comp.selected = true;
      s.layer.locked = true;
      s.comp.layer(2).selected = true;
      s.comp.layers.addText('TITLE').selected = true;
      const targets = await s.host.selectedTargets();
      assert.deepEqual(targets.map((t) => [t.container, t.name]), [['Harbour', 'TITLE'], ['Harbour', 'harbour_0420.mov'], ['Harbour', 'Grade']]);
      const refusal = (kind: HostError['kind'], message: RegExp) => (e: HostError) => e instanceof HostError && e.kind === kind && message.test(e.message);
      await assert.rejects(s.host.openFrames(targets[0], 'layer'), refusal('no-video', /"TITLE" is not footage from a file/));
      await assert.rejects(s.host.openFrames(targets[1], 'layer'), refusal('locked', /"harbour_0420.mov" is locked/));
      await assert.rejects(s.host.openFrames(targets[2], 'layer'), refusal('no-video', /"Grade" is not footage from a file/));

      for (let l = 1; l <= s.comp.numLayers; l++) s.comp.layer(l).selected = false;
      assert.deepEqual(await s.host.selectedTargets(), [], 'a title, a locked plate and a solid: nothing it can key');
      s.comp.selected = false;
      assert.equal(s.ae.undo.begun, 0);
    });

    it('writes masks that reproduce the roto document, in one undo group, after the editor\'s masks', async () => {
      const s = scene(adapter);
      addEditorMasks(s.layer);
      const doc = horizonDocument();
      const report = await s.host.write(await targetOf(s), doc, WHOLE);
      assert.deepEqual(report, { masks: 3, replaced: 0, files: [] });
      assert.deepEqual(names(s.layer), ['Garbage matte', 'Autoroto Sky 1', 'Autoroto Sky 1 hole', 'Autoroto Sky 2']);
      assert.deepEqual(s.ae.undo, { begun: 1, ended: 1, depth: 0, names: ['Autoroto Sky'] });
      assert.equal(s.ae.mutationsOutsideUndoGroup, 4, 'only the editor\'s own mask was made outside');
      assertReproduces(s.layer, doc, [0, 5, 8, 12, 16, 19, 20, 29]);
    });

    it('keys a layer that starts later and is time-stretched so each source frame gets its shape', async () => {
      const s = scene(adapter);
      s.layer.startTime = 0.5;
      s.layer.stretch = 200;
      s.layer.outPoint = 0.5 + 2 * FRAMES / FPS;
      const doc = horizonDocument();
      await s.host.write(await targetOf(s), doc, WHOLE);
      const [sky] = readMasks(s.layer);
      assert.deepEqual(sky.path.keys.map((k) => k.time), [0, 12, 24].map((f) => compTimeOfFrame(s.layer, f, FPS)));
      assertReproduces(s.layer, doc, [0, 7, 12, 23]);
    });

    it('replaces its own masks on a rerun, keeps their place, and never touches a renamed one', async () => {
      const s = scene(adapter);
      addEditorMasks(s.layer);
      const target = await targetOf(s);
      await s.host.write(target, horizonDocument(), WHOLE);
      addFix(s.layer);
      (masksOf(s.layer).property('Autoroto Sky 1 hole') as unknown as { name: string }).name = 'My hole';
      const editors = readMasks(s.layer).filter((m) => !isAutoroto(m.name));
      const again = moved(horizonDocument(), 13.3, 7.1);
      const report = await s.host.write(target, again, WHOLE);
      assert.equal(report.replaced, 2);
      assert.deepEqual(names(s.layer), ['Garbage matte', 'Autoroto Sky 1', 'Autoroto Sky 1 hole', 'Autoroto Sky 2', 'My hole', 'Sky fix']);
      assert.deepEqual(readMasks(s.layer).filter((m) => !isAutoroto(m.name)), editors);
      assertReproduces(s.layer, again, [0, 10, 29]);
    });

    it('leaves the layer exactly as it was when a write fails half way, and says why', async () => {
      const s = scene(adapter);
      addEditorMasks(s.layer);
      const target = await targetOf(s);
      await s.host.write(target, horizonDocument(), WHOLE);
      const before = readMasks(s.layer);
      s.ae.clearLog();
      s.ae.failOn('setValuesAtTimes', 3, 'After Effects error: out of memory');
      await assert.rejects(s.host.write(target, moved(horizonDocument(), 5, 5), WHOLE),
        (e: HostError) => e.kind === 'write-failed' && /out of memory \(the layer's masks were left as they were\)/.test(e.message));
      assert.deepEqual(readMasks(s.layer), before);
      assert.deepEqual([s.ae.undo.begun, s.ae.undo.ended, s.ae.undo.depth], [1, 1, 0]);
    });

    const refusals: [string, (s: Scene) => void, HostError['kind'], RegExp][] = [
      ['a locked layer', (s) => { s.layer.locked = true; }, 'locked', /"harbour_0420.mov" is locked\. Unlock it/],
      ['a layer without video', (s) => {
        const audio = s.ae.importFootage('/shots/wind.wav', WIDTH, HEIGHT, 0, 1, false);
        s.layer.selected = false;
        s.comp.layers.add(audio).selected = true;
      }, 'no-video', /"wind.wav" has no video/],
      ['a solid', (s) => { s.layer.selected = false; s.comp.layer(2).selected = true; }, 'no-video', /"Grade" is not footage from a file/],
      ['footage with its pulldown removed', (s) => { ((s.layer.source as FootageItem).mainSource as FileSource).removePulldown = PulldownPhase.WSSWW; },
        'no-video', /"harbour_0420.mov"'s footage has its pulldown removed \(Interpret Footage > Remove Pulldown\).*Turn Remove Pulldown off/],
      ['looped footage', (s) => { ((s.layer.source as FootageItem).mainSource as FileSource).loop = 3; },
        'no-video', /"harbour_0420.mov"'s footage loops 3 times \(Interpret Footage > Loop\): Autoroto keys one pass of the file\. Set Loop to 1/],
      ['a deleted comp', (s) => s.ae.removeItem(s.comp), 'missing-comp', /composition of layer "harbour_0420.mov" is gone/],
      ['a renamed layer', (s) => { s.layer.name = 'Plate v2'; }, 'missing-layer', /no longer in "Harbour"/],
    ];
    for (const [what, arrange, kind, message] of refusals) {
      it(`refuses ${what} with a clear message and writes nothing`, async () => {
        const s = scene(adapter);
        addEditorMasks(s.layer);
        const before = readMasks(s.layer);
        const needsTargetFirst = what === 'a deleted comp' || what === 'a renamed layer';
        const early = needsTargetFirst ? await targetOf(s) : null;
        arrange(s);
        const target = early ?? await targetOf(s);
        s.ae.clearLog();
        const isRefusal = (e: HostError) => e instanceof HostError && e.kind === kind && message.test(e.message);
        await assert.rejects(s.host.openFrames(target, 'layer'), isRefusal);
        await assert.rejects(s.host.write(target, horizonDocument(), WHOLE), isRefusal);
        assert.deepEqual(readMasks(s.layer), before);
        assert.equal(s.ae.undo.begun, 0);
      });
    }

    it('opens the frames of the layer\'s in/out points or of the work area, in source frames', async () => {
      const s = scene(adapter);
      s.layer.startTime = 1;
      s.layer.inPoint = 1 + 5 / FPS;
      s.layer.outPoint = 1 + 25 / FPS;
      s.comp.workAreaStart = 1 + 10 / FPS;
      s.comp.workAreaDuration = 100;
      const target = await targetOf(s);
      assert.deepEqual((await s.host.openFrames(target, 'layer')).range, { first: 5, last: 24 });
      assert.deepEqual((await s.host.openFrames(target, 'workArea')).range, { first: 10, last: 24 });
      s.comp.workAreaStart = 0;
      s.comp.workAreaDuration = 0.5;
      await assert.rejects(s.host.openFrames(target, 'workArea'), /shows no frames of its footage in that range/);
      const source = await s.host.openFrames(target, { first: 3, last: 4 });
      const frames = [];
      for await (const frame of source.frames(source.range)) frames.push(frame);
      assert.deepEqual([source.path, source.width, source.height, frames.length], ['/shots/harbour_0420.mov', WIDTH, HEIGHT, 2]);
    });

    it('a rerun over frames 10–20 replaces keys only there: every other frame, and the editor\'s keys, stay', async () => {
      const s = scene(adapter);
      addEditorMasks(s.layer);
      const target = await targetOf(s);
      await s.host.write(target, horizonDocument(), WHOLE);
      // The editor corrects the sky at frame 26 and takes "Autoroto Sky 2" as theirs.
      const parade = masksOf(s.layer);
      const sky = parade.property('Autoroto Sky 1')!.property('ADBE Mask Shape')!;
      const corrected = sky.valueAtTime(compTimeOfFrame(s.layer, 26, FPS), false) as Shape;
      corrected.vertices = corrected.vertices.map(([x, y]) => [x, y + 9.7] as Vec2);
      sky.setValueAtTime(compTimeOfFrame(s.layer, 26, FPS), corrected);
      (parade.property('Autoroto Sky 2') as unknown as { name: string }).name = 'Boat';
      const before = Array.from({ length: FRAMES }, (_, f) => rasterizeLayerMasks(s.layer, f, FPS));
      const editors = readMasks(s.layer).filter((m) => !isAutoroto(m.name));

      // The rerun finds the sky with 4 vertices instead of 8, no hole, and a new region.
      const rerun: RotoDocument = {
        ...horizonDocument(),
        masks: [
          mask('Autoroto Sky 1', [circle(10, 240.3, 60.7, 200.1), circle(20, 250.9, 70.3, 190.7)]),
          mask('Autoroto Sky 3', [circle(12, 400.3, 200.1, 30.3)]),
        ],
      };
      const range = { first: 10, last: 20 };
      await s.host.write(target, rerun, range);
      assert.deepEqual(names(s.layer), ['Garbage matte', 'Autoroto Sky 1', 'Autoroto Sky 3', 'Autoroto Sky 1 hole', 'Boat']);
      for (let f = 0; f < FRAMES; f++) {
        const now = rasterizeLayerMasks(s.layer, f, FPS);
        if (f < range.first || f > range.last) {
          assert.ok(iou(now, before[f]) >= 0.9999, `frame ${f} is as it was`);
        } else {
          assert.ok(iou(rasterizeLayerMasks(s.layer, f, FPS, isAutoroto), renderDocument(rerun, f)) >= 0.9999, `frame ${f} is the rerun`);
        }
      }
      assert.deepEqual(readMasks(s.layer).filter((m) => !isAutoroto(m.name)), editors);
      const skyKeys = readMasks(s.layer)[1].path.keys;
      assert.deepEqual(skyKeys.map((k) => Math.round(k.time * FPS * 1000) / 1000), [0, 9, 10, 20, 21, 24, 26]);
      assert.deepEqual(skyKeys.map((k) => k.outType === KeyframeInterpolationType.HOLD), [false, true, false, true, false, false, false]);
    });
  });
}

describe('After Effects, a layer whose footage is an image sequence (its footage item names the first file)', () => {
  /** A comp with one layer of the 6-frame sequence plate.1001.png … in `dir`, beside another sequence and a still; the adapter given. */
  async function sequenceScene(dir: string, adapter: (ae: AfterEffectsDouble) => Host): Promise<{ s: Scene; frames: RgbFrame[] }> {
    const frames = Array.from({ length: 6 }, (_, f) => skyFrame(SEQUENCE, f));
    for (let f = 0; f < frames.length; f++) {
      await writeRgbPng(join(dir, `plate.${1001 + f}.png`), frames[f]);
      await writeRgbPng(join(dir, `plate_bg.${1001 + f}.png`), skyFrame(SEQUENCE, 5 - f));
    }
    await writeRgbPng(join(dir, 'plate.png'), frames[5]);
    const ae = new AfterEffectsDouble();
    const item = ae.importFootage(join(dir, 'plate.1001.png'), SEQUENCE.width, SEQUENCE.height, FPS, frames.length / FPS);
    const comp = ae.app.project.items.addComp('Sequence', SEQUENCE.width, SEQUENCE.height, 1, frames.length / FPS, FPS);
    const layer = comp.layers.add(item);
    layer.selected = true;
    return { s: { ae, comp, layer, host: adapter(ae) }, frames };
  }

  it('CEP (the command line\'s footage reader): reads the numbered files the first one starts, and names a missing one', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autoroto-sequence-'));
    try {
      const { s, frames } = await sequenceScene(dir, (ae) => createAfterEffectsCepHost(async (script) => ae.evalScript(script), openFootage));
      const target = await targetOf(s);
      const source = await s.host.openFrames(target, 'layer');
      assert.deepEqual([source.frameCount, source.range], [6, { first: 0, last: 5 }]);
      const read: RgbFrame[] = [];
      for await (const frame of source.frames(source.range)) read.push(frame);
      assert.equal(read.length, 6);
      read.forEach((frame, f) => assert.ok(Buffer.from(frame.data).equals(Buffer.from(frames[f].data)), `frame ${f} is plate.${1001 + f}.png`));

      await rm(join(dir, 'plate.1004.png'));
      await assert.rejects(s.host.openFrames(target, 'layer'), (e: unknown) => e instanceof FootageError &&
        e.message.startsWith(`${join(dir, 'plate.1004.png')}: is missing from the image sequence that plate.1001.png starts (After Effects has it as 6 frames)`));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('UXP (read by the webview): a PNG sequence is asked for as a sequence of the layer\'s length; EXR, DPX and TIFF sequences are refused, saying what to use', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'autoroto-sequence-'));
    try {
      const log: Request[] = [];
      const [clientPort, serverPort] = channel(log);
      // The webview's end with the command line's reader behind it (the page's own decoding: test/image-sequence.test.ts).
      const stop = serveInference(serverPort, { load: () => assert.fail('no model is needed'), openFootage, png: () => assert.fail('no PNG is needed') });
      const client = new InferenceClient(clientPort);
      const { s, frames } = await sequenceScene(dir, (ae) => createAfterEffectsUxpHost(afterEffectsDom(ae.uxpModule() as unknown as Parameters<typeof afterEffectsDom>[0]), client.openFootage));
      const source = await s.host.openFrames(await targetOf(s), 'layer');
      assert.deepEqual(log.find((m) => m.type === 'open'), { id: log.find((m) => m.type === 'open')!.id, type: 'open', path: join(dir, 'plate.1001.png'), sequenceLength: 6, fields: 'progressive' });
      const read: RgbFrame[] = [];
      for await (const frame of source.frames(source.range)) read.push(frame);
      read.forEach((frame, f) => assert.ok(Buffer.from(frame.data).equals(Buffer.from(frames[f].data)), `frame ${f} is plate.${1001 + f}.png`));
      stop();

      // The page decodes PNG and JPEG only: other sequences are refused before it is asked.
      const refusing = new InferenceClient({ post: () => assert.fail('nothing is sent to the webview'), listen: () => () => {} });
      for (const [file, kind] of [['plate.1001.exr', 'EXR'], ['plate.1001.dpx', 'DPX'], ['plate.1001.tif', 'TIF']]) {
        await assert.rejects(refusing.openFootage(join(dir, file), { sequenceLength: 6 }), (e: unknown) => e instanceof HostError &&
          e.message.startsWith(`${join(dir, file)} starts an image sequence of ${kind} files, which this panel cannot decode (it reads PNG and JPEG sequences). Use the CEP panel, or run autoroto sky`));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('After Effects, interlaced footage: the frames are read as its Interpret Footage separates the fields, whatever the file says', () => {
  const adapters: Array<[string, (ae: AfterEffectsDouble, log: Request[]) => { host: Host; stop?: () => void }]> = [
    ['CEP (the command line\'s footage reader)', (ae) => ({ host: createAfterEffectsCepHost(async (script) => ae.evalScript(script), openFootage) })],
    ['UXP (read by the webview, asked for the fields)', (ae, log) => {
      const [clientPort, serverPort] = channel(log);
      // The webview's end with the command line's reader behind it: it separates the fields it is told to.
      const stop = serveInference(serverPort, { load: () => assert.fail('no model is needed'), openFootage, png: () => assert.fail('no PNG is needed') });
      const client = new InferenceClient(clientPort);
      return { host: createAfterEffectsUxpHost(afterEffectsDom(ae.uxpModule() as unknown as Parameters<typeof afterEffectsDom>[0]), client.openFootage), stop };
    }],
  ];
  for (const [name, adapter] of adapters) {
    it(name, async () => {
      const dir = await mkdtemp(join(tmpdir(), 'autoroto-fields-'));
      try {
        // Flagged upper field first, as After Effects would separate it on import; the editor may change that.
        const clip = join(dir, 'interlaced.mp4');
        await writeRawVideo(wovenFrames(), WOVEN, [...interlacedH264('upper'), '-y', clip]);
        const ae = new AfterEffectsDouble();
        const item = ae.importFootage(clip, WOVEN.width, WOVEN.height, 25, WOVEN.frameCount / 25);
        const comp = ae.app.project.items.addComp('Broadcast', WOVEN.width, WOVEN.height, 1, WOVEN.frameCount / 25, 25);
        comp.layers.add(item).selected = true;
        const log: Request[] = [];
        const { host, stop } = adapter(ae, log);
        const checked = async () => {
          const source = await host.openFrames((await host.selectedTargets())[0], 'layer');
          for await (const frame of source.frames({ first: CHECKED_FRAME, last: CHECKED_FRAME })) return frame;
          throw new Error('no frame');
        };
        const fields = item.mainSource as FileSource;
        fields.fieldSeparationType = FieldSeparationType.UPPER_FIELD_FIRST;
        assertDominant(await checked(), 'upper', 'upper field first');
        fields.fieldSeparationType = FieldSeparationType.LOWER_FIELD_FIRST;
        assertDominant(await checked(), 'lower', 'lower field first, the editor\'s choice over the file\'s');
        fields.fieldSeparationType = FieldSeparationType.OFF;
        assertCombed(await checked(), 'fields not separated: woven, as After Effects then shows it');
        stop?.();
        if (stop) assert.deepEqual(log.filter((m) => m.type === 'open').map((m) => m.type === 'open' && m.fields), ['upper', 'lower', 'progressive']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    });
  }
});

function mask(name: string, path: RotoMask['path']): RotoMask {
  return { name, mode: 'add', inverted: false, feather: [0, 0], expansion: 0, opacity: [{ frame: 0, value: 100 }], path };
}

describe('Premiere Pro UXP adapter', () => {
  function premiere() {
    const pr = new PremiereDouble();
    pr.addClip(0, { name: 'harbour_0420.mov', mediaPath: '/shots/harbour_0420.mov', start: 3, effects: [] }, 0, FRAMES / FPS);
    return { pr, host: createPremiereUxpHost(pr.dom, pr.storage, async () => footage) };
  }

  it('writes roto.json, sky.jsx and a matte sequence, then lays the matte above the clip with a Track Matte Key in one undo step', async () => {
    const { pr, host } = premiere();
    const [target] = await host.selectedTargets();
    assert.deepEqual([target.container, target.name], ['Harbour edit', 'harbour_0420.mov']);
    const source = await host.openFrames(target, 'layer');
    assert.deepEqual(source.range, WHOLE);
    const doc = horizonDocument();
    const report = await host.write(target, doc, { first: 4, last: 9 });
    const folder = '/projects/Autoroto harbour_0420.mov';
    assert.deepEqual(report.files.slice(0, 3), [`${folder}/roto.json`, `${folder}/sky.jsx`, `${folder}/mattes/000004.png`]);
    assert.equal(report.files.length, 2 + 6);
    const matte = pr.files.get(`${folder}/mattes/000007.png`) as { gray: Uint8Array };
    const expected = renderDocument(doc, 7);
    assert.ok(matte.gray.every((v, i) => v === expected[i] * 255));
    assert.deepEqual(pr.imports, [{ paths: [`${folder}/mattes/000004.png`], asNumberedStills: true }]);
    assert.deepEqual(pr.undoSteps, ['Autoroto Sky']);
    assert.deepEqual(pr.tracks[1].map((c) => [c.mediaPath, c.start]), [[`${folder}/mattes/000004.png`, 3]]);
    assert.deepEqual(pr.tracks[0][0].effects, [TRACK_MATTE_KEY]);
  });

  it('changes nothing in the sequence when the transaction fails, and says where the files are', async () => {
    const { pr, host } = premiere();
    const [target] = await host.selectedTargets();
    pr.failTransaction = true;
    await assert.rejects(host.write(target, horizonDocument(), WHOLE), /did not apply the matte .* The matte sequence is in \/projects\/Autoroto harbour_0420.mov/);
    assert.deepEqual([pr.undoSteps, pr.tracks[1], pr.tracks[0][0].effects], [[], [], []]);
  });

  it('refuses a clip of images (a still or an image sequence: the API tells them apart by nothing), naming the file', async () => {
    const pr = new PremiereDouble();
    pr.addClip(0, { name: 'plate', mediaPath: '/shots/plate.1001.png', start: 0, effects: [] }, 0, FRAMES / FPS);
    const host = createPremiereUxpHost(pr.dom, pr.storage, async () => assert.fail('no footage should be opened'));
    const [target] = await host.selectedTargets();
    await assert.rejects(host.openFrames(target, 'layer'), (e: HostError) =>
      e instanceof HostError && e.kind === 'no-video' && /"plate" shows images \(\/shots\/plate\.1001\.png\).*autoroto sky/.test(e.message));
    assert.deepEqual([pr.files.size, pr.undoSteps], [0, []]);
  });

  it('adds nothing when no sky was found', async () => {
    const { pr, host } = premiere();
    const [target] = await host.selectedTargets();
    await assert.rejects(host.write(target, { ...horizonDocument(), masks: [] }, WHOLE), /found no sky/);
    assert.equal(pr.files.size, 0);
  });
});
