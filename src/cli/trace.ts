/**
 * `autoroto trace <mattes> --out <dir>`: a folder of PNG mattes → roto.json, sky.jsx,
 * sky.lottie.json and sky.svg, written all at once (src/cli/output.ts).
 *
 * Before any work, every PNG's header is read to check that it is a PNG and has the first frame's
 * size; then the mattes are decoded and traced one at a time (only the tracks are kept).
 */
import { stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { RotoBuilder } from '../core/pipeline.ts';
import type { RotoDocument } from '../core/document.ts';
import { DEFAULT_FRAME_RATE } from '../core/frame-rate.ts';
import { FootageError } from '../node/footage-error.ts';
import { missingFrames } from '../node/frame-folder.ts';
import { readImageHeader } from '../node/image-header.ts';
import { ImageReadError, listFrames, readMattePng } from '../node/png.ts';
import { BadInputError, errnoCode, formatWarning } from './errors.ts';
import { withAtomicOutput } from './output.ts';
import { plural } from '../core/plural.ts';
import { Progress, type ProgressStream } from './progress.ts';
import { ROTO_OUTPUTS, rotoOutputTexts, writeRotoOutputs } from './roto-outputs.ts';

export interface TraceOptions {
  /** The folder of PNG mattes, as given (it becomes the document's source.path). */
  input: string;
  /** The output folder (created if missing). */
  out: string;
  tolerance?: number;
  minArea?: number;
  /** Default 24. */
  frameRate?: number;
  /** The frame sky.svg shows (default 0). */
  svgFrame?: number;
  /** No progress on stderr. */
  quiet?: boolean;
}

export interface TraceIO {
  stderr: ProgressStream;
}

/** Milliseconds per stage. */
export interface TraceTimings {
  /** Listing the folder and reading every PNG header. */
  scan: number;
  /** Reading and decoding the PNGs. */
  decode: number;
  /** trace → fit → track, per frame. */
  track: number;
  /** Keyframe reduction and the roto document. */
  document: number;
  /** roto.json, sky.jsx, sky.lottie.json, sky.svg as text. */
  export: number;
  /** Writing the files and moving them into the output folder. */
  write: number;
  total: number;
}

export interface TraceResult {
  doc: RotoDocument;
  /** The matte files, in frame order. */
  files: string[];
  /** px² of specks dropped and pinholes filled, over all frames. */
  droppedArea: number;
  /** The files written to `out`. */
  written: string[];
  tolerance: number;
  minArea: number;
  timings: TraceTimings;
}

/** Width and height from a PNG's header, or a BadInputError naming the file and what to do. */
async function matteSize(path: string): Promise<{ width: number; height: number }> {
  const fix = 'remove it from the folder or replace it with an 8-bit grayscale PNG matte';
  let header;
  try {
    header = await readImageHeader(path);
  } catch (error) {
    if (error instanceof FootageError) throw new BadInputError(`${error.message}; ${fix}`, { cause: error });
    throw error;
  }
  if (header?.format !== 'png') throw new BadInputError(`${path}: not a PNG; ${fix}`);
  return header;
}

/** The folder's PNG mattes in natural name order, all of the first one's size; bad input throws. */
export async function scanMattes(input: string): Promise<{ files: string[]; width: number; height: number }> {
  try {
    if (!(await stat(input)).isDirectory()) {
      throw new BadInputError(`${input}: not a folder; trace reads a folder of PNG mattes (000000.png, 000001.png, …)`);
    }
  } catch (error) {
    if (error instanceof BadInputError) throw error;
    const code = errnoCode(error);
    const why = code === 'ENOENT' ? 'no such folder' : code === 'EACCES' ? 'permission denied' : `cannot open (${code ?? String(error)})`;
    throw new BadInputError(`${input}: ${why}; give the folder that holds the PNG mattes (000000.png, 000001.png, …)`, { cause: error });
  }
  let images: string[];
  try {
    images = await listFrames(input);
  } catch (error) {
    if (error instanceof ImageReadError) throw new BadInputError(`${error.message}; give the folder that holds the PNG mattes`, { cause: error });
    throw error;
  }
  const other = images.find((f) => extname(f).toLowerCase() !== '.png');
  if (other) {
    const kind = extname(other).slice(1).toUpperCase().replace(/^JPG$/, 'JPEG').replace(/^TIF$/, 'TIFF');
    throw new BadInputError(`${other}: a ${kind} among the mattes; mattes must be PNG (lossless): convert it or remove it from the folder`);
  }
  if (images.length === 0) {
    throw new BadInputError(`${input}: no PNG mattes in this folder; expected 8-bit grayscale PNGs named 000000.png, 000001.png, …`);
  }
  const first = await matteSize(images[0]);
  for (let i = 1; i < images.length; i++) {
    const size = await matteSize(images[i]);
    if (size.width !== first.width || size.height !== first.height) {
      throw new BadInputError(`${images[i]}: ${size.width}×${size.height}, but the first matte ${images[0]} is ` +
        `${first.width}×${first.height}; every matte must have the same size (remove or resize that file)`);
    }
  }
  return { files: images, ...first };
}

export async function runTrace(options: TraceOptions, io: TraceIO = { stderr: process.stderr }): Promise<TraceResult> {
  const t0 = performance.now();
  const frameRate = options.frameRate ?? DEFAULT_FRAME_RATE;
  const svgFrame = options.svgFrame ?? 0;
  const { files, width, height } = await scanMattes(options.input);
  const missing = missingFrames(options.input, files);
  if (missing) io.stderr.write(formatWarning(missing));
  if (svgFrame >= files.length) {
    throw new BadInputError(`--svg-frame ${svgFrame}: ${options.input} has ${plural(files.length, 'matte')} ` +
      `(frames 0 to ${files.length - 1}); choose a frame in that range`);
  }
  const builder = new RotoBuilder({ path: options.input, width, height, frameRate },
    { tolerance: options.tolerance, minArea: options.minArea });
  const timings: TraceTimings = { scan: performance.now() - t0, decode: 0, track: 0, document: 0, export: 0, write: 0, total: 0 };
  const progress = new Progress('trace', files.length, options.quiet ? undefined : io.stderr);
  return withAtomicOutput(options.out, ROTO_OUTPUTS, async (output) => {
    try {
      let droppedArea = 0;
      for (let f = 0; f < files.length; f++) {
        const a = performance.now();
        let matte;
        try {
          matte = await readMattePng(files[f]);
        } catch (error) {
          if (error instanceof ImageReadError) {
            throw new BadInputError(`${error.message}; re-export this matte or remove it from the folder`, { cause: error });
          }
          throw error;
        }
        const b = performance.now();
        droppedArea += builder.addMatte(matte).droppedArea;
        timings.decode += b - a;
        timings.track += performance.now() - b;
        progress.update(f + 1);
      }
      progress.finish();

      let t = performance.now();
      const doc = builder.finish();
      timings.document = performance.now() - t;

      t = performance.now();
      const texts = rotoOutputTexts(doc, svgFrame);
      timings.export = performance.now() - t;

      t = performance.now();
      await writeRotoOutputs(output, texts);
      const written = output.commit();
      timings.write = performance.now() - t;
      timings.total = performance.now() - t0;
      return { doc, files, droppedArea, written, tolerance: builder.tolerance, minArea: builder.minArea, timings };
    } catch (error) {
      progress.abort();
      throw error;
    }
  });
}

function list(values: number[], max = 8): string {
  return values.length <= max ? values.join('/') : `${values.slice(0, max).join('/')}/…`;
}

function formatArea(px2: number): string {
  return px2 >= 100 ? String(Math.round(px2)) : px2.toFixed(1);
}

/** The one-paragraph summary `trace` prints on stdout. */
export function traceSummary(result: TraceResult, options: Pick<TraceOptions, 'input' | 'out' | 'svgFrame'>): string {
  const { doc, droppedArea, timings } = result;
  const { width, height, frameCount } = doc.source;
  const seconds = timings.total / 1000;
  const fps = seconds > 0 ? frameCount / seconds : 0;
  const masks = doc.masks;
  const shape = masks.length === 0
    ? 'no sky found in any frame, so the document has no masks (writers add nothing)'
    : `${plural(masks.length, 'mask')}, ${masks.length === 1 ? '' : 'per mask '}` +
      `${list(masks.map((m) => m.path[0].vertices.length))} vertices and ` +
      `${list(masks.map((m) => m.path.length))} path keyframes`;
  return `Traced ${plural(frameCount, 'frame')} of ${width}×${height} mattes from ${options.input} in ` +
    `${seconds.toFixed(1)} s (${fps.toFixed(1)} fps): ${shape}; tolerance ${+result.tolerance.toFixed(3)} px, ` +
    `${formatArea(droppedArea)} px² of specks dropped and pinholes filled (below ${+result.minArea.toFixed(1)} px²). ` +
    `Wrote ${result.written.join(', ')} (sky.svg shows frame ${options.svgFrame ?? 0}) to ${options.out}.`;
}
