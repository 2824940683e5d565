/**
 * The flicker check over held-out stills: for a few validation images with sky from each source set,
 * a synthetic hand-held shot, segmented with and without temporal stabilisation.
 */
import { readFile } from 'node:fs/promises';

import { threshold, iou } from '../core/metrics.ts';
import { Segmenter, type SkyModel } from '../core/segment/index.ts';
import type { Matte } from '../core/types.ts';
import { motionCompensatedChange, shotOverStill } from './flicker.ts';
import { loadLabelled, validationImages, DATA_DIR } from './validation.ts';

export interface FlickerResult {
  /** Mean motion-compensated matte change per frame, per-frame segmentation. */
  perFrame: number;
  /** The same with temporal stabilisation. */
  stabilised: number;
  /** stabilised / perFrame (the goal: ≤ 0.5). */
  ratio: number;
  /** Lowest per-frame IoU against the true matte, each way (stabilisation must not lose accuracy). */
  minIouPerFrame: number;
  minIouStabilised: number;
  shots: string[];
}

/** Validation stills with a real skyline: 20–80 % sky, `perSet` from each source set (first by name). */
export async function flickerStills(perSet = 2): Promise<Array<{ set: string; name: string }>> {
  const picked: Array<{ set: string; name: string }> = [];
  for (const item of await validationImages()) {
    if (picked.filter((p) => p.set === item.set).length >= perSet) continue;
    const lines = (await readFile(`${DATA_DIR}/${item.set}/manifest.csv`, 'utf8')).split(/\r?\n/);
    const header = lines[0].split(',');
    const row = lines.find((l) => l.startsWith(`${item.name},`))?.split(',');
    const sky = Number(row?.[header.indexOf('sky_frac')]);
    if (sky >= 0.2 && sky <= 0.8) picked.push({ set: item.set, name: item.name });
  }
  return picked;
}

export async function measureFlicker(model: SkyModel, frameCount = 12, perSet = 2): Promise<FlickerResult> {
  const stills = await flickerStills(perSet);
  const images = (await validationImages()).filter((i) => stills.some((s) => s.set === i.set && s.name === i.name));
  let perFrame = 0, stabilised = 0, minIouPerFrame = 1, minIouStabilised = 1;
  for (const [n, item] of images.entries()) {
    const { frame, truth } = await loadLabelled(item);
    const truthMatte: Matte = { width: frame.width, height: frame.height, data: Float32Array.from(truth) };
    const shot = shotOverStill(frame, truthMatte, frameCount, n + 1);
    for (const stabilise of [false, true]) {
      const mattes: Matte[] = [];
      for await (const m of new Segmenter(model).segment(shot.frames, stabilise ? {} : { stabilise: false })) mattes.push(m);
      const change = motionCompensatedChange(mattes, shot.maps);
      const worst = Math.min(...mattes.map((m, t) => iou(threshold(m), threshold(shot.truth[t]))));
      if (stabilise) {
        stabilised += change;
        minIouStabilised = Math.min(minIouStabilised, worst);
      } else {
        perFrame += change;
        minIouPerFrame = Math.min(minIouPerFrame, worst);
      }
    }
  }
  return {
    perFrame: perFrame / images.length, stabilised: stabilised / images.length, ratio: stabilised / perFrame,
    minIouPerFrame, minIouStabilised, shots: images.map((i) => `${i.set}/${i.name}`),
  };
}

