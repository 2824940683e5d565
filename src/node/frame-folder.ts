/**
 * Frames in files: a folder of PNG, JPEG, TIFF, DPX and OpenEXR files in natural name order
 * (listFrames), or the numbered image sequence a file starts (plate.1001.exr, plate.1002.exr, …, as
 * After Effects imports one). Every file's header is read when the frames are opened, so a file that
 * is not an image or a frame of another size is reported before any work; the pixels are decoded one
 * frame at a time as they are read.
 */
import { readdir } from 'node:fs/promises';
import { basename, dirname, extname, join } from 'node:path';
import { checkFrameSize, FOOTAGE_KINDS, FootageError, readFailure } from './footage-error.ts';
import type { FootageSource } from './footage-source.ts';
import { DEFAULT_FRAME_RATE } from '../core/frame-rate.ts';
import { readImageHeader, type ImageHeader } from './image-header.ts';
import { readImageFile } from './image-file.ts';
import { ImageReadError, listFrames } from './png.ts';
import { frameNumbered, numberedName, sequenceFileName, unnumberedSequence } from '../core/frame-number.ts';
import { plural } from '../core/plural.ts';

const FIX = 'replace this frame or remove it from the folder';

export async function openFrameFolder(dir: string, frameRate: number | undefined): Promise<FootageSource> {
  let files: string[];
  try {
    files = await listFrames(dir);
  } catch (error) {
    if (error instanceof ImageReadError) throw new FootageError(dir, `${error.reason}; ${FOOTAGE_KINDS}`, { cause: error });
    throw error;
  }
  if (files.length === 0) {
    throw new FootageError(dir, 'no frames in this folder (no .png, .jpg, .jpeg, .tif, .tiff, .dpx or .exr files); put the frames there ' +
      `named in order (000000.png, 000001.png, …), or ${FOOTAGE_KINDS}`);
  }
  const runs = numberedRuns(files);
  if (runs.length > 1) {
    const named = runs.map((run) => `${run.pattern} (${run.count} files)`).join(', ');
    const example = join(dir, runs[0].pattern.replace('#', '####'));
    throw new FootageError(dir, `holds more than one image sequence: ${named}; give one of them as a pattern (${example}), or put each in a folder of its own`);
  }
  const source = await openFrameFiles(files, frameRate, 'the folder');
  const missing = missingFrames(dir, files);
  return missing ? { ...source, warnings: [missing] } : source;
}

/**
 * Where a folder's files (`files`, in name order) are all frames of one numbered sequence, the frames
 * its numbers skip, said in words; undefined where they skip none, or are no one sequence. A render
 * that dropped a frame puts every frame after the gap a frame early against the sequence After
 * Effects imports (where the gap stays a frame), and the masks with them; the folder is read in name
 * order all the same. The numbers go up by their smallest step (1, or 10 for every tenth frame).
 */
export function missingFrames(dir: string, files: string[]): string | undefined {
  const runs = numberedRuns(files);
  if (runs.length !== 1 || runs[0].count !== files.length) return undefined;
  const frames = files.map((file) => ({ file, ...frameNumbered(basename(file, extname(file)))! }));
  const steps = frames.slice(1).map((frame, k) => frame.number - frames[k].number);
  const step = Math.min(...steps);
  // Steps that are no multiple of the smallest are a pick of frames, not a sequence with some lost.
  if (!(step > 0) || steps.some((s) => s % step !== 0)) return undefined;
  const gaps = steps.flatMap((s, k) => (s > step ? [k] : []));
  if (gaps.length === 0) return undefined;
  const nameOf = (k: number, n: number) => join(dir, numberedName(frames[k].prefix, n, frames[k].width, frames[k].suffix) + extname(frames[k].file));
  const [k] = gaps, first = frames[k].number + step, skipped = (steps[k] - step) / step;
  const what = skipped === 1 ? `${nameOf(k, first)} is` : `${nameOf(k, first)} to ${nameOf(k, frames[k + 1].number - step)} (${skipped} frames) are`;
  const more = gaps.length > 1 ? ` (and ${plural(gaps.length - 1, 'more gap', 'more gaps')} after it)` : '';
  return `${what} missing from the frames in ${dir}${more}: read in name order, the frames after a gap come as many frames early ` +
    'as it leaves out, against the sequence as After Effects imports it; render or restore the missing frames if the masks are for that sequence';
}

/**
 * The numbered runs of files among `files` with two or more files each: names alike but for their
 * last number (plate.1001.exr, plate.1002.exr: plate.#.exr), the extension aside (a run may mix
 * .jpg and .jpeg). Names without a number belong to none.
 */
function numberedRuns(files: string[]): { pattern: string; count: number }[] {
  const runs = new Map<string, { pattern: string; count: number }>();
  for (const file of files) {
    const extension = extname(file);
    const numbered = frameNumbered(basename(file, extension));
    if (!numbered) continue;
    const stem = `${numbered.prefix}#${numbered.suffix}`;
    const run = runs.get(stem);
    if (run) run.count++;
    else runs.set(stem, { pattern: stem + extension, count: 1 });
  }
  return [...runs.values()].filter((run) => run.count >= 2);
}

/**
 * The `length` frames of the numbered image sequence that `first` starts: the files in its folder
 * whose names differ from it only in the last number, counting up from its number (padded as its
 * number is). A missing one is reported by the name it should have.
 */
