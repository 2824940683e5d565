/**
 * The After Effects host, whichever way the panel reaches AE: UXP calls the DOM directly, CEP sends
 * ExtendScript through evalScript. Both are a `LayerBackend` (read a layer, read its Autoroto masks,
 * replace them in one undo group); the checks, the frame range, the footage and the splice of a
 * rerun into the editor's keys are the same code for both.
 */
import type { RotoDocument } from '../core/document.ts';
import { addressOf, checkLayer, rangeOfChoice, targetKey, type LayerAddress, type LayerInfo } from './aftereffects-layer.ts';
import { HostError } from './errors.ts';
import { spliceRange, type LayerMask } from './layer-masks.ts';
import type { LayerTiming } from './layer-timing.ts';
import type { FrameRange, FrameSource, Host, HostTarget, OpenFootage, RangeChoice, WriteReport } from './types.ts';

export interface SelectedLayer {
  address: LayerAddress;
  compName: string;
}

export interface LayerBackend {
  readonly name: string;
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
      const selected = await backend.selectedLayers();
      return selected.map(({ address, compName }) => ({ key: targetKey(address), container: compName, name: address.layerName }));
    },

    async openFrames(target: HostTarget, choice: RangeChoice): Promise<FrameSource> {
      const { info } = await checkedInfo(backend, target);
      const range = rangeOfChoice(info, choice);
      const path = info.sourcePath!;
      const footage = await openFootage(path);
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
