/**
 * sky.jsx, run in node:vm against the After Effects double (test/doubles/aftereffects.ts): it must be
 * ES3, touch only Autoroto's masks, reproduce roto.json at every frame, keep its undo group balanced,
 * leave the layer as it was when a write fails, and never run data as code.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runInNewContext } from 'node:vm';
import * as acorn from 'acorn';
import { es3String, exportJsx } from '../src/export/jsx.ts';
import { MASK_NAME_PREFIX, validateDocument, type PathKey, type RotoDocument, type RotoMask } from '../src/core/document.ts';
import { renderDocument } from '../src/core/render.ts';
import { iou } from '../src/core/metrics.ts';
import type { Vec2 } from '../src/core/types.ts';
import {
  AfterEffectsDouble, AfterEffectsError, KeyframeInterpolationType, MaskMode, Shape, closedShape, compTimeOfFrame, rasterizeLayerMasks, readMasks,
  type AVLayer, type CompItem, type MaskParade, type MaskPropertyGroup, type Property,
} from './doubles/aftereffects.ts';

const { LINEAR, HOLD } = KeyframeInterpolationType;
const INJECTION = 'a"); app.project.close(CloseOptions.DO_NOT_SAVE_CHANGES); ("';

// ---------------------------------------------------------------------------------------------
// Documents, built by hand. Coordinates avoid round numbers so no path edge runs exactly through
// pixel centres, where float noise between two equal interpolations could flip a whole row.

const W = 1920, H = 1080, FPS = 24, FRAMES = 48;

function key(frame: number, vertices: Vec2[], inTangents: Vec2[], outTangents: Vec2[], interpolation: PathKey['interpolation'] = 'linear'): PathKey {
  return { frame, interpolation, closed: true, vertices, inTangents, outTangents };
}

/** The sky above a wavy horizon: 8 vertices, horizontal handles on the 4 horizon points. */
function horizon(frame: number, dx: number, dy: number, interpolation: PathKey['interpolation'] = 'linear'): PathKey {
  const vertices: Vec2[] = [[0, 0], [W, 0], [W, 431.37 + dy], [1500.3 + dx, 402.71 + dy], [1111.9 + dx, 470.13 + dy],
    [733.7 + dx, 388.29 + dy], [341.3 + dx, 455.61 + dy], [0, 420.17 + dy]];
  const handle = (k: number, len: number): Vec2 => (k >= 3 && k <= 6 ? [len, 3.1] : [0, 0]);
  return key(frame, vertices, vertices.map((_, k) => handle(k, 90.7)), vertices.map((_, k) => handle(k, -90.7)), interpolation);
}

/** A closed blob with `n` vertices around (cx, cy): radii vary per vertex, handles along the circle. */
function blob(frame: number, n: number, cx: number, cy: number, r: number, interpolation: PathKey['interpolation'] = 'linear'): PathKey {
  const vertices: Vec2[] = [], inTangents: Vec2[] = [], outTangents: Vec2[] = [];
  const h = (4 / 3) * Math.tan(Math.PI / (2 * n));
  for (let k = 0; k < n; k++) {
    const a = (2 * Math.PI * k) / n + 0.13;
    const rk = r * (1 + 0.17 * Math.sin(3.7 * k + 0.4));
    const [c, s] = [Math.cos(a), Math.sin(a)];
    vertices.push([cx + rk * c, cy + rk * s]);
    outTangents.push([-s * rk * h, c * rk * h]);
    inTangents.push([s * rk * h, -c * rk * h]);
  }
  return key(frame, vertices, inTangents, outTangents, interpolation);
}

function mask(name: string, mode: RotoMask['mode'], path: PathKey[], opacity: RotoMask['opacity'] = [{ frame: 0, value: 100 }], inverted = false): RotoMask {
  return { name, mode, inverted, feather: [1.5, 2.25], expansion: 0, opacity, path };
}

