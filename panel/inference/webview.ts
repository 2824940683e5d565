/**
 * The UXP panel's inference page, loaded in a <webview> (plugin:/webview/index.html): the sky model
 * in onnxruntime-web (WebGPU through the JSEP build where the webview offers it, else single-threaded
 * WASM), footage decoded by a <video> element (movies) or as images (PNG and JPEG sequences,
 * ./image-sequence.ts), mattes encoded to PNG by a canvas. It talks to the
 * panel only through the protocol in ./protocol.ts, over the UXP message bridge
 * (window.uxpHost.postMessage here, webview.postMessage in the panel; manifest
 * requiredPermissions.webview.enableMessageBridge = "localAndRemote").
 */
import * as ort from 'onnxruntime-web';
import { stagesDeviceOnDemand } from '../../src/core/segment/gpu-stages.ts';
import { SkyModel } from '../../src/core/segment/session.ts';
import { Segmenter } from '../../src/core/segment/segmenter.ts';
import { DEFAULT_FRAME_RATE } from '../../src/core/frame-rate.ts';
import type { RgbFrame } from '../../src/core/types.ts';
import { dominantFields } from '../../src/core/fields.ts';
import type { Footage } from '../../src/hosts/types.ts';
import { fileUrl, openImageSequence, readRgb } from './image-sequence.ts';
import { serveInference, type Port, type Reply, type Request } from './protocol.ts';

declare global {
  interface Window {
    uxpHost?: { postMessage(message: unknown): void };
  }
}

// The .wasm file sits beside this page; nothing is fetched from the network. Only the .wasm is named:
// its JS glue is inside the bundle (a string prefix would make onnxruntime fetch a separate .mjs).
ort.env.wasm.wasmPaths = { wasm: new URL('ort-wasm-simd-threaded.jsep.wasm', location.href).href };

const port: Port<Reply, Request> = {
  post: (message) => window.uxpHost!.postMessage(message),
  listen: (listener) => {
    const handler = (event: MessageEvent) => listener(event.data as Request);
    window.addEventListener('message', handler);
    return () => window.removeEventListener('message', handler);
  },
};

const once = (target: EventTarget, event: string) => new Promise<void>((resolve, reject) => {
  target.addEventListener(event, () => resolve(), { once: true });
  target.addEventListener('error', () => reject(new Error(`could not ${event === 'seeked' ? 'seek in' : 'read'} the footage`)), { once: true });
});

/** Frame rate from the presentation times of a few frames played muted (HTMLVideoElement has none). */
async function measureFrameRate(video: HTMLVideoElement): Promise<number> {
  if (!('requestVideoFrameCallback' in video)) return DEFAULT_FRAME_RATE;
  const times: number[] = [];
  video.muted = true;
  await new Promise<void>((resolve) => {
    const step = (_: number, meta: VideoFrameCallbackMetadata) => {
      times.push(meta.mediaTime);
      if (times.length < 8) video.requestVideoFrameCallback(step); else resolve();
    };
    video.requestVideoFrameCallback(step);
    void video.play().catch(() => resolve());
  });
  video.pause();
  const steps = times.slice(1).map((t, i) => t - times[i]).filter((d) => d > 0).sort((a, b) => a - b);
  return steps.length ? Math.round(1000 / steps[steps.length >> 1]) / 1000 : DEFAULT_FRAME_RATE;
}

async function openVideo(path: string): Promise<Footage> {
  const video = document.createElement('video');
  video.preload = 'auto';
  video.src = fileUrl(path);
  await once(video, 'loadedmetadata');
  const frameRate = await measureFrameRate(video);
  const { videoWidth: width, videoHeight: height } = video;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  return {
    width, height, frameRate, frameCount: Math.round(video.duration * frameRate),
    async *frames({ start, end }): AsyncGenerator<RgbFrame> {
      for (let f = start; f <= end; f++) {
        video.currentTime = (f + 0.5) / frameRate;
        await once(video, 'seeked');
        context.drawImage(video, 0, 0);
        yield readRgb(context, width, height);
      }
    },
  };
}

async function png(width: number, height: number, gray: Uint8Array): Promise<Uint8Array> {
  const canvas = new OffscreenCanvas(width, height);
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let i = 0; i < gray.length; i++) rgba.fill(gray[i], i * 4, i * 4 + 3), rgba[i * 4 + 3] = 255;
  canvas.getContext('2d')!.putImageData(new ImageData(rgba, width, height), 0, 0);
  return new Uint8Array(await (await canvas.convertToBlob({ type: 'image/png' })).arrayBuffer());
}

serveInference(port, {
  async load(backend) {
    const bytes = new Uint8Array(await (await fetch(new URL('sky.onnx', location.href))).arrayBuffer());
    const model = await SkyModel.load(bytes, { backend, threads: 1, source: 'sky.onnx' });
    // With the network on WebGPU, resize, stabilisation and refinement run there too, on its device;
    // one of their own (for the page's shots) is asked for only where that device cannot take them,
    // and one that cannot be had leaves them in TypeScript.
    const gpu = model.backend === 'webgpu' ? stagesDeviceOnDemand() : undefined;
    return { backend: model.backend, segmenter: () => new Segmenter(model, { gpu }) };
  },
  // The server asks for a sequence only for image files After Effects has as many frames. The
  // <video> element gives interlaced frames woven: After Effects' field separation is done here.
  async openFootage(path, options) {
    const footage = await ((options?.sequenceLength ?? 1) > 1 ? openImageSequence(path, options!.sequenceLength!) : openVideo(path));
    const order = options?.fields === 'progressive' ? undefined : options?.fields;
    return order ? { ...footage, frames: (range) => dominantFields(footage.frames(range), order) } : footage;
  },
  png,
});
