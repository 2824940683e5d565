/**
 * Footage input (src/node/footage.ts): the bundled sample and clips made here, decoded exactly and
 * streamed; ranged reads equal full reads; stopping early ends ffmpeg; frame folders and single
 * images; every kind of bad input is a FootageError naming the file (exit 2, one line). Also the
 * synthetic camera move the sample is made with (src/synthetic/camera-move.ts).
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readdir, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RgbFrame } from '../src/core/types.ts';
import { exitCodeFor, EXIT_BAD_INPUT, formatError } from '../src/cli/errors.ts';
import { runFfmpeg, writeRawVideo } from '../src/node/ffmpeg.ts';
import { FootageError, openFootage, type Footage, type FootageOptions, type FrameRange } from '../src/node/footage.ts';
import { keepDominantField } from '../src/core/fields.ts';
import { assertCombed, assertDominant, CHECKED_FRAME, interlacedH264, WOVEN, wovenFrames } from './helpers/interlaced.ts';
import { readMattePng, writeRgbPng } from '../src/node/png.ts';
import { parseFrameRate } from '../src/node/probe-video.ts';
import { applyMap, cameraMove, warpMatte, warpRgb, type AffineMap, type CameraMoveOptions } from '../src/synthetic/camera-move.ts';
import { prng } from '../src/synthetic/geometry.ts';
import { SKY_PAN_MOVE, SKY_PAN_SAMPLE, skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';
import { dpxFile, exrFile, linearToCineon, srgbToLinear } from './helpers/plate-files.ts';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = resolve(ROOT, '../shared/data');

let dir = '';
before(async () => { dir = await mkdtemp(join(tmpdir(), 'autoroto-footage-')); });
after(async () => { await rm(dir, { recursive: true, force: true }); });

/** A frame with every byte value in play and no smoothness to hide an off-by-one: seeded noise plus a ramp. */
function noiseFrame(width: number, height: number, seed: number): RgbFrame {
  const random = prng(seed);
  const data = new Uint8Array(width * height * 3);
  for (let i = 0; i < data.length; i++) data[i] = (Math.floor(random() * 200) + i) & 255;
  return { width, height, data };
}

/** A smooth frame (JPEG keeps it within a few levels): gradients that shift with `seed`. */
function smoothFrame(width: number, height: number, seed: number): RgbFrame {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0, i = 0; y < height; y++) {
    for (let x = 0; x < width; x++, i += 3) {
      data[i] = Math.round(40 + (160 * x) / width);
      data[i + 1] = Math.round(40 + (160 * y) / height);
      data[i + 2] = (40 + 50 * seed) & 255;
    }
  }
  return { width, height, data };
}

async function collect(frames: AsyncIterable<RgbFrame>): Promise<RgbFrame[]> {
  const out: RgbFrame[] = [];
  for await (const frame of frames) out.push(frame);
  return out;
}

function assertSameFrames(actual: RgbFrame[], expected: RgbFrame[], label: string): void {
  assert.equal(actual.length, expected.length, `${label}: frame count`);
  actual.forEach((frame, i) => {
    assert.equal(frame.width, expected[i].width, `${label}: frame ${i} width`);
    assert.equal(frame.height, expected[i].height, `${label}: frame ${i} height`);
    assert.ok(Buffer.from(frame.data).equals(Buffer.from(expected[i].data)), `${label}: frame ${i} pixels differ`);
  });
}

function meanAbsDiff(a: RgbFrame, b: RgbFrame): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}

function psnr(a: RgbFrame, b: RgbFrame): number {
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += (a.data[i] - b.data[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (sum / a.data.length));
}

async function ffmpeg(...args: string[]): Promise<void> {
  const run = await runFfmpeg(['-loglevel', 'error', '-y', ...args]);
  assert.equal(run.code, 0, `ffmpeg ${args.join(' ')}: ${run.stderr}`);
}

/** Writes `frames` as a lossless FFV1 video (gbrp/bgr0: RGB in, the same RGB out). */
async function losslessClip(path: string, frames: RgbFrame[], frameRate = '24'): Promise<void> {
  await writeRawVideo(frames, { width: frames[0].width, height: frames[0].height, frameRate }, ['-c:v', 'ffv1', '-y', path]);
}

/** Ids of running processes whose command line mentions `path` (Linux: /proc). */
async function processesMentioning(path: string): Promise<number[]> {
  const found: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cmdline = await readFile(join('/proc', entry, 'cmdline'), 'utf8').catch(() => '');
    if (cmdline.includes(path)) found.push(Number(entry));
  }
  return found;
}

/** `open` fails with a FootageError for `path` whose message matches `pattern`; the CLI prints it on one line with exit 2. */
async function assertFootageError(open: () => Promise<unknown>, path: string, pattern: RegExp): Promise<FootageError> {
  let caught: unknown;
  try {
    await open();
  } catch (error) {
    caught = error;
  }
  assert.ok(caught instanceof FootageError, `expected a FootageError, got ${caught instanceof Error ? caught.stack : String(caught)}`);
  assert.equal(caught.path, path);
  assert.ok(caught.message.startsWith(`${path}: `), caught.message);
  assert.match(caught.message, pattern);
  assert.equal(exitCodeFor(caught), EXIT_BAD_INPUT);
  const printed = formatError(caught, false);
  assert.equal(printed, `autoroto: ${caught.message}`, 'one line, no stack trace');
  assert.ok(!printed.includes('\n'));
  return caught;
}

