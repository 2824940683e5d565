/**
 * Peak RSS of `autoroto sky` over a short and a long shot (240 and 2400 frames by default), each in
 * its own process (sky-child.ts), through the whole path: H.264 decode, segment, trace/fit/track,
 * the document, the writers and the preview. Both clips are one camera move of `long` frames (the
 * short one is its start), so both see the same motion per frame. The frame size is a flag
 * (--sky-memory-size, default 640×360): 2400 frames at 1080p take long on 2 cores, and what must stay
 * flat is what grows with the frame count, not with the frame size (the end-to-end run reports the
 * 1080p peak). Flat: the long shot's peak within `flatShare` of the short shot's.
 */
import { join } from 'node:path';
import type { RgbFrame } from '../src/core/types.ts';
import { runJsonChild } from './child.ts';
import { mb, yes, type Row } from './format.ts';
import type { SkyRun } from './sky-child.ts';
import { TMP_DIR, writeClip } from './sky-clip.ts';
import { skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';
import { sizeLabel, type FrameSize } from './sky-move.ts';
import { MB, slopePer1000Frames } from './stats.ts';

export interface SkyMemoryOptions {
  size: FrameSize;
  short: number;
  long: number;
  timeoutSeconds: number;
  log: (line: string) => void;
}

export interface SkyMemoryResult {
  width: number;
  height: number;
  clipSeconds: number;
  short: SkyRun;
  long: SkyRun;
}

export async function measureSkyMemory(still: RgbFrame, options: SkyMemoryOptions): Promise<SkyMemoryResult> {
  const { size, short, long } = options;
  const name = (frames: number) => `memory-${size.width}x${size.height}-${frames}-of-${long}`;
  options.log(`sky memory: making ${short}- and ${long}-frame ${sizeLabel(size)} clips…`);
  const t = performance.now();
  const maps = skyPanMaps(size, long);
  const clips = [
    await writeClip(still, maps.slice(0, short), size, `${name(short)}.mp4`),
    await writeClip(still, maps, size, `${name(long)}.mp4`),
  ];
  const clipSeconds = (performance.now() - t) / 1000;
  const runs: SkyRun[] = [];
  for (const [i, frames] of [short, long].entries()) {
    const label = `sky memory ${frames} frames`;
    options.log(`${label} (child process)…`);
    runs.push(await runJsonChild<SkyRun>('sky-child.ts', ['--input', clips[i], '--out', join(TMP_DIR, `${name(frames)}-out`), '--sample-every', String(Math.max(1, Math.round(frames / 40)))],
      { timeoutSeconds: options.timeoutSeconds, label, log: options.log }));
    options.log(`  ${frames} frames in ${(runs[i].timings.total / 1000).toFixed(1)} s, peak RSS ${mb(runs[i].maxRss)} MB`);
  }
  return { ...size, clipSeconds, short: runs[0], long: runs[1] };
}

export function skyMemoryRows(result: SkyMemoryResult, flatShare: number): Row[] {
  const { short: s, long: l } = result;
  const growth = l.maxRss - s.maxRss;
  const slope = slopePer1000Frames(l.rss.map((p) => ({ frame: p.frame, value: p.bytes / MB })), l.frames / 2);
  const streamPeak = (r: SkyRun): string => (r.rss.length ? mb(Math.max(...r.rss.map((p) => p.bytes))) : '?');
  const after = (r: SkyRun): string => (r.after ? `${mb(r.after.rss)} / ${mb(r.after.heapTotal)} / ${mb(r.after.heapUsed + r.after.arrayBuffers)}` : '?');
  const time = (r: SkyRun): string => `${r.frames} fr ${(r.timings.total / 1000).toFixed(0)} s`;
  return [
    [`autoroto sky peak RSS (VmHWM), ${sizeLabel(result)}, ${s.frames} → ${l.frames} fr`, `${mb(s.maxRss)} → ${mb(l.maxRss)} MB (${growth >= 0 ? '+' : ''}${mb(growth)})`,
      `flat (≤ +${flatShare * 100}%)`, yes(growth <= flatShare * s.maxRss)],
    [`  RSS while frames stream (sampled), max`, `${streamPeak(s)} → ${streamPeak(l)} MB (the rest of the peak: keyframes, writers, preview)`, '', ''],
    [`  after the run, gc'd, doc alive: rss / V8 heap (committed) / used+arrayBuffers`, `${after(s)} → ${after(l)} MB`, '', ''],
    [`  RSS slope, 2nd half of ${l.frames} fr`, Number.isNaN(slope) ? 'no samples' : `${slope.toFixed(1)} MB per 1000 frames`, '', ''],
    [`  run time`, `${time(s)}; ${time(l)} (${(l.frames / (l.timings.total / 1000)).toFixed(1)} fps)`, '', ''],
  ];
}
