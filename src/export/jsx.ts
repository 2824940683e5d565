/**
 * Roto document → `sky.jsx`: an ExtendScript for After Effects that puts the document's masks on the
 * selected layer of the active composition, in one undo group (DESIGN.md, "write").
 *
 * ExtendScript is ECMAScript 3: no JSON object, no let/const, no arrow functions, no Array
 * map/forEach/indexOf, no trailing commas. The script is a fixed ES3 program plus a data section.
 * Every string in the data section (mask names, the source path) goes through `es3String`, which
 * escapes everything that could end the literal or be misread (quotes, backslashes, control and
 * line-separator characters, `</`, and all non-ASCII, so the file is pure ASCII whatever code page
 * ExtendScript reads it in); numbers are plain numeric literals checked to be finite. No data goes
 * into comments. So a name or path can never become code.
 *
 * What the script does, and why (verified against the After Effects scripting guide,
 * docsforadobe after-effects-scripting-guide: Shape, PropertyGroup, PropertyBase, Property,
 * MaskPropertyGroup, Layer, AVLayer, CompItem, Project, Application):
 * - Refuses, with an alert and no change, unless app.project.activeItem is a CompItem with exactly
 *   one selected layer that is an AVLayer (camera and light layers have no masks) and is unlocked.
 * - Asks (confirm) before writing to a layer whose size is not the document's, or one with time
 *   remapping on; refuses a layer with negative time stretch (its keys would run backwards).
 * - Adds each mask with `layer.property("ADBE Mask Parade").addProperty("ADBE Mask Atom")` and sets
 *   name, maskMode, inverted, "ADBE Mask Feather", "ADBE Mask Offset" (the expansion), and the
 *   keyframes of "ADBE Mask Shape" and "ADBE Mask Opacity" with ONE setValuesAtTimes call each
 *   (setValue for a single key: a static value). Adding to an indexed group invalidates every
 *   earlier reference into it (PropertyGroup.addProperty), so each mask is finished before the next
 *   is added and nothing is kept across adds.
 * - Hold keys get `setInterpolationTypeAtKey(k, LINEAR, HOLD)`: hold on the outgoing side only.
 *   The guide does not say how an incoming HOLD combines with the previous key's LINEAR out, so
 *   the writer never sets one; a hold key's segment is then a hold under either reading, and the
 *   segment before it stays linear. Opacity keys are all hold keys (DESIGN.md).
 * - Key times are comp times (Property.setValueAtTime: "The beginning of the composition is 0"),
 *   and source frame f of the layer's footage is shown at comp time
 *   `layer.startTime + (f / frameRate) * (layer.stretch / 100)`, so that is each key's time: a layer
 *   that starts later in the comp, or is time-stretched, gets masks that still match its pixels.
 * - Replaces only masks whose name starts with `Autoroto Sky` (a mask the editor renamed is theirs):
 *   the new masks are added first; if any write fails, the masks added so far are removed again
 *   (last index first), so the layer is left exactly as it was, and an alert says what failed.
 *   Only after every new mask is written are the earlier Autoroto masks removed (last index first),
 *   and the new ones moved to where the first of them was, so the editor's masks keep their order
 *   relative to the sky (a "Sky fix" subtract mask below the sky still applies after a re-run).
 * - A document with no masks means no sky was found: the script says so and changes nothing.
 *
 * After Effects composites a mask at 0% opacity as a mask that is there but transparent, while the
 * document says such a mask does not exist at that frame. The two agree for add and subtract masks,
 * except when the first non-"none" mask is at 0% and the first visible one differs from it in
 * whether compositing starts empty or full (add versus subtract/intersect), and for intersect masks
 * at 0% (AE blanks the layer). Documents the tracker writes keep the first mask visible.
 */
import { MASK_NAME_PREFIX, validateDocument, type OpacityKey, type RotoDocument, type RotoMask } from '../core/document.ts';
import type { Vec2 } from '../core/types.ts';

/**
 * An ES3 string literal that evaluates to `text`. Output is printable ASCII only: backslash and both
 * quotes are escaped, control characters become \xHH, everything above U+007E (U+2028/2029 and lone
 * surrogates included) becomes \uHHHH, and `</` becomes `<\/` so the text cannot close a script tag.
 */
export function es3String(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) out += '\\\\';
    else if (c === 0x22) out += '\\"';
    else if (c === 0x27) out += "\\'";
    else if (c === 0x2f && i > 0 && text.charCodeAt(i - 1) === 0x3c) out += '\\/';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else if (c > 0x7e) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += text[i];
  }
  return out + '"';
}

