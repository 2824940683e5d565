/**
 * A double of After Effects' scripting object model (ExtendScript DOM), written from the scripting
 * guide (docsforadobe after-effects-scripting-guide), for running generated scripts in `node:vm`
 * and checking what they did to a layer. It models the part a mask writer touches:
 *
 *   app (beginUndoGroup/endUndoGroup, project) → Project (activeItem, items.addComp, close)
 *   → CompItem (layers, layer(i), selectedLayers, width, height, frameRate, time)
 *   → AVLayer (name, locked, selected, startTime, stretch, timeRemapEnabled, source, width, height)
 *   → property("ADBE Mask Parade") → MaskPropertyGroup ("ADBE Mask Atom": name, maskMode, inverted,
 *     remove, moveTo) → Property ("ADBE Mask Shape" | "ADBE Mask Feather" | "ADBE Mask Opacity" |
 *     "ADBE Mask Offset": value, setValue, setValueAtTime, setValuesAtTimes, keys, valueAtTime)
 *   plus Shape, the enums, and the globals alert/confirm (logged instead of shown).
 * For the panel's adapters also: Item.id and Project.itemByID, footage items with a FileSource
 * (importFootage) and LayerCollection.add, Layer.inPoint/outPoint, AVLayer.hasVideo, the comp's work
 * area, and evalScript (CSInterface's view of a script: its completion value as a string). For the
 * batch queue: Item.selected and Project.selection (the items selected in the Project panel, "in the
 * sort order shown in the Project panel": the double's panel is sorted by Name, AE's default, and
 * does not model other sorts), Layer.enabled (the video switch) and text layers (LayerCollection.addText:
 * an AVLayer whose source is null). The UXP DOM has the same object model, so the same double serves
 * it, called directly instead of by script.
 *
 * It is stricter than AE where AE would let a bug through quietly, and says so where it guesses:
 * - Reading or writing an attribute the model does not have throws (AE returns undefined on read and
 *   throws on call), so a typo in a script fails at once. Writing a read-only attribute throws.
 *   layer.property(name) throws for any group but "ADBE Mask Parade"/"Masks" (not modelled; AE would
 *   return it, or null for a name it does not know); a mask's property(name) returns null for an
 *   unknown name, as AE does.
 * - Adding, removing or moving a mask invalidates every earlier reference to the masks of that layer
 *   and their properties ("Object is invalid"), as PropertyGroup.addProperty and PropertyBase
 *   describe; the group itself stays valid.
 * - setValue on a keyed property throws (Property.setValue). setValuesAtTimes throws unless both are
 *   arrays of the same length, and validates every value before changing anything.
 * - A Shape whose inTangents/outTangents are neither empty (read as [0,0]s, the documented default)
 *   nor as long as its vertices is refused when set on a property. Values out of a property's range
 *   (opacity 0..100, feather ≥ 0) throw. Guessed: AE's exact messages, and that it throws rather
 *   than clamps.
 * - Changing masks on a locked layer throws. Guessed: the guide does not say.
 * - Interpolation: LINEAR keys lerp every vertex and tangent (shapes) or component; a segment is held
 *   when the first key's out type or the second key's in type is HOLD (the guide leaves the mixed case
 *   open; this is the stricter reading). BEZIER temporal interpolation and shapes whose vertex count
 *   changes between keys are not modelled and throw.
 * Compositing (`compositeLayerMasks`) follows AE, not the roto document: a mask at opacity o covers
 * o/100 of its pixels, masks in mode NONE are skipped, and compositing starts from the full layer when
 * the first mask not in mode NONE is SUBTRACT or INTERSECT, whatever its opacity.
 *
 * Test-side helpers (not part of AE): `AfterEffectsDouble` (the session: alert/confirm/undo logs,
 * setActiveItem, failOn, runScript), `readMasks`, `compTimeOfFrame`, `compositeLayerMasks`,
 * `rasterizeLayerMasks`.
 */
import { runInContext, createContext } from 'node:vm';
import type { MaskMode as RotoMaskMode, RotoMask } from '../../src/core/document.ts';
import { renderMask } from '../../src/core/render.ts';
import type { BezierPath, Vec2 } from '../../src/core/types.ts';

// ---------------------------------------------------------------------------------------------
// Enumerations, with the numbers AE reports (types-for-adobe).

export const MaskMode = Object.freeze({ NONE: 6812, ADD: 6813, SUBTRACT: 6814, INTERSECT: 6815, LIGHTEN: 6816, DARKEN: 6817, DIFFERENCE: 6818 });
export const KeyframeInterpolationType = Object.freeze({ LINEAR: 6612, BEZIER: 6613, HOLD: 6614 });
export const FieldSeparationType = Object.freeze({ UPPER_FIELD_FIRST: 5612, OFF: 5613, LOWER_FIELD_FIRST: 5614 });
export const PulldownPhase = Object.freeze({
  WSSWW: 5812, OFF: 5813, SSWWW: 5814, SWWWS: 5815, WWWSS: 5816, WWSSW: 5817, WWWSW_24P_ADVANCE: 5818, WWSWW_24P_ADVANCE: 5819,
  WSWWW_24P_ADVANCE: 5820, SWWWW_24P_ADVANCE: 5821, WWWWS_24P_ADVANCE: 5822,
});
export const CloseOptions = Object.freeze({ DO_NOT_SAVE_CHANGES: 1212, PROMPT_TO_SAVE_CHANGES: 1213, SAVE_CHANGES: 1214 });
export const PropertyType = Object.freeze({ PROPERTY: 6212, NAMED_GROUP: 6213, INDEXED_GROUP: 6214 });
export const PropertyValueType = Object.freeze({
  NO_VALUE: 6412, ThreeD_SPATIAL: 6413, ThreeD: 6414, TwoD_SPATIAL: 6415, TwoD: 6416, OneD: 6417, COLOR: 6418,
  CUSTOM_VALUE: 6419, MARKER: 6420, LAYER_INDEX: 6421, MASK_INDEX: 6422, SHAPE: 6423, TEXT_DOCUMENT: 6424,
});

const MODE_NAMES = new Map<number, RotoMaskMode>([
  [MaskMode.ADD, 'add'], [MaskMode.SUBTRACT, 'subtract'], [MaskMode.INTERSECT, 'intersect'], [MaskMode.NONE, 'none'],
]);
const INTERPOLATION_TYPES = new Set<number>(Object.values(KeyframeInterpolationType));

/** What the double throws where After Effects would raise a scripting error. */
export class AfterEffectsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AfterEffectsError';
  }
}

// ---------------------------------------------------------------------------------------------
// Strict objects: every object handed to a script is a Proxy that throws on unknown members.
// Methods run bound to the real object, so the model's own `_` fields never pass through the Proxy,
// and a script cannot reach them.

