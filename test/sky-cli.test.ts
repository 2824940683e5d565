/**
 * `autoroto sky`, `segment` and `merge` end to end on the bundled sample clip (a hand-held move over a
 * held-out still, so every frame's true sky is known): the masks match the mattes they were traced
 * from, the mattes match the truth, ranges merged equal one run, and bad input exits 2 naming the
 * file with nothing written. Then the same checks on real sequences of ../shared/data's validation split.
 */
import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readFile, readdir, rm, truncate, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { documentProblems, parseDocument, type RotoDocument } from '../src/core/document.ts';
import { iou, removeSpecks, threshold } from '../src/core/metrics.ts';
import { modelMatteDefaults } from '../src/core/pipeline.ts';
import { renderDocument } from '../src/core/render.ts';
import { readMattePng, writeRgbPng, matteFileName } from '../src/node/png.ts';
import { runFfmpeg } from '../src/node/ffmpeg.ts';
import { SKY_PAN_SAMPLE, skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';
import { applyMap, warpMatte, type AffineMap } from '../src/synthetic/camera-move.ts';
import { DATA_DIR } from '../src/eval/validation.ts';
import { ROOT, cli, expectBadInput, interruptWhen } from './helpers/cli.ts';

const SAMPLE = join(ROOT, 'samples', 'sky-pan.mp4');
/** The shot's first two seconds keep CI quick; merge splits them into two overlapping ranges. */
const LAST = 47;
/** What the model reaches on the sample (matte vs truth, every frame), less a margin. */
const SAMPLE_TRUTH_IOU = 0.98;
/** What the model reaches on CamVid validation frames (mean matte-vs-label IoU, void left out), less a margin. */
const CAMVID_TRUTH_IOU = 0.86;
/** What the model reaches on a Horizon-UAV validation flight (lowest matte-vs-label IoU), less a margin. */
const HORIZON_TRUTH_IOU = 0.98;

let tmp: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'autoroto-sky-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/**
 * How far each vertex of the document's first mask wanders in the scene over its keys: its positions
 * mapped through each frame's camera map (output px → still px), the largest distance between two of
 * them, in output px at the first frame's scale. Vertices within 3 px of the frame edge at some key
 * are left out (the frame edge is no scene feature: vertices there slide along it by design).
 */
function sceneDrift(doc: RotoDocument, maps: AffineMap[]): number[] {
  const { width, height } = doc.source;
  const keys = doc.masks[0].path;
  const scale = 1 / Math.sqrt(Math.abs(maps[0].a * maps[0].e - maps[0].b * maps[0].d));
  const drift: number[] = [];
  keys[0].vertices.forEach((_, v) => {
    const points = keys.map((key) => ({ at: key.vertices[v], map: maps[key.frame] }));
    if (points.some(({ at: [x, y] }) => x < 3 || y < 3 || x > width - 3 || y > height - 3)) return;
    const scene = points.map(({ at: [x, y], map }) => applyMap(map, x, y));
    let spread = 0;
    for (const a of scene) for (const b of scene) spread = Math.max(spread, Math.hypot(a[0] - b[0], a[1] - b[1]));
    drift.push(spread * scale);
  });
  return drift;
}

async function readDoc(dir: string): Promise<RotoDocument> {
  return parseDocument(await readFile(join(dir, 'roto.json'), 'utf8'));
}

describe('autoroto sky on the sample clip', () => {
  let whole: string;
  let doc: RotoDocument;

  it('writes roto.json, sky.jsx, sky.lottie.json, sky.svg, the preview and the mattes', async () => {
    whole = join(tmp, 'whole');
    const run = await cli(['sky', SAMPLE, '--frames', `0-${LAST}`, '--out', whole, '--mattes']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, new RegExp(`^Roto'd ${LAST + 1} frames \\(0-${LAST}\\) of 640×360`));
    assert.match(run.stdout, /network [\d.]+ s/);
    assert.deepEqual((await readdir(whole)).sort(),
      ['contact-sheet.png', 'mattes', 'preview', 'preview.html', 'regions.bin', 'roto.json', 'sky.jsx', 'sky.lottie.json', 'sky.svg']);
    assert.equal((await readdir(join(whole, 'mattes'))).length, LAST + 1);
    const json = JSON.parse(await readFile(join(whole, 'roto.json'), 'utf8')) as unknown;
    assert.deepEqual(documentProblems(json), []);
    doc = json as RotoDocument;
    assert.equal(doc.source.frameCount, SKY_PAN_SAMPLE.frameCount, 'the document knows the whole shot');
    assert.ok(doc.masks.length >= 1 && doc.masks.length <= 3, `${doc.masks.length} masks`);
    for (const mask of doc.masks) {
      assert.ok(mask.path[0].vertices.length <= 40, `${mask.name}: ${mask.path[0].vertices.length} vertices`);
      assert.ok(mask.path.length <= (LAST + 1) / 2, `${mask.name}: ${mask.path.length} keyframes`);
    }
  });

  it('masks match their mattes (IoU ≥ 0.995) and the mattes match the truth, every frame', async () => {
    const still = await readMattePng(join(DATA_DIR, 'horizon_uav', 'masks', `${SKY_PAN_SAMPLE.still}.png`));
    const maps = skyPanMaps();
    let worstRoto = 1, worstTruth = 1;
    for (let f = 0; f <= LAST; f++) {
      const matte = threshold(await readMattePng(join(whole, 'mattes', matteFileName(f))));
      const truth = threshold(warpMatte(still, maps[f], 640, 360));
      worstRoto = Math.min(worstRoto, iou(renderDocument(doc, f), matte));
      worstTruth = Math.min(worstTruth, iou(matte, truth));
    }
    assert.ok(worstRoto >= 0.995, `lowest roto-vs-matte IoU ${worstRoto.toFixed(4)}`);
    assert.ok(worstTruth >= SAMPLE_TRUTH_IOU, `lowest matte-vs-truth IoU ${worstTruth.toFixed(4)}`);
  });

  it('ranges merged give the masks of one run: exactly where the pre-roll reaches the shot start, IoU ≥ 0.999 where not', async () => {
    const a = join(tmp, 'part-a'), b = join(tmp, 'part-b'), c = join(tmp, 'part-c');
    // b overlaps a by 8 frames and warms its stabiliser up on 16 more (from frame 4, not the shot's
    // start): its frames from 28 on carry 24 frames of history instead of one run's 28 or more.
    // c starts at 24 with the default pre-roll of 32, which reaches back to frame 0.
    const runs: Array<[string, string[]]> = [[a, ['--frames', '0-27']], [b, ['--frames', '20-47', '--preroll', '16']], [c, ['--frames', `24-${LAST}`]]];
    for (const [dir, args] of runs) {
      const run = await cli(['sky', SAMPLE, ...args, '--out', dir, '--no-preview', '-q']);
      assert.equal(run.code, 0, run.stderr);
    }
    const partDoc = await readDoc(b);
    assert.equal(partDoc.masks[0].path[0].frame, 20, 'a range keys its own frames, numbered as in the shot');
    const merged = join(tmp, 'merged'), exact = join(tmp, 'merged-exact');
    const run = await cli(['merge', b, a, '--out', merged]);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /part-a \(0-27\), .*part-b \(28-47\) into one document of frames 0-47 of the 96-frame shot /);
    // The parts end before the shot does (this test runs its first two seconds), which a farm task
    // missing from the merge would look like: said on stderr, not refused.
    assert.equal(run.stderr, `autoroto: warning: frames ${LAST + 1}-95 of the 96-frame shot ${SAMPLE} are in none of the parts: ` +
      `the masks hold their last key (frame ${LAST}) there; run that range and merge again if the masks are to follow the sky there\n`);
    const mergedDoc = await readDoc(merged);
    assert.equal(mergedDoc.masks.length, doc.masks.length);
    for (let f = 0; f <= LAST; f++) {
      const score = iou(renderDocument(mergedDoc, f), renderDocument(doc, f));
      assert.ok(score >= 0.999, `frame ${f}: merged vs one run IoU ${score.toFixed(5)}`);
    }
    // Pre-roll from the shot's start: one run's mattes, so one run's masks, up to the float32 points
    // regions.bin keeps (0.002 px measured, after the document's rounding to 0.001).
    assert.equal((await cli(['merge', a, c, '--out', exact])).code, 0);
    const exactDoc = await readDoc(exact);
    assert.deepEqual(exactDoc.masks.map((m) => m.path.map((k) => k.frame)), doc.masks.map((m) => m.path.map((k) => k.frame)));
    exactDoc.masks.forEach((mask, i) => mask.path.forEach((key, j) => {
      const [got, want] = [key.vertices.flat(), doc.masks[i].path[j].vertices.flat()];
      assert.equal(got.length, want.length);
      got.forEach((v, n) => assert.ok(Math.abs(v - want[n]) <= 0.005, `frame ${key.frame}: ${v} vs one run's ${want[n]}`));
    }));
  });

  it('at 1080p over the whole move, vertices stay on their scene features (they do not slide along the skyline)', async (t) => {
    // The sample scaled to 1080p as a camera would record it; the known camera move maps every key's
    // vertices back onto the still, where a vertex that stays on its feature keeps one position.
    const clip = join(tmp, 'sky-pan-1080p.mp4'), dir = join(tmp, 'hd');
    const encoded = await runFfmpeg(['-v', 'error', '-i', SAMPLE, '-vf', 'scale=1920:1080', '-c:v', 'libx264', '-crf', '18', '-pix_fmt', 'yuv420p', '-y', clip]);
    assert.equal(encoded.code, 0);
    const run = await cli(['sky', clip, '--out', dir, '--no-preview', '-q']);
    assert.equal(run.code, 0, run.stderr);
    const hd = await readDoc(dir);
    const drift = sceneDrift(hd, skyPanMaps({ width: 1920, height: 1080 }));
    assert.ok(drift.length >= 5, `${drift.length} vertices off the frame edge`);
    const mean = drift.reduce((sum, d) => sum + d, 0) / drift.length;
    t.diagnostic(`${hd.masks[0].path[0].vertices.length} vertices, ${hd.masks[0].path.length} keys; scene-space drift per vertex (px): ${drift.map((d) => d.toFixed(1)).join(', ')}`);
    // Measured 6.6 px (the camera moves 250 px and zooms 7 %; 8.0 px while the local correction sampled
    // every pixel of the soft outline); following once let vertices slide 200 px on average.
    // (10.4 px until the vertex whose feature leaves the frame went past the edge with it: it slid 46 px
    // along the skyline into the edge's vertex; off the frame it is not measured.)
    assert.ok(mean <= 20, `mean drift ${mean.toFixed(1)} px`);
    // No vertex on top of its neighbour: a sliver of the first frame's matte at the right edge once
    // made two edge corners there, which every later key put on the same point. Measured 23 px.
    const gaps = hd.masks.flatMap((m) => m.path.flatMap((key) => key.vertices.map((v, i) => {
      const next = key.vertices[(i + 1) % key.vertices.length];
      return { frame: key.frame, gap: Math.hypot(next[0] - v[0], next[1] - v[1]) };
    })));
    const closest = gaps.reduce((a, b) => (b.gap < a.gap ? b : a));
    assert.ok(closest.gap >= 4, `neighbouring vertices ${closest.gap.toFixed(2)} px apart at frame ${closest.frame}`);
  });

  it('merge refuses a gap between ranges and a folder without regions.bin', async () => {
    const dir = join(tmp, 'merge-bad');
    await mkdir(dir);
    const late = join(dir, 'late');
    const run = await cli(['sky', SAMPLE, '--frames', '40-44', '--out', late, '--no-preview', '-q']);
    assert.equal(run.code, 0, run.stderr);
    await expectBadInput(dir, ['merge', join(tmp, 'part-a'), late, '--out', join(dir, 'out')], [late, 'frames 28-39 are missing']);
    await expectBadInput(dir, ['merge', join(tmp, 'whole', 'mattes'), '--out', join(dir, 'out')], [join(tmp, 'whole', 'mattes', 'regions.bin')]);
  });
});

