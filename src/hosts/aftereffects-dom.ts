/**
 * After Effects' object model, read and written from JavaScript that can call it directly (the UXP
 * DOM, `require("aftereffects")`, from AE 27). It is the ExtendScript object model (Adobe's UXP
 * reference lists the same Application, CompItem, AVLayer, MaskPropertyGroup, Property and Shape
 * members), so the writer is the same algorithm as the ES3 one in src/export/jsx.ts, which CEP runs:
 * add every new mask first, and if any write fails remove what was added (the layer is as it was);
 * only then remove the earlier Autoroto masks and move the new ones to where the first of them was.
 * Adding to or removing from the masks invalidates references into them, so nothing is kept across.
 *
 * Only the members used here are typed; the adapter is tested against test/doubles/aftereffects.ts.
 */
import { MASK_NAME_PREFIX, type MaskMode } from '../core/document.ts';
import type { BezierPath, Vec2 } from '../core/types.ts';
import { layerMaskOfRaw, type LayerAddress, type LayerInfo, type RawKey } from './aftereffects-layer.ts';
import type { LayerMask } from './layer-masks.ts';
import { compTimeOfFrame, type LayerTiming } from './layer-timing.ts';

export interface AeShape extends BezierPath {}

export interface AeProperty {
  readonly name: string;
  readonly numKeys: number;
  readonly value: unknown;
  keyTime(key: number): number;
  keyValue(key: number): unknown;
  keyOutInterpolationType(key: number): number;
  setValue(value: unknown): void;
  setValuesAtTimes(times: number[], values: unknown[]): void;
  setInterpolationTypeAtKey(key: number, inType: number, outType?: number): void;
}

export interface AeMask {
  name: string;
  maskMode: number;
  inverted: boolean;
  property(name: string): AeProperty | null;
  remove(): void;
  moveTo(index: number): void;
}

export interface AeMaskParade {
  readonly numProperties: number;
  property(index: number): AeMask;
  addProperty(matchName: string): AeMask;
}

export interface AeFootage {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly duration: number;
  readonly mainSource: unknown;
}

export interface AeLayer {
  readonly name: string;
  readonly locked: boolean;
  readonly selected: boolean;
  /** The video switch (the eye). */
  readonly enabled: boolean;
  readonly hasVideo: boolean;
  readonly timeRemapEnabled: boolean;
  readonly startTime: number;
  readonly stretch: number;
  readonly inPoint: number;
  readonly outPoint: number;
  /** Null for a text or shape layer. */
  readonly source: AeFootage | null;
  property(name: string): unknown;
}

export interface AeComp {
  readonly id: number;
  readonly name: string;
  readonly numLayers: number;
  readonly workAreaStart: number;
  readonly workAreaDuration: number;
  readonly selectedLayers: AeLayer[];
  layer(index: number): AeLayer;
}

export interface AeApplication {
  readonly project: {
    readonly numItems: number;
    /** The items selected in the Project panel, in the panel's order. */
    readonly selection: unknown[];
    item(index: number): unknown;
    itemByID(id: number): unknown;
  };
  beginUndoGroup(name: string): void;
  endUndoGroup(): void;
}

type Constructor = abstract new (...args: never[]) => unknown;

/** The `aftereffects` module: the application, the Shape constructor, enums and classes for instanceof. */
export interface AfterEffectsDom {
  app: AeApplication;
  Shape: new () => AeShape;
  MaskMode: { NONE: number; ADD: number; SUBTRACT: number; INTERSECT: number };
  KeyframeInterpolationType: { LINEAR: number; HOLD: number };
  FieldSeparationType: { OFF: number; UPPER_FIELD_FIRST: number; LOWER_FIELD_FIRST: number };
  PulldownPhase: { OFF: number };
  CompItem: Constructor;
  AVLayer: Constructor;
  FootageItem: Constructor;
  FileSource: Constructor;
}

const MASK_PARADE = 'ADBE Mask Parade';
export const UNDO_NAME = 'Autoroto Sky';

export const isAutorotoMask = (name: string): boolean => name.startsWith(MASK_NAME_PREFIX);

function compById(dom: AfterEffectsDom, id: number): AeComp | null {
  const item = dom.app.project.itemByID(id);
  return item instanceof dom.CompItem ? (item as AeComp) : null;
}

/** The layer at the address, or null when the comp or the named layer is gone. */
export function findLayer(dom: AfterEffectsDom, address: LayerAddress): { comp: AeComp | null; layer: AeLayer | null } {
  const comp = compById(dom, address.compId);
  if (!comp || address.layerIndex < 1 || address.layerIndex > comp.numLayers) return { comp, layer: null };
  const layer = comp.layer(address.layerIndex);
  return { comp, layer: layer.name === address.layerName ? layer : null };
}

/** A layer to queue; `selected` is false for a layer of a Project-panel comp the editor did not select. */
export interface FoundLayer {
  comp: AeComp;
  layer: AeLayer;
  index: number;
  selected: boolean;
}

