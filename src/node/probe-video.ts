/**
 * What a video file holds, from ffmpeg runs (the package ships no ffprobe): the input dump on
 * stderr gives the container and the first video stream's codec, size, rate and rotation; copying
 * that stream's packets to the framecrc muxer (no decoding, so it is quick) counts its frames exactly,
 * and the demuxer's errors on the way reveal a file that was cut short. The stream's pixel format,
 * or else its first frame, tells whether it is interlaced.
 */
import { checkFrameSize, FOOTAGE_KINDS, FootageError } from './footage-error.ts';
import { runFfmpeg } from './ffmpeg.ts';
import type { FieldOrder } from '../core/fields.ts';

export interface VideoInfo {
  /** As decoded: after the stream's rotation (a phone's portrait video is taller than wide). */
  width: number;
  height: number;
  frameRate: number;
  frameCount: number;
  /** Interlaced video: the field its first frame shows first in time (the dominant field); progressive: absent. */
  fieldOrder?: FieldOrder;
}

interface LogLine {
  level: string;
  text: string;
}

/** stderr of `-loglevel level+info`: '[mov,mp4 @ 0x…] [error] text' or '[info] text' per line. */
function logLines(stderr: string): LogLine[] {
  const lines: LogLine[] = [];
  for (const raw of stderr.split(/\r?\n/)) {
    const m = /^(?:\[[^\]]* @ 0x[0-9a-f]+\] )?\[(\w+)\] (.*)$/.exec(raw);
    if (m) lines.push({ level: m[1], text: m[2] });
    else if (raw.trim() && lines.length) lines.push({ level: lines[lines.length - 1].level, text: raw }); // continuation
  }
  return lines;
}

const ERROR_LEVELS = new Set(['error', 'fatal', 'panic']);

/**
 * A rate as ffmpeg prints it ('24', '23.98', '29.97', '1k'): it rounds to two decimals, so a rate
 * that close to an NTSC rate n·1000/1001 is taken to be exactly that.
 */
export function parseFrameRate(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(k?)$/.exec(text);
  if (!m) return undefined;
  const rate = Number(m[1]) * (m[2] ? 1000 : 1);
  if (!(rate > 0)) return undefined;
  const ntsc = Math.round((rate * 1001) / 1000);
  return Math.abs(rate - (ntsc * 1000) / 1001) < 0.006 && Math.abs(rate - ntsc) > 0.006 ? (ntsc * 1000) / 1001 : rate;
}

/** ffmpeg's error lines as one clause, each once, without the file name it prefixes some with. */
function ffmpegSaid(errors: string[], path: string): string {
  return [...new Set(errors.map((e) => e.replace(`${path}: `, '')))].join('; ');
}

/** Why ffmpeg could not open a file, in words, from its error lines. */
function openFailure(errors: string[], path: string): string {
  const said = ffmpegSaid(errors, path);
  const hint = /moov atom not found/.test(said)
    ? ' (the MP4/MOV index is missing: the file was cut short while copying or recording, or it is not a video at all)'
    : '';
  return `not a video ffmpeg can read (ffmpeg: ${said || 'no reason given'})${hint}; ${FOOTAGE_KINDS}`;
}

/** AVPacket's flag for a packet outside the container's edit list: decoded as a reference, never shown. */
const DISCARD_FLAG = 0x4;

/**
 * How many frames decoding the packets framecrc listed gives: one a packet ("0, dts, pts, duration,
 * size, crc", then ", F=0x…" where its flags are other than a key frame's), but none for a packet
 * flagged discard. A clip trimmed without re-encoding (`ffmpeg -c copy`, an editor's smart render)
 * keeps the packets before its first frame and after its last that those are decoded from, and
 * an edit list that hides them: players and the decoder show only the frames between.
 */
function framesOfPackets(framecrc: string): number {
  let count = 0;
  for (const [line] of framecrc.matchAll(/^\d+,.*$/gm)) {
    const flags = /, F=0x([0-9a-f]+)\s*$/i.exec(line);
    if (!flags || (parseInt(flags[1], 16) & DISCARD_FLAG) === 0) count++;
  }
  return count;
}

/** How many frames decoding the first video stream gives, as VideoFootage reads them (`-vsync passthrough`). */
async function decodedFrames(path: string): Promise<number> {
  const run = await runFfmpeg(['-loglevel', 'quiet', '-i', path, '-map', '0:v:0', '-vsync', 'passthrough', '-f', 'null', '-progress', 'pipe:1', '-nostats', '-']);
  const counted = [...run.stdout.toString('latin1').matchAll(/^frame=(\d+)$/gm)];
  return counted.length ? Number(counted[counted.length - 1][1]) : 0;
}

