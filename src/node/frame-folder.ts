/**
 * A folder of frames: PNG, JPEG, TIFF, DPX and OpenEXR files in natural name order (listFrames). Every file's header is
 * read when the folder is opened, so a file that is not an image or a frame of another size is
 * reported before any work; the pixels are decoded one frame at a time as they are read.
 */
import { checkFrameSize, FOOTAGE_KINDS, FootageError } from './footage-error.ts';
import type { FootageSource } from './footage-source.ts';
import { readImageHeader, type ImageHeader } from './image-header.ts';
import { readImageFile } from './image-file.ts';
import { ImageReadError, listFrames } from './png.ts';

const FIX = 'replace this frame or remove it from the folder';

export async function openFrameFolder(dir: string, frameRate: number): Promise<FootageSource> {
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
        'every frame in the folder must have the same size: resize or remove that file');
    }
  });
  async function* read(start: number, end: number) {
    for (let i = start; i <= end; i++) yield await readImageFile(files[i], headers[i], FIX);
  }
  return { kind: 'frames', width, height, frameRate, frameCount: files.length, read };
}
