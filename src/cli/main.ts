/**
 * The command line (contract in ../shared/DESIGN.md): `autoroto trace|render|sky|segment …`.
 * `run(argv)` parses the arguments, runs the command and returns the exit code: 0 done, 2 bad
 * input, 1 anything else (130 on Ctrl-C, from src/cli/output.ts). Progress goes to stderr, the
 * summary to stdout.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { BadInputError, EXIT_BAD_INPUT, EXIT_OK, UsageError, exitCodeFor, formatError, formatWarning } from './errors.ts';
import { renderSummary, runRender } from './render.ts';
import { runTrace, traceSummary } from './trace.ts';
import { DEFAULT_PREROLL, parseFrameRange, runSegment, runSky, segmentSummary, skySummary } from './sky.ts';
import { mergeSummary, runMerge } from './merge.ts';
import { DEFAULT_FRAME_RATE } from '../core/frame-rate.ts';
import type { FieldSeparation } from '../core/fields.ts';

export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown; isTTY?: boolean };
}

const MAIN_USAGE = `Usage: autoroto <command> [options]

Commands:
  trace <mattes> --out <dir>       a folder of PNG mattes → roto.json, sky.jsx, sky.lottie.json, sky.svg
  render <roto.json> --out <dir>   a roto document → PNG mattes 000000.png, 000001.png, … (for checking)
  sky <input> --out <dir>          footage (video, frame folder or image) → roto.json, sky.jsx,
                                   sky.lottie.json, sky.svg, preview.html, contact-sheet.png
  segment <input> --out <dir>      footage → sky mattes 000000.png, 000001.png, …
  merge <dir>… --out <dir>         the \`sky --frames a-b\` outputs of one shot → one roto document

Run \`autoroto <command> --help\` for a command's options.
Exit codes: 0 done, 2 bad input (the message names the file), 1 anything else.`;

const TRACE_USAGE = `Usage: autoroto trace <mattes> --out <dir> [options]

Traces a folder of PNG mattes (8-bit or 16-bit grayscale, 255 = sky, same size, taken in natural
name order: 000000.png, 000001.png, …) into bezier masks, and writes into <dir> (created if missing):
roto.json (autoroto.roto/1), sky.jsx (After Effects script), sky.lottie.json, sky.svg (one frame).
Nothing is written unless everything succeeds.

Options:
  --out <dir>          output folder (required)
  --tolerance <px>     largest distance between a mask and the matte's 0.5 outline
                       (default: 1 px at 1080 lines, scaled with the frame size)
  --min-area <px²>     specks and pinholes smaller than this are left out
                       (default: 64 px² at 1080 lines, scaled)
  --frame-rate <fps>   frame rate of the shot (default 24)
  --svg-frame <n>      frame shown in sky.svg (default 0)
  -q, --quiet          no progress on stderr
  -h, --help           this help`;

const RENDER_USAGE = `Usage: autoroto render <roto.json> --out <dir> [options]

Renders a roto document's composited masks into 8-bit grayscale PNG mattes <dir>/000000.png, …
(255 = covered, 0 = not), one per frame of the document. Nothing is written unless everything succeeds.

Options:
  --out <dir>    output folder (required)
  -q, --quiet    no progress on stderr
  -h, --help     this help`;

const FOOTAGE_HELP = `<input> is a video (mp4, mov, mkv, webm), a folder of frames (PNG, JPEG, TIFF, DPX or
OpenEXR, natural name order), an image sequence as a pattern (shots/plate.####.exr or plate.%04d.exr;
--frames counts from its first file) or one image; EXR is shown through the sRGB curve and log DPX
through Kodak's Cineon conversion, as a display would show them. The sky model is models/sky.onnx (onnxruntime-web: WebGPU where there is a GPU
page, WASM here).`;

const SKY_USAGE = `Usage: autoroto sky <input> --out <dir> [options]

Segments the sky in every frame, traces it into bezier masks and writes into <dir> (created if
missing): roto.json (autoroto.roto/1), sky.jsx (After Effects script), sky.lottie.json, sky.svg,
preview.html and contact-sheet.png (the masks over the footage), and with --mattes the mattes in
mattes/. Nothing is written unless everything succeeds.
${FOOTAGE_HELP}

Options:
  --out <dir>          output folder (required)
  --frames <a-b>       only shot frames a to b (0-based, both included); also writes regions.bin,
                       which \`autoroto merge\` joins (ranges need not overlap)
  --preroll <n>        with --frames, segment n frames before a (not kept) so the stabiliser starts
                       the range as one run over the shot would (default ${DEFAULT_PREROLL})
  --mattes             also write the sky mattes to <dir>/mattes/
  --tolerance <px>     largest distance between a mask and the matte's 0.5 outline (default: 2 px
                       at 1080 lines, scaled with the frame size; the feather covers the rest)
  --min-area <px²>     specks and pinholes smaller than this are left out (default: 1024 px² at
                       1080 lines, scaled)
  --backend <name>     auto, wasm or webgpu (default auto: WASM; webgpu runs on the GPU through Dawn)
  --model <file>       another ONNX sky model (default: models/sky.onnx)
  --frame-rate <fps>   frame rate of frames or an image (default: what DPX and EXR plates record, else
                       24; videos have their own)
  --fields <order>     auto, upper, lower or progressive: interlaced footage is read as After Effects
                       shows it with Separate Fields set to that order, each frame its dominant field;
                       progressive reads it woven (default auto: as the video says, else progressive)
  --no-preview         skip preview.html and contact-sheet.png
  -q, --quiet          no progress on stderr
  -h, --help           this help`;

const SEGMENT_USAGE = `Usage: autoroto segment <input> --out <dir> [options]

Writes the sky matte of every frame: 8-bit grayscale PNGs <dir>/000000.png, … (255 = sky), named by
frame. Nothing is written unless everything succeeds.
${FOOTAGE_HELP}

Options:
  --out <dir>          output folder (required)
  --frames <a-b>       only shot frames a to b (0-based, both included)
  --preroll <n>        with --frames, segment n frames before a (not kept) to warm the stabiliser up
                       (default ${DEFAULT_PREROLL})
  --backend <name>     auto, wasm or webgpu (default auto)
  --model <file>       another ONNX sky model (default: models/sky.onnx)
  --frame-rate <fps>   frame rate of frames or an image (default: what DPX and EXR plates record, else 24)
  --fields <order>     auto, upper, lower or progressive: how interlaced footage is read (see sky --help)
  -q, --quiet          no progress on stderr
  -h, --help           this help`;

const MERGE_USAGE = `Usage: autoroto merge <dir>… --out <dir>

Joins the outputs of \`autoroto sky <input> --frames a-b --out <dir>\` runs over one shot (each holds a
regions.bin) into one roto document with continuous tracks, as one run over the whole shot would give;
writes roto.json, sky.jsx, sky.lottie.json and sky.svg into --out. Ranges may overlap (the earlier
range's frames are kept) but not leave gaps; each range's pre-roll (sky --preroll) warms its
stabiliser up, so no overlap is needed.

Options:
  --out <dir>    output folder (required)
  -h, --help     this help`;

function version(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

type OptionSpec = NonNullable<NonNullable<Parameters<typeof parseArgs>[0]>['options']>;

function parse<T extends OptionSpec>(args: string[], options: T, usage: string) {
  try {
    return parseArgs({ args, options, allowPositionals: true as const, strict: true as const });
  } catch (error) {
    const message = error instanceof Error ? error.message.replace(/\s*To specify a positional argument.*$/s, '') : String(error);
    throw new UsageError(message, shortUsage(usage));
  }
}

function numberOption(name: string, text: string | undefined, check: (n: number) => boolean, what: string): number | undefined {
  if (text === undefined) return undefined;
  const n = text.trim() === '' ? NaN : Number(text);
  if (!Number.isFinite(n) || !check(n)) throw new BadInputError(`--${name} ${JSON.stringify(text)}: must be ${what}`);
  return n;
}

/** A UsageError shows the usage line and where the options are, not the whole help. */
function shortUsage(usage: string): string {
  const first = usage.split('\n')[0];
  const command = /^Usage: autoroto (\w+)/.exec(first)?.[1];
  return command ? `${first}\nRun \`autoroto ${command} --help\` for the options.` : usage;
}

