/** The SVG export, rasterized by Chromium (img → canvas), must cover what the reference rasterizer covers. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import { exportSvg, pathData } from '../src/export/svg.ts';
import { renderDocument } from '../src/core/render.ts';
import { iou } from '../src/core/metrics.ts';
import type { RotoDocument } from '../src/core/document.ts';
import { blankPage, chromiumSkip, launchChromium } from './helpers/chromium.ts';
import { HEIGHT, WIDTH, circle, horizonDocument, invertedDocument } from './helpers/export-fixtures.ts';

describe('exportSvg (markup)', () => {
  it('writes cubic path data from AE vertices and relative tangents', () => {
    assert.equal(pathData(circle(0, 10, 10, 10)).replace(/C.*/, ''), 'M20 10');
    assert.match(pathData(circle(0, 10, 10, 10)), /^M20 10C20 15\.523 15\.523 20 10 20C.*Z$/);
  });

  it('escapes mask names, the source path and the background', () => {
    const doc = horizonDocument();
    doc.masks[0].name = 'Sky <script>alert("x")</script> & co';
    doc.source.path = '</title><script>bad()</script>';
    const svg = exportSvg(doc, 0, { outlines: true, background: '"><script>', idPrefix: 'a"b' });
    assert.ok(!svg.includes('<script'), svg);
    assert.ok(svg.includes('<title>Sky &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; co</title>'));
    assert.ok(svg.includes('id="a_b-result"'));
  });

  it('outlines every mask present at the frame, named', () => {
    const doc = horizonDocument();
    const titles = (svg: string) => [...svg.matchAll(/<path [^>]*><title>([^<]*)<\/title>/g)].map((m) => m[1]);
    assert.deepEqual(titles(exportSvg(doc, 0, { outlines: true })), ['Autoroto Sky 1', 'Autoroto Sky 1 hole']);
    assert.deepEqual(titles(exportSvg(doc, 8, { outlines: true })), ['Autoroto Sky 1', 'Autoroto Sky 1 hole', 'Autoroto Sky 2']);
    assert.deepEqual(titles(exportSvg(doc, 8)), []);
  });

  it('draws nothing when no mask is active', () => {
    const svg = exportSvg({ ...horizonDocument(), masks: [] }, 0);
    assert.ok(!svg.includes('<path') && !svg.includes('<rect'), svg);
  });
});

describe('exportSvg in Chromium', { skip: chromiumSkip }, () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await launchChromium();
    page = await blankPage(browser, WIDTH, HEIGHT);
  });
  after(async () => {
    await browser?.close();
  });

  /** The SVG drawn through an <img> into a canvas; 1 where alpha is above 50%. */
  async function rasterize(svg: string): Promise<Uint8Array> {
    const bits = await page.evaluate(async ({ svg, width, height }) => {
      const img = new Image();
      img.src = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml' }));
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = width;
      canvas.height = height;
      const ctx = canvas.getContext('2d')!;
      ctx.drawImage(img, 0, 0);
      const { data } = ctx.getImageData(0, 0, width, height);
      let out = '';
      for (let i = 3; i < data.length; i += 4) out += data[i] > 127 ? '1' : '0';
      return out;
    }, { svg, width: WIDTH, height: HEIGHT });
    return Uint8Array.from(bits, (c) => (c === '1' ? 1 : 0));
  }

  async function check(doc: RotoDocument, frames: number[]): Promise<string> {
    const scores: string[] = [];
    for (const frame of frames) {
      const score = iou(await rasterize(exportSvg(doc, frame, { outlines: false })), renderDocument(doc, frame));
      scores.push(`${frame}:${score.toFixed(4)}`);
      assert.ok(score >= 0.99, `frame ${frame}: IoU ${score}`);
    }
    return scores.join(' ');
  }

  it('matches the reference at keyed, interpolated and held frames, masks appearing', async (t) => {
    t.diagnostic(`IoU ${await check(horizonDocument(), [0, 6, 12, 15, 16, 18, 24])}`);
  });

  it('matches the reference with inverted intersect masks and the first-active-mask rule', async (t) => {
    t.diagnostic(`IoU ${await check(invertedDocument(), [0, 5, 10, 15, 20, 29])}`);
  });
});
