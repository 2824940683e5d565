/**
 * The UXP panel's inference page reading an After Effects image-sequence layer
 * (panel/inference/image-sequence.ts): in headless Chromium, decoding PNG frames served to it, against
 * the frames written; and what it says of a missing frame, a frame of another size, a file that is
 * not an image, and a one-image name without a frame number. fileUrl in plain Node.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbFrame } from '../src/core/types.ts';
import { writeRgbPng } from '../src/node/png.ts';
import { fileUrl } from '../panel/inference/image-sequence.ts';
import { chromiumSkip } from './helpers/chromium.ts';
import { openWebgpuPage, type WebgpuPage } from './helpers/webgpu-page.ts';

const ENTRY = fileURLToPath(new URL('./browser/sequence-page.ts', import.meta.url));

type Read = { width: number; height: number; frames: string[] } | { error: string };

/** A frame whose every pixel differs from its neighbours' and from the other frames'. */
function frame(width: number, height: number, seed: number): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 101) % 256;
  return { width, height, data };
}

describe('fileUrl: a local path as the page loads it', () => {
  it('percent-encodes names (spaces, #, %), turns Windows separators, keeps the drive and file: URLs', () => {
    assert.equal(fileUrl('/shots/a #1/plate 100%.1001.png'), 'file:///shots/a%20%231/plate%20100%25.1001.png');
    assert.equal(fileUrl('C:\\shots\\plate.1001.png'), 'file:///C:/shots/plate.1001.png');
    assert.equal(fileUrl('file:///shots/plate.mov'), 'file:///shots/plate.mov');
  });
});

describe('the inference page reads an image sequence', { skip: chromiumSkip }, () => {
  let dir: string;
  let page: WebgpuPage;
  const frames = [0, 1, 2, 3].map((k) => frame(24, 16, k));
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'autoroto-page-sequence-'));
    const files: Record<string, Uint8Array> = {};
    const add = async (name: string, image: RgbFrame) => {
      await writeRgbPng(join(dir, name), image);
      files[`/frames/${name}`] = await readFile(join(dir, name));
    };
    for (const [k, image] of frames.entries()) await add(`plate.${1001 + k}.png`, image);
    await add('odd.0001.png', frame(8, 6, 0));
    await add('odd.0002.png', frame(10, 6, 1));
    await add('still.png', frame(8, 6, 0));
    files['/frames/broken.0001.png'] = new TextEncoder().encode('not a PNG');
    page = await openWebgpuPage(ENTRY, files);
  });
  after(async () => {
    await page?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('gives each numbered frame the first file starts, pixel for pixel, from any frame on', async () => {
    const read = await page.call<Read>('readSequence', '/shots/plate.1001.png', 4, 1, 3);
    assert.ok(!('error' in read), 'error' in read ? read.error : '');
    assert.deepEqual([read.width, read.height, read.frames.length], [24, 16, 3]);
    read.frames.forEach((b64, k) => assert.ok(Buffer.from(b64, 'base64').equals(Buffer.from(frames[k + 1].data)), `frame ${k + 1} is plate.${1002 + k}.png`));
  });

  it('names a missing frame, a frame of another size and a file that is not an image, saying what to do', async () => {
    const missing = await page.call<Read>('readSequence', '/shots/plate.1001.png', 6, 0, 5);
    assert.ok('error' in missing);
    assert.match(missing.error, /^\/shots\/plate\.1005\.png: could not be read as frame 5 of the image sequence that plate\.1001\.png starts \(After Effects has it as 6 frames\): it is missing, or not a PNG or JPEG this panel can decode; render or restore that frame/);
    const odd = await page.call<Read>('readSequence', '/shots/odd.0001.png', 2, 0, 1);
    assert.ok('error' in odd);
    assert.equal(odd.error, '/shots/odd.0002.png: is 10×6, but the image sequence that odd.0001.png starts is 8×6; re-render that frame at the sequence\'s size');
    const broken = await page.call<Read>('readSequence', '/shots/broken.0001.png', 2, 0, 1);
    assert.ok('error' in broken);
    assert.match(broken.error, /^\/shots\/broken\.0001\.png: could not be read as frame 1 of the image sequence/);
    const still = await page.call<Read>('readSequence', '/shots/still.png', 3, 0, 2);
    assert.ok('error' in still);
    assert.match(still.error, /^\/shots\/still\.png: is one image, but After Effects has it as 3 frames of an image sequence, and its name has no frame number/);
  });
});
