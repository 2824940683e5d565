/**
 * `autoroto render <roto.json> --out <dir>`: a roto document → 8-bit grayscale PNG mattes
 * `<dir>/000000.png …` (255 = covered by the composited masks), written all at once, for checking a
 * document against the mattes it came from.
 */
import { readFile } from 'node:fs/promises';
import { InvalidDocumentError, parseDocument, type RotoDocument } from '../core/document.ts';
import { renderDocument } from '../core/render.ts';
import { matteFileName, writeMattePng } from '../node/png.ts';
import { BadInputError, errnoCode } from './errors.ts';
import { withAtomicOutput } from './output.ts';
import { Progress, type ProgressStream } from './progress.ts';
import { plural } from '../core/plural.ts';

export interface RenderOptions {
  /** The roto document (roto.json). */
  input: string;
  /** The output folder (created if missing). */
  out: string;
  quiet?: boolean;
}

export interface RenderResult {
  doc: RotoDocument;
  /** The matte files written to `out`, in frame order. */
  written: string[];
  /** Milliseconds, all told. */
  time: number;
}

/** Reads and validates a roto document; a missing, unreadable or invalid file throws BadInputError naming it. */
export async function readDocument(path: string): Promise<RotoDocument> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = errnoCode(error);
    const why = code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a folder, not a roto document'
      : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? String(error)})`;
    throw new BadInputError(`${path}: ${why}; give a roto.json written by \`autoroto trace\``, { cause: error });
  }
  try {
    return parseDocument(text);
  } catch (error) {
    if (error instanceof InvalidDocumentError) throw new BadInputError(`${path}: ${error.message}`, { cause: error });
    throw error;
  }
}

export async function runRender(options: RenderOptions, io: { stderr: ProgressStream } = { stderr: process.stderr }): Promise<RenderResult> {
  const t0 = performance.now();
  const doc = await readDocument(options.input);
  const { width, height, frameCount } = doc.source;
  const names = Array.from({ length: frameCount }, (_, f) => matteFileName(f));
  const progress = new Progress('render', frameCount, options.quiet ? undefined : io.stderr);
  return withAtomicOutput(options.out, names, async (output) => {
    try {
      const data = new Float32Array(width * height);
      for (let f = 0; f < frameCount; f++) {
        const covered = renderDocument(doc, f);
        for (let i = 0; i < data.length; i++) data[i] = covered[i];
        await writeMattePng(output.path(names[f]), { width, height, data });
        progress.update(f + 1);
      }
      progress.finish();
      const written = output.commit().sort();
      return { doc, written, time: performance.now() - t0 };
    } catch (error) {
      progress.abort();
      throw error;
    }
  });
}

/** The one-line summary `render` prints on stdout. */
export function renderSummary(result: RenderResult, options: Pick<RenderOptions, 'input' | 'out'>): string {
  const { width, height, frameCount } = result.doc.source;
  const masks = result.doc.masks.length;
  return `Rendered ${plural(frameCount, 'frame')} (${width}×${height}, ${plural(masks, 'mask')}) ` +
    `from ${options.input} to ${options.out}/${result.written[0]} … ${result.written[result.written.length - 1]} ` +
    `in ${(result.time / 1000).toFixed(1)} s.`;
}