function onePositional(positionals: string[], what: string, usage: string): string {
  if (positionals.length === 0) throw new UsageError(`missing ${what}`, shortUsage(usage));
  if (positionals.length > 1) throw new UsageError(`one ${what} expected, got ${positionals.length}: ${positionals.join(' ')}`, shortUsage(usage));
  return positionals[0];
}

function requireOut(out: string | boolean | undefined, usage: string): string {
  if (typeof out !== 'string' || out === '') throw new UsageError('missing --out <dir>', shortUsage(usage));
  return out;
}

async function trace(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string', short: 'o' },
    tolerance: { type: 'string' },
    'min-area': { type: 'string' },
    'frame-rate': { type: 'string' },
    'svg-frame': { type: 'string' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  }, TRACE_USAGE);
  if (values.help) {
    io.stdout.write(`${TRACE_USAGE}\n`);
    return EXIT_OK;
  }
  const input = onePositional(positionals, 'mattes folder', TRACE_USAGE);
  const out = requireOut(values.out, TRACE_USAGE);
  const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  const options = {
    input,
    out,
    tolerance: numberOption('tolerance', str(values.tolerance), (n) => n > 0, 'a distance in px above 0'),
    minArea: numberOption('min-area', str(values['min-area']), (n) => n >= 0, 'an area in px² of 0 or more'),
    frameRate: numberOption('frame-rate', str(values['frame-rate']), (n) => n > 0 && n <= 1000, 'frames per second above 0') ?? DEFAULT_FRAME_RATE,
    svgFrame: numberOption('svg-frame', str(values['svg-frame']), (n) => Number.isInteger(n) && n >= 0, 'a frame index (0, 1, …)') ?? 0,
    quiet: values.quiet === true,
  };
  const result = await runTrace(options, { stderr: io.stderr });
  io.stdout.write(`${traceSummary(result, options)}\n`);
  return EXIT_OK;
}