const proxyOf = new WeakMap<object, object>();
const targetOf = new WeakMap<object, object>();
/** Members probed by Node itself (promises, JSON); a script reading them gets undefined. */
const PROBED = new Set(['then', 'toJSON']);

abstract class DoubleObject {
  /** Throws "Object is invalid" when a reference has been invalidated. */
  _check(): void {}
}

function findDescriptor(target: object, key: string): PropertyDescriptor | undefined {
  for (let o: object | null = target; o; o = Object.getPrototypeOf(o)) {
    const d = Object.getOwnPropertyDescriptor(o, key);
    if (d) return d;
  }
  return undefined;
}

function wrap<T extends DoubleObject>(target: T): T {
  let proxy = proxyOf.get(target);
  if (!proxy) {
    const type = target.constructor.name;
    proxy = new Proxy(target, {
      get(t, key) {
        if (typeof key === 'symbol') return Reflect.get(t, key, t);
        if (key.startsWith('_') || !(key in t)) {
          if (PROBED.has(key)) return undefined;
          throw new AfterEffectsError(`${type}.${key} is undefined: ${type} has no such attribute or method`);
        }
        if (key !== 'constructor') t._check();
        const value = Reflect.get(t, key, t);
        return typeof value === 'function' && key !== 'constructor' ? value.bind(t) : value;
      },
      set(t, key, value) {
        if (typeof key === 'symbol') return Reflect.set(t, key, value, t);
        const d = key.startsWith('_') ? undefined : findDescriptor(t, key);
        if (!d) throw new AfterEffectsError(`Unable to set ${type}.${key}: ${type} has no such attribute`);
        t._check();
        if (!d.set) throw new AfterEffectsError(`Unable to set ${type}.${key}: it is read-only`);
        d.set.call(t, value);
        return true;
      },
      defineProperty(_t, key) {
        throw new AfterEffectsError(`Unable to define ${type}.${String(key)}`);
      },
      deleteProperty(_t, key) {
        throw new AfterEffectsError(`Unable to delete ${type}.${String(key)}`);
      },
    });
    proxyOf.set(target, proxy);
    targetOf.set(proxy, target);
  }
  return proxy as T;
}

/** The model object behind a script-facing proxy (or the value itself). */
function unwrap<T>(value: T): T {
  return (value !== null && typeof value === 'object' && (targetOf.get(value) as T)) || value;
}

// ---------------------------------------------------------------------------------------------
// Values.

interface ShapeData {
  closed: boolean;
  vertices: Vec2[];
  inTangents: Vec2[];
  outTangents: Vec2[];
}
type Value = number | Vec2 | ShapeData;
type ValueKind = 'OneD' | 'TwoD' | 'SHAPE';

function isFiniteNumber(v: unknown): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function toPair(v: unknown, what: string): Vec2 {
  if (!Array.isArray(v) || v.length !== 2 || !isFiniteNumber(v[0]) || !isFiniteNumber(v[1])) {
    throw new AfterEffectsError(`${what}: expected an array of two numbers`);
  }
  return [v[0], v[1]];
}

function toPairs(v: unknown, what: string): Vec2[] {
  if (v === null) return [];
  if (!Array.isArray(v)) throw new AfterEffectsError(`${what}: expected an array of [x, y] pairs`);
  // Array.from, not v.map: a script's arrays belong to its own realm, and the layer keeps its own copies.
  return Array.from(v, (p, i) => toPair(p, `${what}[${i}]`));
}

const copyPairs = (ps: Vec2[]): Vec2[] => ps.map((p) => [p[0], p[1]]);

/** The Shape object: vertices and tangents (relative to their vertex) and whether it is closed. */
export class Shape extends DoubleObject {
  _data: ShapeData = { closed: true, vertices: [], inTangents: [], outTangents: [] };
  _feather: Record<string, number[]> = {};

  constructor() {
    super();
    return wrap(this);
  }

  get closed(): boolean { return this._data.closed; }
  set closed(v: boolean) {
    if (typeof v !== 'boolean') throw new AfterEffectsError('Shape.closed: expected a boolean');
    this._data.closed = v;
  }
  get vertices(): Vec2[] { return copyPairs(this._data.vertices); }
  set vertices(v: Vec2[]) { this._data.vertices = toPairs(v, 'Shape.vertices'); }
  get inTangents(): Vec2[] { return copyPairs(this._data.inTangents); }
  set inTangents(v: Vec2[]) { this._data.inTangents = toPairs(v, 'Shape.inTangents'); }
  get outTangents(): Vec2[] { return copyPairs(this._data.outTangents); }
  set outTangents(v: Vec2[]) { this._data.outTangents = toPairs(v, 'Shape.outTangents'); }
  // Variable-width feather points: stored, not modelled.
  get featherSegLocs(): number[] { return this._featherArray('featherSegLocs'); }
  set featherSegLocs(v: number[]) { this._setFeatherArray('featherSegLocs', v); }
  get featherRelSegLocs(): number[] { return this._featherArray('featherRelSegLocs'); }
  set featherRelSegLocs(v: number[]) { this._setFeatherArray('featherRelSegLocs', v); }
  get featherRadii(): number[] { return this._featherArray('featherRadii'); }
  set featherRadii(v: number[]) { this._setFeatherArray('featherRadii', v); }
  get featherInterps(): number[] { return this._featherArray('featherInterps'); }
  set featherInterps(v: number[]) { this._setFeatherArray('featherInterps', v); }
  get featherTensions(): number[] { return this._featherArray('featherTensions'); }
  set featherTensions(v: number[]) { this._setFeatherArray('featherTensions', v); }
  get featherTypes(): number[] { return this._featherArray('featherTypes'); }
  set featherTypes(v: number[]) { this._setFeatherArray('featherTypes', v); }
  get featherRelCornerAngles(): number[] { return this._featherArray('featherRelCornerAngles'); }
  set featherRelCornerAngles(v: number[]) { this._setFeatherArray('featherRelCornerAngles', v); }

  _featherArray(name: string): number[] { return (this._feather[name] ?? []).slice(); }
  _setFeatherArray(name: string, v: unknown): void {
    if (!Array.isArray(v) || !v.every(isFiniteNumber)) throw new AfterEffectsError(`Shape.${name}: expected an array of numbers`);
    this._feather[name] = Array.from(v);
  }
}

/** A closed straight-edged shape, as a script would build one (`new Shape()`, then its vertices). */
export function closedShape(vertices: Vec2[]): Shape {
  const s = new Shape();
  s.vertices = vertices;
  s.closed = true;
  return s;
}

function shapeFromData(data: ShapeData): Shape {
  const shape = new Shape();
  unwrap(shape)._data = { closed: data.closed, vertices: copyPairs(data.vertices), inTangents: copyPairs(data.inTangents), outTangents: copyPairs(data.outTangents) };
  return shape;
}

