/**
 * Writes the preview of a roto run into its output folder (Node only), fed frames as they decode
 * so that memory stays flat however long the shot:
 *
 * - `preview/frames/000012.png`: stills at most `stillWidth` px wide, written as their frames arrive;
 *   a shot longer than `maxStills` frames keeps every k-th frame (k as small as that allows) and the last;
 * - `contact-sheet.png`: about `sheetFrames` frames spread over the shot (first and last included)
 *   with the masks drawn over them; only those tiles are held until `finish`;
 * - `preview.html`: plays the stills with the masks over them.
 *
 * The masks are only known at the end, so `finish(doc)` draws them.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RotoDocument } from '../core/document.ts';
import type { RgbFrame } from '../core/types.ts';
import { contactSheet, type SheetTile } from '../preview/contact-sheet.ts';
import { downscale, fitWidth } from '../preview/downscale.ts';
import { evenlySpread, stillFrames } from '../preview/frame-choice.ts';
import { previewHtml } from '../preview/html.ts';
import { matteFileName, writeRgbPng } from './png.ts';

export interface PreviewOptions {
  /** How many frames will be added: frames `firstFrame` … `firstFrame + frameCount - 1`. */
  frameCount: number;
  /** The number of the first frame, as the roto document counts frames (default 0). */
  firstFrame?: number;
  /** Frames on the contact sheet (default 12). */
  sheetFrames?: number;
  /** Tiles per contact sheet row (default 4). */
  columns?: number;
  /** Contact sheet tile width in px (default 360). */
  tileWidth?: number;
  /** Also draw tangent handles on the contact sheet (default false). */
  handles?: boolean;
  /** Most stills the page plays (default 240). */
  maxStills?: number;
  /** Still width in px (default 480; smaller footage keeps its size). */
  stillWidth?: number;
}

/** Where the preview's files go, relative to the output folder. */
export const PREVIEW_PATHS = { html: 'preview.html', sheet: 'contact-sheet.png', stills: join('preview', 'frames') } as const;

export interface PreviewResult {
  /** The page's and the sheet's paths: `dir` joined with their names. */
  html: string;
  sheet: string;
  /** Stills written, and the frame step between them. */
  stills: number;
  step: number;
}

export class PreviewWriter {
  private readonly sheetFrames: Set<number>;
  private readonly stillPlan: { step: number; frames: number[] };
  private readonly stillSet: Set<number>;
  private readonly tiles = new Map<number, RgbFrame>();
  private readonly written = new Set<number>();
  private readonly first: number;
  private folder: Promise<unknown> | undefined;

  constructor(private readonly dir: string, private readonly options: PreviewOptions) {
    const { frameCount } = options;
    if (!(Number.isInteger(frameCount) && frameCount > 0)) throw new RangeError(`bad preview frameCount ${frameCount}`);
    this.first = options.firstFrame ?? 0;
    this.sheetFrames = new Set(evenlySpread(this.first, frameCount, options.sheetFrames ?? 12));
    this.stillPlan = stillFrames(this.first, frameCount, options.maxStills ?? 240);
    this.stillSet = new Set(this.stillPlan.frames);
  }

  /** Whether frame `index` goes into the preview (others can skip `addFrame`; it ignores them anyway). */
  wants(index: number): boolean {
    return this.sheetFrames.has(index) || this.stillSet.has(index);
  }

  /** Takes what the preview needs of frame `index`; `frame` is not kept, so its buffer can be reused. */
  async addFrame(index: number, frame: RgbFrame): Promise<void> {
    if (!(Number.isInteger(index) && index >= this.first && index < this.first + this.options.frameCount)) {
      throw new RangeError(`frame ${index} is outside the preview's frames ${this.first}–${this.first + this.options.frameCount - 1}`);
    }
    if (this.sheetFrames.has(index)) {
      const { width, height } = fitWidth(frame, this.options.tileWidth ?? 360);
      this.tiles.set(index, downscale(frame, width, height));
    }
    if (this.stillSet.has(index)) {
      const { width, height } = fitWidth(frame, this.options.stillWidth ?? 480);
      this.folder ??= mkdir(join(this.dir, PREVIEW_PATHS.stills), { recursive: true });
      await this.folder;
      await writeRgbPng(join(this.dir, PREVIEW_PATHS.stills, matteFileName(index)), downscale(frame, width, height));
      this.written.add(index);
    }
  }

  /** Draws `doc`'s masks onto the sheet and writes the sheet and the page, from the frames that arrived. */
  async finish(doc: RotoDocument): Promise<PreviewResult> {
    const tiles: SheetTile[] = [...this.tiles].sort(([a], [b]) => a - b).map(([frame, image]) => ({ frame, image }));
    const stills = this.stillPlan.frames.filter((f) => this.written.has(f))
      .map((frame) => ({ frame, src: `${PREVIEW_PATHS.stills.split(/[\\/]/).join('/')}/${matteFileName(frame)}` }));
    if (tiles.length === 0 || stills.length === 0) throw new Error('no frames were added to the preview');
    const html = join(this.dir, PREVIEW_PATHS.html), sheet = join(this.dir, PREVIEW_PATHS.sheet);
    await writeRgbPng(sheet, contactSheet(doc, tiles, { columns: this.options.columns, handles: this.options.handles }));
    this.tiles.clear();
    await writeFile(html, previewHtml(doc, stills));
    return { html, sheet, stills: stills.length, step: this.stillPlan.step };
  }
}
