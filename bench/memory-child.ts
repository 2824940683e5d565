/**
 * Memory over a long shot (run in its own process by run.ts: node --import tsx --expose-gc):
 * streams `--frames` 1080p mattes of `--scene` (skylinePan: a slow pan, 0.5 px/frame, where buildings
 * keep entering; rotatingBlob: one smooth blob turning half a turn over the shot) through one
 * RotoBuilder, reusing one matte buffer. Prints a JSON line when the stream is done (finish fields
 * absent), then the whole result as a second line after finish(), so a run killed in finish() still
 * reports the stream. The scene always has `--scene-frames` frames so a short and a
 * long run see the same motion per frame; the short run just stops earlier.
 *
 *   rssPeakSampled   largest process.memoryUsage().rss seen at every 50th frame
 *   maxRss           the kernel's high-water mark of this process's resident set (VmHWM in
 *                    /proc/self/status; not resourceUsage().maxRSS, which on Linux starts from the
 *                    parent's RSS at fork)
 *   retained         heapUsed + arrayBuffers after a full gc, builder still alive, before finish()
 */
import { RotoBuilder } from '../src/core/pipeline.ts';
import { rotatingBlob, skylinePan, type SyntheticScene } from '../src/synthetic/index.ts';
import { sourceFingerprint } from './fingerprint.ts';
import { highWaterRss } from './process-memory.ts';
import { summarize, type Summary } from './stats.ts';

export interface MemorySnapshot {
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
  external: number;
}

export interface MemoryResult {
  scene: string;
  /** Hash of src/ when this process started (run.ts checks every process ran the same code). */
  source: string;
  frames: number;
  sceneFrames: number;
  width: number;
  height: number;
  /** After imports, scene and buffer, gc'd: the floor everything else sits on. */
  baseline: MemorySnapshot;
  rssPeakSampled: number;
  /** rss at each sample (every 50 frames), bytes. */
  rssSamples: number[];
  maxRss: number;
  retained: MemorySnapshot;
  /** After finish(), the document still alive, gc'd. */
  streamSeconds: number;
  /** Absent when finish() did not complete (the parent's time limit). */
  afterFinish?: MemorySnapshot;
  maxRssAfterFinish?: number;
  finishSeconds?: number;
  /** addMatte ms over the first and the last 200 frames (does per-frame time grow with shot length?). */
  addMatteFirst: Summary;
  addMatteLast: Summary;
  masks?: number;
  keyframes?: number[];
  documentJsonBytes?: number;
  /** What the tracks hold at the end of the stream (read from the builder's tracker, for diagnosis). */
  tracks?: TrackFootprint;
}

export interface TrackFootprint {
  tracks: number;
  shapes: number;
  /** Vertices summed over every stored shape (each vertex: 3 Vec2 arrays on the JS heap). */
  shapeVertices: number;
  /** Bytes of the stored simplified outlines (Float32Array). */
  outlineBytes: number;
  outlinePoints: number;
}

/** Reads the builder's private tracker; undefined if the pipeline's internals have changed. */
function trackFootprint(builder: RotoBuilder): TrackFootprint | undefined {
  // Structural, so an internal rename leaves this undefined instead of breaking the build.
  interface StoredTrack { shapes?: { vertices: unknown[] }[]; outlines?: Float32Array[] }
  const tracks = (builder as unknown as { tracker?: { tracks?: StoredTrack[] } }).tracker?.tracks;
  if (!Array.isArray(tracks)) return undefined;
  const out: TrackFootprint = { tracks: tracks.length, shapes: 0, shapeVertices: 0, outlineBytes: 0, outlinePoints: 0 };
  for (const track of tracks) {
    out.shapes += track.shapes?.length ?? 0;
    for (const shape of track.shapes ?? []) out.shapeVertices += shape.vertices.length;
    for (const outline of track.outlines ?? []) {
      out.outlineBytes += outline.byteLength;
      out.outlinePoints += outline.length / 2;
    }
  }
  return out;
}

function snapshot(): MemorySnapshot {
  globalThis.gc?.();
  const m = process.memoryUsage();
  return { rss: m.rss, heapUsed: m.heapUsed, arrayBuffers: m.arrayBuffers, external: m.external };
}

function flag(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

export const MEMORY_SCENES: Record<string, (frameCount: number) => SyntheticScene> = {
  skylinePan: (frameCount) => skylinePan({ width: 1920, height: 1080, frameCount, panSpeed: 0.5 }),
  rotatingBlob: (frameCount) => rotatingBlob({ width: 1920, height: 1080, frameCount }),
};

const source = sourceFingerprint();
const sceneName = process.argv[process.argv.indexOf('--scene') + 1] ?? 'skylinePan';
if (!(process.argv.includes('--scene') && sceneName in MEMORY_SCENES)) throw new Error(`--scene ${Object.keys(MEMORY_SCENES).join('|')}`);
const frames = flag('--frames', 200);
const sceneFrames = flag('--scene-frames', Math.max(frames, 2000));
const SAMPLE_EVERY = 50;
if (!globalThis.gc) throw new Error('run with --expose-gc');

const width = 1920, height = 1080;
const scene = MEMORY_SCENES[sceneName](sceneFrames);
const buffer = new Float32Array(width * height);
const builder = new RotoBuilder({ path: `synthetic:${sceneName}`, width, height, frameRate: scene.frameRate });
const baseline = snapshot();

const rssSamples: number[] = [];
const addMatteMs: number[] = [];
const t0 = performance.now();
for (let f = 0; f < frames; f++) {
  const matte = scene.matte(f, buffer);
  const t = performance.now();
  builder.addMatte(matte);
  addMatteMs.push(performance.now() - t);
  if ((f + 1) % SAMPLE_EVERY === 0 || f === frames - 1) rssSamples.push(process.memoryUsage().rss);
}
const streamSeconds = (performance.now() - t0) / 1000;
const maxRss = highWaterRss();
const retained = snapshot();
const streamed: MemoryResult = {
  scene: sceneName,
  source,
  frames, sceneFrames, width, height,
  baseline,
  rssPeakSampled: Math.max(...rssSamples),
  rssSamples,
  maxRss,
  retained,
  streamSeconds,
  addMatteFirst: summarize(addMatteMs.slice(0, 200)),
  addMatteLast: summarize(addMatteMs.slice(-200)),
  tracks: trackFootprint(builder),
};
process.stdout.write(`${JSON.stringify(streamed)}\n`);

const t1 = performance.now();
const doc = builder.finish();
const finishSeconds = (performance.now() - t1) / 1000;
const result: MemoryResult = {
  ...streamed,
  finishSeconds,
  afterFinish: snapshot(),
  maxRssAfterFinish: highWaterRss(),
  masks: doc.masks.length,
  keyframes: doc.masks.map((m) => m.path.length),
  documentJsonBytes: JSON.stringify(doc).length,
};
process.stdout.write(`${JSON.stringify(result)}\n`);
