/**
 * What both After Effects adapters know about a target layer, read from the DOM (UXP) or by an
 * ExtendScript (CEP) into the same plain `LayerInfo`, and the checks and range rules on it.
 */
import type { MaskMode } from '../core/document.ts';
import type { BezierPath, Vec2 } from '../core/types.ts';
import type { FieldSeparation } from '../core/fields.ts';
import { HostError } from './errors.ts';
import type { LayerMask } from './layer-masks.ts';
import { frameAtCompTime, sourceFramesBetween, type LayerTiming } from './layer-timing.ts';
import type { FrameRange, HostTarget, RangeChoice } from './types.ts';

/** A layer is addressed by its comp's item id and its index; its name guards against a reorder. */
export interface LayerAddress {
  compId: number;
  layerIndex: number;
  layerName: string;
}

export function targetKey(address: LayerAddress): string {
  return JSON.stringify([address.compId, address.layerIndex, address.layerName]);
}

export function addressOf(target: HostTarget): LayerAddress {
  const [compId, layerIndex, layerName] = JSON.parse(target.key) as [number, number, string];
  return { compId, layerIndex, layerName };
}

export interface LayerInfo {
  /** False when no comp has the id any more (deleted, or another project open). */
  compFound: boolean;
  /** False when the comp has no layer at that index with that name (deleted, renamed, reordered). */
  layerFound: boolean;
  compName: string;
  layerName: string;
  /** An AVLayer: the only kind with masks (camera, light: no). */
  isAVLayer: boolean;
  hasVideo: boolean;
  locked: boolean;
  timeRemapEnabled: boolean;
  width: number;
  height: number;
  /** The footage file behind the layer; null for a solid, a precomp or a placeholder. */
  sourcePath: string | null;
  /** How After Effects separates the footage's fields (Interpret Footage > Separate Fields): Autoroto reads its frames the same way. */
  fieldSeparation: FieldSeparation;
  /** Interpret Footage > Remove Pulldown is on: After Effects shows frames rebuilt from the file's fields, not the file's frames. */
  pulldownRemoved: boolean;
  /** Interpret Footage > Loop: how many times the footage plays in a row (1: once). */
  loops: number;
  timing: LayerTiming;
  workArea: { start: number; duration: number };
}

/** Throws a HostError that tells the editor what to do, unless Autoroto can key the layer. */
export function checkLayer(info: LayerInfo): void {
  const quoted = `"${info.layerName}"`;
  if (!info.compFound) throw new HostError('missing-comp', `The composition of layer ${quoted} is gone (deleted, or another project is open). Select the layer again.`);
  if (!info.layerFound) throw new HostError('missing-layer', `Layer ${quoted} is no longer in "${info.compName}" where it was (deleted, renamed or moved). Select it again.`);
  if (!info.isAVLayer) throw new HostError('no-video', `Layer ${quoted} cannot have masks (a camera or light). Select the footage layer.`);
  if (!info.hasVideo) throw new HostError('no-video', `Layer ${quoted} has no video (audio only): there is no sky to find.`);
  if (info.locked) throw new HostError('locked', `Layer ${quoted} is locked. Unlock it, then run Autoroto again.`);
  if (info.timeRemapEnabled) throw new HostError('no-video', `Layer ${quoted} has time remapping on. Turn it off (or precompose the layer), then run Autoroto again.`);
  if (info.sourcePath === null) throw new HostError('no-video', `Layer ${quoted} is not footage from a file (a solid, precomp or placeholder). Autoroto reads the footage file; precompose-and-render the layer first.`);
  if (!(info.timing.frameRate > 0 && info.timing.frameCount > 0)) throw new HostError('no-video', `Layer ${quoted} is a still: Autoroto keys moving footage.`);
  // Either way the footage's frames are not the file's frames one for one, which is what Autoroto reads.
  if (info.pulldownRemoved) {
    throw new HostError('no-video', `Layer ${quoted}'s footage has its pulldown removed (Interpret Footage > Remove Pulldown): After Effects rebuilds its frames from the file's fields, which Autoroto does not. ` +
      'Turn Remove Pulldown off, or render the footage to a progressive file and use that, then run Autoroto again.');
  }
  if (info.loops > 1) {
    throw new HostError('no-video', `Layer ${quoted}'s footage loops ${info.loops} times (Interpret Footage > Loop): Autoroto keys one pass of the file. ` +
      'Set Loop to 1 and run Autoroto again (the masks\' keys can then be looped with loopOut()).');
  }
}

/** Whether checkLayer lets the layer through: Autoroto can key it as it is. */
export function canRoto(info: LayerInfo): boolean {
  try {
    checkLayer(info);
    return true;
  } catch (error) {
    if (error instanceof HostError) return false;
    throw error;
  }
}

/** The source frames a run over `choice` covers. */
export function rangeOfChoice(info: LayerInfo, choice: RangeChoice): FrameRange {
  const { timing, workArea } = info;
  if (choice === 'layer') return sourceFramesBetween(timing, timing.inPoint, timing.outPoint);
  if (choice === 'workArea') return sourceFramesBetween(timing, workArea.start, workArea.start + workArea.duration);
  const first = Math.max(0, Math.floor(choice.first));
  const last = Math.min(timing.frameCount - 1, Math.floor(choice.last));
  if (last < first) throw new HostError('empty-range', `Frames ${choice.first}–${choice.last} are not in the footage (it has ${timing.frameCount} frames).`);
  return { first, last };
}

/** A key as read from AE: comp time (null for a property without keys) and whether it holds. */
export interface RawKey<V> {
  time: number | null;
  hold: boolean;
  value: V;
}

/** An Autoroto mask as read from the layer, before comp times become source frames. */
export interface RawMask {
  name: string;
  mode: MaskMode;
  inverted: boolean;
  feather: Vec2;
  expansion: number;
  path: RawKey<BezierPath>[];
  opacity: RawKey<number>[];
}

/** A frame read back from comp time; whole frames come back whole. */
function frameOf(timing: LayerTiming, time: number | null): number {
  if (time === null) return 0;
  const frame = frameAtCompTime(timing, time);
  return Math.abs(frame - Math.round(frame)) < 1e-6 ? Math.round(frame) : frame;
}

export function layerMaskOfRaw(raw: RawMask, timing: LayerTiming): LayerMask {
  const interpolation = (k: RawKey<unknown>) => (k.hold ? 'hold' as const : 'linear' as const);
  return {
    name: raw.name, mode: raw.mode, inverted: raw.inverted, feather: raw.feather, expansion: raw.expansion,
    path: raw.path.map((k) => ({ frame: frameOf(timing, k.time), interpolation: interpolation(k), ...k.value })),
    opacity: raw.opacity.map((k) => ({ frame: frameOf(timing, k.time), interpolation: interpolation(k), value: k.value })),
  };
}