async function render(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, {
    out: { type: 'string', short: 'o' },
    quiet: { type: 'boolean', short: 'q' },
    help: { type: 'boolean', short: 'h' },
  }, RENDER_USAGE);
  if (values.help) {
    io.stdout.write(`${RENDER_USAGE}\n`);
    return EXIT_OK;
  }
  const options = {
    input: onePositional(positionals, 'roto document', RENDER_USAGE),
    out: requireOut(values.out, RENDER_USAGE),
    quiet: values.quiet === true,
  };
  const result = await runRender(options, { stderr: io.stderr });
  io.stdout.write(`${renderSummary(result, options)}\n`);
  return EXIT_OK;
}

const FOOTAGE_OPTIONS = {
  out: { type: 'string', short: 'o' },
  frames: { type: 'string' },
  preroll: { type: 'string' },
  backend: { type: 'string' },
  model: { type: 'string' },
  'frame-rate': { type: 'string' },
  fields: { type: 'string' },
  quiet: { type: 'boolean', short: 'q' },
  help: { type: 'boolean', short: 'h' },
} as const;

function backendOption(text: string | undefined): 'auto' | 'wasm' | 'webgpu' | undefined {
  if (text === undefined) return undefined;
  if (text === 'auto' || text === 'wasm' || text === 'webgpu') return text;
  throw new BadInputError(`--backend ${JSON.stringify(text)}: must be auto, wasm or webgpu`);
}

function fieldsOption(text: string | undefined): FieldSeparation | undefined {
  if (text === undefined || text === 'auto') return undefined;
  if (text === 'upper' || text === 'lower' || text === 'progressive') return text;
  throw new BadInputError(`--fields ${JSON.stringify(text)}: must be auto, upper, lower or progressive`);
}

