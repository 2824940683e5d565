/**
 * The UXP panel (After Effects 27+, Premiere Pro 25.6+): the host's DOM from require(), inference in
 * the bundled webview page, the React panel over both.
 */
import { afterEffectsDom, createAfterEffectsUxpHost } from '../../src/hosts/aftereffects-uxp.ts';
import { createPremiereUxpHost, type PremiereDom, type PremiereFiles } from '../../src/hosts/premiere-uxp.ts';
import type { Host } from '../../src/hosts/types.ts';
import { InferenceClient, type Port, type Reply, type Request } from '../inference/protocol.ts';
import { mountPanel } from '../mount.tsx';

declare const require: (id: string) => unknown;

interface UxpWebview extends HTMLElement {
  src: string;
  postMessage(message: unknown): void;
}

interface UxpFs {
  mkdir(path: string, options?: { recursive?: boolean }): Promise<void>;
  writeFile(path: string, data: string | ArrayBuffer, options?: { encoding?: string }): Promise<number>;
}

function startWebview(): { client: InferenceClient; ready: Promise<void> } {
  const webview = document.createElement('webview') as UxpWebview;
  webview.setAttribute('src', 'plugin:/webview/index.html');
  webview.style.cssText = 'width:1px;height:1px;position:absolute;left:-10px;top:-10px;';
  const ready = new Promise<void>((resolve) => webview.addEventListener('loadstop', () => resolve(), { once: true }));
  document.body.appendChild(webview);
  const port: Port<Request, Reply> = {
    post: (message) => webview.postMessage(message),
    listen: (listener) => {
      const handler = (event: Event) => listener((event as MessageEvent).data as Reply);
      webview.addEventListener('message', handler);
      return () => webview.removeEventListener('message', handler);
    },
  };
  return { client: new InferenceClient(port), ready };
}

function premiereFiles(client: InferenceClient): PremiereFiles {
  const fs = require('fs') as UxpFs;
  const dirname = (path: string) => path.replace(/[\\/][^\\/]*$/, '');
  return {
    async makeFolder(projectPath, name) {
      const folder = `${dirname(projectPath)}/${name}`;
      await fs.mkdir(folder, { recursive: true });
      return folder;
    },
    async writeText(path, text) { await fs.writeFile(path, text, { encoding: 'utf-8' }); },
    async writeMatte(path, width, height, gray) {
      const bytes = await client.png(width, height, gray);
      await fs.writeFile(path, bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer);
    },
  };
}

function createHost(client: InferenceClient): Host {
  const openFootage = client.openFootage;
  try {
    const ae = require('aftereffects') as Parameters<typeof afterEffectsDom>[0];
    return createAfterEffectsUxpHost(afterEffectsDom(ae), openFootage);
  } catch {
    const pr = require('premierepro') as PremiereDom;
    return createPremiereUxpHost(pr, premiereFiles(client), openFootage);
  }
}

const { client, ready } = startWebview();
mountPanel(document.getElementById('root')!, {
  host: createHost(client),
  async createSegmenter(backend) {
    await ready;
    // The webview keeps the model it loaded last and answers at once for the same backend; after a
    // lost GPU it makes one again (on WASM for 'auto').
    await client.load(backend);
    return client.segmenter();
  },
});