/**
 * The main document: a horizon moving across 48 frames with a hold key, a hole cut out of it, a
 * region that appears at frame 10 and goes at 40, and an inverted subtract mask that trims the sky to
 * an ellipse (a single key: a static shape).
 */
function skyDocument(): RotoDocument {
  return validateDocument({
    format: 'autoroto.roto/1',
    source: { path: 'shots/harbour_0420.mov', width: W, height: H, frameRate: FPS, frameCount: FRAMES },
    masks: [
      mask('Autoroto Sky 1', 'add', [horizon(0, 0, 0), horizon(17, 61.3, -23.7, 'hold'), horizon(29, 130.9, 18.3), horizon(47, -40.1, 35.9)]),
      mask('Autoroto Sky 2', 'subtract', [blob(0, 5, 961.3, 203.7, 71.9), blob(47, 5, 1203.1, 251.3, 93.3)]),
      mask('Autoroto Sky 3', 'add', [blob(0, 6, 1511.7, 803.1, 120.3), blob(10, 6, 1511.7, 803.1, 120.3), blob(47, 6, 1431.9, 771.3, 141.7)],
        [{ frame: 0, value: 0 }, { frame: 10, value: 100 }, { frame: 40, value: 0 }]),
      mask('Autoroto Sky 4', 'subtract', [blob(0, 4, 967.3, 541.9, 1003.7)], [{ frame: 0, value: 100 }], true),
    ],
  });
}

/** Every mode at a small size: the first mask subtracts (compositing starts full), then intersect, none, add. */
function allModesDocument(): RotoDocument {
  const w = 320, h = 180;
  return validateDocument({
    format: 'autoroto.roto/1',
    source: { path: 'modes.mov', width: w, height: h, frameRate: 25, frameCount: 12 },
    masks: [
      mask('Autoroto Sky 1', 'subtract', [blob(0, 5, 81.3, 61.7, 30.1), blob(11, 5, 121.3, 71.7, 33.9)]),
      mask('Autoroto Sky 2', 'intersect', [blob(0, 7, 161.3, 91.1, 81.7), blob(5, 7, 171.9, 88.3, 77.1, 'hold'), blob(11, 7, 151.1, 95.7, 85.3)]),
      mask('Autoroto Sky 3', 'none', [blob(0, 4, 40.3, 40.1, 30.7)]),
      mask('Autoroto Sky 4', 'add', [blob(0, 4, 260.7, 130.3, 40.1, 'hold'), blob(6, 4, 250.1, 120.9, 35.3)],
        [{ frame: 0, value: 0 }, { frame: 3, value: 100 }, { frame: 8, value: 0 }]),
    ],
  });
}

// ---------------------------------------------------------------------------------------------
// A project in the double, set up through its AE API.

interface Scene {
  ae: AfterEffectsDouble;
  comp: CompItem;
  layer: AVLayer;
}

function scene(width = W, height = H, frameRate = FPS): Scene {
  const ae = new AfterEffectsDouble();
  const comp = ae.app.project.items.addComp('Harbour', width, height, 1, 10, frameRate);
  comp.layers.addSolid([0, 0, 0], 'Grade', width, height, 1);
  const layer = comp.layers.addSolid([0.5, 0.5, 0.5], 'Plate', width, height, 1);
  layer.selected = true;
  ae.setActiveItem(comp);
  return { ae, comp, layer };
}

const masksOf = (layer: AVLayer) => layer.property('ADBE Mask Parade') as MaskParade;