/** A numeric literal; throws on NaN and infinities, which have no literal and mean a broken document. */
export function num(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} into sky.jsx`);
  return Object.is(value, -0) ? '0' : String(value);
}

function list<T>(items: readonly T[], write: (item: T) => string): string {
  return '[' + items.map(write).join(',') + ']';
}

const point = (p: Vec2): string => list(p, num);
const bool = (b: boolean): string => (b ? 'true' : 'false');

/**
 * A mask the ES3 writer can put on a layer: a document mask, or one spliced into an editor's keys
 * (src/hosts/layer-masks.ts), whose frames may be fractional, whose vertex count may change between
 * keys and whose opacity keys may be linear (absent interpolation: hold, the document's rule).
 */
export type WritableMask = Omit<RotoMask, 'opacity'> & { opacity: (OpacityKey & { interpolation?: 'linear' | 'hold' })[] };

/** One mask as an ES3 object literal: parallel arrays, one entry per keyframe. */
function maskLiteral(mask: WritableMask): string {
  const keyLines = (pick: (k: RotoMask['path'][number]) => Vec2[]) =>
    '[\n        ' + mask.path.map((key) => list(pick(key), point)).join(',\n        ') + ']';
  return [
    `    { name: ${es3String(mask.name)}, mode: ${es3String(mask.mode)}, inverted: ${bool(mask.inverted)},`,
    `      feather: ${point(mask.feather)}, expansion: ${num(mask.expansion)},`,
    `      opacityFrames: ${list(mask.opacity, (k) => num(k.frame))},`,
    `      opacityValues: ${list(mask.opacity, (k) => num(k.value))},`,
    `      opacityHold: ${list(mask.opacity, (k) => bool(k.interpolation !== 'linear'))},`,
    `      pathFrames: ${list(mask.path, (k) => num(k.frame))},`,
    `      pathHold: ${list(mask.path, (k) => bool(k.interpolation === 'hold'))},`,
    `      closed: ${list(mask.path, (k) => bool(k.closed))},`,
    `      vertices: ${keyLines((k) => k.vertices)},`,
    `      inTangents: ${keyLines((k) => k.inTangents)},`,
    `      outTangents: ${keyLines((k) => k.outTangents)} }`,
  ].join('\n');
}

/** The masks as an ES3 array literal, for `var MASKS = …;`. */
export function masksLiteral(masks: WritableMask[]): string {
  return '[\n' + masks.map(maskLiteral).join(',\n') + '\n  ]';
}

/**
 * The ES3 mask writer: `replaceMasks(layer)` puts MASKS on the layer and replaces its earlier
 * Autoroto masks (returning how many), or throws with the layer as it was. It reads SOURCE
 * (frameRate), MASKS and PREFIX from the data section above it; the caller opens the undo group.
 */
export const ES3_MASK_WRITER = String.raw`
  var MODE_OF = { add: MaskMode.ADD, subtract: MaskMode.SUBTRACT, intersect: MaskMode.INTERSECT, none: MaskMode.NONE };

  function isAutorotoMask(name) {
    return name.substring(0, PREFIX.length) === PREFIX;
  }

  function describe(error) {
    return (error && error.message) ? error.message : String(error);
  }

  // Key times are comp times: the layer shows source frame f at startTime + f / frameRate, scaled by its time stretch.
  function timesOf(frames, start, scale) {
    var times = [];
    for (var i = 0; i < frames.length; i++) times.push(start + (frames[i] / SOURCE.frameRate) * scale);
    return times;
  }

  function shapeAt(mask, k) {
    var shape = new Shape();
    shape.vertices = mask.vertices[k];
    shape.inTangents = mask.inTangents[k];
    shape.outTangents = mask.outTangents[k];
    shape.closed = mask.closed[k];
    return shape;
  }

  // All keys of one property in one call; hold has one flag per key.
  function setKeys(property, times, values, hold) {
    if (values.length === 1) {
      property.setValue(values[0]);
      return;
    }
    property.setValuesAtTimes(times, values);
    if (property.numKeys !== values.length) throw new Error("After Effects merged keyframes of " + property.name);
    for (var k = 0; k < values.length; k++) {
      if (hold[k]) {
        property.setInterpolationTypeAtKey(k + 1, KeyframeInterpolationType.LINEAR, KeyframeInterpolationType.HOLD);
      }
    }
  }

  function addMask(parade, mask, start, scale) {
    var mode = MODE_OF.hasOwnProperty(mask.mode) ? MODE_OF[mask.mode] : null;
    if (mode === null) throw new Error("unknown mask mode " + mask.mode);
    var atom = parade.addProperty("ADBE Mask Atom");
    atom.name = mask.name;
    atom.maskMode = mode;
    atom.inverted = mask.inverted;
    atom.property("ADBE Mask Feather").setValue(mask.feather);
    atom.property("ADBE Mask Offset").setValue(mask.expansion);
    var shapes = [];
    for (var k = 0; k < mask.pathFrames.length; k++) shapes.push(shapeAt(mask, k));
    setKeys(atom.property("ADBE Mask Shape"), timesOf(mask.pathFrames, start, scale), shapes, mask.pathHold);
    setKeys(atom.property("ADBE Mask Opacity"), timesOf(mask.opacityFrames, start, scale), mask.opacityValues, mask.opacityHold);
  }

  // Removes masks after index count, last first; false if that failed too.
  function removeMasksAfter(parade, count) {
    try {
      while (parade.numProperties > count) parade.property(parade.numProperties).remove();
      return true;
    } catch (ignored) {
      return false;
    }
  }

  function replaceMasks(layer) {
    var parade = layer.property("ADBE Mask Parade");
    var before = parade.numProperties;
    var earlier = [];
    var i, k;
    for (i = 1; i <= before; i++) {
      if (isAutorotoMask(parade.property(i).name)) earlier.push(i);
    }
    var start = layer.startTime;
    var scale = layer.stretch / 100;
    try {
      for (k = 0; k < MASKS.length; k++) addMask(parade, MASKS[k], start, scale);
    } catch (error) {
      var restored = removeMasksAfter(parade, before);
      throw new Error(describe(error) + (restored
        ? " (the layer's masks were left as they were)"
        : " (some masks may have been added: Edit > Undo removes them)"));
    }
    try {
      for (i = earlier.length - 1; i >= 0; i--) parade.property(earlier[i]).remove();
      if (earlier.length > 0) {
        var first = before - earlier.length + 1;
        for (k = 0; k < MASKS.length; k++) parade.property(first + k).moveTo(earlier[0] + k);
      }
    } catch (error) {
      throw new Error(describe(error) + " (while replacing the earlier Autoroto masks: Edit > Undo restores them)");
    }
    return earlier.length;
  }
