/**
 * After Effects before 27 through CEP: the panel's JavaScript reaches AE only by sending ExtendScript
 * text to CSInterface.evalScript and reading back the string it answers. Frames come from the layer's
 * footage file, decoded by ffmpeg from the panel's Node (--enable-nodejs --mixed-context).
 */
import { createAfterEffectsHost, type LayerBackend, type SelectedLayer } from './aftereffects-host.ts';
import { layerMaskOfRaw, type LayerInfo, type RawMask } from './aftereffects-layer.ts';
import { autorotoMasksJsx, layerInfoJsx, selectedLayersJsx, WRITE_ERROR, WRITE_OK, writeMasksJsx } from './aftereffects-extendscript.ts';
import { HostError } from './errors.ts';
import type { Host, OpenFootage } from './types.ts';

/** CSInterface.evalScript as a promise: the script's completion value as a string. */
export type EvalScript = (script: string) => Promise<string>;

/** CSInterface's answer when the script threw. */
const EVAL_ERROR = 'EvalScript error.';

async function evalJson<T>(evalScript: EvalScript, script: string): Promise<T> {
  const answer = await evalScript(script);
  if (answer === EVAL_ERROR) throw new HostError('write-failed', 'After Effects could not run Autoroto\'s script (EvalScript error). Is a modal dialog open?');
  return JSON.parse(answer) as T;
}

export function cepLayerBackend(evalScript: EvalScript): LayerBackend {
  return {
    name: 'After Effects (CEP)',
    async selectedLayers(): Promise<SelectedLayer[]> {
      const found = await evalJson<{ compId: number; compName: string; layerIndex: number; layerName: string; byComp?: SelectedLayer['byComp'] }[]>(evalScript, selectedLayersJsx());
      return found.map(({ compId, compName, layerIndex, layerName, byComp }) => ({ address: { compId, layerIndex, layerName }, compName, ...(byComp ? { byComp } : {}) }));
    },
    layerInfo: (address) => evalJson<LayerInfo>(evalScript, layerInfoJsx(address)),
    async autorotoMasks(address, timing) {
      const raw = await evalJson<RawMask[] | null>(evalScript, autorotoMasksJsx(address));
      if (!raw) throw new HostError('missing-layer', `Layer "${address.layerName}" is gone. Select it again.`);
      return raw.map((mask) => layerMaskOfRaw(mask, timing));
    },
    async replaceMasks(address, masks, timing) {
      const answer = await evalScript(writeMasksJsx(address, masks, timing.frameRate));
      if (answer.startsWith(WRITE_OK)) return Number(answer.slice(WRITE_OK.length));
      const reason = answer.startsWith(WRITE_ERROR) ? answer.slice(WRITE_ERROR.length) : answer;
      throw new HostError('write-failed', `Autoroto could not add the sky masks to layer "${address.layerName}": ${reason}`);
    },
  };
}

export function createAfterEffectsCepHost(evalScript: EvalScript, openFootage: OpenFootage): Host {
  return createAfterEffectsHost(cepLayerBackend(evalScript), openFootage);
}
