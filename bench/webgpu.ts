/**
 * WebGPU fps at 1080p: packs webgpu-child.ts into a folder that runs with Node alone (the child
 * bundled with esbuild around onnxruntime-web's browser build, its JSEP .wasm, Dawn from npm
 * `webgpu`, the model and the sample's still as raw RGB), runs it, and turns its JSON into rows.
 * Where no GPU is lent, Dawn finds no adapter and only the WASM rows come back; on a GPU machine
 * the same folder runs as it is:
 *
 *   node --import tsx bench/webgpu.ts --pack DIR [--node]   # DIR/run.sh [child flags] runs it there
 *   node --import tsx bench/webgpu.ts --rows RESULT.json…   # the child's JSON as table rows
 *   npm run bench -- --webgpu …                             # here, as a part of the benchmark
 * (bench/webgpu-lease.sh packs this tree and a base commit for a lent GPU machine and runs them there.)
 */
import { spawn } from 'node:child_process';
import { copyFile, cp, mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { DEFAULT_MODEL_PATH } from '../src/node/model.ts';
import { markdownTable, ms, yes, type Row } from './format.ts';
import { loadStill } from './sky-clip.ts';
import { sizeLabel } from './sky-move.ts';
import type { Summary } from './stats.ts';
import type { BackendRun, WebgpuRun } from './webgpu-child.ts';

export type { WebgpuRun } from './webgpu-child.ts';

/** The issue's goal for WebGPU at 1080p. */
export const GOAL_WEBGPU_FPS = 60;
/** The issue's goal for WebGPU against WASM mattes. */
export const GOAL_BACKEND_IOU = 0.999;

const modules = fileURLToPath(new URL('../node_modules/', import.meta.url));
const WASM = 'ort-wasm-simd-threaded.jsep.wasm';

/**
 * Writes the self-contained folder: child.mjs, the .wasm, webgpu/, sky.onnx, still.rgb, run.sh; with
 * `withNode`, this Node binary too (GPU machines lent here have none), which run.sh then prefers.
 */
export async function packWebgpuBench(dir: string, withNode = false): Promise<void> {
  await mkdir(join(dir, 'webgpu'), { recursive: true });
  await build({
    entryPoints: [fileURLToPath(new URL('./webgpu-child.ts', import.meta.url))],
    outfile: join(dir, 'child.mjs'),
    bundle: true,
    platform: 'node',
    format: 'esm',
    // The browser build, as panels bundle it: its Node build has no WebGPU.
    alias: { 'onnxruntime-web': join(modules, 'onnxruntime-web/dist/ort.bundle.min.mjs') },
    logLevel: 'error',
  });
  await copyFile(join(modules, 'onnxruntime-web/dist', WASM), join(dir, WASM));
  for (const file of ['index.js', 'package.json']) await copyFile(join(modules, 'webgpu', file), join(dir, 'webgpu', file));
  // Dawn for this machine (webgpu's index.js picks the folder the same way) and for a Linux GPU machine.
  const here = `${process.platform}-${process.platform === 'darwin' ? 'universal' : process.arch}`;
  for (const platform of new Set([here, 'linux-x64'])) await cp(join(modules, 'webgpu', 'dist', platform), join(dir, 'webgpu', 'dist', platform), { recursive: true });
  await copyFile(DEFAULT_MODEL_PATH, join(dir, 'sky.onnx'));
  const still = await loadStill();
  await writeFile(join(dir, 'still.rgb'), still.data);
  if (withNode) await copyFile(process.execPath, join(dir, 'node'));
  await writeFile(join(dir, 'run.sh'), [
    '#!/bin/sh',
    '# Runs the WebGPU benchmark from this folder; extra arguments go to the child (--frames, --runs, --dawn-flag).',
    'cd "$(dirname "$0")"',
    '[ -z "$NODE" ] && [ -x ./node ] && NODE=./node',
    `exec "\${NODE:-node}" child.mjs --model sky.onnx --wasm ${WASM} --dawn webgpu/index.js --still still.rgb --still-size ${sizeLabel(still).replace('×', 'x')} "$@"`,
    '',
  ].join('\n'), { mode: 0o755 });
}

/** Packs into `dir` and runs the child there; resolves to its result. */
export async function measureWebgpu(dir: string, childArgs: string[] = []): Promise<WebgpuRun> {
  await packWebgpuBench(dir);
  const child = spawn('sh', [join(dir, 'run.sh'), ...childArgs], { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, NODE: process.execPath } });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => { out += chunk; });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  if (code !== 0) throw new Error(`the WebGPU benchmark child exited ${code}`);
  return JSON.parse(out.trim().split('\n').pop()!) as WebgpuRun;
}