/** Validation images of `set` (training/split.csv) whose names pass `pick`, in the split's order. */
async function validationNames(set: string, pick: (name: string) => boolean): Promise<string[]> {
  return (await readFile(join(ROOT, 'training', 'split.csv'), 'utf8')).split('\n')
    .filter((l) => l.startsWith(`${set},`) && l.endsWith(',val')).map((l) => l.split(',')[1]).filter(pick);
}

interface SequenceScores {
  /** Lowest IoU of the masks against the mattes they were traced from (specks out of both). */
  worstRoto: number;
  /** Lowest and mean IoU of the mattes against the human labels (void pixels left out where the set has them). */
  worstTruth: number;
  meanTruth: number;
}

/** `autoroto sky` over `names` of `set` as one frame folder, every frame scored. */
async function skyOnSequence(set: string, names: string[]): Promise<SequenceScores> {
  const frames = join(tmp, set);
  await mkdir(frames);
  for (const [i, name] of names.entries()) await copyFile(join(DATA_DIR, set, 'images', `${name}.jpg`), join(frames, `f${i + 1}.jpg`));
  const out = join(tmp, `${set}-out`);
  const run = await cli(['sky', frames, '--out', out, '--mattes', '--no-preview']);
  assert.equal(run.code, 0, run.stderr);
  const doc = await readDoc(out);
  const { width, height } = doc.source;
  const { minArea } = modelMatteDefaults(width, height);
  const scores = { worstRoto: 1, worstTruth: 1, meanTruth: 0 };
  for (const [f, name] of names.entries()) {
    const soft = await readMattePng(join(out, 'mattes', matteFileName(f)));
    const matte = threshold(soft);
    // Specks and pinholes under the minimum area are left to the feather, so out of both (as in the roto tests).
    scores.worstRoto = Math.min(scores.worstRoto, iou(renderDocument(doc, f), removeSpecks(matte, width, height, minArea, soft.data)));
    const truth = threshold(await readMattePng(join(DATA_DIR, set, 'masks', `${name}.png`)));
    // Only CamVid marks void pixels (its void/ folder).
    const known = set === 'camvid' ? threshold(await readMattePng(join(DATA_DIR, set, 'void', `${name}.png`))) : new Uint8Array(truth.length);
    const score = iou(matte.map((v, i) => (known[i] ? 0 : v)), truth.map((v, i) => (known[i] ? 0 : v)));
    scores.worstTruth = Math.min(scores.worstTruth, score);
    scores.meanTruth += score / names.length;
  }
  return scores;
}