/** A Shape as a property stores it: tangents filled with [0,0] when unset; mismatched lengths throw. */
function shapeData(value: unknown, what: string): ShapeData {
  const shape = unwrap(value);
  if (!(shape instanceof Shape)) throw new AfterEffectsError(`${what}: expected a Shape object`);
  const { closed, vertices, inTangents, outTangents } = shape._data;
  const n = vertices.length;
  const tangents = (ts: Vec2[], name: string): Vec2[] => {
    if (ts.length === 0) return vertices.map((): Vec2 => [0, 0]);
    if (ts.length !== n) throw new AfterEffectsError(`${what}: Shape.${name} has ${ts.length} entries but there are ${n} vertices`);
    return copyPairs(ts);
  };
  return { closed, vertices: copyPairs(vertices), inTangents: tangents(inTangents, 'inTangents'), outTangents: tangents(outTangents, 'outTangents') };
}

function lerpPairs(a: Vec2[], b: Vec2[], t: number): Vec2[] {
  return a.map((p, k) => [p[0] + (b[k][0] - p[0]) * t, p[1] + (b[k][1] - p[1]) * t]);
}

// ---------------------------------------------------------------------------------------------
// The session: what the tests observe (alerts, confirms, undo groups, calls) and can inject.

interface Fault {
  method: string;
  nth: number;
  message: string;
}

class Session {
  alerts: string[] = [];
  confirms: string[] = [];
  confirmAnswer = true;
  undo = { begun: 0, ended: 0, depth: 0, names: [] as string[] };
  mutationsOutsideUndoGroup = 0;
  closeCalls: unknown[] = [];
  lastItemId = 0;
  calls = new Map<string, number>();
  faults: Fault[] = [];
  /**
   * Which object model callers see where the two differ: ExtendScript's (scripts run by evalScript and
   * runScript) or UXP's (the `aftereffects` module, uxpModule()). The latest entry point decides.
   */
  dialect: 'extendscript' | 'uxp' = 'extendscript';

  /** Counts a call, and throws if a test asked for this call to fail. */
  call(method: string): void {
    const n = (this.calls.get(method) ?? 0) + 1;
    this.calls.set(method, n);
    const fault = this.faults.find((f) => f.method === method && f.nth === n);
    if (fault) throw new AfterEffectsError(fault.message);
  }

  mutate(layer: Layer): void {
    if (layer._locked) throw new AfterEffectsError(`Layer "${layer._name}" is locked`);
    if (this.undo.depth === 0) this.mutationsOutsideUndoGroup++;
  }
}

// ---------------------------------------------------------------------------------------------
// Properties.

interface Key {
  time: number;
  value: Value;
  inType: number;
  outType: number;
}

/** The data of one property, shared by every reference to it. */
class PropertyData {
  keys: Key[] = [];
  constructor(
    readonly matchName: string,
    readonly name: string,
    readonly kind: ValueKind,
    public staticValue: Value,
    readonly min = -Infinity,
    readonly max = Infinity,
  ) {}
}

/** Times closer than this are the same key (AE keeps key times in integer ticks). */
const SAME_TIME = 1e-9;

export class PropertyBase extends DoubleObject {}

/** A Property of a mask: value, keyframes, interpolation. */
export class Property extends PropertyBase {
  constructor(readonly _owner: MaskPropertyGroup, readonly _data: PropertyData, readonly _index: number) {
    super();
  }

  _check(): void { this._owner._check(); }
  get name(): string { return this._data.name; }
  get matchName(): string { return this._data.matchName; }
  get propertyIndex(): number { return this._index; }
  get propertyDepth(): number { return 3; }
  get propertyType(): number { return PropertyType.PROPERTY; }
  get parentProperty(): MaskPropertyGroup { return wrap(this._owner); }
  get propertyValueType(): number { return PropertyValueType[this._data.kind]; }
  get canVaryOverTime(): boolean { return true; }
  get isTimeVarying(): boolean { return this._data.keys.length > 0; }
  get numKeys(): number { return this._data.keys.length; }
  get hasMin(): boolean { return this._data.min > -Infinity; }
  get hasMax(): boolean { return this._data.max < Infinity; }
  get minValue(): number {
    if (!this.hasMin) throw new AfterEffectsError(`${this.name} has no minimum`);
    return this._data.min;
  }
  get maxValue(): number {
    if (!this.hasMax) throw new AfterEffectsError(`${this.name} has no maximum`);
    return this._data.max;
  }
  /** The value at the comp's current time. */
  get value(): unknown { return this.valueAtTime(this._owner._layer._comp._time, false); }

  setValue(newValue: unknown): void {
    this._mutating('setValue');
    if (this._data.keys.length > 0) {
      throw new AfterEffectsError(`Can't use setValue on "${this.name}": it has keyframes. Use setValueAtTime or setValueAtKey.`);
    }
    this._data.staticValue = this._normalize(newValue);
  }

  setValueAtTime(time: unknown, newValue: unknown): void {
    this._mutating('setValueAtTime');
    this._insertKey(this._time(time), this._normalize(newValue));
  }

  setValuesAtTimes(times: unknown, newValues: unknown): void {
    this._mutating('setValuesAtTimes');
    if (!Array.isArray(times) || !Array.isArray(newValues)) throw new AfterEffectsError('setValuesAtTimes: times and values must be arrays');
    if (times.length !== newValues.length) {
      throw new AfterEffectsError(`setValuesAtTimes: ${times.length} times but ${newValues.length} values; the arrays must be of the same length`);
    }
    const keys = times.map((t, i) => ({ time: this._time(t), value: this._normalize(newValues[i]) }));
    for (const k of keys) this._insertKey(k.time, k.value);
  }

  valueAtTime(time: unknown, _preExpression?: unknown): unknown {
    return this._export(valueAt(this._data, this._time(time)));
  }

  keyTime(keyIndex: unknown): number { return this._key(keyIndex).time; }
  keyValue(keyIndex: unknown): unknown { return this._export(this._key(keyIndex).value); }
  keyInInterpolationType(keyIndex: unknown): number { return this._key(keyIndex).inType; }
  keyOutInterpolationType(keyIndex: unknown): number { return this._key(keyIndex).outType; }
  isInterpolationTypeValid(type: unknown): boolean { return INTERPOLATION_TYPES.has(type as number); }

  setInterpolationTypeAtKey(keyIndex: unknown, inType: unknown, outType: unknown = inType): void {
    this._mutating('setInterpolationTypeAtKey');
    const key = this._key(keyIndex);
    for (const type of [inType, outType]) {
      if (!INTERPOLATION_TYPES.has(type as number)) throw new AfterEffectsError(`setInterpolationTypeAtKey: ${String(type)} is not a KeyframeInterpolationType`);
    }
    key.inType = inType as number;
    key.outType = outType as number;
  }

