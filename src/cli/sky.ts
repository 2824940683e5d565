/**
 * `autoroto sky <input> --out <dir>` and `autoroto segment <input> --out <dir>`: footage (a video, a
 * folder of frames or one image) → sky mattes (segment) → roto document, exports and preview (sky).
 *
 * Frames stream through: decode → segment (in a thread of its own, a frame ahead) → trace/fit/track;
 * nothing per frame is kept but the tracks' outlines, the preview's few tiles and, with `--frames`,
 * the traced regions for `autoroto merge`. Everything is written to a temporary folder and moved in
 * at the end.
 */
import { realpath, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { dirname } from 'node:path';
import { writeMattePng, matteFileName } from '../node/png.ts';
import { openFootage, type Footage, type FrameRange } from '../node/footage.ts';
import { PreviewWriter, PREVIEW_PATHS } from '../node/preview-writer.ts';
import { SegmentThread } from '../node/segment-thread.ts';
import { RotoBuilder, modelMatteDefaults } from '../core/pipeline.ts';
import type { RotoDocument } from '../core/document.ts';
import { encodeRegions, REGIONS_FORMAT, type RegionsFrame } from '../core/regions-codec.ts';
import type { BackendChoice } from '../core/segment/index.ts';
import type { Matte, RgbFrame } from '../core/types.ts';
import type { FieldSeparation } from '../core/fields.ts';
import { BadInputError, formatWarning } from './errors.ts';
import { withAtomicOutput } from './output.ts';
import { plural } from '../core/plural.ts';
import { Progress, type ProgressStream } from './progress.ts';
import { ROTO_OUTPUTS, rotoOutputTexts, writeRotoOutputs } from './roto-outputs.ts';

export const REGIONS_FILE = 'regions.bin';
export const MATTES_FOLDER = 'mattes';
/**
 * Frames before a range's first (`--frames a-b`) run through the network and the stabiliser only
 * (not refined, not kept): the stabiliser carries a long memory (each frame keeps 93 % of the
 * history where they agree), so a range that started cold would differ from one run over the shot
 * for a few dozen frames. After 32 frames of pre-roll a tenth of the cold start is left (merged
 * ranges vs one run on the sample: IoU 0.9989 at worst after 16 frames, 0.9993 after 24, 0.9998
 * after 32), and a range whose pre-roll reaches the shot's first frame gives one run's mattes exactly.
 */
export const DEFAULT_PREROLL = 32;

export interface SegmentCommandOptions {
  input: string;
  out: string;
  /** Shot frames a–b only. */
  frames?: FrameRange;
  /** Frames segmented before `frames.start` to warm the stabiliser up; default DEFAULT_PREROLL. */
  preroll?: number;
  backend?: BackendChoice;
  /** An ONNX model other than the shipped one. */
  model?: string;
  /** Frame rate of a frame folder or image (videos have their own); default 24. */
  frameRate?: number;
  /** How interlaced footage is read (FootageOptions.fields); default: as the video says. */
  fields?: FieldSeparation;
  quiet?: boolean;
}

export interface SkyOptions extends SegmentCommandOptions {
  tolerance?: number;
  minArea?: number;
  /** Also write the mattes to <out>/mattes/. */
  mattes?: boolean;
  /** Write the preview (page and contact sheet); default true. */
  preview?: boolean;
}

/** Milliseconds per stage, summed over the frames. */
export interface SkyTimings {
  load: number;
  decode: number;
  resize: number;
  network: number;
  stabilise: number;
  refine: number;
  track: number;
  document: number;
  write: number;
  total: number;
}

export interface SkyResult {
  doc?: RotoDocument;
  footage: Footage;
  range: FrameRange;
  /** How many frames before the range were segmented to warm the stabiliser up. */
  preroll: number;
  backend: string;
  written: string[];
  timings: SkyTimings;
}

/** `a-b` (inclusive, 0-based) or `a` → a range; checked against the footage later. */
export function parseFrameRange(text: string): FrameRange {
  const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(text);
  if (!m) throw new BadInputError(`--frames ${JSON.stringify(text)}: give a range of 0-based frames like 0-99 (both included) or one frame like 12`);
  const start = Number(m[1]), end = m[2] === undefined ? start : Number(m[2]);
  if (end < start) throw new BadInputError(`--frames ${text}: the range ends before it starts; give first-last, like 0-99`);
  return { start, end };
}

/** Runs `each` over the frames while timing how long the footage took to hand each one over. */
async function* timed(frames: AsyncIterable<RgbFrame>, timings: SkyTimings, each: (index: number, frame: RgbFrame) => Promise<void>): AsyncGenerator<RgbFrame> {
  let index = 0;
  const iterator = frames[Symbol.asyncIterator]();
  try {
    for (;;) {
      const t = performance.now();
      const next = await iterator.next();
      timings.decode += performance.now() - t;
      if (next.done) return;
      await each(index++, next.value);
      yield next.value;
    }
  } finally {
    await iterator.return?.();
  }
}

/** The footage and the range to run, its warnings said on `stderr` (quiet or not: they are about the result, not progress). */
async function openRange(options: SegmentCommandOptions, stderr: ProgressStream): Promise<{ footage: Footage; range: FrameRange; preroll: number }> {
  const footage = await openFootage(options.input, { frameRate: options.frameRate, fields: options.fields });
  if (await isFrameFolder(footage, options.out)) {
    throw new BadInputError(`--out ${options.out}: that is the folder the frames are read from, where what is written (PNG mattes, ` +
      'the contact sheet) would be read as frames of the shot by the next run; choose another --out folder');
  }
  const range = options.frames ?? { start: 0, end: footage.frameCount - 1 };
  if (range.end >= footage.frameCount) {
    throw new BadInputError(`--frames ${range.start}-${range.end}: ${options.input} has ${plural(footage.frameCount, 'frame')} (0-${footage.frameCount - 1}); choose a range within those`);
  }
  for (const warning of footage.warnings) stderr.write(formatWarning(warning));
  return { footage, range, preroll: Math.min(range.start, options.preroll ?? DEFAULT_PREROLL) };
}

/** Whether `dir` is the folder `footage`'s frames are read from (a folder given, or a sequence pattern's). */
async function isFrameFolder(footage: Footage, dir: string): Promise<boolean> {
  if (footage.kind !== 'frames') return false;
  const real = (path: string) => realpath(path).catch(() => undefined);
  const given = await stat(footage.path).catch(() => undefined);
  const [frames, out] = await Promise.all([real(given?.isDirectory() ? footage.path : dirname(footage.path)), real(dir)]);
  return frames !== undefined && frames === out;
}

/**
 * WASM threads for the command line: Node has SharedArrayBuffer (unlike CEP panels), so the network
 * may use the cores that decode (a separate ffmpeg process) and the single-threaded stages leave idle.
 */
function wasmThreads(): number {
  return Math.max(1, Math.min(4, availableParallelism()));
}

function newTimings(): SkyTimings {
  return { load: 0, decode: 0, resize: 0, network: 0, stabilise: 0, refine: 0, track: 0, document: 0, write: 0, total: 0 };
}

/**
 * The shared run: footage → mattes, handed to `each` one by one (indices from the range's first
 * frame; the pre-roll's frames only warm the stabiliser up, and are not handed over), with progress
 * and timings. The model runs in a thread of its own (segment-thread.ts), ended with the stream so
 * that its memory is free for what comes after.
 */
async function segmentFootage(
  options: SegmentCommandOptions, footage: Footage, range: FrameRange, preroll: number, timings: SkyTimings, stderr: ProgressStream,
  onFrame: (index: number, frame: RgbFrame) => Promise<void>,
  onMatte: (index: number, matte: Matte) => Promise<void>,
): Promise<string> {
  let t = performance.now();
  const thread = await SegmentThread.start({ model: options.model, backend: options.backend, threads: wasmThreads(), warmUp: preroll });
  timings.load = performance.now() - t;
  const total = range.end - range.start + 1;
  const progress = new Progress('segment', total, options.quiet ? undefined : stderr);
  try {
    let index = 0;
    const read = options.frames ? { start: range.start - preroll, end: range.end } : undefined;
    const frames = timed(footage.frames(read), timings, (i, frame) => (i < preroll ? Promise.resolve() : onFrame(i - preroll, frame)));
    for await (const matte of thread.segment(frames)) {
      t = performance.now();
      await onMatte(index, matte);
      timings.track += performance.now() - t;
      progress.update(++index);
    }
    progress.finish();
  } catch (error) {
    progress.abort();
    throw error;
  } finally {
    Object.assign(timings, thread.timings);
    await thread.close();
  }
  return thread.backend;
}

export async function runSegment(options: SegmentCommandOptions, io: { stderr: ProgressStream } = { stderr: process.stderr }): Promise<SkyResult> {
  const t0 = performance.now();
  const timings = newTimings();
  const { footage, range, preroll } = await openRange(options, io.stderr);
  return withAtomicOutput(options.out, [], async (output) => {
    const backend = await segmentFootage(options, footage, range, preroll, timings, io.stderr, async () => {}, async (index, matte) => {
      const w = performance.now();
      await writeMattePng(output.path(matteFileName(range.start + index)), matte);
      timings.write += performance.now() - w;
    });
    const written = output.commit();
    timings.total = performance.now() - t0;
    return { footage, range, preroll, backend, written, timings };
  });
}

export async function runSky(options: SkyOptions, io: { stderr: ProgressStream } = { stderr: process.stderr }): Promise<SkyResult> {
  const t0 = performance.now();
  const timings = newTimings();
  const { footage, range, preroll } = await openRange(options, io.stderr);
  const ranged = options.frames !== undefined;
  const outputs = [...ROTO_OUTPUTS, ...(options.preview === false ? [] : [PREVIEW_PATHS.html, PREVIEW_PATHS.sheet]), ...(ranged ? [REGIONS_FILE] : [])];
  return withAtomicOutput(options.out, outputs, async (output) => {
    const source = { path: options.input, width: footage.width, height: footage.height, frameRate: footage.frameRate };
    const defaults = modelMatteDefaults(footage.width, footage.height);
    const builder = new RotoBuilder(source, {
      ...(options.tolerance === undefined ? { tolerance: defaults.tolerance, softnessTolerance: defaults.softnessTolerance } : { tolerance: options.tolerance }),
      minArea: options.minArea ?? defaults.minArea, firstFrame: range.start, shotFrameCount: footage.frameCount,
    });
    const frameCount = range.end - range.start + 1;
    const preview = options.preview === false ? undefined : new PreviewWriter(output.tempDir, { frameCount, firstFrame: range.start });
    const mattes = options.mattes ? await output.folder(MATTES_FOLDER) : undefined;
    const regions: RegionsFrame[] = [];
    const backend = await segmentFootage(options, footage, range, preroll, timings, io.stderr,
      async (index, frame) => {
        if (preview?.wants(range.start + index)) await preview.addFrame(range.start + index, frame);
      },
      async (index, matte) => {
        const summary = builder.addMatte(matte);
        if (ranged) regions.push({ regions: summary.regions, cameraMotion: summary.cameraMotion });
        if (mattes) await writeMattePng(`${mattes}/${matteFileName(range.start + index)}`, matte);
      });

    let t = performance.now();
    const doc = builder.finish();
    timings.document = performance.now() - t;

    t = performance.now();
    await writeRotoOutputs(output, rotoOutputTexts(doc, range.start));
    if (ranged) {
      await output.writeFile(REGIONS_FILE, encodeRegions({
        header: { format: REGIONS_FORMAT, ...source, shotFrameCount: footage.frameCount, firstFrame: range.start, tolerance: builder.tolerance, minArea: builder.minArea },
        frames: regions,
      }));
    }
    await preview?.finish(doc);
    const written = output.commit();
    timings.write += performance.now() - t;
    timings.total = performance.now() - t0;
    return { doc, footage, range, preroll, backend, written, timings };
  });
}

const STAGES: Array<[keyof SkyTimings, string]> = [
  ['load', 'model load'], ['decode', 'decode'], ['resize', 'resize'], ['network', 'network'], ['stabilise', 'stabilise'],
  ['refine', 'refine'], ['track', 'trace/fit/track'], ['document', 'keyframes'], ['write', 'write'],
];

/** `, after 48 frames of pre-roll` where the range's stabiliser was warmed up, else nothing. */
function prerollNote(result: SkyResult): string {
  return result.preroll ? `, after ${plural(result.preroll, 'frame')} of pre-roll` : '';
}

/** Seconds per stage, one line: `decode 1.2 s · network 8.0 s · …`. */
export function stageLine(timings: SkyTimings): string {
  return STAGES.filter(([k]) => timings[k] > 0).map(([k, name]) => `${name} ${(timings[k] / 1000).toFixed(1)} s`).join(' · ');
}

/** A mask's vertices and path keys, in words. */
export function maskShape(mask: RotoDocument['masks'][number]): string {
  return `${plural(mask.path[0].vertices.length, 'vertex', 'vertices')}, ${plural(mask.path.length, 'key')}`;
}

/** The footage's size, and how an interlaced video was read. */
function footageSize(footage: SkyResult['footage']): string {
  const size = `${footage.width}×${footage.height}`;
  return footage.fieldOrder ? `${size} interlaced (${footage.fieldOrder} field first, read deinterlaced)` : size;
}

export function skySummary(result: SkyResult, options: SkyOptions): string {
  const { doc, range, timings } = result;
  const frames = range.end - range.start + 1;
  const seconds = timings.total / 1000;
  const masks = doc?.masks ?? [];
  const shape = masks.length === 0
    ? 'no sky found in any frame, so the document has no masks (writers add nothing)'
    : `${plural(masks.length, 'mask')}: ${masks.map(maskShape).join('; ')}`;
  return `Roto'd ${plural(frames, 'frame')} (${range.start}-${range.end}) of ${footageSize(result.footage)} ` +
    `${options.input} in ${seconds.toFixed(1)} s (${(frames / seconds).toFixed(1)} fps, ${result.backend}${prerollNote(result)}): ${shape}. ` +
    `Stages: ${stageLine(timings)}. Wrote ${result.written.sort().join(', ')} to ${options.out}.`;
}

export function segmentSummary(result: SkyResult, options: SegmentCommandOptions): string {
  const frames = result.range.end - result.range.start + 1;
  const seconds = result.timings.total / 1000;
  return `Segmented ${plural(frames, 'frame')} of ${footageSize(result.footage)} ${options.input} in ` +
    `${seconds.toFixed(1)} s (${(frames / seconds).toFixed(1)} fps, ${result.backend}${prerollNote(result)}): mattes ${matteFileName(result.range.start)} to ` +
    `${matteFileName(result.range.end)} in ${options.out}. Stages: ${stageLine(result.timings)}.`;
}
