/**
 * The panel's test page (bundled by test/panel.test.ts with esbuild, run in headless Chromium): the
 * real panel UI wired to the After Effects UXP adapter over the AE double, synthetic sky footage and
 * the thresholding stand-in segmenter. `window.autorotoTest` sets a scene up and reads the layers back.
 */
import { mountPanel } from '../panel/mount.tsx';
import { afterEffectsDom, createAfterEffectsUxpHost } from '../src/hosts/aftereffects-uxp.ts';
import { AfterEffectsDouble, readMasks, type AVLayer } from './doubles/aftereffects.ts';
import { skyFootage, thresholdSegmenter, type SkyShot } from './doubles/sky-footage.ts';

export interface PanelScene {
  shot: SkyShot;
  /** One selected layer per comp, in this order. */
  comps: { name: string; locked?: boolean }[];
  /** Per frame in the stand-in segmenter, so a test can watch progress and cancel. */
  delayMs: number;
}

export interface LayerState {
  masks: { name: string; pathKeys: number }[];
}

export interface PanelTestApi {
  setup(scene: PanelScene): void;
  layers(): LayerState[];
  undo(): { begun: number; ended: number };
}

declare global {
  interface Window {
    autorotoTest: PanelTestApi;
  }
}

let ae: AfterEffectsDouble;
let layers: AVLayer[] = [];

window.autorotoTest = {
  setup({ shot, comps, delayMs }) {
    ae = new AfterEffectsDouble();
    const seconds = shot.frameCount / shot.frameRate;
    layers = comps.map(({ name, locked }) => {
      const plate = ae.importFootage(`/shots/${name}.mov`, shot.width, shot.height, shot.frameRate, seconds);
      const comp = ae.app.project.items.addComp(name, shot.width, shot.height, 1, seconds, shot.frameRate);
      const layer = comp.layers.add(plate);
      layer.selected = true;
      if (locked) layer.locked = true;
      return layer;
    });
    const dom = afterEffectsDom(ae.globals() as unknown as Parameters<typeof afterEffectsDom>[0]);
    const host = createAfterEffectsUxpHost(dom, async () => skyFootage(shot));
    mountPanel(document.getElementById('root')!, {
      host: { ...host, name: 'After Effects (test double)' },
      createSegmenter: async () => thresholdSegmenter(delayMs),
    });
  },
  layers: () => layers.map((layer) => ({ masks: readMasks(layer).map((m) => ({ name: m.name, pathKeys: m.path.keys.length })) })),
  undo: () => ({ begun: ae.undo.begun, ended: ae.undo.ended }),
};
