/**
 * The ffmpeg binary that ships in the npm package @ffmpeg-installer/ffmpeg (a static 4.x build; it
 * has no ffprobe), run as a child process: to the end for small outputs, or streamed frame by frame.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import ffmpegInstaller from '@ffmpeg-installer/ffmpeg';
import type { RgbFrame } from '../core/types.ts';

export const FFMPEG_PATH: string = ffmpegInstaller.path;

/** Never read the terminal (ffmpeg would otherwise take keys as commands), no version banner. */
const COMMON_ARGS = ['-nostdin', '-hide_banner'];

/** Only the end of stderr is kept: a long decode can log a line per frame. */
const STDERR_KEEP = 16_384;

export interface FfmpegExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last STDERR_KEEP characters of stderr. */
  stderr: string;
  /** Set when ffmpeg could not be started at all. */
  error?: Error;
}

/** How `child` ended; resolves once its streams are closed (also after a failed start). */
function exitOf(child: ChildProcess): Promise<FfmpegExit> {
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (text: string) => { stderr = (stderr + text).slice(-STDERR_KEEP); });
  return new Promise((resolve) => {
    let error: Error | undefined;
    child.on('error', (e) => { error = e; });
    child.on('close', (code, signal) => resolve({ code, signal, stderr, ...(error ? { error } : {}) }));
  });
}

function start(args: readonly string[], stdin: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(FFMPEG_PATH, [...COMMON_ARGS, ...args], { stdio: [stdin, 'pipe', 'pipe'] });
}

/** Runs ffmpeg to the end and collects stdout; for small outputs (a probe, one image). */
export async function runFfmpeg(args: readonly string[]): Promise<FfmpegExit & { stdout: Buffer }> {
  const child = start(args);
  const exited = exitOf(child);
  const chunks: Buffer[] = [];
  child.stdout!.on('data', (chunk: Buffer) => chunks.push(chunk));
  const exit = await exited;
  if (exit.error) throw exit.error;
  return { ...exit, stdout: Buffer.concat(chunks) };
}

export interface RawVideoExit extends FfmpegExit {
  /** Whole frames read. */
  frames: number;
  /** Bytes after the last whole frame (0 unless the output was cut short). */
  partialBytes: number;
}

/**
 * Runs ffmpeg with `args` (which must end in `-f rawvideo -pix_fmt rgb24 pipe:1`) and yields its
 * output as `width`×`height` RGB frames as they come. Reading waits for the consumer (the pipe
 * fills and ffmpeg blocks), so memory holds about one frame whatever the clip's length. When the
 * consumer stops early, ffmpeg is killed and waited for. Returns how ffmpeg ended.
 */
export async function* rawVideoFrames(args: readonly string[], width: number, height: number): AsyncGenerator<RgbFrame, RawVideoExit, undefined> {
  const child = start(args);
  const exited = exitOf(child);
  const frameBytes = width * height * 3;
  let data = new Uint8Array(frameBytes), filled = 0, frames = 0;
  try {
    for await (const chunk of child.stdout! as AsyncIterable<Buffer>) {
      for (let offset = 0; offset < chunk.length;) {
        const n = Math.min(frameBytes - filled, chunk.length - offset);
        data.set(chunk.subarray(offset, offset + n), filled);
        filled += n;
        offset += n;
        if (filled === frameBytes) {
          frames++;
          yield { width, height, data };
          data = new Uint8Array(frameBytes); // the consumer may keep the frame it was given
          filled = 0;
        }
      }
    }
    const exit = await exited;
    if (exit.error) throw exit.error;
    return { ...exit, frames, partialBytes: filled };
  } finally {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    await exited;
  }
}

/**
 * Runs ffmpeg reading raw RGB frames on stdin (`args` are the input options' continuation: the
 * output options and file). Writing waits for ffmpeg to take each frame. Throws with ffmpeg's
 * last stderr lines when it fails.
 */
export async function writeRawVideo(
  frames: Iterable<RgbFrame> | AsyncIterable<RgbFrame>,
  input: { width: number; height: number; frameRate: string },
  outputArgs: readonly string[],
): Promise<void> {
  const { width, height, frameRate } = input;
  const child = start(['-loglevel', 'error', '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`,
    '-framerate', frameRate, '-i', 'pipe:0', ...outputArgs], 'pipe');
  const exited = exitOf(child);
  const stdin = child.stdin!;
  let broken: Error | undefined;
  stdin.on('error', (error) => { broken = error; }); // EPIPE when ffmpeg quits early; its stderr says why
  try {
    for await (const frame of frames) {
      if (frame.width !== width || frame.height !== height) {
        throw new RangeError(`frame is ${frame.width}×${frame.height}, the video ${width}×${height}`);
      }
      if (broken) break;
      if (!stdin.write(frame.data)) {
        await new Promise<void>((resolve) => {
          const go = () => { stdin.off('drain', go).off('close', go); resolve(); };
          stdin.on('drain', go).on('close', go);
        });
      }
    }
  } catch (error) {
    child.kill('SIGKILL');
    await exited;
    throw error;
  }
  stdin.end();
  const exit = await exited;
  if (exit.error) throw exit.error;
  if (exit.code !== 0 || broken) {
    throw new Error(`ffmpeg failed (exit ${exit.code ?? exit.signal}): ${lastLines(exit.stderr, 3) || broken?.message}`);
  }
}

/** The last `n` non-empty lines of ffmpeg's stderr, joined with '; '. */
export function lastLines(stderr: string, n: number): string {
  return stderr.split(/\r?\n/).map((s) => s.trim()).filter(Boolean).slice(-n).join('; ');
}