/** Masks an editor made (and one an earlier Autoroto run left), added through the AE API. */
function addEditorMasks(layer: AVLayer): void {
  const parade = masksOf(layer);
  const garbage = parade.addProperty('ADBE Mask Atom');
  garbage.name = 'Garbage matte';
  garbage.maskMode = MaskMode.SUBTRACT;
  garbage.property('ADBE Mask Shape')!.setValue(closedShape([[100.5, 900.5], [400.5, 900.5], [400.5, 1050.5], [100.5, 1050.5]]));
  const old = parade.addProperty('ADBE Mask Atom');
  old.name = 'Autoroto Sky 1';
  old.property('ADBE Mask Shape')!.setValue(closedShape([[0, 0], [W, 0], [W, 300.3], [0, 280.7]]));
  const fix = parade.addProperty('ADBE Mask Atom');
  fix.name = 'Sky fix';
  fix.maskMode = MaskMode.ADD;
  fix.inverted = true;
  const path = fix.property('ADBE Mask Shape')!;
  path.setValuesAtTimes([0, 1], [closedShape([[10.5, 10.5], [60.5, 10.5], [60.5, 60.5]]), closedShape([[20.5, 20.5], [70.5, 20.5], [70.5, 70.5]])]);
  path.setInterpolationTypeAtKey(1, HOLD);
  fix.property('ADBE Mask Feather')!.setValue([4, 4]);
}

const isAutoroto = (name: string) => name.startsWith(MASK_NAME_PREFIX);

/** Asserts the layer's Autoroto masks cover what renderDocument does, at every frame of the document. */
function assertReproduces(layer: AVLayer, doc: RotoDocument): void {
  let exact = 0;
  for (let frame = 0; frame < doc.source.frameCount; frame++) {
    const expected = renderDocument(doc, frame);
    const actual = rasterizeLayerMasks(layer, frame, doc.source.frameRate, isAutoroto);
    const score = iou(expected, actual);
    assert.ok(score >= 0.9999, `frame ${frame}: IoU ${score}`);
    if (expected.every((v, i) => v === actual[i])) exact++;
  }
  // Float noise may move a pixel or two, not more than that on most frames.
  assert.ok(exact >= doc.source.frameCount - 2, `${exact} of ${doc.source.frameCount} frames pixel-identical`);
}

const names = (layer: AVLayer) => readMasks(layer).map((m) => m.name);
const foreign = (layer: AVLayer) => readMasks(layer).filter((m) => !isAutoroto(m.name));

function assertUnchangedRun(ae: AfterEffectsDouble, layer: AVLayer, before: ReturnType<typeof readMasks>): void {
  assert.deepEqual(readMasks(layer), before, 'the layer must be left as it was');
  assert.equal(ae.undo.begun, ae.undo.ended);
  assert.equal(ae.undo.depth, 0);
  assert.equal(ae.mutationsOutsideUndoGroup, 0);
}

// ---------------------------------------------------------------------------------------------
// ES3 checks on the script's syntax tree.

type Node = { type: string; [key: string]: unknown };

function walk(node: Node, visit: (node: Node, parent: Node | null) => void, parent: Node | null = null): void {
  visit(node, parent);
  for (const value of Object.values(node)) {
    for (const child of Array.isArray(value) ? value : [value]) {
      if (child && typeof child === 'object' && typeof (child as Node).type === 'string') walk(child as Node, visit, node);
    }
  }
}

/** Methods and globals ExtendScript (ES3) does not have. */
const NOT_ES3 = new Set(['map', 'forEach', 'filter', 'reduce', 'reduceRight', 'some', 'every', 'indexOf', 'lastIndexOf', 'trim', 'bind', 'isArray', 'keys', 'startsWith', 'endsWith', 'includes', 'JSON']);

function assertEs3(source: string): void {
  const ast = acorn.parse(source, { ecmaVersion: 3 }) as unknown as Node;
  walk(ast, (node, parent) => {
    if (node.type === 'Identifier') assert.ok(!NOT_ES3.has(node.name as string), `not in ES3: ${node.name as string}`);
    if (node.type === 'ArrayExpression') assert.ok(!(node.elements as unknown[]).includes(null), 'array holes or trailing commas');
    if (node.type === 'FunctionDeclaration') {
      assert.ok(parent?.type === 'Program' || isFunctionBody(parent, ast), 'function declared inside a block');
    }
  });
}

