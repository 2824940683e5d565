/**
 * The After Effects host, whichever way the panel reaches AE: UXP calls the DOM directly, CEP sends
 * ExtendScript through evalScript. Both are a `LayerBackend` (read a layer, read its Autoroto masks,
 * replace them in one undo group); the checks, the frame range, the footage and the splice of a
 * rerun into the editor's keys are the same code for both.
 */
import type { RotoDocument } from '../core/document.ts';
import { addressOf, canRoto, checkLayer, rangeOfChoice, targetKey, type LayerAddress, type LayerInfo } from './aftereffects-layer.ts';
import { HostError } from './errors.ts';
import { spliceRange, type LayerMask } from './layer-masks.ts';
import type { LayerTiming } from './layer-timing.ts';
import type { FrameRange, FrameSource, Host, HostTarget, OpenFootage, RangeChoice, WriteReport } from './types.ts';

export interface SelectedLayer {
  address: LayerAddress;
  compName: string;
  /**
   * Set for a layer the editor did not select: its comp is selected in the Project panel and has no
   * selected layers. It is queued only when its video switch is on and checkLayer lets it through.
   */
  byComp?: { enabled: boolean; info: LayerInfo };
}

export interface LayerBackend {
  readonly name: string;
  /**
   * The layers to queue: first the comps selected in the Project panel (`app.project.selection`, in
   * its order), each with its selected layers, or else every layer (marked `byComp`); then the other
   * comps with selected layers, in project order. Layers by index; each comp once.
   */
  selectedLayers(): Promise<SelectedLayer[]>;
  layerInfo(address: LayerAddress): Promise<LayerInfo>;
  autorotoMasks(address: LayerAddress, timing: LayerTiming): Promise<LayerMask[]>;
  /** Replaces the layer's Autoroto masks in one undo group; throws with the layer as it was. */
  replaceMasks(address: LayerAddress, masks: LayerMask[], timing: LayerTiming): Promise<number>;
}

async function checkedInfo(backend: LayerBackend, target: HostTarget): Promise<{ address: LayerAddress; info: LayerInfo }> {
  const address = addressOf(target);
  const info = await backend.layerInfo(address);
  checkLayer(info);
  return { address, info };
}

export function createAfterEffectsHost(backend: LayerBackend, openFootage: OpenFootage): Host {
  return {
    name: backend.name,

    async selectedTargets(): Promise<HostTarget[]> {
      const targets: HostTarget[] = [];
      const seen = new Set<string>();
      for (const { address, compName, byComp } of await backend.selectedLayers()) {
        // A layer the editor selected is queued as it is (a locked one fails with its message);
        // the rest of a comp selected in the Project panel only when Autoroto can key it.
        if (byComp && !(byComp.enabled && canRoto(byComp.info))) continue;
        const key = targetKey(address);
        if (seen.has(key)) continue;
        seen.add(key);
        targets.push({ key, container: compName, name: address.layerName });
      }
      return targets;
    },

    async openFrames(target: HostTarget, choice: RangeChoice): Promise<FrameSource> {
      const { info } = await checkedInfo(backend, target);
      const range = rangeOfChoice(info, choice);
      const path = info.sourcePath!;
      // An image sequence's footage item names its first file. The frames are read as After Effects
      // interprets the footage: its fields separated or not, whatever the file says.
      const footage = await openFootage(path, { sequenceLength: info.timing.frameCount, fields: info.fieldSeparation });
      if (footage.width !== info.width || footage.height !== info.height) {
        throw new HostError('no-video', `The footage file ${path} is ${footage.width}×${footage.height}, but After Effects has it as ${info.width}×${info.height}. Reload the footage (File > Reload Footage), then run Autoroto again.`);
      }
      return {
        path, width: footage.width, height: footage.height, frameRate: info.timing.frameRate,
        frameCount: info.timing.frameCount, range, frames: (r) => footage.frames({ start: r.first, end: r.last }),
      };
    },

    async write(target: HostTarget, doc: RotoDocument, range: FrameRange): Promise<WriteReport> {
      const { address, info } = await checkedInfo(backend, target);
      if (doc.source.width !== info.width || doc.source.height !== info.height) {
        throw new HostError('write-failed', `The masks were made for ${doc.source.width}×${doc.source.height} footage, but layer "${info.layerName}" is ${info.width}×${info.height}. Nothing was changed.`);
      }
      const old = await backend.autorotoMasks(address, info.timing);
      const masks = spliceRange(old, doc, range);
      if (masks.length === 0) throw new HostError('write-failed', `Autoroto found no sky on layer "${info.layerName}", so there are no masks to add. Nothing was changed.`);
      const replaced = await backend.replaceMasks(address, masks, info.timing);
      return { masks: masks.length, replaced, files: [] };
    },
  };
}
