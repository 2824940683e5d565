/**
 * The Lottie export played by lottie-web (SVG renderer) in headless Chromium must cover the same
 * pixels as the reference rasterizer, at keyed, interpolated, held and opacity-switch frames.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Browser, Page } from 'playwright-core';
import { exportLottie } from '../src/export/lottie.ts';
import { renderDocument } from '../src/core/render.ts';
import { iou } from '../src/core/metrics.ts';
import type { RotoDocument } from '../src/core/document.ts';
import { blankPage, chromiumSkip, launchChromium, screenshotMask } from './helpers/chromium.ts';
import { HEIGHT, WIDTH, horizonDocument, invertedDocument } from './helpers/export-fixtures.ts';

const lottiePlayer = readFileSync(createRequire(import.meta.url).resolve('lottie-web/build/player/lottie.min.js'), 'utf8');

describe('exportLottie (structure)', () => {
  it('writes a 5.x animation with the source timing and linear or hold keys', () => {
    const doc = horizonDocument();
    const anim = exportLottie(doc);
    assert.match(anim.v, /^5\./);
    assert.deepEqual([anim.fr, anim.ip, anim.op, anim.w, anim.h], [24, 0, 30, WIDTH, HEIGHT]);
    const sky = anim.layers[1].masksProperties[0];
    assert.equal(sky.mode, 'a');
    assert.equal(sky.pt.a, 1);
    const keys = sky.pt.a === 1 ? sky.pt.k : [];
    assert.deepEqual(keys.map((k) => k.t), [0, 12, 24]);
    assert.deepEqual(keys[0].o, { x: 0, y: 0 });
    assert.deepEqual(keys[0].i, { x: 1, y: 1 });
    const hole = anim.layers[0].masksProperties[1];
    assert.equal(hole.pt.a === 1 && hole.pt.k[0].h, 1);
    // Tangents stay relative and the export shares no arrays with the document (players mutate it).
    assert.deepEqual(keys[0].s[0].i, doc.masks[0].path[0].inTangents);
    assert.notEqual(keys[0].s[0].v[0], doc.masks[0].path[0].vertices[0]);
  });

  it('cuts the timeline where a mask appears or disappears and drops stretches with nothing', () => {
    const anim = exportLottie(horizonDocument());
    assert.deepEqual(anim.layers.map((l) => [l.ip, l.op, l.masksProperties.length]), [[0, 8, 2], [8, 20, 3], [20, 30, 2]]);
    const onlyHidden = horizonDocument();
    onlyHidden.masks = [onlyHidden.masks[2]];
    assert.deepEqual(exportLottie(onlyHidden).layers.map((l) => [l.ip, l.op]), [[8, 20]]);
    assert.deepEqual(exportLottie({ ...onlyHidden, masks: [] }).layers, []);
  });

  it('writes full-opacity intersect masks as subtracting the inverse, inverted paths counter-clockwise', () => {
    const doc = invertedDocument();
    const [, cut, window] = exportLottie(doc).layers.at(-1)!.masksProperties;
    assert.deepEqual([cut.mode, cut.inv, window.mode, window.inv], ['s', false, 's', true]);
    const shape = window.pt.a === 0 ? window.pt.k : window.pt.k[0].s[0];
    // Same first vertex, the rest in reverse order (the document's circle runs right, bottom, left, top).
    assert.deepEqual(shape.v, [0, 3, 2, 1].map((k) => doc.masks[2].path[0].vertices[k]));
    assert.deepEqual(shape.o[0], doc.masks[2].path[0].inTangents[0]);
    doc.masks[2].opacity = [{ frame: 0, value: 50 }];
    assert.equal(exportLottie(doc).layers[0].masksProperties.at(-1)!.mode, 'i');
  });
});

describe('exportLottie in lottie-web (Chromium)', { skip: chromiumSkip }, () => {
  let browser: Browser;
  let page: Page;
  before(async () => {
    browser = await launchChromium();
    page = await blankPage(browser, WIDTH, HEIGHT);
    await page.addScriptTag({ content: lottiePlayer });
  });
  after(async () => {
    await browser?.close();
  });

  /** Loads the animation into the stage and returns the IoU with the reference at each frame. */
  async function compare(doc: RotoDocument, frames: number[]): Promise<Map<number, number>> {
    await page.evaluate((data) => new Promise<void>((resolve) => {
      const w = window as unknown as { lottie: any; anim?: any };
      w.anim?.destroy();
      w.anim = w.lottie.loadAnimation({
        container: document.getElementById('stage'), renderer: 'svg', loop: false, autoplay: false,
        animationData: data, rendererSettings: { preserveAspectRatio: 'none' },
      });
      if (w.anim.isLoaded) resolve();
      else w.anim.addEventListener('DOMLoaded', () => resolve());
    }), exportLottie(doc));
    const scores = new Map<number, number>();
    for (const frame of frames) {
      await page.evaluate((f) => (window as unknown as { anim: any }).anim.goToAndStop(f, true), frame);
      scores.set(frame, iou(await screenshotMask(page, WIDTH, HEIGHT), renderDocument(doc, frame)));
    }
    return scores;
  }

  const report = (scores: Map<number, number>) => [...scores].map(([f, s]) => `${f}:${s.toFixed(4)}`).join(' ');

  it('matches the reference for add/subtract masks, hold keys and masks that appear (frames keyed and between)', async (t) => {
    // 0/12/24 keyed, 6/18 interpolated, 15 the hole held, 16 its jump, 7/8 and 19/20 around opacity switches.
    const scores = await compare(horizonDocument(), [0, 6, 7, 8, 12, 15, 16, 18, 19, 20, 24, 29]);
    t.diagnostic(`IoU ${report(scores)}`);
    for (const [frame, score] of scores) assert.ok(score >= 0.99, `frame ${frame}: IoU ${score}`);
  });

  it('matches the reference for inverted intersect masks and the first-active-mask rule', async (t) => {
    const scores = await compare(invertedDocument(), [0, 5, 9, 10, 15, 19, 20, 24, 29]);
    t.diagnostic(`IoU ${report(scores)}`);
    for (const [frame, score] of scores) assert.ok(score >= 0.99, `frame ${frame}: IoU ${score}`);
  });
});
