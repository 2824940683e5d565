/**
 * Autoroto benchmark: `npm run bench` (node --import tsx --expose-gc bench/run.ts).
 *
 *   1. trace + fit + track ms/frame through RotoBuilder at 1080p and 4K (synthetic skyline pan, 48 frames),
 *      and at 1080p over a 240-frame (10 s) pan of the same scene, plus trace alone and fit + track alone,
 *      and finish() for the shot;
 *   2. potrace (npm) on the same mattes, and the ratio potrace / ours;
 *   3. memory over a 200- and a 2000-frame 1080p shot, each in its own process;
 *   4. the sky parts (sky.ts): the model in onnxruntime-web vs onnxruntime-node, refinement and resize
 *      at 1080p and 4K, `autoroto sky` end to end on a 10 s 1080p clip, and its peak RSS over 240 vs
 *      2400 frames;
 *   5. with --webgpu (webgpu.ts): the segment stage on WebGPU (Dawn in Node) against WASM at 1080p, where
 *      a GPU gives Dawn an adapter (without one, only the WASM rows).
 *
 * Flags: --quick (a few frames: smoke run, writes results/quick.json), --long-frames N (default 2000),
 * --memory-scenes a,b (skylinePan, rotatingBlob; default both), --memory-timeout S (seconds any child
 * process may run; default 1200), --no-potrace, --no-memory, --out NAME (writes results/NAME.json instead).
 * Sky parts: --no-sky (all of them), --no-model, --no-refine, --no-e2e, --no-sky-memory,
 * --model-frames N (30), --model-threads 1,2, --e2e-frames N (240), --e2e-size WxH (1920x1080),
 * --e2e-preview both|on|off (both), --sky-memory-size WxH (640x360), --sky-memory-frames SHORT,LONG (240,2400);
 * --webgpu, --webgpu-frames N (48).
 * Results: a table on stdout, everything in bench/results/latest.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_MODEL_PATH } from '../src/node/model.ts';
import { skylinePan } from '../src/synthetic/index.ts';
import { measureOurs, type OursResult } from './ours.ts';
import { measurePotrace, type PotraceResult } from './potrace.ts';
import type { MemoryResult } from './memory-child.ts';
import { fileFingerprint, sourceFingerprint } from './fingerprint.ts';
import { GOAL_WEB_OVER_NODE } from './model-speed.ts';
import { measureSkyParts, skyFingerprints, skyRows, type SkyBenchConfig } from './sky.ts';
import { parseSize } from './sky-move.ts';
import { GOAL_SECONDS_PER_240 } from './sky-e2e.ts';
import { runJsonChild } from './child.ts';
import { GOAL_BACKEND_IOU, GOAL_WEBGPU_FPS, measureWebgpu, webgpuRows, type WebgpuRun } from './webgpu.ts';
import { markdownTable, mb, ms, yes, type Row } from './format.ts';
import { MB, rounded, slopePer1000Frames } from './stats.ts';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const has = (name: string): boolean => args.includes(name);
function numberFlag(name: string, fallback: number): number {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return fallback;
  const raw = args[i].includes('=') ? args[i].slice(name.length + 1) : args[i + 1];
  const value = Number(raw);
  if (!(Number.isInteger(value) && value > 0)) throw new RangeError(`${name} needs a positive integer, got ${raw}`);
  return value;
}

function listFlag(name: string, fallback: string[]): string[] {
  const i = args.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return fallback;
  return (args[i].includes('=') ? args[i].slice(name.length + 1) : args[i + 1] ?? '').split(',').filter(Boolean);
}

const MEMORY_SCENE_NAMES = ['skylinePan', 'rotatingBlob'];
const quick = has('--quick');
const config = {
  quick,
  warmup: quick ? 1 : 3,
  /** Both resolutions render the same 48-frame shot (same motion per frame); 4K times its first frames. */
  sceneFrames: 48,
  frames1080: quick ? 6 : 48,
  /** A 10 s shot at 24 fps: finish() grows with the shot, so its per-frame share is measured on a real length too. */
  longPanFrames: quick ? 12 : 240,
  frames4k: quick ? 3 : 16,
  potraceFrames1080: quick ? 3 : 48,
  potraceFrames4k: quick ? 2 : 16,
  shortFrames: quick ? 20 : 200,
  longFrames: numberFlag('--long-frames', quick ? 100 : 2000),
  /** Seconds a memory child may run (stream + finish) before it is stopped. */
  memoryTimeout: numberFlag('--memory-timeout', 1200),
  memoryScenes: listFlag('--memory-scenes', MEMORY_SCENE_NAMES),
  potrace: !has('--no-potrace'),
  memory: !has('--no-memory'),
};

