/** PNG mattes and frames on disk: round trips, clear errors, frame listing order. */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import {
  ImageReadError, listFrames, matteFileName, naturalCompare, readMattePng, readRgbPng, writeMattePng, writeRgbPng,
} from '../src/node/png.ts';
import { rotatingBlob } from '../src/synthetic/index.ts';

let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'autoroto-png-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

describe('matte PNGs', () => {
  it('round trips a matte within 1/255', async () => {
    const matte = rotatingBlob({ width: 97, height: 61 }).matte(3);
    const path = join(dir, matteFileName(3));
    await writeMattePng(path, matte);
    const back = await readMattePng(path);
    assert.equal(back.width, 97);
    assert.equal(back.height, 61);
    for (let i = 0; i < matte.data.length; i++) {
      assert.ok(Math.abs(back.data[i] - matte.data[i]) <= 0.5 / 255 + 1e-6, `pixel ${i}`);
    }
    // 8-bit grayscale on disk, 255 = sky, value = round(v · 255).
    const png = PNG.sync.read(await readFile(path));
    assert.equal(png.colorType, 0);
    assert.equal(png.depth, 8);
    const i = matte.data.findIndex((v) => v > 0.2 && v < 0.8);
    assert.equal(png.data[4 * i], Math.round(matte.data[i] * 255));
  });

  it('clamps out-of-range values when writing', async () => {
    const path = join(dir, 'clamp.png');
    await writeMattePng(path, { width: 3, height: 1, data: Float32Array.from([-0.5, 2, NaN]) });
    assert.deepEqual([...(await readMattePng(path)).data], [0, 1, 0]);
  });

  it('reads the first channel of 16-bit grayscale and RGBA PNGs', async () => {
    const gray16 = new PNG({ width: 2, height: 1, bitDepth: 16, colorType: 0, inputColorType: 0, inputHasAlpha: false });
    const samples = Buffer.alloc(4);
    samples.writeUInt16LE(65535, 0);
    samples.writeUInt16LE(16384, 2);
    gray16.data = samples;
    const p16 = join(dir, 'gray16.png');
    await writeFile(p16, PNG.sync.write(gray16, { bitDepth: 16, colorType: 0, inputColorType: 0, inputHasAlpha: false }));
    const m16 = await readMattePng(p16);
    assert.equal(m16.data[0], 1);
    assert.ok(Math.abs(m16.data[1] - 16384 / 65535) < 1e-6, 'keeps 16-bit precision');

    const rgba = new PNG({ width: 2, height: 1 });
    rgba.data = Buffer.from([255, 0, 0, 255, 51, 200, 200, 0]);
    const p = join(dir, 'rgba.png');
    await writeFile(p, PNG.sync.write(rgba));
    assert.deepEqual([...(await readMattePng(p)).data], [1, Math.fround(0.2)]);
  });

  it('a corrupt or truncated PNG is an ImageReadError naming the file', async () => {
    const good = join(dir, 'good.png');
    await writeMattePng(good, rotatingBlob({ width: 40, height: 30 }).matte(0));
    const bytes = await readFile(good);
    const truncated = join(dir, 'truncated.png');
    await writeFile(truncated, bytes.subarray(0, 45));
    const corrupt = join(dir, 'corrupt.png');
    const flipped = Buffer.from(bytes);
    for (let i = 41; i < flipped.length - 12; i++) flipped[i] ^= 0x5a; // garble the compressed data
    await writeFile(corrupt, flipped);
    for (const path of [truncated, corrupt]) {
      await assert.rejects(readMattePng(path), (error: unknown) => {
        assert.ok(error instanceof ImageReadError, String(error));
        assert.equal(error.path, path);
        assert.ok(error.message.includes(path), error.message);
        assert.match(error.message, /truncated or corrupt/);
        return true;
      });
    }
  });

  it('a text file renamed .png is an ImageReadError saying it is not a PNG', async () => {
    const path = join(dir, 'notes.png');
    await writeFile(path, 'these are not pixels\n');
    await assert.rejects(readMattePng(path), (error: unknown) => {
      assert.ok(error instanceof ImageReadError);
      assert.ok(error.message.includes(path));
      assert.match(error.message, /not a PNG/);
      return true;
    });
    await assert.rejects(readRgbPng(path), ImageReadError);
    await assert.rejects(readMattePng(join(dir, 'missing.png')), /missing\.png: no such file/);
  });
});

describe('RGB PNGs', () => {
  it('round trips RGB pixels exactly', async () => {
    const data = new Uint8Array(7 * 5 * 3);
    for (let i = 0; i < data.length; i++) data[i] = (i * 37) & 255;
    const path = join(dir, 'rgb.png');
    await writeRgbPng(path, { width: 7, height: 5, data });
    const back = await readRgbPng(path);
    assert.equal(back.width, 7);
    assert.equal(back.height, 5);
    assert.deepEqual(back.data, data);
  });
});

describe('frame files', () => {
  it('lists the images of a folder in natural order', async () => {
    const frames = join(dir, 'frames');
    await mkdir(frames);
    await mkdir(join(frames, 'sub.png'));
    for (const name of ['f10.png', 'f2.png', 'f1.PNG', 'f3.jpg', 'f4.jpeg', 'notes.txt', '.f0.png', 'f002.png']) {
      await writeFile(join(frames, name), '');
    }
    const names = (await listFrames(frames)).map((p) => p.slice(frames.length + 1));
    // Equal numbers (f2, f002) fall back to plain string order, so the listing is deterministic.
    assert.deepEqual(names, ['f1.PNG', 'f002.png', 'f2.png', 'f3.jpg', 'f4.jpeg', 'f10.png']);
    assert.ok((await listFrames(frames))[0].startsWith(frames));
    await assert.rejects(listFrames(join(dir, 'nowhere')), ImageReadError);
  });

  it('compares names with numbers as numbers', () => {
    assert.ok(naturalCompare('f2.png', 'f10.png') < 0);
    assert.ok(naturalCompare('frame_9', 'frame_10') < 0);
    assert.ok(naturalCompare('a100', 'b2') < 0);
    assert.ok(naturalCompare('000009.png', '000010.png') < 0);
    assert.equal(naturalCompare('x1', 'x1'), 0);
  });

  it('names mattes by six-digit frame index', () => {
    assert.equal(matteFileName(0), '000000.png');
    assert.equal(matteFileName(123), '000123.png');
    assert.equal(matteFileName(1234567), '1234567.png');
    assert.throws(() => matteFileName(-1), RangeError);
  });
});