/**
 * The layers to queue (LayerBackend.selectedLayers): the comps selected in the Project panel, in its
 * order, each with its selected layers or else all its layers; then every other comp with selected
 * layers, in project order. Each comp once, layers by index.
 */
export function selectedLayers(dom: AfterEffectsDom): FoundLayer[] {
  const { project } = dom.app;
  const picked = project.selection.filter((item) => item instanceof dom.CompItem) as AeComp[];
  const seen = new Set(picked.map((comp) => comp.id));
  const comps = [...picked];
  for (let i = 1; i <= project.numItems; i++) {
    const item = project.item(i);
    if (item instanceof dom.CompItem && !seen.has((item as AeComp).id)) comps.push(item as AeComp);
  }
  const found: FoundLayer[] = [];
  comps.forEach((comp, c) => {
    const layers = Array.from({ length: comp.numLayers }, (_, l) => ({ comp, layer: comp.layer(l + 1), index: l + 1 }));
    const selected = layers.filter(({ layer }) => layer.selected);
    if (selected.length > 0) found.push(...selected.map((l) => ({ ...l, selected: true })));
    else if (c < picked.length) found.push(...layers.map((l) => ({ ...l, selected: false })));
  });
  return found;
}

type FileSourceInfo = Pick<LayerInfo, 'sourcePath' | 'fieldSeparation' | 'pulldownRemoved' | 'loops'>;

/** The layer's footage file (FileSource) and how it is interpreted; sourcePath null for a solid, a precomp or a placeholder. */
function fileSourceOf(dom: AfterEffectsDom, layer: AeLayer): FileSourceInfo {
  const source = layer.source;
  if (!source || !(source instanceof dom.FootageItem) || !(source.mainSource instanceof dom.FileSource)) {
    return { sourcePath: null, fieldSeparation: 'progressive', pulldownRemoved: false, loops: 1 };
  }
  // UXP gives the file as its path, a string (ExtendScript gives a File object).
  const { file, fieldSeparationType, removePulldown, loop } = source.mainSource as {
    file: string; fieldSeparationType: number; removePulldown: number; loop: number;
  };
  const { UPPER_FIELD_FIRST, LOWER_FIELD_FIRST } = dom.FieldSeparationType;
  return {
    sourcePath: file,
    fieldSeparation: fieldSeparationType === UPPER_FIELD_FIRST ? 'upper' : fieldSeparationType === LOWER_FIELD_FIRST ? 'lower' : 'progressive',
    pulldownRemoved: removePulldown !== dom.PulldownPhase.OFF,
    loops: loop,
  };
}

export function readLayerInfo(dom: AfterEffectsDom, address: LayerAddress): LayerInfo {
  const { comp, layer } = findLayer(dom, address);
  const missing: LayerInfo = {
    compFound: comp !== null, layerFound: false, compName: comp?.name ?? '', layerName: address.layerName, isAVLayer: false, hasVideo: false,
    locked: false, timeRemapEnabled: false, width: 0, height: 0, sourcePath: null, fieldSeparation: 'progressive', pulldownRemoved: false, loops: 1,
    timing: { startTime: 0, stretch: 100, inPoint: 0, outPoint: 0, frameRate: 0, frameCount: 0 }, workArea: { start: 0, duration: 0 },
  };
  if (!comp || !layer) return missing;
  if (!(layer instanceof dom.AVLayer)) return { ...missing, layerFound: true, compName: comp.name };
  const source = layer.source;
  if (!source) {
    // A text or shape layer: no footage behind it (checkLayer says so).
    return { ...missing, layerFound: true, compName: comp.name, layerName: layer.name, isAVLayer: true, hasVideo: layer.hasVideo, locked: layer.locked };
  }
  const frameRate = source.frameRate;
  return {
    compFound: true, layerFound: true, compName: comp.name, layerName: layer.name, isAVLayer: true, hasVideo: layer.hasVideo,
    locked: layer.locked, timeRemapEnabled: layer.timeRemapEnabled, width: source.width, height: source.height,
    ...fileSourceOf(dom, layer),
    timing: {
      startTime: layer.startTime, stretch: layer.stretch, inPoint: layer.inPoint, outPoint: layer.outPoint,
      frameRate, frameCount: Math.round(source.duration * frameRate),
    },
    workArea: { start: comp.workAreaStart, duration: comp.workAreaDuration },
  };
}

function masksOf(layer: AeLayer): AeMaskParade {
  return layer.property(MASK_PARADE) as AeMaskParade;
}

const MODES: MaskMode[] = ['add', 'subtract', 'intersect', 'none'];

function modeValue(dom: AfterEffectsDom, mode: MaskMode): number {
  const { ADD, SUBTRACT, INTERSECT, NONE } = dom.MaskMode;
  return { add: ADD, subtract: SUBTRACT, intersect: INTERSECT, none: NONE }[mode];
}

const pairs = (ps: Vec2[]): Vec2[] => ps.map((p) => [p[0], p[1]]);
const shapeData = (s: AeShape): BezierPath => ({ closed: s.closed, vertices: pairs(s.vertices), inTangents: pairs(s.inTangents), outTangents: pairs(s.outTangents) });