const E2E_PREVIEWS: Record<string, boolean[]> = { both: [true, false], on: [true], off: [false] };
const e2ePreview = listFlag('--e2e-preview', [quick ? 'on' : 'both'])[0];
if (!(e2ePreview in E2E_PREVIEWS)) throw new RangeError(`--e2e-preview takes both, on or off, not ${e2ePreview}`);
const [memoryShort, memoryLong] = listFlag('--sky-memory-frames', quick ? ['12', '48'] : ['240', '2400']).map(Number);
if (!(Number.isInteger(memoryShort) && Number.isInteger(memoryLong) && memoryShort > 0 && memoryLong >= memoryShort)) {
  throw new RangeError('--sky-memory-frames takes SHORT,LONG frame counts, like 240,2400');
}
const noSky = has('--no-sky');
const sky: SkyBenchConfig = {
  model: !noSky && !has('--no-model'),
  refine: !noSky && !has('--no-refine'),
  e2e: !noSky && !has('--no-e2e'),
  memory: !noSky && !has('--no-sky-memory'),
  modelFrames: numberFlag('--model-frames', quick ? 3 : 30),
  modelWarmup: quick ? 1 : 5,
  modelThreads: listFlag('--model-threads', ['1', '2']).map(Number),
  refineSizes: [{ size: { width: 1920, height: 1080 }, frames: quick ? 3 : 20 }, { size: { width: 3840, height: 2160 }, frames: quick ? 2 : 10 }],
  refineWarmup: quick ? 1 : 3,
  e2eSize: parseSize(listFlag('--e2e-size', ['1920x1080'])[0]),
  e2eFrames: numberFlag('--e2e-frames', quick ? 12 : 240),
  e2ePreviews: E2E_PREVIEWS[e2ePreview],
  memorySize: parseSize(listFlag('--sky-memory-size', ['640x360'])[0]),
  memoryFrames: { short: memoryShort, long: memoryLong },
  timeoutSeconds: config.memoryTimeout,
};

const GOAL_MS_1080 = 5;
const GOAL_RATIO = 3;
/** "Flat": peak RSS of the long shot within 10% of the short shot's. */
const GOAL_FLAT_SHARE = 0.1;

const log = (line: string): void => { process.stderr.write(`${line}\n`); };

for (const name of config.memoryScenes) {
  if (!MEMORY_SCENE_NAMES.includes(name)) throw new RangeError(`--memory-scenes: unknown scene ${name} (${MEMORY_SCENE_NAMES.join(', ')})`);
}

/** One memory run in its own process; a run past `--memory-timeout` seconds is killed and reports its stream only. */
function runMemoryChild(scene: string, frames: number): Promise<MemoryResult> {
  return runJsonChild<MemoryResult>('memory-child.ts',
    ['--scene', scene, '--frames', String(frames), '--scene-frames', String(Math.max(config.longFrames, frames))],
    { timeoutSeconds: config.memoryTimeout, label: `memory ${scene} ${frames} frames`, log });
}

