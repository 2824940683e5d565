/**
 * Headless Debian Chromium for tests that need a real browser (Lottie playback, SVG rasterizing).
 * Nothing is fetched: pages come from `page.setContent`, scripts are inlined from node_modules.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { PNG } from 'pngjs';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

const MISSING = `Chromium not found at ${CHROMIUM_PATH}: install it (apt-get install -y chromium) or set CHROMIUM_PATH`;

/**
 * For `describe(name, { skip: chromiumSkip }, …)`: a reason to skip on a developer machine without
 * Chromium; false on CI (CI=true), where a missing browser must fail the run instead of hiding it.
 */
export const chromiumSkip: string | false = existsSync(CHROMIUM_PATH) || process.env.CI ? false : MISSING;

export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) throw new Error(MISSING);
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
}

/** A blank black page exactly `width` × `height` CSS px at one device pixel per CSS px. */
export async function blankPage(browser: Browser, width: number, height: number): Promise<Page> {
  const page = await browser.newPage({ viewport: { width, height }, deviceScaleFactor: 1 });
  // Tests run offline: anything that tries the network is a bug in the page, so fail it fast.
  await page.route(/^(?!data:|about:)/, (route) => route.abort());
  await page.setContent(`<!doctype html><html><body style="margin:0;background:#000;overflow:hidden">
    <div id="stage" style="position:absolute;left:0;top:0;width:${width}px;height:${height}px"></div></body></html>`);
  return page;
}

/** The page's top-left `width` × `height` pixels, 1 where the red channel is above 50%. */
export async function screenshotMask(page: Page, width: number, height: number): Promise<Uint8Array> {
  const png = PNG.sync.read(await page.screenshot({ clip: { x: 0, y: 0, width, height }, animations: 'disabled' }));
  if (png.width !== width || png.height !== height) throw new Error(`screenshot is ${png.width}×${png.height}, wanted ${width}×${height}`);
  const out = new Uint8Array(width * height);
  for (let i = 0; i < out.length; i++) out[i] = png.data[4 * i] > 127 ? 1 : 0;
  return out;
}
