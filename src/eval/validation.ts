/**
 * The held-out images of ../shared/data (training/split.csv, split = val) and the segmenter's score on
 * them: sky IoU and boundary F1 per source set, as the model card reports them. Node only.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { SegmentationScore, threshold, type SegmentationResult } from '../core/metrics.ts';
import { Segmenter, type SegmentOptions, type SkyModel } from '../core/segment/index.ts';
import type { Matte, RgbFrame } from '../core/types.ts';
import { openFootage } from '../node/footage.ts';
import { readMattePng } from '../node/png.ts';

export const DATA_DIR = fileURLToPath(new URL('../../../shared/data', import.meta.url));
export const SPLIT_CSV = fileURLToPath(new URL('../../training/split.csv', import.meta.url));

export interface LabelledImage {
  set: string;
  name: string;
  image: string;
  mask: string;
  /** CamVid's unlabelled pixels, if the set has them. */
  void?: string;
}

export async function validationImages(split = 'val'): Promise<LabelledImage[]> {
  const rows = (await readFile(SPLIT_CSV, 'utf8')).trim().split('\n').slice(1).map((line) => line.split(','));
  return rows.filter((r) => r[2] === split).map(([set, name]) => ({
    set,
    name,
    image: join(DATA_DIR, set, 'images', `${name}.jpg`),
    mask: join(DATA_DIR, set, 'masks', `${name}.png`),
    void: set === 'camvid' ? join(DATA_DIR, set, 'void', `${name}.png`) : undefined,
  }));
}

export interface Labelled {
  frame: RgbFrame;
  truth: Uint8Array;
  /** 1 where labelled (not void). */
  known?: Uint8Array;
}

export async function loadLabelled(item: LabelledImage): Promise<Labelled> {
  const footage = await openFootage(item.image);
  let frame: RgbFrame | undefined;
  for await (const f of footage.frames()) frame = f;
  const truth = threshold(await readMattePng(item.mask));
  const known = item.void ? threshold(await readMattePng(item.void)).map((v) => 1 - v) : undefined;
  return { frame: frame!, truth, known };
}

/** One still through the segmenter (a shot of one frame: nothing to stabilise against). */
export async function segmentStill(model: SkyModel, frame: RgbFrame, options: SegmentOptions = {}): Promise<Matte> {
  const segmenter = new Segmenter(model);
  for await (const matte of segmenter.segment([frame], options)) return matte;
  throw new Error('the segmenter returned no matte');
}

/** IoU and boundary F1 per source set over `images` (all of the split by default). */
export async function scoreValidation(model: SkyModel, images?: LabelledImage[], options: SegmentOptions = {}): Promise<Record<string, SegmentationResult>> {
  const scores = new Map<string, SegmentationScore>();
  for (const item of images ?? await validationImages()) {
    const { frame, truth, known } = await loadLabelled(item);
    const matte = await segmentStill(model, frame, options);
    if (!scores.has(item.set)) scores.set(item.set, new SegmentationScore());
    scores.get(item.set)!.add(threshold(matte), truth, frame.width, frame.height, known);
  }
  return Object.fromEntries([...scores].sort(([a], [b]) => a.localeCompare(b)).map(([set, s]) => [set, s.result()]));
}