/** Slope of the RSS samples (one per 50 frames) over the second half of a run, MB per 1000 frames. */
function lateSlope(r: MemoryResult): number {
  const samples = r.rssSamples.map((rss, i) => ({ frame: Math.min(r.frames, (i + 1) * 50), value: rss / MB }));
  return slopePer1000Frames(samples, r.frames / 2);
}

async function main(): Promise<void> {
  if (!globalThis.gc) log('note: run with --expose-gc (npm run bench does) for gc between passes');
  const started = performance.now();
  const environment = {
    date: new Date().toISOString(),
    node: process.version,
    cpu: cpus()[0]?.model ?? 'unknown',
    cores: cpus().length,
    memoryGB: totalmem() / 1024 ** 3,
    /** Hash of src/ at the start; each memory child records its own (others may edit src/ meanwhile). */
    source: sourceFingerprint(),
    /** Hash of models/sky.onnx at the start; each sky child records its own (training may replace it). */
    model: fileFingerprint(DEFAULT_MODEL_PATH),
    loadavgBefore: loadavg(),
  };
  log(`autoroto bench${quick ? ' (quick)' : ''}: ${environment.cores} × ${environment.cpu}, node ${environment.node}, load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`);

  const scene1080 = skylinePan({ width: 1920, height: 1080, frameCount: config.sceneFrames });
  const scene4k = skylinePan({ width: 3840, height: 2160, frameCount: config.sceneFrames });

  log(`ours 1080p: ${config.frames1080} frames…`);
  const ours1080 = measureOurs(scene1080, config.frames1080, config.warmup);
  log(`ours 1080p, ${config.longPanFrames}-frame pan…`);
  const oursLong = measureOurs(skylinePan({ width: 1920, height: 1080, frameCount: config.longPanFrames }), config.longPanFrames, config.warmup);
  log(`ours 4K: ${config.frames4k} frames…`);
  const ours4k = measureOurs(scene4k, config.frames4k, config.warmup);

  let potrace1080: PotraceResult | undefined, potrace4k: PotraceResult | undefined;
  if (config.potrace) {
    log(`potrace 1080p: ${config.potraceFrames1080} frames…`);
    potrace1080 = await measurePotrace(scene1080, config.potraceFrames1080, config.warmup);
    log(`potrace 4K: ${config.potraceFrames4k} frames…`);
    potrace4k = await measurePotrace(scene4k, config.potraceFrames4k, Math.min(config.warmup, 1));
  }

  const memory: Record<string, { short: MemoryResult; long: MemoryResult }> = {};
  if (config.memory) {
    for (const scene of config.memoryScenes) {
      log(`memory ${scene}: ${config.shortFrames} frames (child process)…`);
      const short = await runMemoryChild(scene, config.shortFrames);
      log(`memory ${scene}: ${config.longFrames} frames (child process)…`);
      const long = await runMemoryChild(scene, config.longFrames);
      log(`  ${config.longFrames} frames streamed in ${long.streamSeconds.toFixed(1)} s, finish() ${long.finishSeconds === undefined ? 'stopped' : `${long.finishSeconds.toFixed(1)} s`}`);
      memory[scene] = { short, long };
    }
  }
  const skyResult = await measureSkyParts(sky, log);
  let webgpu: WebgpuRun | undefined;
  if (has('--webgpu')) {
    log('WebGPU: the segment stage on Dawn and on WASM (webgpu.ts)');
    webgpu = await measureWebgpu(join(here, 'results', 'tmp', 'webgpu'), ['--frames', String(numberFlag('--webgpu-frames', quick ? 4 : 48))]);
  }
  const skySeen = skyFingerprints(skyResult);
  const sources = new Set([environment.source, sourceFingerprint(), ...Object.values(memory).flatMap((m) => [m.short.source, m.long.source]), ...skySeen.sources]);
  if (sources.size > 1) log(`WARNING: src/ changed during the run (${[...sources].join(', ')}): parts measured different code`);
  const models = new Set([environment.model, fileFingerprint(DEFAULT_MODEL_PATH), ...skySeen.models]);
  if (models.size > 1) log(`WARNING: models/sky.onnx changed during the run (${[...models].join(', ')}): parts measured different models`);

  // The table.
  const rows: Row[] = [];
  const oursRow = (label: string, r: OursResult, goal: boolean): void => {
    rows.push([
      `ours ${label} trace+fit+track ms/frame (${r.frames} fr)`,
      `median ${ms(r.perFrame.median)}, p95 ${ms(r.perFrame.p95)}`,
      goal ? `≤ ${GOAL_MS_1080}` : '—',
      goal ? yes(r.perFrame.median <= GOAL_MS_1080) : '',
    ]);
    rows.push([`  addMatte alone (wall / cpu)`, `median ${ms(r.addMatte.median)} / ${ms(r.addMatteCpu.median)}`, '', '']);
    rows.push([`  trace alone`, `median ${ms(r.trace.median)}, p95 ${ms(r.trace.p95)}`, '', '']);
    rows.push([`  fit+track alone`, `median ${ms(r.track.median)}, p95 ${ms(r.track.p95)}`, '', '']);
    rows.push([`  finish() for the shot (wall / cpu)`, `${ms(r.finishMs)} / ${ms(r.finishCpuMs)} ms (${ms(r.finishMs / r.frames)}/frame)`, '', '']);
    rows.push([`  finish() again, JIT warm (wall)`, `${ms(r.finishAgainMs)} ms (${ms(r.finishAgainMs / r.frames)}/frame)`, '', '']);
  };
  oursRow('1080p', ours1080, true);
  oursRow(`1080p ${config.longPanFrames}-frame pan`, oursLong, true);
  oursRow('4K', ours4k, false);
  const ratioRows = (label: string, p: PotraceResult | undefined, o: OursResult): void => {
    if (!p) return;
    rows.push([`potrace ${label} ms/frame (${p.frames} fr)`, `core ${ms(p.core.median)} (p95 ${ms(p.core.p95)}); +PNG decode ${ms(p.total.median)}`, '', '']);
    rows.push([`  decode / luminance / trace`, `${ms(p.decode.median)} / ${ms(p.luminance.median)} / ${ms(p.trace.median)}`, '', '']);
    const ratio = p.core.median / o.perFrame.median;
    rows.push([`potrace/ours ${label} (core; with decode)`, `${ratio.toFixed(1)}×; ${(p.total.median / o.perFrame.median).toFixed(1)}×`, `≥ ${GOAL_RATIO}×`, yes(ratio >= GOAL_RATIO)]);
  };
  ratioRows('1080p', potrace1080, ours1080);
  ratioRows('4K', potrace4k, ours4k);
  for (const [scene, { short: s, long: l }] of Object.entries(memory)) {
    const growth = l.rssPeakSampled - s.rssPeakSampled;
    const extra = l.frames - s.frames;
    rows.push([`${scene}: peak RSS, sampled /50 fr (${s.frames} → ${l.frames} fr)`, `${mb(s.rssPeakSampled)} → ${mb(l.rssPeakSampled)} MB (+${mb(growth)})`,
      `flat (≤ +${GOAL_FLAT_SHARE * 100}%)`, yes(growth <= GOAL_FLAT_SHARE * s.rssPeakSampled)]);
    rows.push([`  RSS slope, 2nd half of ${l.frames} fr`, `${lateSlope(l).toFixed(1)} MB per 1000 frames`, '', '']);
    rows.push([`  max RSS (kernel high-water)`, `${mb(s.maxRss)} → ${mb(l.maxRss)} MB (+${mb(l.maxRss - s.maxRss)})`, '', '']);
    const retainedS = s.retained.heapUsed + s.retained.arrayBuffers, retainedL = l.retained.heapUsed + l.retained.arrayBuffers;
    rows.push([`  heap+arrayBuffers after gc`, `${mb(retainedS)} → ${mb(retainedL)} MB (+${mb(retainedL - retainedS)}, ${((retainedL - retainedS) / extra / 1024).toFixed(1)} KB/frame)`, '', '']);
    rows.push([`  heapUsed after gc`, `${mb(s.retained.heapUsed)} → ${mb(l.retained.heapUsed)} MB (+${mb(l.retained.heapUsed - s.retained.heapUsed)})`, '', '']);
    if (s.tracks && l.tracks) {
      const per = (t: NonNullable<MemoryResult['tracks']>): string => (t.shapeVertices / Math.max(1, t.shapes)).toFixed(0);
      const outlines = `outlines ${mb(s.tracks.outlineBytes)} → ${mb(l.tracks.outlineBytes)} MB`;
      if (l.tracks.shapes > 0) rows.push([`  vertices per stored shape (mean)`, `${per(s.tracks)} → ${per(l.tracks)}; ${outlines}`, '', '']);
      else rows.push([`  stored per frame`, `${outlines} (no shapes kept per frame)`, '', '']);
    }
    const afterFinish = (r: MemoryResult): string => (r.afterFinish ? mb(r.afterFinish.heapUsed + r.afterFinish.arrayBuffers) : '?');
    rows.push([`  after finish(), doc alive`, `${afterFinish(s)} → ${afterFinish(l)} MB; max RSS ${s.maxRssAfterFinish === undefined ? '?' : mb(s.maxRssAfterFinish)} → ${l.maxRssAfterFinish === undefined ? '?' : mb(l.maxRssAfterFinish)} MB`, '', '']);
    const finished = (r: MemoryResult): string => (r.finishSeconds === undefined ? `finish() stopped after ${config.memoryTimeout} s in all` : `finish() ${r.finishSeconds.toFixed(1)} s; ${r.keyframes?.join('+')} keyframes`);
    rows.push([`  ${s.frames}-frame run time`, `stream ${s.streamSeconds.toFixed(1)} s, ${finished(s)}`, '', '']);
    rows.push([`  ${l.frames}-frame run time`, `stream ${l.streamSeconds.toFixed(1)} s, ${finished(l)}`, '', '']);
    rows.push([`  addMatte first / last 200 fr`, `median ${ms(l.addMatteFirst.median)} / ${ms(l.addMatteLast.median)} ms`, '', '']);
  }

  rows.push(...skyRows(skyResult, GOAL_FLAT_SHARE));
  if (webgpu) rows.push(...webgpuRows(webgpu));

  process.stdout.write(`\n${markdownTable(rows)}\n`);

  const results = rounded({
    environment: { ...environment, sourcesSeen: [...sources], modelsSeen: [...models], loadavgAfter: loadavg(), seconds: (performance.now() - started) / 1000 },
    config: { ...config, sky },
    goals: { msPerFrame1080: GOAL_MS_1080, potraceRatio: GOAL_RATIO, flatRssShare: GOAL_FLAT_SHARE, modelWebOverNode: GOAL_WEB_OVER_NODE, skySecondsPer240Frames: GOAL_SECONDS_PER_240, webgpuFps: GOAL_WEBGPU_FPS, webgpuVsWasmIou: GOAL_BACKEND_IOU },
    ours: { '1080p': ours1080, '1080pLongPan': oursLong, '4k': ours4k },
    potrace: { '1080p': potrace1080, '4k': potrace4k },
    memory,
    sky: skyResult,
    webgpu,
    table: rows.map(([metric, value, goal, met]) => ({ metric: metric.trim(), value, goal, met })),
  });
  const name = listFlag('--out', [quick ? 'quick' : 'latest'])[0].replace(/\.json$/, '');
  if (!/^[\w.-]+$/.test(name)) throw new RangeError(`--out takes a file name, got ${name}`);
  const out = join(here, 'results', `${name}.json`);
  await mkdir(dirname(out), { recursive: true });
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
  log(`\nwrote ${out} (${((performance.now() - started) / 1000).toFixed(0)} s)`);
}

await main();