  removeKey(keyIndex: unknown): void {
    this._mutating('removeKey');
    this._key(keyIndex);
    this._data.keys.splice((keyIndex as number) - 1, 1);
  }

  nearestKeyIndex(time: unknown): number {
    const t = this._time(time);
    if (this._data.keys.length === 0) throw new AfterEffectsError(`"${this.name}" has no keyframes`);
    let best = 0;
    this._data.keys.forEach((k, i) => { if (Math.abs(k.time - t) < Math.abs(this._data.keys[best].time - t)) best = i; });
    return best + 1;
  }

  _mutating(method: string): void {
    this._owner._parade._session.call(method);
    this._owner._parade._session.mutate(this._owner._layer);
  }

  _time(time: unknown): number {
    if (!isFiniteNumber(time)) throw new AfterEffectsError(`${this.name}: a time must be a number of seconds`);
    return time;
  }

  _key(keyIndex: unknown): Key {
    const n = this._data.keys.length;
    if (!Number.isInteger(keyIndex) || (keyIndex as number) < 1 || (keyIndex as number) > n) {
      throw new AfterEffectsError(`${this.name}: keyframe index ${String(keyIndex)} is out of range 1..${n}`);
    }
    return this._data.keys[(keyIndex as number) - 1];
  }

  _normalize(value: unknown): Value {
    const what = `${this.name}`;
    const { kind, min, max } = this._data;
    if (kind === 'SHAPE') return shapeData(value, what);
    const parts = kind === 'OneD' ? [value] : toPair(value, what);
    for (const v of parts) {
      if (!isFiniteNumber(v)) throw new AfterEffectsError(`${what}: expected a number`);
      if (v < min || v > max) throw new AfterEffectsError(`${what}: value ${v} is out of range ${min} to ${max}`);
    }
    return kind === 'OneD' ? (value as number) : (parts as Vec2);
  }

  /** A copy in the script's form: a number, an [x, y] array or a new Shape. */
  _export(value: Value): unknown {
    if (typeof value === 'number') return value;
    if (Array.isArray(value)) return [value[0], value[1]];
    return shapeFromData(value);
  }

  _insertKey(time: number, value: Value): void {
    const keys = this._data.keys;
    const same = keys.find((k) => Math.abs(k.time - time) < SAME_TIME);
    if (same) {
      same.value = value;
      return;
    }
    const at = keys.findIndex((k) => k.time > time);
    const key = { time, value, inType: KeyframeInterpolationType.LINEAR, outType: KeyframeInterpolationType.LINEAR };
    keys.splice(at < 0 ? keys.length : at, 0, key);
  }
}

/**
 * A property's value at `time`: constant before the first and after the last key; between keys a
 * hold when either side is HOLD, else each number, vertex and tangent lerped (LINEAR on both sides).
 */
function valueAt(data: PropertyData, time: number): Value {
  const keys = data.keys;
  if (keys.length === 0) return data.staticValue;
  if (time <= keys[0].time) return keys[0].value;
  const last = keys[keys.length - 1];
  if (time >= last.time) return last.value;
  let i = 0;
  while (keys[i + 1].time <= time) i++;
  const a = keys[i];
  const b = keys[i + 1];
  if (a.time === time || a.outType === KeyframeInterpolationType.HOLD || b.inType === KeyframeInterpolationType.HOLD) return a.value;
  if (a.outType !== KeyframeInterpolationType.LINEAR || b.inType !== KeyframeInterpolationType.LINEAR) {
    throw new AfterEffectsError('double: BEZIER temporal interpolation is not modelled');
  }
  const t = (time - a.time) / (b.time - a.time);
  if (typeof a.value === 'number') return a.value + ((b.value as number) - a.value) * t;
  if (Array.isArray(a.value)) return lerpPairs([a.value], [b.value as Vec2], t)[0];
  const p = a.value;
  const q = b.value as ShapeData;
  if (p.vertices.length !== q.vertices.length) throw new AfterEffectsError('double: shapes with different vertex counts are not interpolated');
  return { closed: p.closed, vertices: lerpPairs(p.vertices, q.vertices, t), inTangents: lerpPairs(p.inTangents, q.inTangents, t), outTangents: lerpPairs(p.outTangents, q.outTangents, t) };
}

// ---------------------------------------------------------------------------------------------
// Property groups: the layer's "ADBE Mask Parade" and its "ADBE Mask Atom" masks.

export class PropertyGroup extends PropertyBase {}

/** One mask, shared by every reference to it. */
class MaskData {
  name: string;
  mode: number = MaskMode.ADD;
  inverted = false;
  locked = false;
  rotoBezier = false;
  color: number[] = [1, 1, 0];
  readonly properties: PropertyData[] = [
    new PropertyData('ADBE Mask Shape', 'Mask Path', 'SHAPE', { closed: true, vertices: [], inTangents: [], outTangents: [] }),
    new PropertyData('ADBE Mask Feather', 'Mask Feather', 'TwoD', [0, 0], 0),
    new PropertyData('ADBE Mask Opacity', 'Mask Opacity', 'OneD', 100, 0, 100),
    new PropertyData('ADBE Mask Offset', 'Mask Expansion', 'OneD', 0),
  ];
  constructor(name: string) {
    this.name = name;
  }
}

/** Names a script may use for each mask property (PropertyGroup.property: match, display, intercap). */
const MASK_PROPERTY_NAMES: string[][] = [
  ['ADBE Mask Shape', 'Mask Path', 'maskShape', 'maskPath'],
  ['ADBE Mask Feather', 'Mask Feather', 'maskFeather'],
  ['ADBE Mask Opacity', 'Mask Opacity', 'maskOpacity'],
  ['ADBE Mask Offset', 'Mask Expansion', 'maskOffset', 'maskExpansion'],
];

/** A reference to one mask; invalid once the layer's masks are added to, removed or reordered. */
export class MaskPropertyGroup extends PropertyGroup {
  constructor(readonly _parade: MaskParade, readonly _mask: MaskData, readonly _generation: number) {
    super();
  }

  get _layer(): Layer { return this._parade._layer; }

  _check(): void {
    if (this._generation !== this._parade._generation || !this._parade._masks.includes(this._mask)) {
      throw new AfterEffectsError('Object is invalid');
    }
  }

  _set<K extends 'name' | 'mode' | 'inverted' | 'locked' | 'rotoBezier'>(key: K, value: MaskData[K]): void {
    this._parade._session.mutate(this._layer);
    this._mask[key] = value;
  }