/** True when `block` is the body of a function (function declarations are only allowed there in ES3). */
function isFunctionBody(block: Node | null, ast: Node): boolean {
  let found = false;
  walk(ast, (node) => {
    if ((node.type === 'FunctionDeclaration' || node.type === 'FunctionExpression') && node.body === block) found = true;
  });
  return found;
}

// ---------------------------------------------------------------------------------------------

describe('exportJsx: the script', () => {
  it('is ExtendScript: parses as ES3, with no ES5+ methods, array holes or nested function declarations', () => {
    for (const doc of [skyDocument(), allModesDocument(), { ...skyDocument(), masks: [] }]) assertEs3(exportJsx(doc));
  });

  it('is pure ASCII and embeds strings only as escaped literals', () => {
    const doc = skyDocument();
    doc.source.path = 'Ciel d\'été/「空」\u2028\u2029\0</script>\\';
    doc.masks[0].name = 'Autoroto Sky 1 ☁';
    const source = exportJsx(doc);
    assert.match(source, /^[\x20-\x7e\n]*$/);
    assert.ok(!source.includes('</'), 'no </ anywhere');
    assertEs3(source);
  });

  it('refuses documents that are not valid roto documents', () => {
    const doc = skyDocument();
    doc.masks[0].path[1].vertices[2] = [Number.NaN, 3];
    assert.throws(() => exportJsx(doc), /not a valid autoroto\.roto\/1 document/);
  });
});

describe('es3String', () => {
  it('round-trips every BMP code unit, lone surrogates and astral characters as printable ASCII', () => {
    const samples = [
      '', INJECTION, "it's", '\\"', '\n\r\t\v\f\b\0\x1b\x7f', '\u2028\u2029', '</script><!--', '\ud800', '\udfff', 'a\ud83d\ude00b',
      Array.from({ length: 0x800 }, (_, c) => String.fromCharCode(c)).join(''),
      Array.from({ length: 0x10000 }, (_, c) => String.fromCharCode(c)).join(''),
    ];
    for (const text of samples) {
      const literal = es3String(text);
      assert.match(literal, /^"[\x20-\x7e]*"$/);
      assert.ok(!literal.includes('</'));
      acorn.parse(`var s = ${literal};`, { ecmaVersion: 3 });
      assert.equal(runInNewContext(literal), text);
    }
  });
});

