/**
 * `autoroto sky` in a process of its own (run by sky-e2e.ts and sky-memory.ts): runSky, what the
 * command calls, on `--input` into `--out` (`--no-preview` skips the preview), then one JSON line.
 *
 *   timings   runSky's own ms per stage (decode, resize, network, stabilise, refine, track,
 *             document, write, load, total)
 *   maxRss    the process's high-water resident set (VmHWM): everything the run ever held at once
 *   rss       resident set against frames done, sampled from the progress display (a stand-in
 *             terminal) about every `--sample-every` frames: steady growth shows as a slope
 */
import { runSky, type SkyTimings } from '../src/cli/sky.ts';
import { fileFingerprint, sourceFingerprint } from './fingerprint.ts';
import { highWaterRss } from './process-memory.ts';

export interface SkyRun {
  input: string;
  width: number;
  height: number;
  frames: number;
  preview: boolean;
  backend: string;
  timings: SkyTimings;
  /** Process cpu seconds (user + system) over the run; near 2× wall means both cores worked. */
  cpuSeconds: number;
  maxRss: number;
  /** After the run and a full gc, the document still alive: what stays, against the peak's transient share. */
  after: { rss: number; heapTotal: number; heapUsed: number; arrayBuffers: number };
  /** Resident set and what V8 holds (heap, typed arrays) as frames go by; rising heap means retention, flat heap under rising rss means garbage or fragmentation. */
  rss: { frame: number; bytes: number; heapUsed: number; arrayBuffers: number }[];
  masks: number;
  /** Keyframes per mask. */
  keyframes: number[];
  model: string;
  source: string;
}

function flag(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const input = flag('--input'), out = flag('--out');
if (!input || !out) throw new Error('--input <clip> --out <dir> [--no-preview] [--sample-every N]');
const sampleEvery = Number(flag('--sample-every') ?? 10);
const rss: SkyRun['rss'] = [];
/** A terminal for the progress bar, which draws `… 37/240 frames …`: each redraw is a chance to sample. */
const progress = {
  isTTY: true,
  write(text: string): void {
    const done = Number(/(\d+)\/\d+ frames/.exec(text)?.[1]);
    if (!(done > 0 && done >= (rss.at(-1)?.frame ?? 0) + sampleEvery)) return;
    const m = process.memoryUsage();
    rss.push({ frame: done, bytes: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers });
  },
};

const cpu = process.cpuUsage();
const result = await runSky({ input, out, preview: !process.argv.includes('--no-preview') }, { stderr: progress });
const used = process.cpuUsage(cpu);
const maxRss = highWaterRss();
// Only now: the model's module loads onnxruntime-web (10 MB), which the command's own thread never does.
const { DEFAULT_MODEL_PATH } = await import('../src/node/model.ts');
globalThis.gc?.();
const { rss: rssAfter, heapTotal, heapUsed, arrayBuffers } = process.memoryUsage();
const run: SkyRun = {
  input,
  width: result.footage.width,
  height: result.footage.height,
  frames: result.range.end - result.range.start + 1,
  preview: !process.argv.includes('--no-preview'),
  backend: result.backend,
  timings: result.timings,
  cpuSeconds: (used.user + used.system) / 1e6,
  maxRss,
  after: { rss: rssAfter, heapTotal, heapUsed, arrayBuffers },
  rss,
  masks: result.doc?.masks.length ?? 0,
  keyframes: result.doc?.masks.map((m) => m.path.length) ?? [],
  model: fileFingerprint(DEFAULT_MODEL_PATH),
  source: sourceFingerprint(),
};
process.stdout.write(`${JSON.stringify(run)}\n`);
// onnxruntime-web may leave a worker behind.
process.exit(0);
