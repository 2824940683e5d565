/**
 * Footage that cannot be used as it is: a missing file, a video ffmpeg cannot read or that is cut
 * short, a folder without frames, frames of mixed sizes, an image too small. The message names the
 * file (or the frame file) first, then what is wrong and what to do, so the CLI can print it as it
 * is (src/cli/errors.ts maps it to exit 2).
 */
import { FileError } from '../core/file-error.ts';

export class FootageError extends FileError {}

/** What footage can be, for the end of a message about footage that is not usable. */
export const FOOTAGE_KINDS = 'give a video file (mp4, mov, mkv, webm), a folder of frames (PNG, JPEG, TIFF, DPX or EXR), an image sequence as a pattern (plate.####.exr), or one image';

/** Frames smaller than this on either side are refused: too few pixels to find a sky in. */
export const MIN_FRAME_SIZE = 16;

/** Throws a FootageError naming `path` when `width`×`height` is below MIN_FRAME_SIZE on a side. */
export function checkFrameSize(path: string, width: number, height: number): void {
  if (width < MIN_FRAME_SIZE || height < MIN_FRAME_SIZE) {
    throw new FootageError(path, `${width}×${height} is too small; Autoroto needs frames of at least ` +
      `${MIN_FRAME_SIZE}×${MIN_FRAME_SIZE} pixels`);
  }
}

/** Why a file could not be opened or read, from a Node file-system error. */
export function readFailure(error: unknown): string {
  const code = error instanceof Error ? (error as NodeJS.ErrnoException).code : undefined;
  if (code === 'ENOENT') return 'no such file or folder';
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied; make it readable';
  if (code === 'EISDIR') return 'is a folder, not a file';
  return `cannot read (${code ?? (error instanceof Error ? error.message : String(error))})`;
}