  get name(): string { return this._mask.name; }
  set name(v: string) {
    if (typeof v !== 'string') throw new AfterEffectsError('MaskPropertyGroup.name: expected a string');
    this._set('name', v);
  }
  get maskMode(): number { return this._mask.mode; }
  set maskMode(v: number) {
    if (!(Object.values(MaskMode) as number[]).includes(v)) throw new AfterEffectsError(`maskMode: ${String(v)} is not a MaskMode`);
    this._set('mode', v);
  }
  get inverted(): boolean { return this._mask.inverted; }
  set inverted(v: boolean) {
    if (typeof v !== 'boolean') throw new AfterEffectsError('MaskPropertyGroup.inverted: expected a boolean');
    this._set('inverted', v);
  }
  get locked(): boolean { return this._mask.locked; }
  set locked(v: boolean) { this._set('locked', Boolean(v)); }
  get rotoBezier(): boolean { return this._mask.rotoBezier; }
  set rotoBezier(v: boolean) { this._set('rotoBezier', Boolean(v)); }
  get color(): number[] { return this._mask.color.slice(); }
  set color(v: number[]) {
    if (!Array.isArray(v) || v.length !== 3 || !v.every((c) => isFiniteNumber(c) && c >= 0 && c <= 1)) {
      throw new AfterEffectsError('MaskPropertyGroup.color: expected [r, g, b] in 0..1');
    }
    this._parade._session.mutate(this._layer);
    this._mask.color = Array.from(v);
  }
  get matchName(): string { return 'ADBE Mask Atom'; }
  get isMask(): boolean { return true; }
  get isEffect(): boolean { return false; }
  get propertyType(): number { return PropertyType.NAMED_GROUP; }
  get propertyDepth(): number { return 2; }
  get propertyIndex(): number { return this._parade._masks.indexOf(this._mask) + 1; }
  get parentProperty(): MaskParade { return wrap(this._parade); }
  get numProperties(): number { return this._mask.properties.length; }

  property(nameOrIndex: unknown): Property | null {
    let i = -1;
    if (typeof nameOrIndex === 'number') {
      if (!Number.isInteger(nameOrIndex) || nameOrIndex < 1 || nameOrIndex > this.numProperties) {
        throw new AfterEffectsError(`Mask property index ${nameOrIndex} is out of range 1..${this.numProperties}`);
      }
      i = nameOrIndex - 1;
    } else if (typeof nameOrIndex === 'string') {
      i = MASK_PROPERTY_NAMES.findIndex((names) => names.includes(nameOrIndex));
      if (i < 0) return null;
    } else {
      throw new AfterEffectsError('property(): expected a name or an index');
    }
    return wrap(new Property(this, this._mask.properties[i], i + 1));
  }

  remove(): void {
    this._parade._session.call('remove');
    this._parade._session.mutate(this._layer);
    this._parade._masks.splice(this._parade._masks.indexOf(this._mask), 1);
    this._parade._generation++;
  }

  moveTo(newIndex: unknown): void {
    this._parade._session.call('moveTo');
    const masks = this._parade._masks;
    if (!Number.isInteger(newIndex) || (newIndex as number) < 1 || (newIndex as number) > masks.length) {
      throw new AfterEffectsError(`moveTo: index ${String(newIndex)} is out of range 1..${masks.length}`);
    }
    this._parade._session.mutate(this._layer);
    masks.splice(masks.indexOf(this._mask), 1);
    masks.splice((newIndex as number) - 1, 0, this._mask);
    this._parade._generation++;
  }
}

/** The layer's "ADBE Mask Parade": an indexed group of masks. */
export class MaskParade extends PropertyGroup {
  _masks: MaskData[] = [];
  /** Bumped whenever masks are added, removed or moved: older mask references become invalid. */
  _generation = 0;
  constructor(readonly _layer: Layer, readonly _session: Session) {
    super();
  }

  get name(): string { return 'Masks'; }
  get matchName(): string { return 'ADBE Mask Parade'; }
  get propertyType(): number { return PropertyType.INDEXED_GROUP; }
  get propertyDepth(): number { return 1; }
  get parentProperty(): Layer { return wrap(this._layer); }
  get numProperties(): number { return this._masks.length; }

  property(nameOrIndex: unknown): MaskPropertyGroup | null {
    let mask: MaskData | undefined;
    if (typeof nameOrIndex === 'number') {
      if (!Number.isInteger(nameOrIndex) || nameOrIndex < 1 || nameOrIndex > this._masks.length) {
        throw new AfterEffectsError(`Mask index ${nameOrIndex} is out of range 1..${this._masks.length}`);
      }
      mask = this._masks[nameOrIndex - 1];
    } else if (typeof nameOrIndex === 'string') {
      mask = this._masks.find((m) => m.name === nameOrIndex);
      if (!mask) return null;
    } else {
      throw new AfterEffectsError('property(): expected a name or an index');
    }
    return wrap(new MaskPropertyGroup(this, mask, this._generation));
  }

  canAddProperty(name: unknown): boolean {
    return name === 'ADBE Mask Atom' || name === 'Mask' || name === 'mask';
  }

  addProperty(name: unknown): MaskPropertyGroup {
    this._session.call('addProperty');
    if (!this.canAddProperty(name)) throw new AfterEffectsError(`Can not add a property with name "${String(name)}" to this PropertyGroup`);
    this._session.mutate(this._layer);
    const mask = new MaskData(`Mask ${this._masks.length + 1}`);
    this._masks.push(mask);
    this._generation++;
    return wrap(new MaskPropertyGroup(this, mask, this._generation));
  }
}

// ---------------------------------------------------------------------------------------------
// Items and layers.

export class Item extends DoubleObject {
  /** Item.id: unique in the project, stable across sessions. */
  readonly _id: number;
  constructor(readonly _session: Session, public _name: string) {
    super();
    this._id = ++_session.lastItemId;
  }
  get id(): number { return this._id; }
  get name(): string { return this._name; }
  set name(v: string) { this._name = String(v); }
  /** Item.selected: selected in the Project panel; setting it selects or deselects the item there. */
  _selected = false;
  get selected(): boolean { return this._selected; }
  set selected(v: boolean) { this._selected = Boolean(v); }
}

export class AVItem extends Item {
  constructor(session: Session, name: string, readonly _width: number, readonly _height: number) {
    super(session, name);
  }
  get width(): number { return this._width; }
  get height(): number { return this._height; }
}

