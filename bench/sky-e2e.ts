/**
 * `autoroto sky` end to end on a 10 s 1080p clip (240 frames at 24 fps; sky-clip.ts), made once per
 * run, each run in its own process (sky-child.ts), with the preview (the default) and without.
 * Goal: the 240 frames in ≤ 60 s on this 2-core machine, i.e. ≥ 4 fps (a shorter --e2e-frames run is
 * held to the same fps).
 */
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { RgbFrame } from '../src/core/types.ts';
import { runJsonChild } from './child.ts';
import { mb, yes, type Row } from './format.ts';
import type { SkyRun } from './sky-child.ts';
import { CLIP_FRAME_RATE, TMP_DIR, writeClip } from './sky-clip.ts';
import { skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';
import { sizeLabel, type FrameSize } from './sky-move.ts';

export const GOAL_SECONDS_PER_240 = 60;
const GOAL_FPS = 240 / GOAL_SECONDS_PER_240;

export interface E2eOptions {
  size: FrameSize;
  frames: number;
  /** One run per entry: with the preview (true) or without. */
  previews: boolean[];
  timeoutSeconds: number;
  log: (line: string) => void;
}

export interface E2eResult {
  clip: { path: string; width: number; height: number; frames: number; bytes: number; makeSeconds: number };
  runs: SkyRun[];
}

export async function measureE2e(still: RgbFrame, options: E2eOptions): Promise<E2eResult> {
  const { size, frames } = options;
  options.log(`end to end: making a ${frames}-frame ${sizeLabel(size)} clip…`);
  const t = performance.now();
  const path = await writeClip(still, skyPanMaps(size, frames), size, `e2e-${size.width}x${size.height}-${frames}.mp4`);
  const clip = { path, ...size, frames, bytes: (await stat(path)).size, makeSeconds: (performance.now() - t) / 1000 };
  const runs: SkyRun[] = [];
  for (const preview of options.previews) {
    const label = `autoroto sky ${frames} frames ${preview ? 'with' : 'without'} preview`;
    options.log(`${label} (child process)…`);
    const out = join(TMP_DIR, `e2e-out${preview ? '' : '-no-preview'}`);
    runs.push(await runJsonChild<SkyRun>('sky-child.ts', ['--input', path, '--out', out, ...(preview ? [] : ['--no-preview'])],
      { timeoutSeconds: options.timeoutSeconds, label, log: options.log }));
  }
  return { clip, runs };
}

const s = (milliseconds: number): string => (milliseconds / 1000).toFixed(1);

/**
 * The stages as the issue splits them; `other` is what no stage counts (probing the clip, the preview's
 * frames, glue), less the time stages overlapped: the segment stage runs in a thread of its own, beside
 * decoding and tracing, so `other` goes below zero.
 */
export function stageSplit(t: SkyRun['timings']) {
  const segment = t.resize + t.network + t.stabilise + t.refine;
  const counted = t.load + t.decode + segment + t.track + t.document + t.write;
  return { load: t.load, decode: t.decode, segment, track: t.track, document: t.document, write: t.write, other: t.total - counted };
}

export function e2eRows(result: E2eResult): Row[] {
  const rows: Row[] = [];
  const { clip } = result;
  for (const run of result.runs) {
    const t = run.timings, split = stageSplit(t);
    const fps = run.frames / (t.total / 1000);
    rows.push([
      `autoroto sky ${sizeLabel(run)}, ${run.frames} fr (${(run.frames / CLIP_FRAME_RATE).toFixed(0)} s clip), ${run.preview ? 'preview' : 'no preview'}`,
      `${s(t.total)} s, ${fps.toFixed(2)} fps (${run.backend})`,
      `≤ ${GOAL_SECONDS_PER_240} s per 240 fr`, yes(fps >= GOAL_FPS),
    ]);
    rows.push([`  decode / segment / trace+fit+track / keyframes / write`, `${s(split.decode)} / ${s(split.segment)} / ${s(split.track)} / ${s(split.document)} / ${s(split.write)} s`, '', '']);
    rows.push([`  segment = resize / network / stabilise / refine`, `${s(t.resize)} / ${s(t.network)} / ${s(t.stabilise)} / ${s(t.refine)} s`, '', '']);
    rows.push([`  model load / other (probe, preview, glue; < 0: stages overlap)`, `${s(split.load)} / ${s(split.other)} s`, '', '']);
    rows.push([`  cpu / wall; peak RSS`, `${run.cpuSeconds.toFixed(1)} / ${s(t.total)} s; ${mb(run.maxRss)} MB`, '', '']);
    const keys = run.keyframes.reduce((a, k) => a + k, 0);
    rows.push([`  roto`, `${run.masks} mask${run.masks === 1 ? '' : 's'}, ${keys} keyframes (at most ${Math.max(0, ...run.keyframes)} on one mask)`, '', '']);
  }
  rows.push([`  clip (made once per run)`, `${(clip.bytes / 1e6).toFixed(1)} MB H.264, made in ${clip.makeSeconds.toFixed(1)} s`, '', '']);
  return rows;
}
