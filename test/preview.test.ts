/**
 * The preview: contact sheet pixels (outlines where the masks are and nowhere else, keyframe marks
 * on keyframes only) and the HTML page in headless Chromium at two frames, over synthetic footage
 * whose sky the hand-made roto document covers exactly.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import type { PathKey, RotoDocument } from '../src/core/document.ts';
import type { RgbFrame, Vec2 } from '../src/core/types.ts';
import { contactSheet, contactSheetLayout } from '../src/preview/contact-sheet.ts';
import { downscale, fitWidth } from '../src/preview/downscale.ts';
import { evenlySpread, stillFrames } from '../src/preview/frame-choice.ts';
import { dashes } from '../src/preview/stroke.ts';
import { textWidth } from '../src/preview/font.ts';
import { PreviewWriter } from '../src/node/preview-writer.ts';
import { previewHtml } from '../src/preview/html.ts';
import { readRgbPng, writeRgbPng } from '../src/node/png.ts';
import { chromiumSkip, launchChromium } from './helpers/chromium.ts';
import { circle } from './helpers/export-fixtures.ts';

const W = 640, H = 360, FRAMES = 24;
/** The horizon runs straight from (0, left) to (W, right) and sinks linearly, so keys at 0, 10 and 23 are exact. */
const horizon = (f: number) => ({ left: 100 + 5 * f, right: 160 + 2 * f });
const BIRD = { cx: 450, cy: 60, r: 25 };
const KEYS = [0, 10, 23];

function skyKey(frame: number): PathKey {
  const { left, right } = horizon(frame);
  const vertices: Vec2[] = [[0, 0], [W, 0], [W, right], [0, left]];
  const zero = vertices.map((): Vec2 => [0, 0]);
  return { frame, interpolation: 'linear', closed: true, vertices, inTangents: zero, outTangents: zero };
}

/** The sky above the horizon, less a bird (a subtract mask) that holds still. */
function skyDocument(): RotoDocument {
  const mask = (name: string, mode: 'add' | 'subtract', path: PathKey[]) =>
    ({ name, mode, inverted: false, feather: [0, 0] as Vec2, expansion: 0, opacity: [{ frame: 0, value: 100 }], path });
  return {
    format: 'autoroto.roto/1',
    source: { path: 'synthetic/sky.mp4', width: W, height: H, frameRate: 24, frameCount: FRAMES },
    masks: [
      mask('Autoroto Sky 1', 'add', KEYS.map(skyKey)),
      mask('Autoroto Sky 1 hole', 'subtract', [circle(0, BIRD.cx, BIRD.cy, BIRD.r, true, 'hold')]),
    ],
  };
}

const SKY = [70, 130, 220], GROUND = [40, 140, 50], BIRD_GREY = [60, 60, 60];

/** Blue sky over green ground, a grey bird in the sky: what the document's masks outline. */
function footage(frame: number): RgbFrame {
  const { left, right } = horizon(frame);
  const data = new Uint8Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const cx = x + 0.5, cy = y + 0.5;
      const bird = Math.hypot(cx - BIRD.cx, cy - BIRD.cy) < BIRD.r;
      data.set(cy < left + ((right - left) * cx) / W ? (bird ? BIRD_GREY : SKY) : GROUND, (y * W + x) * 3);
    }
  }
  return { width: W, height: H, data };
}

type Pixel = ArrayLike<number>;
const isYellow = (p: Pixel) => p[0] > 150 && p[1] > 120 && p[2] < 110;
const isCyan = (p: Pixel) => p[0] < 110 && p[1] > 150 && p[2] > 150;
const isRed = (p: Pixel) => p[0] > 200 && p[1] < 90 && p[2] < 90;
const isSky = (p: Pixel) => p[2] > 170 && p[0] < 120;
const isGround = (p: Pixel) => p[1] > 100 && p[0] < 90 && p[2] < 90;
const pixel = (image: RgbFrame, x: number, y: number): Pixel => image.data.subarray((y * image.width + x) * 3, (y * image.width + x) * 3 + 3);

