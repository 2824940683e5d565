/**
 * The panel's test page (bundled by test/panel.test.ts with esbuild, served from 127.0.0.1 and run in
 * headless Chromium): the real panel UI wired to the After Effects UXP adapter over the AE double.
 * The simulated host serves real frames (a short range of samples/sky-pan.mp4, decoded in Node and
 * fetched from /frames.rgb) and the segmenter is the real one: src/core/segment with /sky.onnx on
 * onnxruntime-web's single-threaded WASM (its .wasm is served beside the bundle).
 * `window.autorotoTest` sets a scene up and reads the layers (and the documents written) back.
 */
import { Segmenter, SkyModel } from '../src/core/segment/index.ts';
import { renderDocument } from '../src/core/render.ts';
import type { RotoDocument } from '../src/core/document.ts';
import type { RgbFrame } from '../src/core/types.ts';
import { mountPanel } from '../panel/mount.tsx';
import { afterEffectsDom, createAfterEffectsUxpHost } from '../src/hosts/aftereffects-uxp.ts';
import type { Footage } from '../src/hosts/types.ts';
import { AfterEffectsDouble, rasterizeLayerMasks, readMasks, type AVLayer } from './doubles/aftereffects.ts';
import { base64, fetchBytes } from './browser/page-io.ts';
import { losingGpu } from './doubles/sky-footage.ts';

export interface PanelShot {
  width: number;
  height: number;
  frameRate: number;
  /** Frames in /frames.rgb (interleaved 8-bit RGB, one after another): the whole footage. */
  frameCount: number;
}

export interface PanelScene {
  shot: PanelShot;
  /** Where the page fetches the shot's frames (RGB, one after another); default /frames.rgb. */
  frames?: string;
  /** One selected layer per comp, in this order. */
  comps: { name: string; locked?: boolean }[];
  /** Milliseconds the host takes to deliver each frame (a slow decode), so a test can click Cancel mid-run. */
  frameDelayMs?: number;
  /**
   * The panel's first shot on a backend other than WASM loses its GPU after this many mattes, as the
   * Segmenter reports a lost WebGPU device (GpuLostError); shots after it get the real segmenter.
   */
  gpuLostAfter?: number;
}

export interface LayerState {
  masks: { name: string; pathKeys: number }[];
}

/** Layer `index`'s Autoroto masks and the document written to it, rasterized at `frame` (1 = inside), base64. */
export interface Rasters {
  layer: string;
  doc: string;
}

export interface PanelTestApi {
  setup(scene: PanelScene): Promise<void>;
  layers(): LayerState[];
  undo(): { begun: number; ended: number };
  rasters(index: number, frame: number): Rasters;
  /** The backends the panel asked segmenters for, in order. */
  backendsAsked(): string[];
}

declare global {
  interface Window {
    autorotoTest: PanelTestApi;
  }
}

// Fetched and loaded once per page: every segmenter (one per shot) shares the model.
let model: Promise<SkyModel> | undefined;
let ae: AfterEffectsDouble;
let layers: AVLayer[] = [];
const written = new Map<string, RotoDocument>();
const backendsAsked: string[] = [];

window.autorotoTest = {
  async setup({ shot, frames = '/frames.rgb', comps, frameDelayMs = 0, gpuLostAfter }) {
    model ??= fetchBytes('/sky.onnx').then((bytes) => SkyModel.load(bytes, { backend: 'wasm', threads: 1, source: '/sky.onnx' }));
    const [rgb] = await Promise.all([fetchBytes(frames), model]);
    const size = shot.width * shot.height * 3;
    if (rgb.length !== size * shot.frameCount) throw new Error(`${frames} has ${rgb.length} bytes, not ${shot.frameCount} frames of ${shot.width}×${shot.height}`);
    const footage: Footage = {
      ...shot,
      async *frames({ start, end }) {
        for (let f = start; f <= end; f++) {
          // A real host's frames arrive as tasks (the webview's messages in UXP, ffmpeg's pipe in CEP), so
          // the panel repaints and takes clicks between frames; onnxruntime's single-threaded WASM alone
          // would only ever yield microtasks.
          await new Promise((resolve) => setTimeout(resolve, frameDelayMs));
          yield { width: shot.width, height: shot.height, data: rgb.slice(f * size, (f + 1) * size) } satisfies RgbFrame;
        }
      },
    };

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
    const dom = afterEffectsDom(ae.uxpModule() as unknown as Parameters<typeof afterEffectsDom>[0]);
    const host = createAfterEffectsUxpHost(dom, async () => footage);
    mountPanel(document.getElementById('root')!, {
      host: {
        ...host,
        name: 'After Effects (test double)',
        // The document each layer was given, to hold the masks on the layer to it.
        write: async (target, doc, range) => {
          const report = await host.write(target, doc, range);
          written.set(target.container, doc);
          return report;
        },
      },
      createSegmenter: async (backend) => {
        backendsAsked.push(backend);
        const segmenter = new Segmenter(await model!);
        if (gpuLostAfter === undefined || backend === 'wasm' || backendsAsked.length > 1) return segmenter;
        return losingGpu(segmenter, gpuLostAfter);
      },
      backends: gpuLostAfter === undefined ? ['wasm'] : ['auto', 'wasm'],
    });
  },
  backendsAsked: () => [...backendsAsked],
  layers: () => layers.map((layer) => ({ masks: readMasks(layer).map((m) => ({ name: m.name, pathKeys: m.path.keys.length })) })),
  undo: () => ({ begun: ae.undo.begun, ended: ae.undo.ended }),
  rasters(index, frame) {
    const layer = layers[index];
    const doc = written.get(layer.containingComp.name);
    if (!doc) throw new Error(`nothing was written to layer ${index}`);
    return {
      layer: base64(rasterizeLayerMasks(layer, frame, doc.source.frameRate, (name) => name.startsWith('Autoroto Sky'))),
      doc: base64(renderDocument(doc, frame)),
    };
  },
};
