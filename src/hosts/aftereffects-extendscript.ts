/**
 * The ExtendScript (ES3) the CEP panel sends through CSInterface.evalScript: read the selection, a
 * layer and its Autoroto masks (answered as JSON text: ExtendScript has no JSON object, so `json`
 * below writes it), and write masks with sky.jsx's own writer (src/export/jsx.ts) in one undo group.
 * Every value from the panel enters as a literal made by es3String/num, never as code.
 */
import { ES3_MASK_WRITER, es3String, masksLiteral, num } from '../export/jsx.ts';
import { MASK_NAME_PREFIX } from '../core/document.ts';
import type { LayerAddress } from './aftereffects-layer.ts';
import type { LayerMask } from './layer-masks.ts';
import { UNDO_NAME } from './aftereffects-dom.ts';

/** What a write script answers: "ok:<masks replaced>" or "error:<message>". */
export const WRITE_OK = 'ok:';
export const WRITE_ERROR = 'error:';

const ES3_HELPERS = String.raw`
  function isArray(v) { return Object.prototype.toString.call(v) === "[object Array]"; }

  function jsonString(text) {
    var out = "\"";
    for (var i = 0; i < text.length; i++) {
      var c = text.charCodeAt(i);
      if (c === 34 || c === 92) out += "\\" + text.charAt(i);
      else if (c < 32 || c > 126) { var h = "000" + c.toString(16); out += "\\u" + h.substring(h.length - 4); }
      else out += text.charAt(i);
    }
    return out + "\"";
  }

  function json(v) {
    if (v === null || v === undefined) return "null";
    if (typeof v === "boolean") return v ? "true" : "false";
    if (typeof v === "number") return isFinite(v) ? String(v) : "null";
    if (typeof v === "string") return jsonString(v);
    var parts = [], k;
    if (isArray(v)) {
      for (k = 0; k < v.length; k++) parts.push(json(v[k]));
      return "[" + parts.join(",") + "]";
    }
    for (k in v) if (v.hasOwnProperty(k)) parts.push(jsonString(k) + ":" + json(v[k]));
    return "{" + parts.join(",") + "}";
  }

  function findComp(id) {
    var item = app.project.itemByID(id);
    return (item && item instanceof CompItem) ? item : null;
  }

  function findLayer(comp, index, name) {
    if (!comp || index < 1 || index > comp.numLayers) return null;
    var layer = comp.layer(index);
    return layer.name === name ? layer : null;
  }

  // LayerInfo (src/hosts/aftereffects-layer.ts) of the layer (or null) in the comp (or null).
  function layerInfo(comp, layer, layerName) {
    var info = { compFound: comp !== null, layerFound: layer !== null, compName: comp ? comp.name : "", layerName: layerName,
      isAVLayer: false, hasVideo: false, locked: false, timeRemapEnabled: false, width: 0, height: 0, sourcePath: null, fieldSeparation: "progressive",
      pulldownRemoved: false, loops: 1, timing: { startTime: 0, stretch: 100, inPoint: 0, outPoint: 0, frameRate: 0, frameCount: 0 }, workArea: { start: 0, duration: 0 } };
    if (!layer || !(layer instanceof AVLayer)) return info;
    var source = layer.source;
    info.isAVLayer = true;
    info.hasVideo = layer.hasVideo;
    info.locked = layer.locked;
    if (!source) return info; // a text or shape layer
    info.timeRemapEnabled = layer.timeRemapEnabled;
    info.width = source.width;
    info.height = source.height;
    if (source instanceof FootageItem && source.mainSource instanceof FileSource) {
      info.sourcePath = source.mainSource.file.fsName;
      var fields = source.mainSource.fieldSeparationType;
      info.fieldSeparation = fields === FieldSeparationType.UPPER_FIELD_FIRST ? "upper" : fields === FieldSeparationType.LOWER_FIELD_FIRST ? "lower" : "progressive";
      info.pulldownRemoved = source.mainSource.removePulldown !== PulldownPhase.OFF;
      info.loops = source.mainSource.loop;
    }
    info.timing = { startTime: layer.startTime, stretch: layer.stretch, inPoint: layer.inPoint, outPoint: layer.outPoint,
      frameRate: source.frameRate, frameCount: Math.round(source.duration * source.frameRate) };
    info.workArea = { start: comp.workAreaStart, duration: comp.workAreaDuration };
    return info;
  }
`;

/** ES3 expressions for the target's comp (or null) and layer (or null). */
const compOf = (a: LayerAddress) => `findComp(${num(a.compId)})`;
const layerOf = (a: LayerAddress, comp = compOf(a)) => `findLayer(${comp}, ${num(a.layerIndex)}, ${es3String(a.layerName)})`;

function script(body: string): string {
  return `(function () {\n${ES3_HELPERS}\n${body}\n})();`;
}