`;

/** sky.jsx's entry: checks the selection, asks where it must, and writes in one undo group. */
const SKY_JSX_RUN = String.raw`
  var TITLE = "Autoroto";

  function run() {
    if (MASKS.length === 0) {
      alert("Autoroto found no sky in " + SOURCE.path + ", so there are no masks to add. Nothing was changed.", TITLE);
      return;
    }
    var comp = app.project.activeItem;
    if (!(comp && comp instanceof CompItem)) {
      alert("Open the composition in the Timeline and select the layer to add the sky masks to, then run this script again.", TITLE);
      return;
    }
    var selected = comp.selectedLayers;
    if (selected.length !== 1) {
      alert("Select exactly one layer to add the sky masks to (" + selected.length + " selected), then run this script again.", TITLE);
      return;
    }
    var layer = selected[0];
    if (!(layer instanceof AVLayer)) {
      alert("Layer \"" + layer.name + "\" cannot have masks. Select the footage layer, then run this script again.", TITLE);
      return;
    }
    if (layer.locked) {
      alert("Layer \"" + layer.name + "\" is locked. Unlock it, then run this script again.", TITLE);
      return;
    }
    if (!(layer.stretch > 0)) {
      alert("Layer \"" + layer.name + "\" plays backwards (time stretch " + layer.stretch + "%). Autoroto can only key masks on a layer that plays forwards.", TITLE);
      return;
    }
    if (layer.width !== SOURCE.width || layer.height !== SOURCE.height) {
      if (!confirm("The sky masks were made for " + SOURCE.width + "x" + SOURCE.height + " footage (" + SOURCE.path + "), but layer \"" +
          layer.name + "\" is " + layer.width + "x" + layer.height + ", so they will not line up. Add them anyway?", true, TITLE)) return;
    }
    if (layer.timeRemapEnabled) {
      if (!confirm("Layer \"" + layer.name + "\" has time remapping on. The sky masks are keyed as if it were off. Add them anyway?", true, TITLE)) return;
    }
    app.beginUndoGroup("Autoroto Sky");
    try {
      replaceMasks(layer);
    } catch (error) {
      alert("Autoroto could not add the sky masks to layer \"" + layer.name + "\": " + describe(error), TITLE);
    } finally {
      app.endUndoGroup();
    }
  }

  run();
`;

/** The `sky.jsx` ExtendScript (ES3) for a validated roto document. */
export function exportJsx(doc: RotoDocument): string {
  validateDocument(doc);
  const { source } = doc;
  return [
    '// sky.jsx: sky masks from Autoroto (format autoroto.roto/1). In After Effects, select the footage',
    '// layer in the active composition and run File > Scripts > Run Script File. Masks named',
    `// "${MASK_NAME_PREFIX} ..." on that layer are replaced; every other mask is left as it is.`,
    '(function () {',
    `  var PREFIX = ${es3String(MASK_NAME_PREFIX)};`,
    `  var SOURCE = { path: ${es3String(source.path)}, width: ${num(source.width)}, height: ${num(source.height)},` +
      ` frameRate: ${num(source.frameRate)}, frameCount: ${num(source.frameCount)} };`,
    `  var MASKS = ${masksLiteral(doc.masks)};`,
    ES3_MASK_WRITER,
    SKY_JSX_RUN,
    '})();',
    '',
  ].join('\n');
}
