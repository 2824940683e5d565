/**
 * After Effects image-sequence layers in the inference page: the numbered files the layer's first
 * file starts (plate.1001.png, plate.1002.png, …, as src/node/frame-folder.ts reads them on the
 * command line and in the CEP panel), each decoded by the browser as the panel asks for its frame.
 * The page decodes what browsers do, PNG and JPEG; the plates' deep formats (EXR, DPX, TIFF) are
 * the CEP panel's and the command line's.
 */
import { sequenceFileName, unnumberedSequence } from '../../src/core/frame-number.ts';
import { DEFAULT_FRAME_RATE } from '../../src/core/frame-rate.ts';
import type { RgbFrame } from '../../src/core/types.ts';
import type { Footage } from '../../src/hosts/types.ts';

/** A local file's URL: separators made forward slashes, each name percent-encoded (a # or % in a name is not a URL's). */
export function fileUrl(path: string): string {
  if (path.startsWith('file:')) return path;
  const parts = path.replace(/\\/g, '/').split('/');
  // A Windows drive (C:) stays as it is.
  const encoded = parts.map((part, k) => (k <= 1 && /^[A-Za-z]:$/.test(part) ? part : encodeURIComponent(part))).join('/');
  return `file://${encoded.startsWith('/') ? '' : '/'}${encoded}`;
}

/** An image decoded by the page, or an error naming why not. */
async function decodeImage(url: string): Promise<HTMLImageElement> {
  const image = new Image();
  image.src = url;
  await image.decode();
  return image;
}

/** A drawn picture's pixels as 8-bit RGB. */
export function readRgb(context: OffscreenCanvasRenderingContext2D, width: number, height: number): RgbFrame {
  const rgba = context.getImageData(0, 0, width, height).data;
  const data = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < data.length; i += 3, j += 4) { data[i] = rgba[j]; data[i + 1] = rgba[j + 1]; data[i + 2] = rgba[j + 2]; }
  return { width, height, data };
}

/**
 * The `length` frames of the image sequence whose first file is `first`, read through `urlOf` (the
 * page's URL for a file path). The first frame is decoded at once for the size; each frame must be
 * there, decode and have that size, or reading it fails naming the file and what to do.
 */
export async function openImageSequence(first: string, length: number, urlOf: (path: string) => string = fileUrl): Promise<Footage> {
  const cut = Math.max(first.lastIndexOf('/'), first.lastIndexOf('\\')) + 1;
  const dir = first.slice(0, cut), name = first.slice(cut);
  const nameOf = sequenceFileName(name);
  if (!nameOf) throw new Error(`${first}: ${unnumberedSequence(length)}`);
  const pathOf = (k: number) => dir + nameOf(k);
  const decode = async (k: number): Promise<HTMLImageElement> => {
    try {
      return await decodeImage(urlOf(pathOf(k)));
    } catch (error) {
      throw new Error(`${pathOf(k)}: could not be read as frame ${k + 1} of the image sequence that ${name} starts (After Effects has it as ` +
        `${length} frames): it is missing, or not a PNG or JPEG this panel can decode; render or restore that frame, or trim the layer to the frames there are`,
      { cause: error });
    }
  };
  const firstImage = await decode(0);
  const { naturalWidth: width, naturalHeight: height } = firstImage;
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext('2d', { willReadFrequently: true })!;
  return {
    // A PNG or JPEG records no rate; the host times the layer by its own.
    width, height, frameRate: DEFAULT_FRAME_RATE, frameCount: length,
    async *frames({ start, end }): AsyncGenerator<RgbFrame> {
      for (let k = start; k <= end; k++) {
        const image = k === 0 ? firstImage : await decode(k);
        if (image.naturalWidth !== width || image.naturalHeight !== height) {
          throw new Error(`${pathOf(k)}: is ${image.naturalWidth}×${image.naturalHeight}, but the image sequence that ${name} starts is ${width}×${height}; ` +
            're-render that frame at the sequence\'s size');
        }
        context.clearRect(0, 0, width, height);
        context.drawImage(image, 0, 0);
        yield readRgb(context, width, height);
      }
    },
  };
}