/** FileSource: footage read from a file (FootageItem.mainSource); `file` and the interpretation Autoroto reads are modelled. */
export class FileSource extends DoubleObject {
  constructor(readonly _session: Session, readonly _path: string) {
    super();
  }
  /** ExtendScript: a File object (only the attribute scripts read for a path); UXP: the path, a string. */
  get file(): { fsName: string } | string { return this._session.dialect === 'uxp' ? this._path : { fsName: this._path }; }
  /** Interpret Footage > Separate Fields (read/write): OFF for the progressive footage the double imports, until set. */
  _fieldSeparationType: number = FieldSeparationType.OFF;
  get fieldSeparationType(): number { return this._fieldSeparationType; }
  set fieldSeparationType(v: number) {
    if (!(Object.values(FieldSeparationType) as number[]).includes(v)) throw new AfterEffectsError('FileSource.fieldSeparationType: expected a FieldSeparationType');
    this._fieldSeparationType = v;
  }
  /** Interpret Footage > Remove Pulldown (read/write). */
  _removePulldown: number = PulldownPhase.OFF;
  get removePulldown(): number { return this._removePulldown; }
  set removePulldown(v: number) {
    if (!(Object.values(PulldownPhase) as number[]).includes(v)) throw new AfterEffectsError('FileSource.removePulldown: expected a PulldownPhase');
    this._removePulldown = v;
  }
  /** Interpret Footage > Loop: times the footage plays in a row (read/write, 1 to 9999). */
  _loop = 1;
  get loop(): number { return this._loop; }
  set loop(v: number) {
    if (!(Number.isInteger(v) && v >= 1 && v <= 9999)) throw new AfterEffectsError('FileSource.loop: expected an integer from 1 to 9999');
    this._loop = v;
  }
}

/** SolidSource: a solid's mainSource (no file). */
export class SolidSource extends DoubleObject {}

export class FootageItem extends AVItem {
  constructor(session: Session, name: string, width: number, height: number, readonly _mainSource: FileSource | SolidSource,
    readonly _frameRate = 0, readonly _duration = 0, readonly _hasVideo = true) {
    super(session, name, width, height);
  }
  get mainSource(): FileSource | SolidSource { return wrap(this._mainSource); }
  get frameRate(): number { return this._frameRate; }
  get duration(): number { return this._duration; }
  get hasVideo(): boolean { return this._hasVideo; }
}

export class CompItem extends AVItem {
  _layers: Layer[] = [];
  _time = 0;
  _workAreaStart = 0;
  _workAreaDuration: number;
  _layerCollection: LayerCollection;
  constructor(session: Session, name: string, width: number, height: number, readonly _frameRate: number, readonly _duration: number) {
    super(session, name, width, height);
    this._layerCollection = new LayerCollection(this);
    this._workAreaDuration = _duration;
  }
  get workAreaStart(): number { return this._workAreaStart; }
  set workAreaStart(v: number) { this._workAreaStart = v; }
  get workAreaDuration(): number { return this._workAreaDuration; }
  set workAreaDuration(v: number) { this._workAreaDuration = v; }
  get frameRate(): number { return this._frameRate; }
  get frameDuration(): number { return 1 / this._frameRate; }
  get duration(): number { return this._duration; }
  get time(): number { return this._time; }
  set time(v: number) {
    if (!isFiniteNumber(v)) throw new AfterEffectsError('CompItem.time: expected a number');
    this._time = v;
  }
  get numLayers(): number { return this._layers.length; }
  get layers(): LayerCollection { return wrap(this._layerCollection); }
  get selectedLayers(): Layer[] { return this._layers.filter((l) => l._selected).map((l) => wrap(l)); }
  layer(index: unknown): Layer {
    if (!Number.isInteger(index) || (index as number) < 1 || (index as number) > this._layers.length) {
      throw new AfterEffectsError(`Layer index ${String(index)} is out of range 1..${this._layers.length}`);
    }
    return wrap(this._layers[(index as number) - 1]);
  }
}

/** CompItem.layers: new layers go on top (index 1), as in AE. */
export class LayerCollection extends DoubleObject {
  constructor(readonly _comp: CompItem) {
    super();
  }
  get length(): number { return this._comp._layers.length; }

  /** LayerCollection.addSolid(color, name, width, height, pixelAspect[, duration]). */
  addSolid(_color: unknown, name: string, width: number, height: number, _pixelAspect: unknown, _duration?: unknown): AVLayer {
    const source = new FootageItem(this._comp._session, name, width, height, new SolidSource());
    return this._add(new AVLayer(this._comp, name, source));
  }

  /** LayerCollection.add(item): a layer of the item, from comp time 0 for the item's duration. */
  add(item: AVItem): AVLayer {
    const source = unwrap(item);
    const layer = new AVLayer(this._comp, source._name, source);
    if (source instanceof FootageItem && source._duration > 0) layer._outPoint = source._duration;
    return this._add(layer);
  }

  /** LayerCollection.addCamera(name, centerPoint). */
  addCamera(name: string, _centerPoint: unknown): CameraLayer {
    return this._add(new CameraLayer(this._comp, name));
  }

  /** LayerCollection.addText([sourceText]): a text layer named after its text. */
  addText(sourceText?: unknown): TextLayer {
    return this._add(new TextLayer(this._comp, sourceText === undefined ? '' : String(sourceText)));
  }

  _add<L extends Layer>(layer: L): L {
    this._comp._layers.unshift(layer);
    return wrap(layer);
  }
}

export class Layer extends PropertyGroup {
  _locked = false;
  _selected = false;
  _enabled = true;
  _startTime = 0;
  _stretch = 100;
  _inPoint = 0;
  _outPoint: number;
  constructor(readonly _comp: CompItem, public _name: string) {
    super();
    this._outPoint = _comp._duration;
  }
  get inPoint(): number { return this._inPoint; }
  set inPoint(v: number) { this._inPoint = v; }
  get outPoint(): number { return this._outPoint; }
  set outPoint(v: number) { this._outPoint = v; }
  get name(): string { return this._name; }
  set name(v: string) { this._name = String(v); }
  get index(): number { return this._comp._layers.indexOf(this) + 1; }
  get containingComp(): CompItem { return wrap(this._comp); }
  get locked(): boolean { return this._locked; }
  set locked(v: boolean) { this._locked = Boolean(v); }
  get selected(): boolean { return this._selected; }
  set selected(v: boolean) { this._selected = Boolean(v); }
  /** Layer.enabled: the layer's video switch (the eye) is on. */
  get enabled(): boolean { return this._enabled; }
  set enabled(v: boolean) { this._enabled = Boolean(v); }
  get startTime(): number { return this._startTime; }
  set startTime(v: number) {
    if (!isFiniteNumber(v) || Math.abs(v) > 10800) throw new AfterEffectsError('Layer.startTime: expected seconds in -10800..10800');
    this._startTime = v;
  }
  /** Layer.stretch: percent; 0..1 reads as 1 and -1..0 as -1 (the guide). */
  get stretch(): number { return this._stretch; }
  set stretch(v: number) {
    if (!isFiniteNumber(v) || v === 0 || Math.abs(v) > 9900) throw new AfterEffectsError('Layer.stretch: expected a percentage in -9900..9900, not 0');
    this._stretch = Math.abs(v) < 1 ? Math.sign(v) : v;
  }
  get time(): number { return this._comp._time; }
  get propertyDepth(): number { return 0; }
  get parentProperty(): null { return null; }
  get numProperties(): number { return 3; }