/** A run time's median and p95, and the rate the median gives. */
const medianP95 = (t: Summary): string => `${ms(t.median)} / ${ms(t.p95)} ms, ${(1000 / t.median).toFixed(0)} fps`;

function backendRows(run: WebgpuRun, b: BackendRun): Row[] {
  const isGpu = b.backend === 'webgpu';
  return [
    [`network ${sizeLabel(run.workingSize)} ${b.backend} (median / p95)`, medianP95(b.network), isGpu ? `≥ ${GOAL_WEBGPU_FPS} fps` : '', isGpu ? yes(1000 / b.network.median >= GOAL_WEBGPU_FPS) : ''],
    ...(b.networkOnDevice ? [['  on the device, replayed (median / p95)', medianP95(b.networkOnDevice), '', ''] as Row] : []),
    ...segmentRows(run, `segment ${sizeLabel(run.size)} ${b.backend}, stages on ${b.stagesOn}${b.stagesOnNetworkDevice ? ` (the network's device${b.probabilityOnDevice ? ', probability left there' : ''})` : ''}`, b, isGpu),
    ...b.networkAt.map(({ size, ms: t }): Row => [`  network ${sizeLabel(size)} ${b.backend} (median)`, `${ms(t.median)} ms, ${(1000 / t.median).toFixed(0)} fps`, '', '']),
    ...(b.cpuStages ? segmentRows(run, `segment ${sizeLabel(run.size)} ${b.backend}, stages on cpu`, b.cpuStages, false) : []),
  ];
}

/** The whole segment stage's speed, and each stage's share below it. */
function segmentRows(run: WebgpuRun, label: string, s: Pick<BackendRun, 'segmentFrame' | 'stages'>, goal: boolean): Row[] {
  const fps = 1000 / s.segmentFrame.median;
  const per = (total: number) => ms(total / run.frames);
  return [
    [`${label}, ${run.frames} fr (median / mean)`, `${ms(s.segmentFrame.median)} / ${ms(s.segmentFrame.mean)} ms/frame, ${fps.toFixed(1)} fps`, goal ? `≥ ${GOAL_WEBGPU_FPS} fps` : '', goal ? yes(fps >= GOAL_WEBGPU_FPS) : ''],
    ['  resize / network / stabilise / refine', `${per(s.stages.resize)} / ${per(s.stages.network)} / ${per(s.stages.stabilise)} / ${per(s.stages.refine)} ms`, '', ''],
  ];
}

export function webgpuRows(run: WebgpuRun): Row[] {
  const a = run.adapter;
  const rows: Row[] = [['WebGPU adapter (Dawn)', a.missing ?? [a.vendor, a.architecture, a.description].filter(Boolean).join(' '), '', '']];
  for (const b of run.runs) rows.push(...backendRows(run, b));
  if (run.agreement) {
    rows.push([`WebGPU vs WASM matte IoU (lowest of ${run.frames})`, run.agreement.iou.min.toFixed(5), `≥ ${GOAL_BACKEND_IOU}`, yes(run.agreement.iou.min >= GOAL_BACKEND_IOU)]);
    rows.push(['  mean |Δ| (highest)', run.agreement.meanAbsDiff.max.toExponential(2), '', '']);
  }
  return rows;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [mode, ...rest] = process.argv.slice(2);
  if (mode === '--pack' && rest[0]) {
    await packWebgpuBench(rest[0], rest.includes('--node'));
    process.stdout.write(`packed ${rest[0]}; run it with sh ${join(rest[0], 'run.sh')}\n`);
  } else if (mode === '--rows' && rest.length) {
    for (const file of rest) process.stdout.write(`\n${file}\n${markdownTable(webgpuRows(JSON.parse(await readFile(file, 'utf8')) as WebgpuRun))}\n`);
  } else {
    throw new Error('usage: node --import tsx bench/webgpu.ts --pack DIR [--node] | --rows RESULT.json…');
  }
}