describe('autoroto sky on real sequences from ../shared/data', () => {
  it('a Horizon-UAV validation flight (18 frames, one in ten): masks match mattes (IoU ≥ 0.995), mattes match the labels, every frame', async () => {
    const clip = 'da1-converted-00.06.08.479-00.08.51.651_';
    const names = (await validationNames('horizon_uav', (n) => n.startsWith(clip)))
      .sort((a, b) => Number(a.slice(clip.length)) - Number(b.slice(clip.length)));
    assert.equal(names.length, 18);
    const scores = await skyOnSequence('horizon_uav', names);
    // Measured 0.9975 and 0.988: a tree line along the horizon, 480×480 frames.
    assert.ok(scores.worstRoto >= 0.995, `lowest roto-vs-matte IoU ${scores.worstRoto.toFixed(4)}`);
    assert.ok(scores.worstTruth >= HORIZON_TRUTH_IOU, `lowest matte-vs-label IoU ${scores.worstTruth.toFixed(4)}`);
  });

  it('CamVid validation frames (a drive, one frame a second): masks match mattes, mattes match the labels', async () => {
    const scores = await skyOnSequence('camvid', (await validationNames('camvid', () => true)).slice(0, 6));
    // Not the 0.995 of the sample (0.986 measured): these frames are 480×360, where the 2 px tolerance is
    // 9 px at 1080p, and their sky is small (a seventh to a quarter of the frame) with long ragged tree
    // lines that the masks smooth within the tolerance (at --tolerance 1: 0.990, at 0.5: 0.9925; the
    // traced outlines themselves fill to the despeckled matte at 0.9999). No tolerance reaches 0.995 on
    // every frame: at 0.25 px (2740 vertices for the six frames, against 1021 at 2 px) the lowest is
    // 0.9939, and what differs is 110–220 pixels a frame, nearly all of them single pixels along the
    // boundary whose centres lie within a fraction of a pixel of both mask and outline (pixel-centre
    // sampling of a few thousand px of tree line, against 27,000–46,000 px of sky).
    assert.ok(scores.worstRoto >= 0.983, `lowest roto-vs-matte IoU ${scores.worstRoto.toFixed(4)}`);
    assert.ok(scores.meanTruth >= CAMVID_TRUTH_IOU, `mean matte-vs-label IoU ${scores.meanTruth.toFixed(4)}`);
  });
});