export async function openImageSequence(first: string, length: number, frameRate: number | undefined): Promise<FootageSource> {
  const name = basename(first);
  const nameOf = sequenceFileName(name);
  if (!nameOf) throw new FootageError(first, unnumberedSequence(length));
  const dir = dirname(first);
  let present: Set<string>;
  try {
    present = new Set(await readdir(dir));
  } catch (error) {
    throw new FootageError(first, `${readFailure(error)} (the sequence's folder ${dir}); ${FOOTAGE_KINDS}`, { cause: error });
  }
  const files: string[] = [];
  for (let k = 0; k < length; k++) {
    const file = join(dir, nameOf(k));
    if (!present.has(basename(file))) {
      throw new FootageError(file, `is missing from the image sequence that ${name} starts (After Effects has it as ${length} frames); ` +
        'render or restore that frame, or trim the layer to the frames there are');
    }
    files.push(file);
  }
  return openFrameFiles(files, frameRate, 'the sequence');
}

/**
 * The image sequence a pattern names, as compositing and render-farm tools write one: plate.####.exr
 * or plate.%04d.exr (the number padded to four digits; plate.#.exr or plate.%d.exr: not padded), in
 * frame-number order from the lowest. The numbers must run without a gap: a missing one is reported
 * by the name it should have.
 */
export async function openSequencePattern(pattern: string, frameRate: number | undefined): Promise<FootageSource> {
  const dir = dirname(pattern), name = basename(pattern);
  const spec = SEQUENCE_PATTERN.exec(name)!;
  const width = spec[1] ? spec[1].length : Number(spec[2] || 0);
  const [prefix, suffix] = [name.slice(0, spec.index), name.slice(spec.index + spec[0].length)];
  const nameOf = (n: number) => numberedName(prefix, n, width, suffix);
  let entries: string[];
  try {
    entries = await readdir(dir);
  } catch (error) {
    throw new FootageError(pattern, `${readFailure(error)} (the sequence's folder ${dir}); ${FOOTAGE_KINDS}`, { cause: error });
  }
  const numbers = entries.flatMap((entry) => {
    if (!entry.startsWith(prefix) || !entry.endsWith(suffix) || entry.length <= prefix.length + suffix.length) return [];
    const digits = entry.slice(prefix.length, entry.length - suffix.length);
    return /^\d+$/.test(digits) && nameOf(Number(digits)) === entry ? [Number(digits)] : [];
  }).sort((a, b) => a - b);
  if (numbers.length === 0) {
    const padding = width > 1 ? `, padded to ${width} digits` : '';
    throw new FootageError(pattern, `no files of this sequence in ${dir} (named ${prefix}, then the frame number${padding}, then ${suffix}); check the name and the padding`);
  }
  const gap = numbers.findIndex((n, k) => k > 0 && n !== numbers[k - 1] + 1);
  if (gap > 0) {
    throw new FootageError(join(dir, nameOf(numbers[gap - 1] + 1)), `is missing from the sequence ${name} (${nameOf(numbers[0])} to ${nameOf(numbers[numbers.length - 1])}); ` +
      'render or restore that frame, or give the frames on one side of the gap as a folder of their own');
  }
  return openFrameFiles(numbers.map((n) => join(dir, nameOf(n))), frameRate, 'the sequence');
}

/** A frame-number placeholder in a file name: a run of #, or printf's %d with its padding (%04d). */
const SEQUENCE_PATTERN = /(#+)|%(?:0(\d+))?d/;

/** Whether `path` names an image sequence by a pattern (see openSequencePattern) rather than a file. */
export function isSequencePattern(path: string): boolean {
  return SEQUENCE_PATTERN.test(basename(path));
}

/**
 * Frames from these image files in this order, all of the first one's size (`set` says where they
 * are, for messages), at `frameRate`, else the rate the first file records, else DEFAULT_FRAME_RATE.
 */
async function openFrameFiles(files: string[], frameRate: number | undefined, set: string): Promise<FootageSource> {
  const headers: ImageHeader[] = [];
  for (const file of files) {
    let header: ImageHeader | undefined;
    try {
      header = await readImageHeader(file);
    } catch (error) {
      if (error instanceof FootageError) throw new FootageError(file, `${error.reason}; ${FIX}`, { cause: error });
      throw error;
    }
    if (!header) throw new FootageError(file, `not a PNG, JPEG, TIFF, DPX or OpenEXR image (its first bytes are none of them); ${FIX}`);
    headers.push(header);
  }
  const { width, height } = headers[0];
  checkFrameSize(files[0], width, height);
  headers.forEach((h, i) => {
    if (h.width !== width || h.height !== height) {
      throw new FootageError(files[i], `${h.width}×${h.height}, but the first frame ${files[0]} is ${width}×${height}; ` +
        `every frame in ${set} must have the same size: resize or remove that file`);
    }
  });
  async function* read(start: number, end: number) {
    for (let i = start; i <= end; i++) yield await readImageFile(files[i], headers[i], FIX);
  }
  return { kind: 'frames', width, height, frameRate: frameRate ?? headers[0].frameRate ?? DEFAULT_FRAME_RATE, frameCount: files.length, read };
}
