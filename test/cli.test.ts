/**
 * The real command line (`node bin/autoroto.js …`, as `npx autoroto` runs it) on small synthetic
 * matte sequences: trace and render succeed and agree with the core; every kind of bad input exits
 * 2 with a one-line message naming the file, no stack trace, and nothing written.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, chmod, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { rotatingBlob, skylinePan } from '../src/synthetic/index.ts';
import { cli, expectBadInput, interruptWhen, snapshot } from './helpers/cli.ts';
import { Progress, clock } from '../src/cli/progress.ts';
import { readMattePng, writeMattePng, matteFileName } from '../src/node/png.ts';
import { documentProblems, parseDocument, type RotoDocument } from '../src/core/document.ts';
import { renderDocument } from '../src/core/render.ts';
import { iou, threshold } from '../src/core/metrics.ts';

const W = 320, H = 180, FRAMES = 12;

let tmp: string;
/** The good sequence: m1.png … m12.png (natural order differs from plain order) plus notes.txt. */
let mattes: string;
const matteName = (f: number) => `m${f + 1}.png`;

before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'autoroto-cli-'));
  mattes = join(tmp, 'mattes');
  await mkdir(mattes);
  const scene = rotatingBlob({ width: W, height: H, frameCount: FRAMES });
  for (let f = 0; f < FRAMES; f++) await writeMattePng(join(mattes, matteName(f)), scene.matte(f));
  await writeFile(join(mattes, 'notes.txt'), 'not a matte: ignored\n');
});

after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A copy of the good folder, changed by `edit`, in a fresh case folder; returns the case folder. */
async function caseWith(name: string, edit: (dir: string) => Promise<void>): Promise<{ dir: string; input: string }> {
  const dir = join(tmp, name);
  const input = join(dir, 'mattes');
  await mkdir(input, { recursive: true });
  for (const f of await readdir(mattes)) await copyFile(join(mattes, f), join(input, f));
  await edit(input);
  return { dir, input };
}