describe('autoroto sky: Ctrl-C', () => {
  it('exits 130 and leaves no partial output', async () => {
    const dir = join(tmp, 'sigint');
    await mkdir(dir);
    const out = join(dir, 'out');
    // Mattes appearing in the temporary folder mean the run is well under way.
    const run = await interruptWhen(['sky', SAMPLE, '--out', out, '--mattes'], async () => {
      const temp = (await readdir(dir)).find((n) => n.startsWith('.autoroto-tmp-'));
      return temp !== undefined && (await readdir(join(dir, temp, 'mattes')).catch(() => [])).length > 2;
    }, 50);
    assert.ok(run.interrupted, 'the run got under way');
    assert.equal(run.code, 130, run.stderr);
    assert.match(run.stderr, /interrupted; nothing was written/);
    assert.deepEqual(await readdir(dir), [], 'no output folder, no temporary folder');
  });
});

describe('autoroto segment', () => {
  it('writes one full-size matte per frame, named by shot frame', async () => {
    const out = join(tmp, 'segment');
    const run = await cli(['segment', SAMPLE, '--frames', '10-12', '--out', out, '-q']);
    assert.equal(run.code, 0, run.stderr);
    assert.deepEqual((await readdir(out)).sort(), ['000010.png', '000011.png', '000012.png']);
    const m = await readMattePng(join(out, '000011.png'));
    assert.deepEqual([m.width, m.height], [640, 360]);
  });

  it('says which numbered frames a folder is missing, on stderr even with -q, and goes on', async () => {
    const frames = join(tmp, 'dropped-frames');
    await mkdir(frames);
    for (const n of [1, 2, 4]) await writeRgbPng(join(frames, `plate.${n}.png`), { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3).fill(200) });
    const run = await cli(['segment', frames, '--out', join(tmp, 'dropped-out'), '-q']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, `autoroto: warning: ${join(frames, 'plate.3.png')} is missing from the frames in ${frames}: read in name order, ` +
      'the frames after a gap come as many frames early as it leaves out, against the sequence as After Effects imports it; ' +
      'render or restore the missing frames if the masks are for that sequence\n');
    assert.equal((await readdir(join(tmp, 'dropped-out'))).length, 3);
  });

  it('says when it read a video deinterlaced, and which field it kept', async () => {
    const clip = join(tmp, 'interlaced.mp4');
    const encode = await runFfmpeg(['-loglevel', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=96x64:r=25', '-frames:v', '3',
      '-vf', 'setfield=bff', '-c:v', 'libx264', '-flags', '+ildct+ilme', '-pix_fmt', 'yuv420p', '-y', clip]);
    assert.equal(encode.code, 0, encode.stderr);
    const run = await cli(['segment', clip, '--out', join(tmp, 'interlaced-out'), '-q']);
    assert.equal(run.code, 0, run.stderr);
    assert.match(run.stdout, /^Segmented 3 frames of 96×64 interlaced \(lower field first, read deinterlaced\) /);
    // --fields, as the layer's Interpret Footage in After Effects may say otherwise.
    const woven = await cli(['segment', clip, '--fields', 'progressive', '--out', join(tmp, 'woven-out'), '-q']);
    assert.equal(woven.code, 0, woven.stderr);
    assert.match(woven.stdout, /^Segmented 3 frames of 96×64 \/.*interlaced\.mp4 in /);
    const bad = await cli(['segment', clip, '--fields', 'odd', '--out', join(tmp, 'odd-out'), '-q']);
    assert.deepEqual([bad.code, bad.stderr], [2, 'autoroto: --fields "odd": must be auto, upper, lower or progressive\n']);
  });
});