describe('sky.jsx in the After Effects double', () => {
  it('replaces only Autoroto masks and reproduces roto.json at every frame (layer starting 1.5 s into the comp)', () => {
    const doc = skyDocument();
    const { ae, layer } = scene();
    layer.startTime = 1.5;
    addEditorMasks(layer);
    const editors = foreign(layer);
    ae.clearLog();

    ae.runScript(exportJsx(doc));

    assert.deepEqual(ae.alerts, []);
    assert.deepEqual(ae.undo, { begun: 1, ended: 1, depth: 0, names: ['Autoroto Sky'] });
    assert.equal(ae.mutationsOutsideUndoGroup, 0);
    assert.equal(ae.closeCalls.length, 0);
    // The new masks take the old one's place: the editor's masks keep their order around the sky.
    assert.deepEqual(names(layer), ['Garbage matte', 'Autoroto Sky 1', 'Autoroto Sky 2', 'Autoroto Sky 3', 'Autoroto Sky 4', 'Sky fix']);
    assert.deepEqual(foreign(layer), editors);
    assertReproduces(layer, doc);
  });

  it('writes each keyed property with one setValuesAtTimes call and static values with setValue', () => {
    const doc = skyDocument();
    const { ae, layer } = scene();
    ae.runScript(exportJsx(doc));
    // Keyed: mask 1 path (4 keys), mask 2 path (2), mask 3 path (3) and opacity (3).
    assert.equal(ae.calls('setValuesAtTimes'), 4);
    assert.equal(ae.calls('setValueAtTime'), 0);
    // Static: feather and expansion of every mask, mask 1, 2, 4 opacity, mask 4 path.
    assert.equal(ae.calls('setValue'), 4 * 2 + 3 + 1);
    const written = readMasks(layer);
    written.forEach((m, i) => {
      const source = doc.masks[i];
      assert.equal(m.name, source.name);
      assert.deepEqual(m.feather, { value: source.feather, keys: [] });
      assert.deepEqual(m.expansion, { value: source.expansion, keys: [] });
      if (source.path.length === 1) {
        assert.deepEqual(m.path.keys, []);
        const { closed, vertices, inTangents, outTangents } = source.path[0];
        assert.deepEqual(m.path.value, { closed, vertices, inTangents, outTangents });
      } else {
        assert.deepEqual(m.path.keys.map((k) => k.time), source.path.map((k) => compTimeOfFrame(layer, k.frame, FPS)));
        assert.deepEqual(m.path.keys.map((k) => k.value.vertices), source.path.map((k) => k.vertices));
      }
    });
  });

  it('holds where the document holds, on the outgoing side only, and writes a subtract mask inverted', () => {
    const doc = skyDocument();
    const { ae, layer } = scene();
    ae.runScript(exportJsx(doc));
    const [sky, hole, region, trim] = readMasks(layer);
    assert.deepEqual(sky.path.keys.map((k) => [k.inType, k.outType]), [[LINEAR, LINEAR], [LINEAR, HOLD], [LINEAR, LINEAR], [LINEAR, LINEAR]]);
    assert.deepEqual(hole.path.keys.map((k) => k.outType), [LINEAR, LINEAR]);
    assert.deepEqual(region.opacity.keys.map((k) => [k.value, k.outType]), [[0, HOLD], [100, HOLD], [0, HOLD]]);
    assert.deepEqual([hole.mode, region.mode, trim.mode, trim.inverted, sky.inverted], [MaskMode.SUBTRACT, MaskMode.ADD, MaskMode.SUBTRACT, true, false]);
    // The horizon shows key 17 on frames 17..28 and jumps at 29; frame 16 is interpolated.
    const horizonAt = (frame: number) => rasterizeLayerMasks(layer, frame, FPS, (name) => name === 'Autoroto Sky 1');
    for (let frame = 18; frame <= 28; frame++) assert.deepEqual(horizonAt(frame), horizonAt(17), `frame ${frame} holds`);
    assert.ok(iou(horizonAt(29), horizonAt(28)) < 0.99);
    assert.ok(iou(horizonAt(16), horizonAt(17)) < 0.999 && iou(horizonAt(16), horizonAt(15)) < 0.999);
    const at = (frame: number) => rasterizeLayerMasks(layer, frame, FPS, isAutoroto);
    // The region is absent while its opacity is 0, and there from frame 10.
    const withoutRegion = { ...doc, masks: doc.masks.filter((_, m) => m !== 2) };
    assert.ok(iou(at(9), renderDocument(withoutRegion, 9)) >= 0.9999);
    assert.ok(iou(at(10), renderDocument(withoutRegion, 10)) < 0.999);
  });

  it('reproduces every mask mode, a first subtract mask and opacity toggles', () => {
    const doc = allModesDocument();
    const { ae, layer } = scene(320, 180, 25);
    ae.runScript(exportJsx(doc));
    assert.deepEqual(ae.alerts, []);
    assert.deepEqual(readMasks(layer).map((m) => m.mode), [MaskMode.SUBTRACT, MaskMode.INTERSECT, MaskMode.NONE, MaskMode.ADD]);
    assertReproduces(layer, doc);
  });

  it('keys a time-stretched layer so that each source frame still gets its shape', () => {
    const doc = allModesDocument();
    const { ae, layer } = scene(320, 180, 25);
    layer.startTime = -0.4;
    layer.stretch = 200;
    ae.runScript(exportJsx(doc));
    assert.deepEqual(readMasks(layer)[0].path.keys.map((k) => k.time), [-0.4, -0.4 + (11 / 25) * 2]);
    assertReproduces(layer, doc);
  });

  it('replaces rather than duplicates when run twice, and a smaller document leaves fewer masks', () => {
    const doc = skyDocument();
    const { ae, layer } = scene();
    addEditorMasks(layer);
    const editors = foreign(layer);
    const script = exportJsx(doc);
    ae.runScript(script);
    ae.runScript(script);
    assert.deepEqual(names(layer), ['Garbage matte', 'Autoroto Sky 1', 'Autoroto Sky 2', 'Autoroto Sky 3', 'Autoroto Sky 4', 'Sky fix']);
    assert.deepEqual(foreign(layer), editors);
    assert.deepEqual(ae.undo, { begun: 2, ended: 2, depth: 0, names: ['Autoroto Sky', 'Autoroto Sky'] });
    for (const frame of [0, 20, 33]) assert.equal(iou(renderDocument(doc, frame), rasterizeLayerMasks(layer, frame, FPS, isAutoroto)), 1);

    const smaller = skyDocument();
    smaller.masks = [smaller.masks[1]];
    ae.runScript(exportJsx(smaller));
    assert.deepEqual(names(layer), ['Garbage matte', 'Autoroto Sky 2', 'Sky fix']);
    assert.deepEqual(foreign(layer), editors);
  });

  it('leaves a mask the editor renamed from an Autoroto name alone', () => {
    const { ae, layer } = scene();
    addEditorMasks(layer);
    masksOf(layer).property('Autoroto Sky 1')!.name = 'My sky';
    ae.runScript(exportJsx(skyDocument()));
    assert.deepEqual(names(layer), ['Garbage matte', 'My sky', 'Sky fix', 'Autoroto Sky 1', 'Autoroto Sky 2', 'Autoroto Sky 3', 'Autoroto Sky 4']);
  });
});