  property(nameOrIndex: unknown): PropertyGroup | null {
    throw new AfterEffectsError(`double: ${this.constructor.name}.property(${JSON.stringify(nameOrIndex)}) is not modelled`);
  }
}

export class AVLayer extends Layer {
  _timeRemapEnabled = false;
  readonly _parade: MaskParade;
  constructor(comp: CompItem, name: string, readonly _source: AVItem) {
    super(comp, name);
    this._parade = new MaskParade(this, comp._session);
  }
  get source(): AVItem { return wrap(this._source); }
  get width(): number { return this._source._width; }
  get height(): number { return this._source._height; }
  get hasVideo(): boolean { return !(this._source instanceof FootageItem) || this._source._hasVideo; }
  get timeRemapEnabled(): boolean { return this._timeRemapEnabled; }
  set timeRemapEnabled(v: boolean) { this._timeRemapEnabled = Boolean(v); }
  /** layer.mask: the masks group, as layer.property("ADBE Mask Parade"). */
  get mask(): MaskParade { return wrap(this._parade); }

  property(nameOrIndex: unknown): PropertyGroup | null {
    if (nameOrIndex === 'ADBE Mask Parade' || nameOrIndex === 'Masks') return wrap(this._parade);
    return super.property(nameOrIndex);
  }
}

/** A text layer: an AVLayer with masks but no source item (AVLayer.source is null), as big as its comp here. */
export class TextLayer extends AVLayer {
  constructor(comp: CompItem, text: string) {
    super(comp, text, null as unknown as AVItem);
  }
  get source(): AVItem { return null as unknown as AVItem; }
  get width(): number { return this._comp._width; }
  get height(): number { return this._comp._height; }
}

/** A camera layer: a Layer that is not an AVLayer and has no masks. */
export class CameraLayer extends Layer {
  property(nameOrIndex: unknown): PropertyGroup | null {
    if (nameOrIndex === 'ADBE Mask Parade' || nameOrIndex === 'Masks') return null;
    return super.property(nameOrIndex);
  }
}

/** app.project.items: ItemCollection.addComp(name, width, height, pixelAspect, duration, frameRate). */
export class ItemCollection extends DoubleObject {
  constructor(readonly _project: Project) {
    super();
  }
  get length(): number { return this._project._items.length; }
  addComp(name: string, width: number, height: number, _pixelAspect: unknown, duration: number, frameRate: number): CompItem {
    const comp = new CompItem(this._project._session, name, width, height, frameRate, duration);
    this._project._items.push(comp);
    return wrap(comp);
  }
}

export class Project extends DoubleObject {
  _items: Item[] = [];
  _activeItem: Item | null = null;
  readonly _itemCollection = new ItemCollection(this);
  constructor(readonly _session: Session) {
    super();
  }
  get activeItem(): Item | null { return this._activeItem && wrap(this._activeItem); }
  get items(): ItemCollection { return wrap(this._itemCollection); }
  get numItems(): number { return this._items.length; }
  /** Project.selection: the items selected in the Project panel, in the panel's order (sorted by Name here). */
  get selection(): Item[] {
    return this._items.filter((i) => i._selected).sort((a, b) => a._name.localeCompare(b._name)).map((i) => wrap(i));
  }
  /** Project.itemByID(id): the item, or null when there is none. */
  itemByID(id: unknown): Item | null {
    const item = this._items.find((i) => i._id === id);
    return item ? wrap(item) : null;
  }
  item(index: unknown): Item {
    if (!Number.isInteger(index) || (index as number) < 1 || (index as number) > this._items.length) {
      throw new AfterEffectsError(`Item index ${String(index)} is out of range 1..${this._items.length}`);
    }
    return wrap(this._items[(index as number) - 1]);
  }
  /** Project.close(closeOptions): recorded, nothing closes. */
  close(closeOptions: unknown): boolean {
    this._session.closeCalls.push(closeOptions);
    return true;
  }
}

export class Application extends DoubleObject {
  readonly _project: Project;
  constructor(readonly _session: Session) {
    super();
    this._project = new Project(_session);
  }
  get project(): Project { return wrap(this._project); }
  get version(): string { return '25.0x (Autoroto test double)'; }

  /** Undo groups nest; the inner names are ignored (Application.beginUndoGroup). */
  beginUndoGroup(undoString: unknown): void {
    if (typeof undoString !== 'string') throw new AfterEffectsError('beginUndoGroup: expected the undo string');
    const undo = this._session.undo;
    undo.depth++;
    undo.begun++;
    undo.names.push(undoString);
  }

  /** Calling it without an open group is an error (Application.endUndoGroup). */
  endUndoGroup(): void {
    const undo = this._session.undo;
    if (undo.depth === 0) throw new AfterEffectsError('endUndoGroup called without beginUndoGroup');
    undo.depth--;
    undo.ended++;
  }
}

// ---------------------------------------------------------------------------------------------
// The test-side session.

/** One After Effects instance: the `app` a script sees, and the logs and levers a test uses. */
export class AfterEffectsDouble {
  readonly _session = new Session();
  readonly app: Application = wrap(new Application(this._session));

  get alerts(): string[] { return this._session.alerts; }
  get confirms(): string[] { return this._session.confirms; }
  /** What confirm() answers. */
  set confirmAnswer(answer: boolean) { this._session.confirmAnswer = answer; }
  get undo(): Readonly<Session['undo']> { return this._session.undo; }
  /** Changes made while no undo group was open. */
  get mutationsOutsideUndoGroup(): number { return this._session.mutationsOutsideUndoGroup; }
  /** The arguments of every app.project.close call. */
  get closeCalls(): unknown[] { return this._session.closeCalls; }
  /** How often a method was called (setValuesAtTimes, setValue, addProperty, remove, moveTo, …). */
  calls(method: string): number { return this._session.calls.get(method) ?? 0; }

  /** The item the UI has active (Project.activeItem is read-only for scripts). */
  setActiveItem(item: Item | null): void { unwrap(this.app)._project._activeItem = item && unwrap(item); }

  /** Makes the nth call (counted from now on) of `method` throw, as AE would on a failed write. */
  failOn(method: string, nth = 1, message = `After Effects error: ${method} failed`): void {
    this._session.faults.push({ method, nth: this.calls(method) + nth, message });
  }

  /** Clears the logs and counters (not the project). */
  clearLog(): void {
    const s = this._session;
    s.alerts.length = 0;
    s.confirms.length = 0;
    s.undo = { begun: 0, ended: 0, depth: s.undo.depth, names: [] };
    s.mutationsOutsideUndoGroup = 0;
    s.closeCalls.length = 0;
    s.calls.clear();
    s.faults.length = 0;
  }