describe('autoroto sky and segment: bad input exits 2, names the file, writes nothing', () => {
  let dir: string;
  before(async () => {
    dir = join(tmp, 'bad');
    await mkdir(dir);
  });

  it('a missing file, a text file named .mp4, a truncated video, a 0-frame video', async () => {
    await expectBadInput(dir, ['sky', join(dir, 'nope.mp4'), '--out', join(dir, 'out')], [join(dir, 'nope.mp4')]);
    const text = join(dir, 'notes.mp4');
    await writeFile(text, 'these are my notes, not a video\n');
    await expectBadInput(dir, ['sky', text, '--out', join(dir, 'out')], [text]);
    const cut = join(dir, 'cut.mp4');
    await copyFile(SAMPLE, cut);
    await truncate(cut, 20000);
    await expectBadInput(dir, ['segment', cut, '--out', join(dir, 'out')], [cut, 'truncated']);
    const zero = join(dir, 'zero.mp4');
    await runFfmpeg(['-v', 'error', '-f', 'lavfi', '-i', 'color=c=blue:s=64x48:r=24', '-frames:v', '0', '-c:v', 'libx264', zero]);
    await expectBadInput(dir, ['sky', zero, '--out', join(dir, 'out')], [zero, 'no video frames']);
  });

  it('a 1×1 image and a folder of frames of mixed sizes', async () => {
    const dot = join(dir, 'dot.png');
    await writeRgbPng(dot, { width: 1, height: 1, data: Uint8Array.from([90, 150, 230]) });
    await expectBadInput(dir, ['sky', dot, '--out', join(dir, 'out')], [dot, '1×1 is too small']);
    const mixed = join(dir, 'mixed');
    await mkdir(mixed);
    await writeRgbPng(join(mixed, 'f1.png'), { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) });
    await writeRgbPng(join(mixed, 'f2.png'), { width: 48, height: 32, data: new Uint8Array(48 * 32 * 3) });
    await expectBadInput(dir, ['segment', mixed, '--out', join(dir, 'out')], [join(mixed, 'f2.png'), '48×32']);
  });

  it('the frames\' own folder as the output (its PNG outputs would be frames of the next run), given as a folder or a pattern', async () => {
    const frames = join(dir, 'frames');
    await mkdir(frames);
    for (const name of ['plate.0001.png', 'plate.0002.png']) await writeRgbPng(join(frames, name), { width: 32, height: 32, data: new Uint8Array(32 * 32 * 3) });
    await expectBadInput(dir, ['sky', frames, '--out', frames], [`--out ${frames}`, 'read as frames']);
    await expectBadInput(dir, ['segment', join(frames, 'plate.####.png'), '--out', join(frames, '.')], ['read as frames']);
  });

  it('an output folder that cannot be written, a corrupt model, a range past the end', async () => {
    await writeFile(join(dir, 'file'), 'a file');
    await expectBadInput(dir, ['sky', SAMPLE, '--out', join(dir, 'file', 'out')], [join(dir, 'file', 'out'), 'cannot write']);
    const model = join(dir, 'broken.onnx');
    await writeFile(model, 'not a model');
    await expectBadInput(dir, ['sky', SAMPLE, '--frames', '0-1', '--model', model, '--out', join(dir, 'out')], [model, 'not a usable ONNX sky model']);
    await expectBadInput(dir, ['sky', SAMPLE, '--frames', '90-120', '--out', join(dir, 'out')], ['--frames 90-120', '96 frames']);
  });
});