function segmentDistance(px: number, py: number, [ax, ay]: Vec2, [bx, by]: Vec2): number {
  const dx = bx - ax, dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

describe('preview frame choice', () => {
  it('spreads contact sheet frames evenly, first and last included', () => {
    assert.deepEqual(evenlySpread(0, 24, 12), [0, 2, 4, 6, 8, 10, 13, 15, 17, 19, 21, 23]);
    assert.deepEqual(evenlySpread(100, 5, 12), [100, 101, 102, 103, 104]);
    assert.deepEqual(evenlySpread(7, 1, 12), [7]);
  });

  it('keeps at most maxStills stills: every k-th frame and the last', () => {
    assert.deepEqual(stillFrames(0, 24, 240), { step: 1, frames: Array.from({ length: 24 }, (_, f) => f) });
    assert.deepEqual(stillFrames(0, 24, 10), { step: 3, frames: [0, 3, 6, 9, 12, 15, 18, 21, 23] });
    for (const [count, max] of [[2400, 240], [241, 240], [1000, 7], [10, 2]]) {
      const { frames } = stillFrames(50, count, max);
      assert.ok(frames.length <= max && frames[0] === 50 && frames.at(-1) === 50 + count - 1, `${count} frames, ${max}: ${frames.length}`);
    }
  });

  it('cuts dashes across polyline vertices', () => {
    const runs = dashes([0, 0, 4, 0, 4, 8], false, [5, 3]);
    assert.deepEqual(runs, [[0, 0, 4, 0, 4, 1], [4, 4, 4, 8]]);
  });
});

describe('contact sheet', () => {
  const doc = skyDocument();
  const frames = evenlySpread(0, FRAMES, 12);
  const size = fitWidth(footage(0), 360);
  const layout = contactSheetLayout(doc, frames, size);
  const sheet = contactSheet(doc, frames.map((frame) => ({ frame, image: downscale(footage(frame), size.width, size.height) })));
  const [sx, sy] = [size.width / W, size.height / H];

  it('lays out 12 tiles, 4 to a row, under the header', () => {
    assert.equal(layout.tiles.length, 12);
    assert.deepEqual([sheet.width, sheet.height], [layout.width, layout.height]);
    assert.equal(new Set(layout.tiles.map((t) => t.y)).size, 3);
    assert.ok(layout.tiles[0].y > layout.legend.at(-1)!.y);
  });

  it('wraps the header to a narrow sheet (one portrait frame, a long name): every line fits, no word lost', () => {
    const portrait: RotoDocument = { ...doc, source: { ...doc.source, path: 'shots/a_long_shot_name_from_the_edit_v003.mov', width: 1080, height: 1920, frameCount: 1 } };
    const narrow = contactSheetLayout(portrait, [0], { width: 180, height: 320 });
    assert.equal(narrow.width, 196);
    for (const line of narrow.lines) assert.ok(textWidth(line.text, 2) <= narrow.width - 2 * line.x, `"${line.text}" is wider than the sheet`);
    assert.ok(narrow.lines.length > 2);
    assert.equal(narrow.lines.map((l) => l.text).join(' ').replace(/\s+/g, ''),
      ('a_long_shot_name_from_the_edit_v003.mov 1080×1920 1 frame at 24 fps ' +
        '2 masks, keyframes at 3 frames (red diamond), subtract masks dashed').replace(/\s+/g, ''));
    const lines = new Set(narrow.lines.map((l) => l.y));
    assert.equal(lines.size, narrow.lines.length, 'one line under another');
    assert.ok(narrow.tiles[0].y > Math.max(...narrow.lines.map((l) => l.y)), 'tiles below the header');
  });

  it('draws the sky mask on the horizon in every tile, and its colour nowhere else', () => {
    for (const tile of layout.tiles) {
      const { left, right } = horizon(tile.frame);
      const corners: Vec2[] = [[0, 0], [W * sx, 0], [W * sx, right * sy], [0, left * sy]];
      for (let x = 40; x < 300; x += 20) {
        const y = (left + ((right - left) * ((x + 0.5) / sx)) / W) * sy;
        const row = Math.round(y - 0.5);
        assert.ok(isYellow(pixel(sheet, tile.x + x, tile.y + row)), `frame ${tile.frame}: no outline at ${x}, ${row}`);
        assert.ok(isSky(pixel(sheet, tile.x + x, tile.y + row - 5)) && isGround(pixel(sheet, tile.x + x, tile.y + row + 5)),
          `frame ${tile.frame}: footage not kept around the outline at ${x}`);
      }
      let stray = 0;
      for (let y = 0; y < tile.height; y++) {
        for (let x = 0; x < tile.width; x++) {
          const near = corners.some((a, k) => segmentDistance(x + 0.5, y + 0.5, a, corners[(k + 1) % 4]) <= 3.5);
          if (!near && isYellow(pixel(sheet, tile.x + x, tile.y + y))) stray++;
        }
      }
      assert.equal(stray, 0, `frame ${tile.frame}: ${stray} outline pixels away from the mask`);
    }
  });

  it('dashes the subtract mask', () => {
    const tile = layout.tiles[0];
    const hits = Array.from({ length: 96 }, (_, k) => {
      const a = (2 * Math.PI * k) / 96;
      const x = Math.floor((BIRD.cx + BIRD.r * Math.cos(a)) * sx), y = Math.floor((BIRD.cy + BIRD.r * Math.sin(a)) * sy);
      return isCyan(pixel(sheet, tile.x + x, tile.y + y));
    });
    const share = hits.filter(Boolean).length / hits.length;
    assert.ok(share > 0.4 && share < 0.9, `${share} of the circle drawn`);
  });

  it('marks keyframes, and only keyframes', () => {
    for (const tile of layout.tiles) {
      let red = 0;
      for (let y = 0; y < 24; y++) for (let x = tile.width - 70; x < tile.width; x++) if (isRed(pixel(sheet, tile.x + x, tile.y + y))) red++;
      assert.equal(red > 10, KEYS.includes(tile.frame), `frame ${tile.frame}: ${red} marker pixels`);
    }
  });
});

describe('PreviewWriter and the preview page', () => {
  let dir: string;
  let result: Awaited<ReturnType<PreviewWriter['finish']>>;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autoroto-preview-'));
    const preview = new PreviewWriter(dir, { frameCount: FRAMES });
    for (let f = 0; f < FRAMES; f++) await preview.addFrame(f, footage(f));
    result = await preview.finish(skyDocument());
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the stills, the contact sheet and the page', async () => {
    assert.equal(result.stills, FRAMES);
    const stills = await readdir(join(dir, 'preview', 'frames'));
    assert.equal(stills.length, FRAMES);
    const still = await readRgbPng(join(dir, 'preview', 'frames', '000013.png'));
    assert.deepEqual([still.width, still.height], [480, 270]);
    const sheet = await readRgbPng(result.sheet);
    assert.equal(sheet.width, 4 * 360 + 5 * 8);
  });

  it('rejects frames outside its range', async () => {
    const preview = new PreviewWriter(dir, { frameCount: 10, firstFrame: 20 });
    await assert.rejects(preview.addFrame(30, footage(0)), RangeError);
    assert.ok(preview.wants(20) && preview.wants(29) && !preview.wants(30));
  });

  describe('in Chromium', { skip: chromiumSkip }, () => {
    let browser: Browser;
    let page: Page;
    before(async () => {
      browser = await launchChromium();
      page = await browser.newPage({ viewport: { width: 1000, height: 700 }, deviceScaleFactor: 1 });
      // Offline: the page may read its own files and nothing else.
      await page.route(/^(?!file:|data:|about:)/, (route) => route.abort());
    });
    after(async () => {
      await browser?.close();
    });

    /** The stage (frame and masks) at `frame`; it is shown at the footage's own size. */
    async function stageAt(frame: number): Promise<RgbFrame> {
      await page.goto(`${pathToFileURL(result.html).href}#frame=${frame}`);
      await page.waitForSelector(`#stage[data-frame="${frame}"]`);
      const png = PNG.sync.read(await page.locator('#stage').screenshot({ animations: 'disabled' }));
      assert.deepEqual([png.width, png.height], [W, H]);
      const data = new Uint8Array(W * H * 3);
      for (let i = 0; i < W * H; i++) data.set(png.data.subarray(4 * i, 4 * i + 3), 3 * i);
      return { width: W, height: H, data };
    }

    /** How many columns show the outline within a pixel of the horizon of `frame`, over sky and ground kept. */
    function outlineColumns(shot: RgbFrame, frame: number): number {
      const { left, right } = horizon(frame);
      let found = 0;
      for (let x = 20; x < W - 20; x += 10) {
        const row = Math.round(left + ((right - left) * (x + 0.5)) / W - 0.5);
        if ([row - 1, row, row + 1].some((y) => isYellow(pixel(shot, x, y))) &&
          isSky(pixel(shot, x, row - 6)) && isGround(pixel(shot, x, row + 6))) found++;
      }
      return found;
    }

    it('shows the masks over the footage at two frames, moving with the horizon', async () => {
      const columns = Math.floor((W - 40) / 10);
      const at0 = await stageAt(0);
      assert.equal(outlineColumns(at0, 0), columns);
      const at13 = await stageAt(13);
      assert.equal(outlineColumns(at13, 13), columns);
      assert.equal(outlineColumns(at13, 0), 0, 'frame 13 still shows frame 0');
      assert.ok(isSky(pixel(at13, 100, 40)) && isGround(pixel(at13, 100, 300)));
      assert.ok(await page.locator('.bar i').count() === KEYS.length, 'keyframe ticks');
      assert.match(await page.locator('#label').textContent() ?? '', /frame 13 \/ 23/);
    });

    it('fits a portrait shot in the window: the whole frame and the scrubber in view, the scrubber still wide', async () => {
      const tall: RotoDocument = { ...skyDocument(), source: { path: 'phone.mp4', width: 360, height: 1280, frameRate: 30, frameCount: 1 } };
      const still = { width: 360, height: 1280, data: new Uint8Array(360 * 1280 * 3).fill(128) };
      await writeRgbPng(join(dir, 'tall.png'), still);
      await writeFile(join(dir, 'tall.html'), previewHtml(tall, [{ frame: 0, src: 'tall.png' }]));
      await page.goto(`${pathToFileURL(join(dir, 'tall.html')).href}#frame=0`);
      await page.waitForSelector('#stage[data-frame="0"]');
      const stage = (await page.locator('#stage').boundingBox())!, scrub = (await page.locator('#scrub').boundingBox())!;
      assert.ok(stage.y + stage.height <= 700 && scrub.y + scrub.height <= 700, `stage ends at ${stage.y + stage.height}, scrubber at ${scrub.y + scrub.height}`);
      assert.ok(Math.abs(stage.width / stage.height - 360 / 1280) < 0.01, `stage ${stage.width}×${stage.height}`);
      assert.ok(scrub.width >= 300, `scrubber ${scrub.width} px wide`);
      assert.match(await page.locator('.info').textContent() ?? '', /360×1280, 1 frame at 30 fps; 1 still shown/);
    });

    it('toggles the vertices', async () => {
      const cyanAround = (shot: RgbFrame, [cx, cy]: Vec2) => {
        let n = 0;
        for (let y = cy - 3; y <= cy + 3; y++) for (let x = cx - 3; x <= cx + 3; x++) if (isCyan(pixel(shot, x, y))) n++;
        return n;
      };
      const vertex: Vec2 = [BIRD.cx - BIRD.r, BIRD.cy];
      const shown = cyanAround(await stageAt(10), vertex);
      await page.locator('#show-vertices').uncheck();
      const png = PNG.sync.read(await page.locator('#stage').screenshot());
      const data = new Uint8Array(W * H * 3);
      for (let i = 0; i < W * H; i++) data.set(png.data.subarray(4 * i, 4 * i + 3), 3 * i);
      const hidden = cyanAround({ width: W, height: H, data }, vertex);
      assert.ok(shown >= 20 && hidden < shown - 8, `cyan pixels around a vertex: ${shown} shown, ${hidden} hidden`);
    });
  });
});