describe('the bundled sample (samples/sky-pan.mp4)', () => {
  const path = join(ROOT, SKY_PAN_SAMPLE.file);
  let footage: Footage;
  let all: RgbFrame[];
  before(async () => {
    footage = await openFootage(path);
    all = await collect(footage.frames());
  });

  it('is a 640×360, 24 fps video of exactly 96 frames, well under 5 MB', async () => {
    assert.equal(footage.kind, 'video');
    assert.equal(footage.path, path);
    assert.deepEqual([footage.width, footage.height, footage.frameRate, footage.frameCount],
      [SKY_PAN_SAMPLE.width, SKY_PAN_SAMPLE.height, SKY_PAN_SAMPLE.frameRate, SKY_PAN_SAMPLE.frameCount]);
    assert.deepEqual([footage.width, footage.height, footage.frameRate, footage.frameCount], [640, 360, 24, 96]);
    assert.ok((await readFile(path)).length < 1e6);
    assert.equal(all.length, 96);
    for (const frame of all) assert.equal(frame.data.length, 640 * 360 * 3);
  });

  it('ranged reads give exactly the frames of a full read (first, middle, last)', async () => {
    for (const range of [{ start: 0, end: 0 }, { start: 40, end: 47 }, { start: 95, end: 95 }, { start: 1, end: 95 }]) {
      assertSameFrames(await collect(footage.frames(range)), all.slice(range.start, range.end + 1), `frames ${range.start}-${range.end}`);
    }
  });

  it('is the Horizon-UAV still warped by skyPanMaps, so the mask warped the same way is every frame\'s ground truth', async () => {
    const images = join(DATA, SKY_PAN_SAMPLE.dataset, 'images'), masks = join(DATA, SKY_PAN_SAMPLE.dataset, 'masks');
    assert.ok(existsSync(images), `${images} not found (the tests read ../shared/data beside the repository, see DESIGN.md "Data")`);
    const [still] = await collect((await openFootage(join(images, `${SKY_PAN_SAMPLE.still}.jpg`))).frames());
    const mask = await readMattePng(join(masks, `${SKY_PAN_SAMPLE.still}.png`));
    const maps = skyPanMaps();
    assert.equal(maps.length, 96);
    for (const f of [0, 31, 62, 95]) {
      const expected = warpRgb(still, maps[f], 640, 360);
      assert.ok(psnr(all[f], expected) > 35, `frame ${f}: ${psnr(all[f], expected).toFixed(1)} dB from the warped still`);
      const wrongFrame = warpRgb(still, maps[(f + 48) % 96], 640, 360);
      assert.ok(psnr(all[f], wrongFrame) < psnr(all[f], expected) - 5, `frame ${f} is told apart from another frame's map`);
    }
    const sky = (f: number) => warpMatte(mask, maps[f], 640, 360).data.reduce((s, v) => s + v, 0) / (640 * 360);
    assert.ok(Math.abs(sky(0) - 0.64) < 0.02 && Math.abs(sky(95) - 0.40) < 0.02, `sky ${sky(0)} → ${sky(95)} as samples/README.md says`);
  });
});