  /** The globals an ExtendScript run in After Effects sees (the part modelled here). */
  /** The `aftereffects` module a UXP plugin requires: the same object model, as UXP types it (FileSource.file a string). */
  uxpModule(): Record<string, unknown> {
    this._session.dialect = 'uxp';
    return this.globals();
  }

  globals(): Record<string, unknown> {
    const session = this._session;
    return {
      app: this.app,
      alert: (message: unknown) => { session.alerts.push(String(message)); },
      confirm: (message: unknown) => {
        session.confirms.push(String(message));
        return session.confirmAnswer;
      },
      Shape, CompItem, AVItem, FootageItem, FileSource, Item, Layer, AVLayer, TextLayer, CameraLayer, PropertyBase, PropertyGroup, MaskPropertyGroup, Property,
      MaskMode, KeyframeInterpolationType, FieldSeparationType, PulldownPhase, CloseOptions, PropertyType, PropertyValueType,
    };
  }

  /** Imports a footage file (Project.importFile), as an item of the project. */
  importFootage(path: string, width: number, height: number, frameRate: number, duration: number, hasVideo = true): FootageItem {
    const project = unwrap(this.app)._project;
    const item = new FootageItem(this._session, path.split('/').pop()!, width, height, new FileSource(this._session, path), frameRate, duration, hasVideo);
    project._items.push(item);
    return wrap(item);
  }

  /** Removes an item from the project (Item.remove), as an editor deleting a comp would. */
  removeItem(item: Item): void {
    const project = unwrap(this.app)._project;
    project._items.splice(project._items.indexOf(unwrap(item)), 1);
  }

  /**
   * CSInterface.evalScript as a CEP panel sees it: the script's completion value as a string, and
   * the string "EvalScript error." when it throws.
   */
  evalScript(source: string): string {
    try {
      this._session.dialect = 'extendscript';
      return String(runInContext(source, createContext(this.globals()), { filename: 'evalScript.jsx' }));
    } catch {
      return 'EvalScript error.';
    }
  }

  /** Runs a script as File > Scripts > Run Script File would; an uncaught error propagates. */
  runScript(source: string): void {
    this._session.dialect = 'extendscript';
    runInContext(source, createContext(this.globals()), { filename: 'script.jsx' });
  }
}

// ---------------------------------------------------------------------------------------------
// Reading masks back.

export interface MaskKey<V> {
  time: number;
  value: V;
  inType: number;
  outType: number;
}

/** A mask as the layer holds it: attributes, static values and keyframes (copies). */
export interface MaskRecord {
  name: string;
  mode: number;
  inverted: boolean;
  feather: { value: Vec2; keys: MaskKey<Vec2>[] };
  expansion: { value: number; keys: MaskKey<number>[] };
  opacity: { value: number; keys: MaskKey<number>[] };
  path: { value: BezierPath; keys: MaskKey<BezierPath>[] };
}

function copyValue(value: Value): Value {
  if (typeof value === 'number') return value;
  if (Array.isArray(value)) return [value[0], value[1]];
  return { closed: value.closed, vertices: copyPairs(value.vertices), inTangents: copyPairs(value.inTangents), outTangents: copyPairs(value.outTangents) };
}

function record<V>(data: PropertyData): { value: V; keys: MaskKey<V>[] } {
  return {
    value: copyValue(data.staticValue) as V,
    keys: data.keys.map((k) => ({ time: k.time, value: copyValue(k.value) as V, inType: k.inType, outType: k.outType })),
  };
}

function parade(layer: AVLayer): MaskParade {
  const raw = unwrap(layer);
  if (!(raw instanceof AVLayer)) throw new TypeError('not an AVLayer of the double');
  return raw._parade;
}

/** Every mask on the layer, in order, with its keyframes. */
export function readMasks(layer: AVLayer): MaskRecord[] {
  return parade(layer)._masks.map((m) => {
    const [shape, feather, opacity, offset] = m.properties;
    return {
      name: m.name, mode: m.mode, inverted: m.inverted,
      feather: record<Vec2>(feather), expansion: record<number>(offset), opacity: record<number>(opacity), path: record<BezierPath>(shape),
    };
  });
}

/** The comp time at which the layer shows frame `frame` of its source (no time remapping). */
export function compTimeOfFrame(layer: AVLayer, frame: number, frameRate: number): number {
  return layer.startTime + (frame / frameRate) * (layer.stretch / 100);
}

/**
 * The layer's masks composited at comp time `time` as After Effects does (see the header), as
 * alpha in 0..1; `include` picks masks by name (the others are left out entirely).
 */
export function compositeLayerMasks(layer: AVLayer, time: number, include: (name: string) => boolean = () => true): Float32Array {
  const { width, height } = layer;
  const alpha = new Float32Array(width * height);
  const masks = parade(layer)._masks.filter((m) => include(m.name) && m.mode !== MaskMode.NONE);
  if (masks.length > 0 && (masks[0].mode === MaskMode.SUBTRACT || masks[0].mode === MaskMode.INTERSECT)) alpha.fill(1);
  for (const m of masks) {
    const mode = MODE_NAMES.get(m.mode);
    if (!mode) throw new AfterEffectsError(`double: mask mode ${m.mode} is not modelled`);
    const [shapeData, featherData, opacityData, offsetData] = m.properties;
    const shape = valueAt(shapeData, time) as ShapeData;
    const opacity = (valueAt(opacityData, time) as number) / 100;
    // renderMask flattens and fills the path as the reference rasterizer does, inversion included.
    const asRoto: RotoMask = {
      name: m.name, mode, inverted: m.inverted, feather: valueAt(featherData, time) as Vec2, expansion: valueAt(offsetData, time) as number,
      opacity: [{ frame: 0, value: 100 }], path: [{ frame: 0, interpolation: 'linear', ...shape }],
    };
    const covered = renderMask(asRoto, 0, width, height);
    for (let i = 0; i < alpha.length; i++) {
      const c = covered[i] * opacity;
      if (mode === 'add') alpha[i] = Math.min(1, alpha[i] + c);
      else if (mode === 'subtract') alpha[i] = Math.max(0, alpha[i] - c);
      else alpha[i] *= c;
    }
  }
  return alpha;
}

/** What the layer's masks let through when it shows source frame `frame`: 1 where alpha ≥ 0.5. */
export function rasterizeLayerMasks(layer: AVLayer, frame: number, frameRate: number, include?: (name: string) => boolean): Uint8Array {
  const alpha = compositeLayerMasks(layer, compTimeOfFrame(layer, frame, frameRate), include);
  const out = new Uint8Array(alpha.length);
  for (let i = 0; i < alpha.length; i++) out[i] = alpha[i] >= 0.5 ? 1 : 0;
  return out;
}