describe('sky.jsx when a write fails', () => {
  const failures: [string, number][] = [
    ['setValuesAtTimes', 1], ['setValuesAtTimes', 3], ['setValuesAtTimes', 4], ['setInterpolationTypeAtKey', 2],
    ['addProperty', 4], ['setValue', 5],
  ];
  for (const [method, nth] of failures) {
    it(`closes the undo group, removes what it added and says so (${method} #${nth} throws)`, () => {
      const { ae, layer } = scene();
      addEditorMasks(layer);
      const before = readMasks(layer);
      ae.clearLog();
      ae.failOn(method, nth, `After Effects error: ${method} went wrong`);
      ae.runScript(exportJsx(skyDocument()));
      assertUnchangedRun(ae, layer, before);
      assert.equal(ae.undo.begun, 1);
      assert.equal(ae.alerts.length, 1);
      assert.match(ae.alerts[0], new RegExp(`could not add the sky masks to layer "Plate": After Effects error: ${method} went wrong \\(the layer's masks were left as they were\\)`));
    });
  }

  it('points to Edit > Undo when removing the added masks fails too', () => {
    const { ae, layer } = scene();
    ae.clearLog();
    ae.failOn('setValuesAtTimes', 2);
    ae.failOn('remove', 1);
    ae.runScript(exportJsx(skyDocument()));
    assert.deepEqual([ae.undo.begun, ae.undo.ended, ae.undo.depth], [1, 1, 0]);
    assert.match(ae.alerts[0], /some masks may have been added: Edit > Undo removes them/);
    assert.deepEqual(names(layer), ['Autoroto Sky 1', 'Autoroto Sky 2'], 'what the undo group holds');
  });

  it('points to Edit > Undo when replacing the earlier masks fails after the new ones are written', () => {
    const { ae, layer } = scene();
    addEditorMasks(layer);
    ae.clearLog();
    ae.failOn('moveTo', 2);
    ae.runScript(exportJsx(skyDocument()));
    assert.deepEqual([ae.undo.begun, ae.undo.ended, ae.undo.depth], [1, 1, 0]);
    assert.match(ae.alerts[0], /while replacing the earlier Autoroto masks: Edit > Undo restores them/);
  });
});