describe('videos', () => {
  const W = 96, H = 64, N = 30;
  const frames = Array.from({ length: N }, (_, f) => noiseFrame(W, H, f + 1));
  let clip = '';
  before(async () => {
    clip = join(dir, 'lossless.mkv');
    await losslessClip(clip, frames, '30000/1001');
  });

  it('a lossless clip decodes to exactly the frames that were encoded; NTSC rates are exact', async () => {
    const footage = await openFootage(clip);
    assert.deepEqual([footage.kind, footage.width, footage.height, footage.frameCount], ['video', W, H, N]);
    assert.equal(footage.frameRate, 30000 / 1001);
    assertSameFrames(await collect(footage.frames()), frames, 'lossless clip');
  });

  it('ranged reads of the lossless clip are exact', async () => {
    const footage = await openFootage(clip);
    for (const range of [{ start: 0, end: 4 }, { start: 13, end: 13 }, { start: 17, end: 29 }]) {
      assertSameFrames(await collect(footage.frames(range)), frames.slice(range.start, range.end + 1), `frames ${range.start}-${range.end}`);
    }
  });

  it('decides what a file is by its content, not its name', async () => {
    const renamed = join(dir, 'clip.dat');
    await copyFile(clip, renamed);
    const footage = await openFootage(renamed);
    assert.equal(footage.kind, 'video');
    assert.equal(footage.frameCount, N);
  });

  it('streams: the consumer sets the pace, and stopping early kills ffmpeg (no process left)', async (t) => {
    if (process.platform !== 'linux') return t.skip('looks for processes in /proc');
    const footage = await openFootage(clip);
    let seen = 0;
    for await (const frame of footage.frames()) {
      assert.equal(frame.data.length, W * H * 3);
      if (seen === 0) {
        // 30 frames of 18 KB do not fit the pipe: ffmpeg is still there, waiting for us.
        await new Promise((r) => setTimeout(r, 200));
        assert.ok((await processesMentioning(clip)).length > 0, 'ffmpeg waits while the consumer is busy');
      }
      if (++seen === 2) break;
    }
    assert.deepEqual(await processesMentioning(clip), [], 'ffmpeg is gone once the loop has stopped');
  });

  it('reads MOV (PNG inside: exact) and WebM (VP9) too', async () => {
    const mov = join(dir, 'png.mov'), webm = join(dir, 'vp9.webm');
    await writeRawVideo(frames.slice(0, 4), { width: W, height: H, frameRate: '25' }, ['-c:v', 'png', '-y', mov]);
    const fromMov = await openFootage(mov);
    assert.deepEqual([fromMov.kind, fromMov.width, fromMov.height, fromMov.frameRate, fromMov.frameCount], ['video', W, H, 25, 4]);
    assertSameFrames(await collect(fromMov.frames()), frames.slice(0, 4), 'png in mov');
    await writeRawVideo(frames.slice(0, 4), { width: W, height: H, frameRate: '30' }, ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-y', webm]);
    const fromWebm = await openFootage(webm);
    assert.deepEqual([fromWebm.kind, fromWebm.width, fromWebm.height, fromWebm.frameRate, fromWebm.frameCount], ['video', W, H, 30, 4]);
    assert.equal((await collect(fromWebm.frames())).length, 4);
  });

  it('takes rotation metadata into account (a phone\'s portrait video is taller than wide)', async () => {
    const plain = join(dir, 'landscape.mp4'), rotated = join(dir, 'portrait.mp4');
    await writeRawVideo(frames.slice(0, 5), { width: W, height: H, frameRate: '25' }, ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', plain]);
    await ffmpeg('-i', plain, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated);
    const footage = await openFootage(rotated);
    assert.deepEqual([footage.width, footage.height, footage.frameRate, footage.frameCount], [H, W, 25, 5]);
    const decoded = await collect(footage.frames());
    assert.deepEqual(decoded.map((f) => [f.width, f.height, f.data.length]), Array(5).fill([H, W, W * H * 3]));
  });

  it('a clip trimmed without re-encoding has the frames its edit list shows, not every packet it keeps', async () => {
    // `-ss` before `-i` with `-c copy` copies from the key frame before 0.5 s (key frames 12 apart) and
    // hides, in an edit list, the frames it keeps only to decode others from.
    const whole = join(dir, 'gop.mp4'), trimmed = join(dir, 'trimmed.mp4');
    await writeRawVideo(frames, { width: W, height: H, frameRate: '25' }, ['-c:v', 'libx264', '-g', '12', '-sc_threshold', '0', '-bf', '2', '-pix_fmt', 'yuv420p', '-y', whole]);
    await ffmpeg('-ss', '0.5', '-i', whole, '-t', '0.6', '-c', 'copy', trimmed);
    const decoded = await runFfmpeg(['-loglevel', 'error', '-i', trimmed, '-map', '0:v:0', '-vsync', 'passthrough', '-f', 'null', '-progress', 'pipe:1', '-']);
    const shown = Number([...decoded.stdout.toString().matchAll(/^frame=(\d+)$/gm)].pop()?.[1]);
    const packets = await runFfmpeg(['-loglevel', 'error', '-i', trimmed, '-map', '0:v:0', '-c', 'copy', '-f', 'null', '-progress', 'pipe:1', '-']);
    assert.ok(Number([...packets.stdout.toString().matchAll(/^frame=(\d+)$/gm)].pop()?.[1]) > shown, 'the trimmed file keeps packets it does not show');

    const footage = await openFootage(trimmed);
    assert.equal(footage.frameCount, shown);
    const got = await collect(footage.frames());
    assert.equal(got.length, shown);
    // They are a run of the whole clip's frames (decoded from the same packets, so to the bit),
    // starting inside a group of pictures.
    const all = await collect((await openFootage(whole)).frames());
    const offset = all.findIndex((frame) => Buffer.from(frame.data).equals(Buffer.from(got[0].data)));
    assert.ok(offset > 0 && offset % 12 !== 0, `first frame is frame ${offset} of the whole clip`);
    assertSameFrames(got, all.slice(offset, offset + shown), 'trimmed clip');
    assertSameFrames(await collect(footage.frames({ start: 3, end: shown - 1 })), got.slice(3), 'a range of the trimmed clip');
  });

  it('an MPEG-TS recording that begins mid-stream has the frames from its first decodable one on', async () => {
    // A transport stream cut at a packet boundary, as a broadcast capture begins: no parameter sets
    // until the next key frame, which ffmpeg complains of, and passes over what comes before.
    const whole = join(dir, 'whole.ts'), cut = join(dir, 'cut.ts');
    await writeRawVideo(frames, { width: W, height: H, frameRate: '25' }, ['-c:v', 'libx264', '-g', '12', '-sc_threshold', '0', '-bf', '2', '-pix_fmt', 'yuv420p', '-f', 'mpegts', '-y', whole]);
    const bytes = await readFile(whole);
    await writeFile(cut, bytes.subarray(188 * Math.floor(bytes.length / 188 / 3)));
    const footage = await openFootage(cut);
    const got = await collect(footage.frames());
    assert.equal(got.length, footage.frameCount);
    const all = await collect((await openFootage(whole)).frames());
    assert.equal(all.length, N);
    const offset = all.findIndex((frame) => Buffer.from(frame.data).equals(Buffer.from(got[0].data)));
    assert.ok(offset > 0 && offset % 12 === 0, `first frame is frame ${offset} of the whole recording, a key frame`);
    assert.equal(footage.frameCount, N - offset);
    assertSameFrames(got, all.slice(offset), 'the recording from its first key frame');
  });

  describe('interlaced footage reads as After Effects shows it with fields separated: the dominant field, the other one\'s lines filled in', () => {
    const clips: Record<string, string[]> = {
      'progressive.mp4': ['-c:v', 'libx264', '-qp', '0', '-pix_fmt', 'yuv444p'],
      'upper.mp4': interlacedH264('upper'),
      'lower.mp4': interlacedH264('lower'),
      // ProRes coded as whole frames, and a QuickTime `fiel` atom that says top field first.
      'container.mov': ['-vf', 'setfield=tff', '-c:v', 'prores', '-flags', '+ildct'],
    };
    before(async () => {
      for (const [name, encode] of Object.entries(clips)) await writeRawVideo(wovenFrames(), WOVEN, [...encode, '-y', join(dir, name)]);
    });
    /** The footage and its CHECKED_FRAME, all frames read. */
    async function read(path: string, options?: FootageOptions): Promise<{ footage: Footage; frame: RgbFrame }> {
      const footage = await openFootage(path, options);
      const got = await collect(footage.frames());
      assert.equal(got.length, WOVEN.frameCount, `${path}: one frame a frame`);
      return { footage, frame: got[CHECKED_FRAME] };
    }

    it('keepDominantField: the dominant field\'s lines as they are, the others the mean of their neighbours (an edge line: its one)', () => {
      // Five rows of one pixel, each row's three channels the row's value.
      const frame = (values: number[]) => ({ width: 1, height: values.length, data: Uint8Array.from(values.flatMap((v) => [v, v, v])) });
      const rows = (f: RgbFrame) => Array.from({ length: f.height }, (_, y) => f.data[y * 3]);
      assert.deepEqual(rows(keepDominantField(frame([10, 99, 20, 99, 41]), 'upper')), [10, 15, 20, 31, 41]);
      assert.deepEqual(rows(keepDominantField(frame([99, 10, 99, 21, 99]), 'lower')), [10, 10, 16, 21, 21]);
    });

    it('progressive: the frames as encoded, combs and all', async () => {
      const { footage, frame } = await read(join(dir, 'progressive.mp4'));
      assert.equal(footage.fieldOrder, undefined);
      assertCombed(frame, 'progressive');
    });

    for (const field of ['upper', 'lower'] as const) {
      it(`H.264 ${field} field first, as its frames are flagged: every row's edge where the ${field} field has it`, async () => {
        const { footage, frame } = await read(join(dir, `${field}.mp4`));
        assert.equal(footage.fieldOrder, field);
        assertDominant(frame, field, field);
      });
    }

    it('a QuickTime file interlaced by its container only (fiel), frames coded whole: the container decides', async () => {
      const dump = await runFfmpeg(['-i', join(dir, 'container.mov'), '-frames:v', '1', '-vf', 'showinfo', '-f', 'null', '-']);
      assert.match(dump.stderr, /top coded first/, 'the container says interlaced');
      assert.match(dump.stderr, /\bi:P\b/, 'the frame says progressive');
      const { footage, frame } = await read(join(dir, 'container.mov'));
      assert.equal(footage.fieldOrder, 'upper');
      assertDominant(frame, 'upper', 'container');
    });

    it('a host\'s interpretation wins over the file (After Effects\' Separate Fields): videos and frame folders', async () => {
      const woven = await read(join(dir, 'upper.mp4'), { fields: 'progressive' });
      assert.equal(woven.footage.fieldOrder, undefined);
      assertCombed(woven.frame, 'interlaced file read progressive');
      const lower = await read(join(dir, 'progressive.mp4'), { fields: 'lower' });
      assert.equal(lower.footage.fieldOrder, 'lower');
      assertDominant(lower.frame, 'lower', 'progressive file read lower field first');
      const folder = join(dir, 'woven-frames');
      await mkdir(folder);
      const frames = wovenFrames();
      for (let f = 0; f < frames.length; f++) await writeRgbPng(join(folder, `woven.${f}.png`), frames[f]);
      assertDominant((await read(folder, { fields: 'upper' })).frame, 'upper', 'frame folder, upper field first');
      assertCombed((await read(folder)).frame, 'frame folder as it is');
    });
  });

  it('reads rates as ffmpeg prints them, NTSC rates exactly', () => {
    assert.equal(parseFrameRate('24'), 24);
    assert.equal(parseFrameRate('25'), 25);
    assert.equal(parseFrameRate('12.5'), 12.5);
    assert.equal(parseFrameRate('23.98'), 24000 / 1001);
    assert.equal(parseFrameRate('29.97'), 30000 / 1001);
    assert.equal(parseFrameRate('59.94'), 60000 / 1001);
    assert.equal(parseFrameRate('1k'), 1000);
    assert.equal(parseFrameRate('N/A'), undefined);
  });
});

describe('frame folders and images', () => {
  const W = 48, H = 32;

  it('a folder of PNGs: natural name order, exact pixels, other files ignored, the rate given (default 24)', async () => {
    const folder = join(dir, 'png-frames');
    await mkdir(folder);
    const names = ['f1.png', 'f2.png', 'f10.png', 'f9.png'];
    const byName = new Map(names.map((name, i) => [name, noiseFrame(W, H, 100 + i)]));
    for (const [name, frame] of byName) await writeRgbPng(join(folder, name), frame);
    await writeFile(join(folder, 'notes.txt'), 'not a frame');
    const footage = await openFootage(folder);
    assert.deepEqual([footage.kind, footage.width, footage.height, footage.frameRate, footage.frameCount], ['frames', W, H, 24, 4]);
    const order = ['f1.png', 'f2.png', 'f9.png', 'f10.png'];
    assertSameFrames(await collect(footage.frames()), order.map((n) => byName.get(n)!), 'png folder');
    assertSameFrames(await collect(footage.frames({ start: 2, end: 3 })), order.slice(2).map((n) => byName.get(n)!), 'png folder range');
    assert.equal((await openFootage(folder, { frameRate: 25 })).frameRate, 25);
  });

  it('a folder of numbered frames with some missing (a render that dropped them) is read, with a warning that names them', async () => {
    const write = async (folder: string, names: string[]) => {
      await mkdir(folder);
      for (const [k, name] of names.entries()) await writeRgbPng(join(folder, name), noiseFrame(W, H, k));
      return openFootage(folder);
    };
    const dropped = join(dir, 'dropped');
    const footage = await write(dropped, ['shot.1001.png', 'shot.1002.png', 'shot.1003.png', 'shot.1005.png', 'shot.1006.png']);
    assert.equal(footage.frameCount, 5);
    assert.equal(footage.warnings.length, 1);
    assert.match(footage.warnings[0], new RegExp(`^${join(dropped, 'shot\\.1004\\.png')} is missing from the frames in .*dropped: read in name order, the frames after a gap come as many frames early`));
    const tenths = join(dir, 'tenths');
    const [warning] = (await write(tenths, ['c1_0010.png', 'c1_0020.png', 'c1_0050.png', 'c1_0060.png', 'c1_0080.png'])).warnings;
    assert.match(warning, /c1_0030\.png to .*c1_0040\.png \(2 frames\) are missing from the frames in .*tenths \(and 1 more gap after it\)/);
    // Every tenth frame whole, and names that are no sequence, say nothing.
    assert.deepEqual((await write(join(dir, 'tenths-whole'), ['c1_0010.png', 'c1_0020.png', 'c1_0030.png'])).warnings, []);
    assert.deepEqual((await write(join(dir, 'stills'), ['dawn.png', 'dusk.png', 'noon.png'])).warnings, []);
    assert.deepEqual((await write(join(dir, 'picked'), ['take_10.png', 'take_20.png', 'take_35.png'])).warnings, [], 'steps of no common measure');
  });

  it('a folder of JPEGs (jpg and jpeg, mixed with PNG) in natural order, decoded close to the originals', async () => {
    const folder = join(dir, 'jpg-frames');
    await mkdir(folder);
    const originals = Array.from({ length: 4 }, (_, i) => smoothFrame(W, H, i));
    const names = ['shot_2.jpg', 'shot_10.jpeg', 'shot_1.JPG', 'shot_3.png'];
    const order = [1, 3, 0, 2]; // names[i] holds originals[order[i]], its place in natural order
    for (let i = 0; i < names.length; i++) {
      const png = join(dir, `source-${i}.png`);
      await writeRgbPng(png, originals[order[i]]);
      if (names[i].endsWith('.png')) await copyFile(png, join(folder, names[i]));
      else await ffmpeg('-i', png, '-q:v', '2', '-f', 'image2', join(folder, names[i]));
    }
    const footage = await openFootage(folder);
    assert.deepEqual([footage.kind, footage.width, footage.height, footage.frameCount], ['frames', W, H, 4]);
    const decoded = await collect(footage.frames());
    decoded.forEach((frame, i) => {
      assert.deepEqual([frame.width, frame.height], [W, H]);
      assert.ok(meanAbsDiff(frame, originals[i]) < 3, `frame ${i}: mean difference ${meanAbsDiff(frame, originals[i])}`);
      for (let j = 0; j < originals.length; j++) {
        if (j !== i) assert.ok(meanAbsDiff(frame, originals[j]) > 10, `frame ${i} is not original ${j}`);
      }
    });
  });

  it('a folder of VFX plates: TIFF (8- and 16-bit), DPX (10-bit, display and log) and OpenEXR (linear float), each decoded to the picture it holds', async () => {
    const folder = join(dir, 'plate-frames');
    await mkdir(folder);
    const originals = Array.from({ length: 5 }, (_, i) => noiseFrame(W, H, 200 + i));
    const source = (i: number) => join(dir, `plate-source-${i}.png`);
    for (let i = 0; i < originals.length; i++) await writeRgbPng(source(i), originals[i]);
    await ffmpeg('-i', source(0), join(folder, 'plate.0001.tif'));
    // 16 bits a channel: each 8-bit value v as v · 257, given raw (ffmpeg's own widening is not exact).
    const wide = Buffer.alloc(6 * W * H);
    originals[1].data.forEach((v, i) => wide.writeUInt16LE(257 * v, 2 * i));
    await writeFile(join(dir, 'plate-wide.rgb48'), wide);
    await ffmpeg('-f', 'rawvideo', '-pix_fmt', 'rgb48le', '-s', `${W}x${H}`, '-i', join(dir, 'plate-wide.rgb48'), join(folder, 'plate.0002.tiff'));
    // Display values 0..255 as 10-bit codes; then the same picture as Cineon log codes of its linear light.
    await writeFile(join(folder, 'plate.0003.dpx'), dpxFile(originals[2], 2, (v) => Math.round((v * 1023) / 255)));
    await writeFile(join(folder, 'plate.0004.dpx'), dpxFile(originals[3], 1, (v) => linearToCineon(srgbToLinear(v / 255))));
    await writeFile(join(folder, 'plate.0005.exr'), exrFile(originals[4]));
    const footage = await openFootage(folder);
    assert.deepEqual([footage.kind, footage.width, footage.height, footage.frameCount], ['frames', W, H, 5]);
    // Every byte value appears in these frames: a picture shown through the wrong curve would not come back exactly.
    assertSameFrames(await collect(footage.frames()), originals, 'plate folder');
  });

  it('plates run at the frame rate they record (EXR framesPerSecond, DPX frame rate), a given rate first, else 24', async () => {
    const frame = noiseFrame(W, H, 30);
    const ntsc = join(dir, 'ntsc-plates'), pal = join(dir, 'pal-plates'), none = join(dir, 'unrated-plates');
    for (const folder of [ntsc, pal, none]) await mkdir(folder);
    for (let f = 0; f < 2; f++) {
      await writeFile(join(ntsc, `plate.${1001 + f}.exr`), exrFile(frame, 0, [30000, 1001]));
      await writeFile(join(pal, `plate.${1001 + f}.dpx`), dpxFile(frame, 2, (v) => 4 * v, 25));
      await writeFile(join(none, `plate.${1001 + f}.dpx`), dpxFile(frame, 2, (v) => 4 * v));
    }
    assert.equal((await openFootage(ntsc)).frameRate, 30000 / 1001);
    assert.equal((await openFootage(join(pal, 'plate.####.dpx'))).frameRate, 25);
    assert.equal((await openFootage(join(pal, 'plate.1001.dpx'))).frameRate, 25, 'one image');
    assert.equal((await openFootage(none)).frameRate, 24);
    assert.equal((await openFootage(ntsc, { frameRate: 24 })).frameRate, 24, 'a rate given wins');
  });

  it('one image, PNG (exact) or JPEG, is a one-frame footage', async () => {
    const frame = noiseFrame(W, H, 7);
    const png = join(dir, 'still.png');
    await writeRgbPng(png, frame);
    const footage = await openFootage(png, { frameRate: 30 });
    assert.deepEqual([footage.kind, footage.width, footage.height, footage.frameRate, footage.frameCount], ['image', W, H, 30, 1]);
    assertSameFrames(await collect(footage.frames()), [frame], 'png image');

    const smooth = smoothFrame(W, H, 1);
    const source = join(dir, 'smooth.png'), jpg = join(dir, 'still.jpg');
    await writeRgbPng(source, smooth);
    await ffmpeg('-i', source, '-q:v', '2', jpg);
    const photo = await openFootage(jpg);
    assert.deepEqual([photo.kind, photo.width, photo.height, photo.frameRate, photo.frameCount], ['image', W, H, 24, 1]);
    const [decoded] = await collect(photo.frames());
    assert.ok(meanAbsDiff(decoded, smooth) < 3);
  });
});

describe('bad input: a FootageError that names the file and says what to do (exit 2)', () => {
  const W = 64, H = 48;
  let clip = '', mp4 = '', faststart = '';
  before(async () => {
    const frames = Array.from({ length: 30 }, (_, f) => noiseFrame(W, H, f + 50));
    clip = join(dir, 'bad-base.mkv');
    await losslessClip(clip, frames);
    mp4 = join(dir, 'bad-base.mp4');
    faststart = join(dir, 'bad-base-faststart.mp4');
    await writeRawVideo(frames, { width: W, height: H, frameRate: '24' }, ['-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-y', mp4]);
    await ffmpeg('-i', mp4, '-c', 'copy', '-movflags', '+faststart', faststart);
  });

  /** The first half of `path`'s bytes, as a new file. */
  async function cutInHalf(path: string, name: string): Promise<string> {
    const bytes = await readFile(path);
    const out = join(dir, name);
    await writeFile(out, bytes.subarray(0, bytes.length >> 1));
    return out;
  }

  it('a missing file', async () => {
    const path = join(dir, 'nowhere', 'shot.mp4');
    await assertFootageError(() => openFootage(path), path, /no such file or folder; give a video file \(mp4, mov, mkv, webm\), a folder of frames \(PNG, JPEG, TIFF, DPX or EXR\), an image sequence as a pattern \(plate\.####\.exr\), or one image/);
  });

  it('a folder with no frames (empty, or other files only)', async () => {
    const empty = join(dir, 'empty');
    await mkdir(empty);
    await assertFootageError(() => openFootage(empty), empty, /no frames in this folder \(no \.png, \.jpg, \.jpeg, \.tif, \.tiff, \.dpx or \.exr files\)/);
    const notes = join(dir, 'notes-only');
    await mkdir(notes);
    await writeFile(join(notes, 'readme.txt'), 'hello');
    await assertFootageError(() => openFootage(notes), notes, /no frames in this folder/);
  });

  it('a text file named .mp4', async () => {
    const path = join(dir, 'text.mp4');
    await writeFile(path, 'this is not a video\n'.repeat(20));
    await assertFootageError(() => openFootage(path), path, /not a video ffmpeg can read \(ffmpeg: .*\).*; give a video file/);
  });

  it('an MP4 cut in half: no index (ffmpeg cannot open it), or with its index first, missing frames', async () => {
    const noIndex = await cutInHalf(mp4, 'half.mp4');
    await assertFootageError(() => openFootage(noIndex), noIndex, /moov atom not found.*the file was cut short/);
    const indexed = await cutInHalf(faststart, 'half-faststart.mp4');
    await assertFootageError(() => openFootage(indexed), indexed, /truncated or corrupt video: ffmpeg read \d+ frames, then failed \(.+\); export or copy the file again/);
    const mkv = await cutInHalf(clip, 'half.mkv');
    await assertFootageError(() => openFootage(mkv), mkv, /truncated or corrupt video/);
  });

  it('a video that yields fewer frames than it was opened with (cut short while being read)', async () => {
    const path = join(dir, 'shrinking.mkv');
    await copyFile(clip, path);
    const footage = await openFootage(path);
    assert.equal(footage.frameCount, 30);
    await truncate(path, (await readFile(path)).length >> 1);
    await assertFootageError(() => collect(footage.frames()), path, /truncated or corrupt video: ffmpeg decoded \d+ of its 30 frames/);
  });

  it('a video with 0 frames', async () => {
    const path = join(dir, 'zero.mp4');
    await ffmpeg('-f', 'lavfi', '-i', 'color=c=blue:s=64x48:r=24', '-frames:v', '0', '-c:v', 'libx264', path);
    await assertFootageError(() => openFootage(path), path, /has no video frames/);
  });

  it('a 1×1 image (PNG or JPEG) and a tiny video: at least 16×16', async () => {
    const png = join(dir, 'dot.png');
    await writeRgbPng(png, { width: 1, height: 1, data: Uint8Array.from([10, 20, 30]) });
    await assertFootageError(() => openFootage(png), png, /1×1 is too small; Autoroto needs frames of at least 16×16 pixels/);
    const jpg = join(dir, 'dot.jpg');
    await ffmpeg('-i', png, jpg);
    await assertFootageError(() => openFootage(jpg), jpg, /1×1 is too small/);
    const video = join(dir, 'tiny.mkv');
    await losslessClip(video, [noiseFrame(8, 8, 1), noiseFrame(8, 8, 2)]);
    await assertFootageError(() => openFootage(video), video, /8×8 is too small/);
  });

  it('an image in another format than PNG, JPEG, TIFF, DPX or OpenEXR', async () => {
    const png = join(dir, 'for-bmp.png'), bmp = join(dir, 'still.bmp');
    await writeRgbPng(png, noiseFrame(W, H, 4));
    await ffmpeg('-i', png, bmp);
    await assertFootageError(() => openFootage(bmp), bmp, /is an image in a format Autoroto does not read \(bmp\); convert it to PNG/);
  });

  it('plates Autoroto cannot decode say what to re-export: DWA-compressed, multi-part, overscanned or cut-short OpenEXR, BigTIFF, a DPX stored bottom to top', async () => {
    const frame = noiseFrame(W, H, 9);
    const dwaa = join(dir, 'dwaa.exr'), multipart = join(dir, 'multipart.exr'), cut = join(dir, 'cut.exr'), big = join(dir, 'big.tif');
    await writeFile(dwaa, exrFile(frame, 8));
    const overscan = join(dir, 'overscan.exr'), wide = Buffer.from(exrFile(frame));
    // The display window 8 px inside the data window on every side.
    const window = wide.indexOf('displayWindow\0box2i\0') + 'displayWindow\0box2i\0'.length + 4;
    [8, 8, W - 9, H - 9].forEach((v, k) => wide.writeInt32LE(v, window + 4 * k));
    await writeFile(overscan, wide);
    await assertFootageError(() => openFootage(overscan), overscan, /data window is not its display window .*; write the plate with the data window set to the format/);
    const parts = exrFile(frame);
    parts[5] |= 0x10; // version flags: multi-part
    await writeFile(multipart, parts);
    await writeFile(cut, exrFile(frame).subarray(0, 40));
    await writeFile(big, Buffer.from('II+\0\x08\0\0\0', 'latin1'));
    // Stored bottom to top (DPX orientation 2): ffmpeg would hand it over upside down.
    const upsideDown = join(dir, 'upside-down.dpx'), dpx = Buffer.from(dpxFile(frame, 2, (v) => 4 * v));
    dpx.writeUInt16BE(2, 768);
    await writeFile(upsideDown, dpx);
    await assertFootageError(() => openFootage(upsideDown), upsideDown, /a DPX stored turned or mirrored \(orientation 2\), which Autoroto would read flipped; write the plate left to right, top to bottom/);
    // A TIFF turned 180° (Orientation 3): its first directory entry made that tag.
    const png = join(dir, 'turned.png'), turned = join(dir, 'turned.tif');
    await writeRgbPng(png, frame);
    await ffmpeg('-i', png, turned);
    const tiff = await readFile(turned), entry = tiff.readUInt32LE(4) + 2;
    tiff.writeUInt16LE(274, entry);
    tiff.writeUInt16LE(3, entry + 2);
    tiff.writeUInt32LE(1, entry + 4);
    tiff.writeUInt32LE(3, entry + 8);
    await writeFile(turned, tiff);
    await assertFootageError(() => openFootage(turned), turned, /a TIFF stored turned or mirrored \(orientation 3\), which Autoroto would read flipped/);
    await assertFootageError(() => openFootage(dwaa), dwaa, /an OpenEXR compressed with DWAA, which Autoroto cannot decode; write the plate with ZIP, PIZ or no compression/);
    await assertFootageError(() => openFootage(multipart), multipart, /a multi-part or deep OpenEXR/);
    await assertFootageError(() => openFootage(cut), cut, /truncated or corrupt OpenEXR/);
    // Its header whole, its pixels cut off (ffmpeg would decode the missing lines as black), or just the last byte.
    const whole = exrFile(frame);
    for (const [name, length] of [['pixels-cut.exr', whole.length >> 1], ['last-byte-cut.exr', whole.length - 1]] as const) {
      const cutShort = join(dir, name);
      await writeFile(cutShort, whole.subarray(0, length));
      await assertFootageError(() => openFootage(cutShort), cutShort, /truncated OpenEXR \(its pixels are cut short: a partial copy\?\); copy or render the plate again/);
    }
    // A DPX cut short, which ffmpeg refuses when the frame is read.
    const dpxCut = join(dir, 'cut.dpx'), dpxWhole = dpxFile(frame, 2, (v) => 4 * v);
    await writeFile(dpxCut, dpxWhole.subarray(0, dpxWhole.length - 100));
    await assertFootageError(async () => collect((await openFootage(dpxCut)).frames()), dpxCut,
      /a DPX that could not be decoded: corrupt, or of a kind the decoder does not read \(ffmpeg: .+\); export it again/);
    await assertFootageError(() => openFootage(big), big, /a BigTIFF, which Autoroto does not read; save it as a plain TIFF/);
  });

  it('a folder of two image sequences (a plate and its background pass) names both instead of playing one after the other; a pattern picks one', async () => {
    const folder = join(dir, 'two-passes');
    await mkdir(folder);
    const plate = [0, 1, 2, 3].map((f) => noiseFrame(W, H, f)), background = [0, 1, 2].map((f) => noiseFrame(W, H, 10 + f));
    for (const [f, frame] of plate.entries()) await writeRgbPng(join(folder, `plate.${(998 + f).toString().padStart(4, '0')}.png`), frame);
    for (const [f, frame] of background.entries()) await writeRgbPng(join(folder, `plate_bg.${1001 + f}.png`), frame);
    await writeRgbPng(join(folder, 'thumbnail.png'), noiseFrame(W, H, 20));
    await assertFootageError(() => openFootage(folder), folder,
      /holds more than one image sequence: plate\.#\.png \(4 files\), plate_bg\.#\.png \(3 files\); give one of them as a pattern \(.*plate\.####\.png\), or put each in a folder of its own/);

    // As compositing tools name a sequence: the frame number a run of # (padded to as many digits) or printf's %04d.
    for (const name of ['plate.####.png', 'plate.%04d.png']) {
      const footage = await openFootage(join(folder, name));
      assert.deepEqual([footage.kind, footage.frameCount], ['frames', 4]);
      assertSameFrames(await collect(footage.frames()), plate, name);
    }
    assertSameFrames(await collect((await openFootage(join(folder, 'plate_bg.#.png'))).frames({ start: 1, end: 2 })), background.slice(1), 'plate_bg.#.png');
    await assertFootageError(() => openFootage(join(folder, 'plate.#####.png')), join(folder, 'plate.#####.png'),
      /no files of this sequence in .* \(named plate\., then the frame number, padded to 5 digits, then \.png\); check the name and the padding/);
    await rm(join(folder, 'plate.1000.png'));
    await assertFootageError(() => openFootage(join(folder, 'plate.####.png')), join(folder, 'plate.1000.png'),
      /is missing from the sequence plate\.####\.png \(plate\.0998\.png to plate\.1001\.png\)/);
  });

  it('a folder of frames of mixed sizes names both files and their sizes', async () => {
    const folder = join(dir, 'mixed');
    await mkdir(folder);
    for (const i of [0, 1, 3]) await writeRgbPng(join(folder, `${i}.png`), noiseFrame(W, H, i));
    await writeRgbPng(join(folder, '2.png'), noiseFrame(W * 2, H, 2));
    const odd = join(folder, '2.png'), first = join(folder, '0.png');
    const error = await assertFootageError(() => openFootage(folder), odd, /128×48, but the first frame .* is 64×48; every frame in the folder must have the same size/);
    assert.ok(error.message.includes(first), error.message);
  });

  it('an unreadable frame in a folder: not an image (at open), a truncated JPEG (at open), a corrupt PNG (when read)', async () => {
    const folder = join(dir, 'corrupt');
    await mkdir(folder);
    for (const i of [0, 1, 2]) await writeRgbPng(join(folder, `${i}.png`), noiseFrame(W, H, i));
    const fake = join(folder, '3.png');
    await writeFile(fake, 'not a png at all');
    await assertFootageError(() => openFootage(folder), fake, /not a PNG, JPEG, TIFF, DPX or OpenEXR image .*; replace this frame or remove it from the folder/);
    await rm(fake);

    const jpg = join(folder, '3.jpg');
    await ffmpeg('-i', join(folder, '0.png'), jpg);
    const jpeg = await readFile(jpg);
    await writeFile(jpg, jpeg.subarray(0, jpeg.length >> 1));
    await assertFootageError(() => openFootage(folder), jpg, /truncated JPEG .*; replace this frame or remove it from the folder/);
    await rm(jpg);

    // A PNG whose header is fine but whose pixel data is garbage: found when that frame is decoded.
    const broken = join(folder, '1.png');
    const bytes = await readFile(broken);
    bytes.fill(0x5a, 40, bytes.length - 12);
    await writeFile(broken, bytes);
    const footage = await openFootage(folder);
    assert.equal(footage.frameCount, 3);
    assert.equal((await collect(footage.frames({ start: 0, end: 0 }))).length, 1, 'frames before it still read');
    await assertFootageError(() => collect(footage.frames()), broken, /corrupt PNG.*; replace this frame or remove it from the folder/);
  });

  it('a range outside the footage', async () => {
    const footage = await openFootage(clip);
    for (const range of [{ start: 25, end: 30 }, { start: -1, end: 3 }, { start: 5, end: 4 }, { start: 1.5, end: 3 }] as FrameRange[]) {
      await assertFootageError(async () => footage.frames(range), clip, /frames .* asked for, but it has 30 frames \(0-29\)/);
    }
  });
});

describe('synthetic camera move', () => {
  const maps = skyPanMaps();
  const still = { width: SKY_PAN_MOVE.source.width, height: SKY_PAN_MOVE.source.height };
  const corners: [number, number][] = [[0, 0], [640, 0], [0, 360], [640, 360], [320, 180]];

  it('starts where it is told: frame 0 centred on `from` at `zoomFrom`, the last on `to` at `zoomTo`', () => {
    const calm: CameraMoveOptions = { ...SKY_PAN_MOVE, jitter: 0, jitterRoll: 0 };
    const calmMaps = cameraMove(calm);
    const near = (actual: number[], expected: number[]) =>
      assert.ok(actual.every((v, i) => Math.abs(v - expected[i]) < 1e-9), `${actual} ≉ ${expected}`);
    const first = calmMaps[0], last = calmMaps[calmMaps.length - 1];
    near(applyMap(first, 320, 180), [...SKY_PAN_MOVE.from]);
    near([first.a, first.b, first.d, first.e], [1 / 1.5, 0, 0, 1 / 1.5]);
    near(applyMap(last, 320, 180), [...SKY_PAN_MOVE.to]);
    near([last.a, last.b, last.d, last.e], [1 / 1.6, 0, 0, 1 / 1.6]);
    // With jitter, frame 0 is within the jitter of that: 1.5 output px shift, 0.15° roll.
    const [jx, jy] = applyMap(maps[0], 320, 180);
    assert.ok(Math.hypot(jx - SKY_PAN_MOVE.from[0], jy - SKY_PAN_MOVE.from[1]) <= 1.5 * Math.SQRT2 / 1.5 + 1e-9);
    assert.ok(Math.abs(Math.atan2(maps[0].d, maps[0].a)) <= (0.15 * Math.PI) / 180);
  });

  it('is smooth: consecutive frames move each corner by under 2 px, and the motion changes by under 0.25 px per frame', () => {
    for (let f = 1; f < maps.length; f++) {
      for (const [x, y] of corners) {
        const [x0, y0] = applyMap(maps[f - 1], x, y), [x1, y1] = applyMap(maps[f], x, y);
        assert.ok(Math.hypot(x1 - x0, y1 - y0) < 2, `frame ${f}: step ${Math.hypot(x1 - x0, y1 - y0)}`);
        if (f < 2) continue;
        const [xp, yp] = applyMap(maps[f - 2], x, y);
        const jerk = Math.hypot(x1 - 2 * x0 + xp, y1 - 2 * y0 + yp);
        assert.ok(jerk < 0.25, `frame ${f}: acceleration ${jerk}`);
      }
    }
  });

  it('is the same on every run, and the seed changes only the jitter', () => {
    assert.deepEqual(cameraMove(SKY_PAN_MOVE), maps);
    const other = cameraMove({ ...SKY_PAN_MOVE, seed: 8 });
    assert.notDeepEqual(other, maps);
    const [ax, ay] = applyMap(maps[50], 320, 180), [bx, by] = applyMap(other[50], 320, 180);
    assert.ok(Math.hypot(ax - bx, ay - by) < 3 / 1.5);
  });

  it('the sample\'s view stays inside the still on every frame (no edge pixels repeated)', () => {
    for (const [f, map] of maps.entries()) {
      for (const [x, y] of corners) {
        const [sx, sy] = applyMap(map, x, y);
        assert.ok(sx >= 0.5 && sx <= still.width - 0.5 && sy >= 0.5 && sy <= still.height - 0.5, `frame ${f}: (${x}, ${y}) → (${sx}, ${sy})`);
      }
    }
  });

  it('warps: a constant stays that constant, the identity is exact, a hard edge becomes a soft one', () => {
    const constant = { width: 20, height: 10, data: new Float32Array(200).fill(0.37) };
    for (const map of [maps[0], maps[60], { a: 3, b: 1, c: -50, d: -1, e: 2, f: 400 }]) {
      const out = warpMatte(constant, map, 33, 17);
      assert.ok(out.data.every((v) => v === Math.fround(0.37)), 'every pixel, inside the source or beyond its edge');
    }
    const identity: AffineMap = { a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 };
    const image = noiseFrame(21, 13, 3);
    assert.ok(Buffer.from(warpRgb(image, identity, 21, 13).data).equals(Buffer.from(image.data)));

    // Left half sky: shifted by a quarter pixel, the edge pixel is 1/4 sky and the others stay 0 or 1.
    const edge = { width: 8, height: 4, data: new Float32Array(32).map((_, i) => (i % 8 < 4 ? 1 : 0)) };
    const shifted = warpMatte(edge, { ...identity, c: 0.75 }, 8, 4);
    assert.deepEqual([...shifted.data.slice(0, 8)], [1, 1, 1, 0.25, 0, 0, 0, 0]);
    const rgb = warpRgb({ width: 2, height: 1, data: Uint8Array.from([0, 100, 200, 255, 0, 100]) }, { ...identity, c: 0.5 }, 1, 1);
    assert.deepEqual([...rgb.data], [128, 50, 150]);
  });
});
