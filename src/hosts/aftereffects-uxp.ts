/**
 * After Effects 27+ through UXP: the panel calls the DOM of `require("aftereffects")` directly
 * (on the 27.0 beta the application object may be the module's `app`, later the module itself).
 */
import { createAfterEffectsHost, type LayerBackend } from './aftereffects-host.ts';
import { findLayer, readAutorotoMasks, readLayerInfo, replaceAutorotoMasks, selectedLayers, UNDO_NAME, type AfterEffectsDom } from './aftereffects-dom.ts';
import { HostError } from './errors.ts';
import type { Host, OpenFootage } from './types.ts';

/** The DOM from the `aftereffects` module, whichever of the two shapes it has. */
export function afterEffectsDom(module: Omit<AfterEffectsDom, 'app'> & { app?: AfterEffectsDom['app'] }): AfterEffectsDom {
  return { ...module, app: module.app ?? (module as unknown as AfterEffectsDom['app']) };
}

export function uxpLayerBackend(dom: AfterEffectsDom): LayerBackend {
  const layerAt = (address: Parameters<typeof findLayer>[1]) => {
    const { layer } = findLayer(dom, address);
    if (!layer) throw new HostError('missing-layer', `Layer "${address.layerName}" is gone. Select it again.`);
    return layer;
  };
  return {
    name: 'After Effects (UXP)',
    selectedLayers: async () => selectedLayers(dom).map(({ comp, layer, index, selected }) => {
      const address = { compId: comp.id, layerIndex: index, layerName: layer.name };
      return { address, compName: comp.name, ...(selected ? {} : { byComp: { enabled: layer.enabled, info: readLayerInfo(dom, address) } }) };
    }),
    layerInfo: async (address) => readLayerInfo(dom, address),
    autorotoMasks: async (address, timing) => readAutorotoMasks(dom, layerAt(address), timing),
    async replaceMasks(address, masks, timing) {
      const layer = layerAt(address);
      dom.app.beginUndoGroup(UNDO_NAME);
      try {
        return replaceAutorotoMasks(dom, layer, masks, timing);
      } catch (error) {
        throw new HostError('write-failed', `Autoroto could not add the sky masks to layer "${address.layerName}": ${(error as Error).message}`);
      } finally {
        dom.app.endUndoGroup();
      }
    },
  };
}

export function createAfterEffectsUxpHost(dom: AfterEffectsDom, openFootage: OpenFootage): Host {
  return createAfterEffectsHost(uxpLayerBackend(dom), openFootage);
}
