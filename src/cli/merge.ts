/**
 * `autoroto merge <dir>… --out <dir>`: the range outputs of one shot (`autoroto sky --frames a-b`,
 * each with its regions.bin) → one roto document with continuous tracks, as one run over the whole
 * shot would give.
 *
 * Every frame is taken from the earliest range that has it: a range's first frames are its
 * stabiliser's warm-up (no history yet), so where ranges overlap the earlier range's frames, which
 * have history, are the ones kept. The frames then go through one tracker in shot order, so tracks
 * carry across the range boundaries and keyframes are chosen over the whole shot.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { RotoBuilder } from '../core/pipeline.ts';
import type { RotoDocument } from '../core/document.ts';
import { decodeRegions, type RegionsFile } from '../core/regions-codec.ts';
import { BadInputError, errnoCode } from './errors.ts';
import { withAtomicOutput } from './output.ts';
import { ROTO_OUTPUTS, rotoOutputTexts, writeRotoOutputs } from './roto-outputs.ts';
import { maskShape, REGIONS_FILE } from './sky.ts';
import { plural } from '../core/plural.ts';

export interface MergeOptions {
  parts: string[];
  out: string;
}

export interface MergeResult {
  doc: RotoDocument;
  /** Which part supplied which frames, in shot order. */
  used: Array<{ part: string; start: number; end: number }>;
  written: string[];
  seconds: number;
  /** The shot's frames outside every part, said (a farm task whose part is missing from the merge), not refused (a run over part of a shot). */
  warnings: string[];
}

async function readPart(dir: string): Promise<RegionsFile> {
  const path = join(dir, REGIONS_FILE);
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    const code = errnoCode(error);
    const why = code === 'ENOENT' ? `no ${REGIONS_FILE} here` : `cannot read it (${code ?? String(error)})`;
    throw new BadInputError(`${path}: ${why}; give the output folders of \`autoroto sky <input> --frames a-b --out <dir>\` runs`, { cause: error });
  }
  try {
    return decodeRegions(bytes);
  } catch (error) {
    throw new BadInputError(`${path}: damaged (${error instanceof Error ? error.message : String(error)}); run that range again`, { cause: error });
  }
}

/** The parts in shot order, checked to be ranges of one shot with the same options and no gap. */
function plan(parts: Array<{ dir: string; file: RegionsFile }>) {
  const sorted = [...parts].sort((a, b) => a.file.header.firstFrame - b.file.header.firstFrame);
  const first = sorted[0].file.header;
  const same = (key: 'path' | 'width' | 'height' | 'frameRate' | 'shotFrameCount' | 'minArea') => {
    for (const { dir, file } of sorted) {
      if (file.header[key] !== first[key]) {
        throw new BadInputError(`${dir}: ${key} ${JSON.stringify(file.header[key])}, but ${sorted[0].dir} has ${JSON.stringify(first[key])}; ` +
          'merge joins ranges of one shot run with the same options');
      }
    }
  };
  // Not the tolerance: on soft edges each range decides its own from its first frame; the merged
  // document takes the first range's, as one run over the whole shot decides it on the shot's first frame.
  (['path', 'width', 'height', 'frameRate', 'shotFrameCount', 'minArea'] as const).forEach(same);
  const used: Array<{ dir: string; file: RegionsFile; start: number; end: number }> = [];
  let next = sorted[0].file.header.firstFrame;
  for (const part of sorted) {
    const start = part.file.header.firstFrame, end = start + part.file.frames.length - 1;
    if (start > next) {
      throw new BadInputError(`${part.dir}: starts at frame ${start}, but the ranges before it end at frame ${next - 1}; ` +
        `frames ${next}-${start - 1} are missing (run that range too)`);
    }
    if (end >= next) {
      used.push({ ...part, start: next, end });
      next = end + 1;
    }
  }
  return { header: first, used, warnings: uncovered(first.path, first.shotFrameCount, used[0].start, next - 1) };
}

/** What the parts leave out at the shot's ends, where the masks hold their first or last key. */
function uncovered(path: string, shotFrameCount: number, start: number, end: number): string[] {
  const shot = `the ${shotFrameCount}-frame shot ${path}`;
  const rerun = 'run that range and merge again if the masks are to follow the sky there';
  return [
    ...(start > 0 ? [`frames 0-${start - 1} of ${shot} are in none of the parts: the masks hold their first key (frame ${start}) there; ${rerun}`] : []),
    ...(end < shotFrameCount - 1 ? [`frames ${end + 1}-${shotFrameCount - 1} of ${shot} are in none of the parts: the masks hold their last key (frame ${end}) there; ${rerun}`] : []),
  ];
}

export async function runMerge(options: MergeOptions): Promise<MergeResult> {
  const t0 = performance.now();
  if (options.parts.length === 0) throw new BadInputError('no parts given; give the output folders of the `autoroto sky --frames a-b` runs');
  const parts = await Promise.all(options.parts.map(async (dir) => ({ dir, file: await readPart(dir) })));
  const { header, used, warnings } = plan(parts);
  const builder = new RotoBuilder(
    { path: header.path, width: header.width, height: header.height, frameRate: header.frameRate },
    { tolerance: header.tolerance, minArea: header.minArea, firstFrame: used[0].start, shotFrameCount: header.shotFrameCount },
  );
  for (const { file, start, end } of used) {
    for (let f = start; f <= end; f++) {
      const { regions, cameraMotion } = file.frames[f - file.header.firstFrame];
      builder.addRegions(regions, cameraMotion);
    }
  }
  const doc = builder.finish();
  return withAtomicOutput(options.out, ROTO_OUTPUTS, async (output) => {
    await writeRotoOutputs(output, rotoOutputTexts(doc, used[0].start));
    const written = output.commit();
    return { doc, used: used.map(({ dir, start, end }) => ({ part: dir, start, end })), written, seconds: (performance.now() - t0) / 1000, warnings };
  });
}

export function mergeSummary(result: MergeResult, options: MergeOptions): string {
  const masks = result.doc.masks;
  const { frameCount } = result.doc.source;
  const first = result.used[0].start, last = result.used[result.used.length - 1].end;
  const frames = first === 0 && last === frameCount - 1 ? `all ${plural(frameCount, 'frame')} of the shot` : `frames ${first}-${last} of the ${frameCount}-frame shot`;
  return `Merged ${result.used.map((u) => `${u.part} (${u.start}-${u.end})`).join(', ')} into one document of ${frames} in ` +
    `${result.seconds.toFixed(1)} s: ${plural(masks.length, 'mask')}` +
    `${masks.length ? ` (${masks.map(maskShape).join('; ')})` : ''}. ` +
    `Wrote ${result.written.sort().join(', ')} to ${options.out}.`;
}
