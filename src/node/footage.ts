/**
 * Footage for the pipeline: a video file (anything ffmpeg reads: mp4, mov, mkv, webm, …), a folder
 * of frames, one image (PNG, JPEG, TIFF, DPX, OpenEXR), or the image sequence an image starts. What a file is comes from its content (image
 * signatures, else ffmpeg's probe), not its name. Opening checks everything that can be checked
 * without decoding and counts the frames exactly; `frames` then streams them, one at a time.
 * Unusable input is a FootageError whose message names the file and says what to do.
 */
import { stat } from 'node:fs/promises';
import type { RgbFrame } from '../core/types.ts';
import { checkFrameSize, FOOTAGE_KINDS, FootageError, readFailure } from './footage-error.ts';
import type { FootageSource } from './footage-source.ts';
import { DEFAULT_FRAME_RATE } from '../core/frame-rate.ts';
import { isSequencePattern, openFrameFolder, openImageSequence, openSequencePattern } from './frame-folder.ts';
import { readImageHeader, type ImageHeader } from './image-header.ts';
import { readImageFile } from './image-file.ts';
import { openVideo } from './video-footage.ts';
import { dominantFields, type FieldOrder, type FieldSeparation } from '../core/fields.ts';
import { plural } from '../core/plural.ts';

export { FootageError, MIN_FRAME_SIZE } from './footage-error.ts';

/** Frames `start` to `end`, both included, 0-based. */
export interface FrameRange {
  start: number;
  end: number;
}

export interface Footage {
  /** As given to openFootage. */
  readonly path: string;
  readonly kind: 'video' | 'frames' | 'image';
  readonly width: number;
  readonly height: number;
  /** A video's own rate; for frames and images the one openFootage was given (default 24). */
  readonly frameRate: number;
  /** Exact: counted when the footage was opened. */
  readonly frameCount: number;
  /**
   * Interlaced footage: the field first in time, whose lines each frame keeps (the other field's are
   * filled in from it, src/core/fields.ts), as After Effects shows the footage with its fields
   * separated. Progressive: absent.
   */
  readonly fieldOrder?: FieldOrder;
  /** What is odd about it but did not stop it being opened (see FootageSource), each a sentence that names the file. */
  readonly warnings: readonly string[];
  /**
   * The frames (all, or a range), decoded one at a time as they are asked for; a fresh buffer
   * each, which the consumer may keep. Stopping early (break) ends the decoder. A range outside
   * the footage is a FootageError, thrown by this call.
   */
  frames(range?: FrameRange): AsyncIterable<RgbFrame>;
}

export interface FootageOptions {
  /**
   * The rate of a frame folder, an image sequence or an image (videos have their own). Default: the
   * rate the (first) file records (DPX, OpenEXR), else 24.
   */
  frameRate?: number;
  /**
   * How many frames the footage is where a host knows (After Effects' footage item of this file):
   * an image file with more than one is the first of a numbered image sequence, which is read instead.
   */
  sequenceLength?: number;
  /**
   * How a host separates the footage's fields (After Effects' Interpret Footage), which the frames
   * follow whatever the file says: 'progressive' reads them woven, as they are stored. Default:
   * as the video says (its container's field order, else its first frame's), progressive for images.
   */
  fields?: FieldSeparation;
}

function checkRange(path: string, frameCount: number, range: FrameRange | undefined): FrameRange {
  if (!range) return { start: 0, end: frameCount - 1 };
  const { start, end } = range;
  if (!(Number.isInteger(start) && Number.isInteger(end) && start >= 0 && start <= end && end < frameCount)) {
    throw new FootageError(path, `frames ${start}-${end} asked for, but it has ${plural(frameCount, 'frame')} ` +
      `(0-${frameCount - 1}); choose a range within those`);
  }
  return range;
}

const IMAGE_FIX = `export it again, or ${FOOTAGE_KINDS}`;

function openImage(path: string, header: ImageHeader, frameRate: number | undefined): FootageSource {
  checkFrameSize(path, header.width, header.height);
  async function* read() {
    yield await readImageFile(path, header, IMAGE_FIX);
  }
  return { kind: 'image', width: header.width, height: header.height, frameRate: frameRate ?? header.frameRate ?? DEFAULT_FRAME_RATE, frameCount: 1, read };
}

export async function openFootage(path: string, options: FootageOptions = {}): Promise<Footage> {
  const stillRate = options.frameRate;
  if (stillRate !== undefined && !(Number.isFinite(stillRate) && stillRate > 0)) throw new RangeError(`frame rate must be a positive number, not ${stillRate}`);
  let isFolder: boolean | undefined;
  try {
    isFolder = (await stat(path)).isDirectory();
  } catch (error) {
    if (!isSequencePattern(path)) throw new FootageError(path, `${readFailure(error)}; ${FOOTAGE_KINDS}`, { cause: error });
  }
  let source: FootageSource;
  if (isFolder === undefined) {
    source = await openSequencePattern(path, stillRate);
  } else if (isFolder) {
    source = await openFrameFolder(path, stillRate);
  } else {
    let header: ImageHeader | undefined;
    try {
      header = await readImageHeader(path);
    } catch (error) {
      if (error instanceof FootageError) throw new FootageError(path, `${error.reason}; ${IMAGE_FIX}`, { cause: error });
      throw error;
    }
    const sequence = options.sequenceLength ?? 1;
    source = !header ? await openVideo(path) : sequence > 1 ? await openImageSequence(path, sequence, stillRate) : openImage(path, header, stillRate);
  }
  const { kind, width, height, frameRate, frameCount, read } = source;
  const fields = options.fields ?? source.fieldOrder;
  const fieldOrder = fields === 'progressive' ? undefined : fields;
  return {
    path, kind, width, height, frameRate, frameCount, ...(fieldOrder ? { fieldOrder } : {}), warnings: source.warnings ?? [],
    frames(range) {
      const { start, end } = checkRange(path, frameCount, range);
      return fieldOrder ? dominantFields(read(start, end), fieldOrder) : read(start, end);
    },
  };
}