/**
 * The layers to queue, as src/hosts/aftereffects-dom.ts's selectedLayers finds them over UXP:
 * [{ compId, compName, layerIndex, layerName, byComp? }], byComp = { enabled, info: LayerInfo } for
 * a layer of a comp selected in the Project panel that has no selected layers.
 */
export function selectedLayersJsx(): string {
  return script(String.raw`
  var picked = [], seen = {}, comps = [], found = [], i, c, l, layer;
  var selection = app.project.selection;
  for (i = 0; i < selection.length; i++) {
    if (!(selection[i] instanceof CompItem)) continue;
    picked.push(selection[i]);
    comps.push(selection[i]);
    seen["id" + selection[i].id] = true;
  }
  for (i = 1; i <= app.project.numItems; i++) {
    var item = app.project.item(i);
    if (item instanceof CompItem && !seen["id" + item.id]) comps.push(item);
  }
  for (c = 0; c < comps.length; c++) {
    var comp = comps[c], any = false;
    for (l = 1; l <= comp.numLayers; l++) {
      layer = comp.layer(l);
      if (!layer.selected) continue;
      any = true;
      found.push({ compId: comp.id, compName: comp.name, layerIndex: l, layerName: layer.name });
    }
    if (any || c >= picked.length) continue;
    for (l = 1; l <= comp.numLayers; l++) {
      layer = comp.layer(l);
      found.push({ compId: comp.id, compName: comp.name, layerIndex: l, layerName: layer.name,
        byComp: { enabled: layer.enabled, info: layerInfo(comp, layer, layer.name) } });
    }
  }
  return json(found);`);
}

/** The layer's LayerInfo (src/hosts/aftereffects-layer.ts), as readLayerInfo reads it over UXP. */
export function layerInfoJsx(target: LayerAddress): string {
  return script(String.raw`
  var comp = ${compOf(target)};
  return json(layerInfo(comp, ${layerOf(target, 'comp')}, ${es3String(target.layerName)}));`);
}

/** The layer's Autoroto masks as RawMask[] (src/hosts/aftereffects-layer.ts). */
export function autorotoMasksJsx(target: LayerAddress): string {
  return script(String.raw`
  var PREFIX = ${es3String(MASK_NAME_PREFIX)};
  var MODES = [[MaskMode.ADD, "add"], [MaskMode.SUBTRACT, "subtract"], [MaskMode.INTERSECT, "intersect"], [MaskMode.NONE, "none"]];
  function modeName(mode) {
    for (var i = 0; i < MODES.length; i++) if (MODES[i][0] === mode) return MODES[i][1];
    return "add";
  }
  function shape(s) { return { closed: s.closed, vertices: s.vertices, inTangents: s.inTangents, outTangents: s.outTangents }; }
  function number(v) { return v; }
  function keys(property, read) {
    if (property.numKeys === 0) return [{ time: null, hold: false, value: read(property.value) }];
    var out = [];
    for (var k = 1; k <= property.numKeys; k++) {
      out.push({ time: property.keyTime(k), hold: property.keyOutInterpolationType(k) === KeyframeInterpolationType.HOLD, value: read(property.keyValue(k)) });
    }
    return out;
  }
  var layer = ${layerOf(target)};
  if (!layer) return "null";
  var parade = layer.property("ADBE Mask Parade");
  var masks = [];
  for (var i = 1; i <= parade.numProperties; i++) {
    var mask = parade.property(i);
    if (mask.name.substring(0, PREFIX.length) !== PREFIX) continue;
    masks.push({ name: mask.name, mode: modeName(mask.maskMode), inverted: mask.inverted,
      feather: mask.property("ADBE Mask Feather").value, expansion: mask.property("ADBE Mask Offset").value,
      path: keys(mask.property("ADBE Mask Shape"), shape), opacity: keys(mask.property("ADBE Mask Opacity"), number) });
  }
  return json(masks);`);
}

/** Replaces the layer's Autoroto masks with `masks` (frames at `frameRate`) in one undo group. */
export function writeMasksJsx(target: LayerAddress, masks: LayerMask[], frameRate: number): string {
  return script(`
  var PREFIX = ${es3String(MASK_NAME_PREFIX)};
  var SOURCE = { frameRate: ${num(frameRate)} };
  var MASKS = ${masksLiteral(masks)};
${ES3_MASK_WRITER}
  var layer = ${layerOf(target)};
  if (!layer) return ${es3String(WRITE_ERROR + `Layer "${target.layerName}" is gone. Select it again.`)};
  if (layer.locked) return ${es3String(WRITE_ERROR + `Layer "${target.layerName}" is locked. Unlock it, then run Autoroto again.`)};
  app.beginUndoGroup(${es3String(UNDO_NAME)});
  try {
    return ${es3String(WRITE_OK)} + replaceMasks(layer);
  } catch (error) {
    return ${es3String(WRITE_ERROR)} + describe(error);
  } finally {
    app.endUndoGroup();
  }`);
}
