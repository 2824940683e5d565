/**
 * A browser test page with WebGPU: an entry file (TypeScript that puts its functions on
 * globalThis.autoroto) bundled with esbuild, served with its files from 127.0.0.1 (a secure context,
 * which WebGPU needs; helpers/page-server.ts) and opened in headless Chromium, whose WebGPU adapter
 * here is SwiftShader (a CPU implementation: the same shaders and validation as a GPU, slowly).
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { basename } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM_PATH } from './chromium.ts';
import { servePage } from './page-server.ts';

/** SwiftShader's WebGPU adapter; Chromium only exposes WebGPU on Linux behind the unsafe flag. */
export const WEBGPU_FLAGS = ['--enable-unsafe-webgpu', '--use-angle=swiftshader', '--use-webgpu-adapter=swiftshader'];

export interface WebgpuPage {
  /** Calls globalThis.autoroto[method](...args) in the page; a failure names what the page missed and logged. */
  call<T>(method: string, ...args: unknown[]): Promise<T>;
  close(): Promise<void>;
}

export async function openWebgpuPage(entry: string, files: Record<string, Uint8Array>): Promise<WebgpuPage> {
  const script = `/${basename(entry).replace(/\.ts$/, '.js')}`;
  const bundled = await build({ entryPoints: [entry], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent' });
  const html = `<!doctype html><meta charset="utf-8"><title>autoroto</title><script type="module" src="${script}"></script>`;
  const missing: string[] = [];
  const pageErrors: string[] = [];
  let server: Server | undefined;
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
  };
  try {
    server = await servePage(html, { [script]: bundled.outputFiles[0].contents, ...files }, missing);
    browser = await chromium.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      args: ['--no-sandbox', ...WEBGPU_FLAGS, '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
    const page = await browser.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => { if (message.type() === 'error') pageErrors.push(message.text()); });
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction(() => 'autoroto' in globalThis, undefined, { timeout: 10_000 });
    return {
      async call<T>(method: string, ...args: unknown[]): Promise<T> {
        try {
          return await page.evaluate(
            ([m, a]) => (globalThis as unknown as { autoroto: Record<string, (...x: unknown[]) => Promise<unknown>> }).autoroto[m](...a),
            [method, args] as const,
          ) as T;
        } catch (error) {
          const extra = [...(missing.length ? [`not served: ${missing.join(', ')}`] : []), ...pageErrors].join('; ');
          throw new Error(`${method} in the page failed: ${(error as Error).message.split('\n')[0]}${extra ? ` (${extra})` : ''}`, { cause: error });
        }
      },
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