/**
 * Which field of an interlaced video comes first in time (undefined: progressive), where the stream's
 * pixel format says ('yuv422p10le(tv, top coded first (swapped))', '(…, progressive)': QuickTime's
 * `fiel` atom, which After Effects reads), else where its first frame does as it decodes (showinfo's
 * `i:T`, `i:B`, `i:P`; H.264 says only there).
 * ffmpeg writes "top coded first" for top field first coded as two fields: the field named first
 * is the one shown first, either way.
 */
async function fieldOrderOf(path: string, stream: string): Promise<FieldOrder | undefined> {
  const declared = /\b(?:progressive|(top|bottom)(?: coded)? first)\b/.exec(stream);
  if (declared) return declared[1] === 'top' ? 'upper' : declared[1] === 'bottom' ? 'lower' : undefined;
  const run = await runFfmpeg(['-loglevel', 'info', '-i', path, '-map', '0:v:0', '-frames:v', '1', '-vf', 'showinfo', '-f', 'null', '-']);
  const flag = /\bi:([PTB])\b/.exec(run.stderr)?.[1];
  return flag === 'T' ? 'upper' : flag === 'B' ? 'lower' : undefined;
}

export async function probeVideo(path: string): Promise<VideoInfo> {
  const run = await runFfmpeg(['-loglevel', 'level+info', '-i', path, '-map', '0:v:0', '-c', 'copy',
    '-f', 'framecrc', '-nostats', '-']);
  const lines = logLines(run.stderr);
  const errors = lines.filter((l) => ERROR_LEVELS.has(l.level)).map((l) => l.text.trim());
  const input = lines.find((l) => /^Input #0, /.test(l.text));
  if (!input) throw new FootageError(path, openFailure(errors, path));
  const format = /^Input #0, (.+), from '/.exec(input.text)?.[1] ?? '';

  const start = lines.findIndex((l) => /^\s*Stream #0:\d+.*: Video: /.test(l.text));
  if (start < 0) {
    throw new FootageError(path, `has no video frames (there is no video stream in it); ${FOOTAGE_KINDS}`);
  }
  const stream = lines[start].text.replace(/^.*?: Video: /, '');
  if (format === 'image2' || format.endsWith('_pipe')) {
    const codec = /^\w+/.exec(stream)?.[0] ?? 'unknown';
    throw new FootageError(path, `is an image in a format Autoroto does not read (${codec}); convert it to PNG ` +
      '(Autoroto reads PNG, JPEG, TIFF, DPX and OpenEXR images, one or a folder of them, and videos)');
  }
  const size = /(?:^|, )(\d+)x(\d+)(?=[ ,]|$)/.exec(stream);
  const rate = parseFrameRate(/, ([\d.]+k?) fps/.exec(stream)?.[1] ?? /, ([\d.]+k?) tbr/.exec(stream)?.[1] ?? '');
  if (!size || !rate) throw new FootageError(path, `unusual video stream ffmpeg cannot describe (${stream}); re-export it as H.264 MP4`);

  // The stream's own lines (metadata, side data) run up to the next stream or the output section.
  const end = lines.findIndex((l, i) => i > start && /^\s*(Stream #|Output #|Stream mapping)/.test(l.text));
  const own = lines.slice(start + 1, end < 0 ? undefined : end).map((l) => l.text).join('\n');
  const degrees = Number(/rotate\s*: (-?\d+)/.exec(own)?.[1] ?? /displaymatrix: rotation of (-?[\d.]+) degrees/.exec(own)?.[1] ?? 0);
  const turns = degrees / 90;
  const quarterTurn = Math.abs(turns - Math.round(turns)) < 0.01 && Math.round(turns) % 2 !== 0;
  let width = Number(size[1]), height = Number(size[2]);
  if (quarterTurn) [width, height] = [height, width]; // ffmpeg turns the frames upright when decoding

  // An MPEG transport stream has no index and no edit list, and a recording (a broadcast capture, a
  // cut) may begin anywhere in the stream: the decoder passes over what comes before the first frame
  // it can decode, saying that parameter sets are missing, as a player does. Only decoding tells
  // how many frames there are, and those complaints are no damage.
  const transportStream = /^mpegts\b/.test(format);
  const frameCount = transportStream ? await decodedFrames(path) : framesOfPackets(run.stdout.toString('latin1'));
  if (errors.length && !transportStream) {
    throw new FootageError(path, `truncated or corrupt video: ffmpeg read ${frameCount} frames, then failed ` +
      `(${ffmpegSaid(errors, path)}); export or copy the file again`);
  }
  if (frameCount === 0) throw new FootageError(path, `has 0 video frames; ${FOOTAGE_KINDS} with at least one frame`);
  checkFrameSize(path, width, height);
  const fieldOrder = await fieldOrderOf(path, stream);
  return { width, height, frameRate: rate, frameCount, ...(fieldOrder ? { fieldOrder } : {}) };
}
