/**
 * The contact sheet: a grid of frames from across the shot with the masks drawn over them, each
 * tile labelled with its frame number and marked when a mask has a keyframe there, under a header
 * that names the shot and gives each mask's colour.
 */
import type { RotoDocument } from '../core/document.ts';
import type { RgbFrame } from '../core/types.ts';
import { KEY_COLOUR, LABEL_BACKING, TEXT_COLOUR, maskColour, type Rgb } from './colour.ts';
import { fillRect } from './blend.ts';
import { drawText, GLYPH_HEIGHT, textWidth } from './font.ts';
import { diamond } from './marks.ts';
import { drawMasks, SUBTRACT_DASH } from './overlay.ts';
import { keyframeFrames } from './keyframes.ts';
import { strokePolyline } from './stroke.ts';
import { plural } from '../core/plural.ts';

/** One frame for the sheet, already scaled to the tile size. */
export interface SheetTile {
  frame: number;
  image: RgbFrame;
}

export interface ContactSheetOptions {
  /** Tiles per row (default 4). */
  columns?: number;
  /** Draw tangent handles as well as vertices (default false). */
  handles?: boolean;
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface SheetLayout {
  width: number;
  height: number;
  /** Header text lines, top-left corners. */
  lines: { text: string; x: number; y: number }[];
  /** One legend entry per mask: its colour swatch and name. */
  legend: { mask: number; swatch: Box; text: string; x: number; y: number }[];
  tiles: (Box & { frame: number })[];
}

const BACKGROUND: Rgb = [24, 24, 24];
const GAP = 8;
const TEXT_SCALE = 2;
const LINE = GLYPH_HEIGHT * TEXT_SCALE + 8;
const SWATCH = 24;

/** Where everything goes, from the document and the tiles' frames and size alone. */
export function contactSheetLayout(doc: RotoDocument, frames: number[], tile: { width: number; height: number },
  options: ContactSheetOptions = {}): SheetLayout {
  const columns = Math.max(1, Math.min(options.columns ?? 4, frames.length));
  const width = GAP + columns * (tile.width + GAP);
  const { source } = doc;
  const keys = keyframeFrames(doc).length;
  const lines = [
    `${source.path.split(/[\\/]/).pop()}  ${source.width}×${source.height}  ${plural(source.frameCount, 'frame')} at ${source.frameRate} fps`,
    doc.masks.length === 0 ? 'no masks: no sky found'
      : `${plural(doc.masks.length, 'mask')}, keyframes at ${plural(keys, 'frame')} (red diamond), subtract masks dashed`,
  ].flatMap((text) => wrapText(text, width - 2 * GAP, TEXT_SCALE)).map((text, k) => ({ text, x: GAP, y: GAP + k * LINE }));

  // Legend entries flow left to right and wrap.
  const legend: SheetLayout['legend'] = [];
  let x = GAP, y = GAP + lines.length * LINE;
  doc.masks.forEach((mask, m) => {
    const entry = SWATCH + 6 + textWidth(mask.name, TEXT_SCALE) + 3 * GAP;
    if (x > GAP && x + entry > width) [x, y] = [GAP, y + LINE];
    legend.push({ mask: m, swatch: { x, y: y + LINE / 2 - 4, width: SWATCH, height: 3 }, text: mask.name, x: x + SWATCH + 6, y });
    x += entry;
  });
  const top = y + (legend.length > 0 ? LINE : 0) + GAP;

  const tiles = frames.map((frame, i) => ({
    frame,
    x: GAP + (i % columns) * (tile.width + GAP),
    y: top + Math.floor(i / columns) * (tile.height + GAP),
    width: tile.width,
    height: tile.height,
  }));
  const rows = Math.ceil(frames.length / columns);
  return { width, height: top + rows * (tile.height + GAP), lines, legend, tiles };
}

/**
 * `text` in lines no wider than `width` px: broken at spaces, and a word wider than a line (a long
 * file name over a narrow sheet of one portrait frame) broken where the line ends.
 */
export function wrapText(text: string, width: number, scale: number): string[] {
  const fits = (line: string) => textWidth(line, scale) <= width;
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/(?<=\S)(?= )/)) {
    if (fits(line + word)) { line += word; continue; }
    if (line) lines.push(line);
    line = word.trimStart();
    while (!fits(line)) {
      const chars = [...line];
      let cut = chars.length - 1;
      while (cut > 1 && !fits(chars.slice(0, cut).join(''))) cut--;
      lines.push(chars.slice(0, cut).join(''));
      line = chars.slice(cut).join('');
    }
  }
  if (line) lines.push(line);
  return lines;
}

/** The sheet as an image; `tiles` (all one size) are drawn on, so pass copies to keep them clean. */
export function contactSheet(doc: RotoDocument, tiles: SheetTile[], options: ContactSheetOptions = {}): RgbFrame {
  if (tiles.length === 0) throw new RangeError('a contact sheet needs at least one frame');
  const layout = contactSheetLayout(doc, tiles.map((t) => t.frame), tiles[0].image, options);
  const sheet: RgbFrame = { width: layout.width, height: layout.height, data: new Uint8Array(layout.width * layout.height * 3) };
  fillRect(sheet, 0, 0, sheet.width, sheet.height, BACKGROUND);
  for (const line of layout.lines) drawText(sheet, line.text, line.x, line.y, TEXT_SCALE, TEXT_COLOUR);
  for (const entry of layout.legend) {
    const { swatch } = entry;
    const y = swatch.y + swatch.height / 2;
    strokePolyline(sheet, [swatch.x, y, swatch.x + swatch.width, y], false, {
      colour: maskColour(entry.mask), width: swatch.height,
      dash: doc.masks[entry.mask].mode === 'subtract' ? SUBTRACT_DASH : undefined,
    });
    drawText(sheet, entry.text, entry.x, entry.y, TEXT_SCALE, TEXT_COLOUR);
  }
  const keys = new Set(keyframeFrames(doc));
  tiles.forEach(({ frame, image }, i) => {
    drawMasks(image, doc, frame, { handles: options.handles });
    labelTile(image, frame, keys.has(frame));
    paste(sheet, image, layout.tiles[i].x, layout.tiles[i].y);
  });
  return sheet;
}

/** Frame number bottom-left; a red diamond and "KEY" top-right on keyframes. */
function labelTile(image: RgbFrame, frame: number, key: boolean): void {
  const pad = 4, height = GLYPH_HEIGHT * TEXT_SCALE + 2 * pad;
  const number = String(frame);
  fillRect(image, 0, image.height - height, textWidth(number, TEXT_SCALE) + 2 * pad, height, LABEL_BACKING, 0.6);
  drawText(image, number, pad, image.height - height + pad, TEXT_SCALE, TEXT_COLOUR);
  if (!key) return;
  const width = height + textWidth('KEY', TEXT_SCALE) + pad;
  const left = image.width - width;
  fillRect(image, left, 0, width, height, LABEL_BACKING, 0.6);
  diamond(image, left + height / 2, height / 2, height / 2 - 3, KEY_COLOUR);
  drawText(image, 'KEY', left + height, pad, TEXT_SCALE, TEXT_COLOUR);
}

function paste(into: RgbFrame, image: RgbFrame, x: number, y: number): void {
  for (let row = 0; row < image.height; row++) {
    into.data.set(image.data.subarray(row * image.width * 3, (row + 1) * image.width * 3), ((y + row) * into.width + x) * 3);
  }
}