/** One property's keys; a static value is one key without a time. */
function readKeys<V>(dom: AfterEffectsDom, property: AeProperty, read: (value: unknown) => V): RawKey<V>[] {
  if (property.numKeys === 0) return [{ time: null, hold: false, value: read(property.value) }];
  const keys: RawKey<V>[] = [];
  for (let k = 1; k <= property.numKeys; k++) {
    const hold = property.keyOutInterpolationType(k) === dom.KeyframeInterpolationType.HOLD;
    keys.push({ time: property.keyTime(k), hold, value: read(property.keyValue(k)) });
  }
  return keys;
}

/** The layer's Autoroto masks, as LayerMasks in source frames. */
export function readAutorotoMasks(dom: AfterEffectsDom, layer: AeLayer, timing: LayerTiming): LayerMask[] {
  const parade = masksOf(layer);
  const masks: LayerMask[] = [];
  for (let i = 1; i <= parade.numProperties; i++) {
    const mask = parade.property(i);
    if (!isAutorotoMask(mask.name)) continue;
    const property = (name: string) => mask.property(name)!;
    masks.push(layerMaskOfRaw({
      name: mask.name, mode: MODES.find((m) => modeValue(dom, m) === mask.maskMode) ?? 'add', inverted: mask.inverted,
      feather: pairs([property('ADBE Mask Feather').value as Vec2])[0],
      expansion: property('ADBE Mask Offset').value as number,
      path: readKeys(dom, property('ADBE Mask Shape'), (v) => shapeData(v as AeShape)),
      opacity: readKeys(dom, property('ADBE Mask Opacity'), (v) => v as number),
    }, timing));
  }
  return masks;
}

/** All keys of one property in one call (one key: a static value), hold keys on their outgoing side. */
function setKeys(dom: AfterEffectsDom, property: AeProperty, times: number[], values: unknown[], hold: boolean[]): void {
  if (values.length === 1) {
    property.setValue(values[0]);
    return;
  }
  property.setValuesAtTimes(times, values);
  if (property.numKeys !== values.length) throw new Error(`After Effects merged keyframes of ${property.name}`);
  const { LINEAR, HOLD } = dom.KeyframeInterpolationType;
  hold.forEach((h, k) => { if (h) property.setInterpolationTypeAtKey(k + 1, LINEAR, HOLD); });
}

function addMask(dom: AfterEffectsDom, parade: AeMaskParade, mask: LayerMask, timing: LayerTiming): void {
  const atom = parade.addProperty('ADBE Mask Atom');
  atom.name = mask.name;
  atom.maskMode = modeValue(dom, mask.mode);
  atom.inverted = mask.inverted;
  atom.property('ADBE Mask Feather')!.setValue(mask.feather);
  atom.property('ADBE Mask Offset')!.setValue(mask.expansion);
  const shapes = mask.path.map((key) => {
    const shape = new dom.Shape();
    shape.vertices = key.vertices;
    shape.inTangents = key.inTangents;
    shape.outTangents = key.outTangents;
    shape.closed = key.closed;
    return shape;
  });
  const times = (keys: { frame: number }[]) => keys.map((k) => compTimeOfFrame(timing, k.frame));
  setKeys(dom, atom.property('ADBE Mask Shape')!, times(mask.path), shapes, mask.path.map((k) => k.interpolation === 'hold'));
  setKeys(dom, atom.property('ADBE Mask Opacity')!, times(mask.opacity), mask.opacity.map((k) => k.value), mask.opacity.map((k) => k.interpolation === 'hold'));
}

/**
 * Replaces the layer's Autoroto masks with `masks`, inside the caller's undo group. Throws, with the
 * layer's masks as they were, when a write fails; returns how many earlier masks were replaced.
 */
export function replaceAutorotoMasks(dom: AfterEffectsDom, layer: AeLayer, masks: LayerMask[], timing: LayerTiming): number {
  const parade = masksOf(layer);
  const before = parade.numProperties;
  const earlier: number[] = [];
  for (let i = 1; i <= before; i++) if (isAutorotoMask(parade.property(i).name)) earlier.push(i);
  try {
    for (const mask of masks) addMask(dom, parade, mask, timing);
  } catch (error) {
    let restored = true;
    try {
      while (parade.numProperties > before) parade.property(parade.numProperties).remove();
    } catch {
      restored = false;
    }
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(message + (restored ? " (the layer's masks were left as they were)" : ' (some masks may have been added: Edit > Undo removes them)'));
  }
  try {
    for (let i = earlier.length - 1; i >= 0; i--) parade.property(earlier[i]).remove();
    const first = before - earlier.length + 1;
    if (earlier.length > 0) masks.forEach((_, k) => parade.property(first + k).moveTo(earlier[0] + k));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new Error(`${message} (while replacing the earlier Autoroto masks: Edit > Undo restores them)`);
  }
  return earlier.length;
}