function footageOptions(values: Record<string, string | boolean | undefined>, positionals: string[], usage: string) {
  const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  return {
    input: onePositional(positionals, 'input (a video, a folder of frames or an image)', usage),
    out: requireOut(values.out, usage),
    frames: str(values.frames) === undefined ? undefined : parseFrameRange(str(values.frames)!),
    preroll: numberOption('preroll', str(values.preroll), (n) => Number.isInteger(n) && n >= 0, 'a whole number of frames, 0 or more'),
    backend: backendOption(str(values.backend)),
    model: str(values.model),
    frameRate: numberOption('frame-rate', str(values['frame-rate']), (n) => n > 0 && n <= 1000, 'frames per second above 0'),
    fields: fieldsOption(str(values.fields)),
    quiet: values.quiet === true,
  };
}

async function sky(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, {
    ...FOOTAGE_OPTIONS,
    mattes: { type: 'boolean' },
    tolerance: { type: 'string' },
    'min-area': { type: 'string' },
    'no-preview': { type: 'boolean' },
  }, SKY_USAGE);
  if (values.help) {
    io.stdout.write(`${SKY_USAGE}\n`);
    return EXIT_OK;
  }
  const str = (v: string | boolean | undefined) => (typeof v === 'string' ? v : undefined);
  const options = {
    ...footageOptions(values, positionals, SKY_USAGE),
    mattes: values.mattes === true,
    preview: values['no-preview'] !== true,
    tolerance: numberOption('tolerance', str(values.tolerance), (n) => n > 0, 'a distance in px above 0'),
    minArea: numberOption('min-area', str(values['min-area']), (n) => n >= 0, 'an area in px² of 0 or more'),
  };
  const result = await runSky(options, { stderr: io.stderr });
  io.stdout.write(`${skySummary(result, options)}\n`);
  return EXIT_OK;
}

async function segment(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, FOOTAGE_OPTIONS, SEGMENT_USAGE);
  if (values.help) {
    io.stdout.write(`${SEGMENT_USAGE}\n`);
    return EXIT_OK;
  }
  const options = footageOptions(values, positionals, SEGMENT_USAGE);
  const result = await runSegment(options, { stderr: io.stderr });
  io.stdout.write(`${segmentSummary(result, options)}\n`);
  return EXIT_OK;
}

async function merge(args: string[], io: CliIO): Promise<number> {
  const { values, positionals } = parse(args, { out: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } }, MERGE_USAGE);
  if (values.help) {
    io.stdout.write(`${MERGE_USAGE}\n`);
    return EXIT_OK;
  }
  const options = { parts: positionals, out: requireOut(values.out, MERGE_USAGE) };
  const result = await runMerge(options);
  for (const warning of result.warnings) io.stderr.write(formatWarning(warning));
  io.stdout.write(`${mergeSummary(result, options)}\n`);
  return EXIT_OK;
}

/** Runs the command line `argv` (without node and the script) and returns the exit code. */
export async function run(argv: string[], io: CliIO = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [command, ...args] = argv;
  try {
    switch (command) {
      case 'trace':
        return await trace(args, io);
      case 'render':
        return await render(args, io);
      case 'sky':
        return await sky(args, io);
      case 'segment':
        return await segment(args, io);
      case 'merge':
        return await merge(args, io);
      case '--help':
      case '-h':
      case 'help':
        io.stdout.write(`${MAIN_USAGE}\n`);
        return EXIT_OK;
      case '--version':
      case '-v':
        io.stdout.write(`autoroto ${version()}\n`);
        return EXIT_OK;
      case undefined:
        io.stderr.write(`${MAIN_USAGE}\n`);
        return EXIT_BAD_INPUT;
      default:
        throw new UsageError(`unknown command ${JSON.stringify(command)}`, MAIN_USAGE);
    }
  } catch (error) {
    io.stderr.write(`${formatError(error)}\n`);
    return exitCodeFor(error);
  }
}