describe('sky.jsx with data that looks like code', () => {
  const payloads = [
    INJECTION,
    "a'); app.project.close(CloseOptions.DO_NOT_SAVE_CHANGES); ('",
    'a\\"); app.project.close(CloseOptions.DO_NOT_SAVE_CHANGES); //',
    'a\n app.project.close(CloseOptions.DO_NOT_SAVE_CHANGES);\n',
    'a\u2028app.project.close(CloseOptions.DO_NOT_SAVE_CHANGES);//',
    '*/ app.project.close(CloseOptions.DO_NOT_SAVE_CHANGES); /*',
    '</script><script>app.project.close(CloseOptions.DO_NOT_SAVE_CHANGES)</script>',
  ];
  for (const payload of payloads) {
    it(`keeps ${JSON.stringify(payload)} as data in the source path and the mask name`, () => {
      const doc = skyDocument();
      doc.source.path = payload;
      doc.masks[0].name = MASK_NAME_PREFIX + ' ' + payload;
      doc.masks[1].name = payload;
      doc.source.width = 1280; // a size mismatch puts the path into the confirm text as well
      const { ae, layer } = scene();
      ae.runScript(exportJsx(doc));
      assert.deepEqual(ae.closeCalls, []);
      assert.equal(ae.confirms.length, 1);
      assert.ok(ae.confirms[0].includes(`(${payload})`), 'the path arrives verbatim');
      assert.deepEqual(names(layer).slice(0, 2), [doc.masks[0].name, payload]);

      const empty = scene();
      empty.ae.runScript(exportJsx({ ...doc, masks: [] }));
      assert.deepEqual(empty.ae.closeCalls, []);
      assert.ok(empty.ae.alerts[0].includes(`no sky in ${payload}, so`));
    });
  }
});

describe('sky.jsx refuses, with an alert and no change', () => {
  const cases: [string, (s: Scene) => void, RegExp][] = [
    ['no active item', (s) => s.ae.setActiveItem(null), /Open the composition/],
    ['a footage item active', (s) => s.ae.setActiveItem(s.layer.source), /Open the composition/],
    ['no selected layer', (s) => { s.layer.selected = false; }, /Select exactly one layer .*\(0 selected\)/],
    ['two selected layers', (s) => { s.comp.layer(2).selected = true; }, /Select exactly one layer .*\(2 selected\)/],
    ['a camera layer', (s) => { s.layer.selected = false; s.comp.layers.addCamera('Cam', [960, 540]).selected = true; }, /"Cam" cannot have masks/],
    ['a locked layer', (s) => { s.layer.locked = true; }, /"Plate" is locked/],
    ['a layer playing backwards', (s) => { s.layer.stretch = -100; }, /plays backwards/],
  ];
  for (const [what, arrange, message] of cases) {
    it(what, () => {
      const s = scene();
      addEditorMasks(s.layer);
      const before = readMasks(s.layer);
      arrange(s);
      s.ae.clearLog();
      s.ae.runScript(exportJsx(skyDocument()));
      assertUnchangedRun(s.ae, s.layer, before);
      assert.equal(s.ae.undo.begun, 0);
      assert.equal(s.ae.alerts.length, 1);
      assert.match(s.ae.alerts[0], message);
    });
  }

  it('an empty document: says no sky was found and removes nothing', () => {
    const s = scene();
    addEditorMasks(s.layer);
    const before = readMasks(s.layer);
    s.ae.clearLog();
    s.ae.runScript(exportJsx({ ...skyDocument(), masks: [] }));
    assertUnchangedRun(s.ae, s.layer, before);
    assert.equal(s.ae.undo.begun, 0);
    assert.deepEqual(s.ae.alerts, ['Autoroto found no sky in shots/harbour_0420.mov, so there are no masks to add. Nothing was changed.']);
  });

  it('a size mismatch the editor declines; accepted, the masks are written', () => {
    const doc = skyDocument();
    doc.source.width = 3840;
    doc.source.height = 2160;
    const s = scene();
    const before = readMasks(s.layer);
    s.ae.confirmAnswer = false;
    s.ae.runScript(exportJsx(doc));
    assertUnchangedRun(s.ae, s.layer, before);
    assert.match(s.ae.confirms[0], /made for 3840x2160 footage \(shots\/harbour_0420\.mov\), but layer "Plate" is 1920x1080/);
    s.ae.confirmAnswer = true;
    s.ae.runScript(exportJsx(doc));
    assert.equal(readMasks(s.layer).length, 4);
  });

  it('time remapping the editor declines', () => {
    const s = scene();
    s.layer.timeRemapEnabled = true;
    s.ae.confirmAnswer = false;
    s.ae.runScript(exportJsx(skyDocument()));
    assert.deepEqual(readMasks(s.layer), []);
    assert.match(s.ae.confirms[0], /time remapping on/);
  });
});