/** Runs `args`, expecting exit 2 with a message naming `names`, no stack, and `dir` untouched. */
describe('autoroto trace and render', () => {
  let out: string;
  let doc: RotoDocument;

  it('traces a folder of mattes into roto.json, sky.jsx, sky.lottie.json and sky.svg (exit 0)', async () => {
    out = join(tmp, 'good', 'out');
    const run = await cli(['trace', mattes, '--out', out]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Traced 12 frames of 320×180 mattes/);
    assert.match(run.stdout, /mask/);
    assert.equal(run.stderr, '', 'no progress when stderr is not a terminal');
    assert.deepEqual((await readdir(out)).sort(), ['roto.json', 'sky.jsx', 'sky.lottie.json', 'sky.svg']);
    const json = JSON.parse(await readFile(join(out, 'roto.json'), 'utf8')) as unknown;
    assert.deepEqual(documentProblems(json), []);
    doc = parseDocument(await readFile(join(out, 'roto.json'), 'utf8'));
    assert.equal(doc.source.path, mattes);
    assert.deepEqual([doc.source.width, doc.source.height, doc.source.frameCount, doc.source.frameRate], [W, H, FRAMES, 24]);
    assert.ok(doc.masks.length >= 1);
    assert.match(await readFile(join(out, 'sky.jsx'), 'utf8'), /Autoroto Sky/);
    const lottie = JSON.parse(await readFile(join(out, 'sky.lottie.json'), 'utf8')) as { w: number; h: number };
    assert.deepEqual([lottie.w, lottie.h], [W, H]);
    assert.match(await readFile(join(out, 'sky.svg'), 'utf8'), /^<svg[^>]*width="320"/);
    assert.deepEqual((await readdir(dirname(out))).filter((n) => n.startsWith('.autoroto')), [], 'no temporary folder left');
  });

  it('takes the mattes in natural name order and follows them closely', async () => {
    for (let f = 0; f < FRAMES; f++) {
      const matte = await readMattePng(join(mattes, matteName(f)));
      const score = iou(renderDocument(doc, f), threshold(matte));
      assert.ok(score > 0.98, `frame ${f} (${matteName(f)}): IoU ${score}`);
    }
  });

  it('takes --frame-rate, --tolerance, --min-area, --svg-frame and --quiet', async () => {
    const out2 = join(tmp, 'good', 'out-options');
    const run = await cli(['trace', mattes, '--out', out2, '--frame-rate', '30', '--tolerance', '2', '--min-area', '10',
      '--svg-frame', '11', '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '', 'nothing on stderr with --quiet');
    assert.match(run.stdout, /tolerance 2 px/);
    assert.match(run.stdout, /frame 11/);
    const doc2 = parseDocument(await readFile(join(out2, 'roto.json'), 'utf8'));
    assert.equal(doc2.source.frameRate, 30);
  });

  it('says which numbered mattes the folder is missing, on stderr even with --quiet, and traces the rest', async () => {
    const { dir, input } = await caseWith('dropped', async (folder) => {
      await rm(join(folder, matteName(4)));
      await rm(join(folder, matteName(5)));
    });
    const run = await cli(['trace', input, '--out', join(dir, 'out'), '--quiet']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stderr, new RegExp(`^autoroto: warning: ${join(input, 'm5\\.png')} to ${join(input, 'm6\\.png')} \\(2 frames\\) are missing from the frames in `));
    assert.equal(run.stderr.split('\n').length, 2, 'one line');
    assert.equal(parseDocument(await readFile(join(dir, 'out', 'roto.json'), 'utf8')).source.frameCount, FRAMES - 2);
  });

  it('renders roto.json into mattes that match renderDocument (exit 0)', async () => {
    const rendered = join(tmp, 'good', 'rendered');
    const run = await cli(['render', join(out, 'roto.json'), '--out', rendered]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Rendered 12 frames/);
    const names = (await readdir(rendered)).sort();
    assert.deepEqual(names, Array.from({ length: FRAMES }, (_, f) => matteFileName(f)));
    for (let f = 0; f < FRAMES; f++) {
      const matte = await readMattePng(join(rendered, names[f]));
      assert.deepEqual([matte.width, matte.height], [W, H]);
      for (const v of matte.data) assert.ok(v === 0 || v === 1, 'pure 0/255 mattes');
      assert.deepEqual(threshold(matte), renderDocument(doc, f), `frame ${f}`);
    }
  });

  it('replaces its own files in an existing output folder and keeps the others', async () => {
    await writeFile(join(out, 'keep.txt'), 'mine');
    const run = await cli(['trace', mattes, '--out', out, '-q']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await readdir(out)).sort(), ['keep.txt', 'roto.json', 'sky.jsx', 'sky.lottie.json', 'sky.svg']);
  });

  it('answers --help for every command', async () => {
    const help = await cli(['--help']);
    assert.equal(help.code, 0);
    for (const command of ['trace', 'render', 'sky', 'segment', 'merge']) assert.match(help.stdout, new RegExp(`\\n  ${command} `));
    const traceHelp = await cli(['trace', '--help']);
    assert.equal(traceHelp.code, 0);
    assert.match(traceHelp.stdout, /--min-area/);
    const skyHelp = await cli(['sky', '--help']);
    assert.equal(skyHelp.code, 0);
    assert.match(skyHelp.stdout, /--frames <a-b>/);
    assert.match((await cli(['merge', '--help'])).stdout, /regions\.bin/);
  });
});

describe('autoroto: bad input exits 2, names the file, writes nothing', () => {
  it('a missing mattes folder', async () => {
    const dir = join(tmp, 'missing');
    await mkdir(dir);
    await expectBadInput(dir, ['trace', join(dir, 'nope'), '--out', join(dir, 'out')], [join(dir, 'nope'), 'no such folder']);
  });

  it('a file instead of a mattes folder', async () => {
    const dir = join(tmp, 'file-input');
    await mkdir(dir);
    await writeFile(join(dir, 'a.png'), 'x');
    await expectBadInput(dir, ['trace', join(dir, 'a.png'), '--out', join(dir, 'out')], [join(dir, 'a.png'), 'not a folder']);
  });

  it('a folder with no PNGs', async () => {
    const dir = join(tmp, 'empty');
    await mkdir(join(dir, 'mattes'), { recursive: true });
    await writeFile(join(dir, 'mattes', 'notes.txt'), 'nothing here');
    await expectBadInput(dir, ['trace', join(dir, 'mattes'), '--out', join(dir, 'out')], [join(dir, 'mattes'), 'no PNG']);
  });

  it('a .png that is really text', async () => {
    const { dir, input } = await caseWith('text-png', (d) => writeFile(join(d, 'frame.png'), 'hello, I am text'));
    await expectBadInput(dir, ['trace', input, '--out', join(dir, 'out')], [join(input, 'frame.png'), 'not a PNG']);
  });

  it('a truncated PNG found only when decoding, after other frames were traced', async () => {
    const { dir, input } = await caseWith('truncated', async (d) => {
      const bytes = await readFile(join(d, matteName(FRAMES - 1)));
      await writeFile(join(d, matteName(FRAMES - 1)), bytes.subarray(0, Math.floor(bytes.length / 2)));
    });
    await expectBadInput(dir, ['trace', input, '--out', join(dir, 'out')], [join(input, matteName(FRAMES - 1)), 'corrupt']);
  });

  it('mattes of mixed sizes (the odd one is named)', async () => {
    const { dir, input } = await caseWith('mixed', (d) =>
      writeMattePng(join(d, matteName(5)), rotatingBlob({ width: 160, height: 90, frameCount: FRAMES }).matte(5)));
    const run = await expectBadInput(dir, ['trace', input, '--out', join(dir, 'out')], [join(input, matteName(5)), '160×90', '320×180']);
    assert.doesNotMatch(run.stderr, /trace +\d+\//, 'sizes are checked before any work');
  });

  it('a JPEG or a TIFF among the mattes', async () => {
    const { dir, input } = await caseWith('jpeg', (d) => writeFile(join(d, 'm13.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0])));
    await expectBadInput(dir, ['trace', input, '--out', join(dir, 'out')], [join(input, 'm13.jpg'), 'a JPEG among the mattes', 'PNG']);
    const tiff = await caseWith('tiff', (d) => writeFile(join(d, 'm13.tif'), Buffer.from('II*\0', 'latin1')));
    await expectBadInput(tiff.dir, ['trace', tiff.input, '--out', join(tiff.dir, 'out')], [join(tiff.input, 'm13.tif'), 'a TIFF among the mattes', 'PNG']);
  });

  it('--svg-frame past the last frame, and bad numbers', async () => {
    const dir = join(tmp, 'options');
    await mkdir(dir);
    await expectBadInput(dir, ['trace', mattes, '--out', join(dir, 'out'), '--svg-frame', '12'], ['--svg-frame 12']);
    await expectBadInput(dir, ['trace', mattes, '--out', join(dir, 'out'), '--tolerance', 'abc'], ['--tolerance']);
    await expectBadInput(dir, ['trace', mattes, '--out', join(dir, 'out'), '--frame-rate', '0'], ['--frame-rate']);
    await expectBadInput(dir, ['trace', mattes, '--out', join(dir, 'out'), '--bogus'], ['--bogus']);
    await expectBadInput(dir, ['trace', mattes], ['--out']);
  });

  it('an output path that is an existing file (trace and render)', async () => {
    const dir = join(tmp, 'out-file');
    await mkdir(dir);
    await writeFile(join(dir, 'out'), 'a file');
    await expectBadInput(dir, ['trace', mattes, '--out', join(dir, 'out')], [join(dir, 'out'), 'existing file']);
    await writeFile(join(dir, 'roto.json'), await readFile(join(tmp, 'good', 'out', 'roto.json')));
    await expectBadInput(dir, ['render', join(dir, 'roto.json'), '--out', join(dir, 'out')], [join(dir, 'out'), 'existing file']);
  });

  it('an output path that cannot be written', async () => {
    const dir = join(tmp, 'out-unwritable');
    await mkdir(dir);
    await writeFile(join(dir, 'file'), 'a file');
    // Under a file: no one can write there.
    await expectBadInput(dir, ['trace', mattes, '--out', join(dir, 'file', 'out')], [join(dir, 'file', 'out'), 'cannot write']);
    if (process.getuid?.() !== 0) { // root writes anywhere
      await mkdir(join(dir, 'locked'));
      await chmod(join(dir, 'locked'), 0o555);
      try {
        await expectBadInput(dir, ['trace', mattes, '--out', join(dir, 'locked', 'out')], [join(dir, 'locked', 'out'), 'permission denied']);
      } finally {
        await chmod(join(dir, 'locked'), 0o755);
      }
    }
  });

  it('a missing, non-JSON or invalid roto.json', async () => {
    const dir = join(tmp, 'bad-doc');
    await mkdir(dir);
    await expectBadInput(dir, ['render', join(dir, 'roto.json'), '--out', join(dir, 'out')], [join(dir, 'roto.json'), 'no such file']);
    await writeFile(join(dir, 'text.json'), 'this is not JSON');
    await expectBadInput(dir, ['render', join(dir, 'text.json'), '--out', join(dir, 'out')], [join(dir, 'text.json'), 'not JSON']);
    await writeFile(join(dir, 'wrong.json'), JSON.stringify({ format: 'autoroto.roto/1', source: { path: 'x', width: 0 }, masks: [] }));
    await expectBadInput(dir, ['render', join(dir, 'wrong.json'), '--out', join(dir, 'out')], [join(dir, 'wrong.json'), 'not a valid autoroto.roto/1 document']);
    await expectBadInput(dir, ['render', dir, '--out', join(dir, 'out')], [dir, 'is a folder']);
  });
});

describe('autoroto trace: Ctrl-C', () => {
  it('exits 130 and leaves nothing behind', async () => {
    const dir = join(tmp, 'sigint');
    const input = join(dir, 'mattes');
    await mkdir(input, { recursive: true });
    const frames = 40;
    const scene = skylinePan({ width: 960, height: 540, frameCount: frames });
    const buffer = new Float32Array(960 * 540);
    for (let f = 0; f < frames; f++) await writeMattePng(join(input, matteFileName(f)), scene.matte(f, buffer));
    const before = await snapshot(dir);
    // The temporary folder beside the output means work is under way.
    const run = await interruptWhen(['trace', input, '--out', join(dir, 'out', 'nested')],
      async () => (await readdir(join(dir, 'out'))).some((n) => n.startsWith('.autoroto-tmp-')), 20);
    assert.ok(run.interrupted, `temporary folder seen: ${run.stderr}`);
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /interrupted/);
    assert.deepEqual(await snapshot(dir), before, 'no output, no temporary folder, no parent folder made');
  });
});

describe('progress on a terminal', () => {
  it('draws a bar with frames, rate and time left, and nothing when stderr is not a terminal', () => {
    const written: string[] = [];
    const tty = new Progress('segment', 120, { isTTY: true, write: (t: string) => written.push(t) });
    const start = performance.now();
    tty.update(30);
    assert.equal(written.length, 1);
    // 30 of 120 frames after 10 s: 3 fps, 30 s left.
    assert.match(tty.line(start + 10_000), /^segment \[#####-{15}\]  30\/120 frames  3\.0 fps  ETA 0:30$/);
    assert.equal(clock(3725), '1:02:05');
    const piped: string[] = [];
    const pipe = new Progress('segment', 120, { isTTY: false, write: (t: string) => piped.push(t) });
    pipe.update(60);
    pipe.finish();
    assert.deepEqual(piped, []);
  });
});