describe('the After Effects double is strict where AE is', () => {
  it('throws on unknown attributes and methods, and on writing read-only ones', () => {
    const { ae, layer } = scene();
    assert.throws(() => (layer as unknown as { sourc: unknown }).sourc, AfterEffectsError);
    assert.throws(() => { (layer as unknown as { maskMod: number }).maskMod = 1; }, AfterEffectsError);
    assert.throws(() => { (masksOf(layer) as unknown as { numProperties: number }).numProperties = 3; }, /read-only/);
    assert.throws(() => { (new Shape() as unknown as { vertice: unknown }).vertice = []; }, AfterEffectsError);
    assert.throws(() => ae.runScript('app.project.activeItem.selectedLayer[0];'), AfterEffectsError);
    assert.throws(() => ae.app.endUndoGroup(), /without beginUndoGroup/);
  });

  it('invalidates mask references when masks are added, removed or moved', () => {
    const { layer } = scene();
    const parade = masksOf(layer);
    const first = parade.addProperty('ADBE Mask Atom');
    const path = first.property('ADBE Mask Shape') as Property;
    parade.addProperty('Mask');
    assert.throws(() => first.name, /Object is invalid/);
    assert.throws(() => path.numKeys, /Object is invalid/);
    const again = parade.property(1) as MaskPropertyGroup;
    assert.equal(again.name, 'Mask 1');
    (parade.property(2) as MaskPropertyGroup).moveTo(1);
    assert.throws(() => again.name, /Object is invalid/);
    assert.equal((parade.property(2) as MaskPropertyGroup).name, 'Mask 1');
  });

  it('checks values and keyframes as the guide says', () => {
    const { layer } = scene();
    const atom = masksOf(layer).addProperty('ADBE Mask Atom');
    const path = atom.property('ADBE Mask Shape') as Property;
    const opacity = atom.property('ADBE Mask Opacity') as Property;
    const bad = closedShape([[0, 0], [10, 0], [10, 10]]);
    bad.inTangents = [[0, 0]];
    assert.throws(() => path.setValue(bad), /inTangents has 1 entries but there are 3 vertices/);
    assert.throws(() => path.setValuesAtTimes([0, 1], [closedShape([[0, 0]])]), /same length/);
    assert.throws(() => opacity.setValue(101), /out of range/);
    assert.throws(() => { atom.maskMode = 3; }, /not a MaskMode/);
    opacity.setValuesAtTimes([0, 1, 2], [0, 50, 100]);
    assert.throws(() => opacity.setValue(10), /has keyframes/);
    assert.throws(() => opacity.setInterpolationTypeAtKey(4, HOLD), /out of range/);
    opacity.setInterpolationTypeAtKey(2, LINEAR, HOLD);
    assert.deepEqual([0.5, 1, 1.5, 1.75, 3].map((t) => opacity.valueAtTime(t, false)), [25, 50, 50, 50, 100]);
    // An incoming HOLD holds the segment before it as well (the stricter reading).
    opacity.setInterpolationTypeAtKey(2, HOLD, LINEAR);
    assert.equal(opacity.valueAtTime(0.5, false), 0);
  });
});
