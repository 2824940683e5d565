/**
 * The flicker check, segmenting with and without temporal stabilisation: synthetic hand-held shots
 * over held-out stills (a few validation images with sky from each source set), and real aerial
 * clips from the validation split.
 */
import { readFile } from 'node:fs/promises';

import { threshold, iou } from '../core/metrics.ts';
import { Segmenter, type SkyModel } from '../core/segment/index.ts';
import { estimateAffine, IDENTITY_AFFINE } from '../core/segment/global-motion.ts';
import { lumaOfPlanes, rgbPlanes } from '../core/segment/resample.ts';
import { workingSize } from '../core/segment/working-size.ts';
import type { Matte, RgbFrame } from '../core/types.ts';
import type { AffineMap } from '../synthetic/camera-move.ts';
import { motionCompensatedChange, shotOverStill } from './flicker.ts';
import { loadLabelled, validationImages, DATA_DIR, type LabelledImage } from './validation.ts';

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

/** Sums over shots of each run's motion-compensated change, and each run's lowest IoU against the truth. */
class RunComparison {
  private perFrame = 0;
  private stabilised = 0;
  private minIouPerFrame = 1;
  private minIouStabilised = 1;
  private shots = 0;

  /** Segments one shot frame by frame and stabilised; `maps` carry each frame to a common reference. */
  async add(model: SkyModel, frames: RgbFrame[], maps: AffineMap[], truth: Uint8Array[]): Promise<void> {
    for (const stabilise of [false, true]) {
      const mattes: Matte[] = [];
      for await (const m of new Segmenter(model).segment(frames, stabilise ? {} : { stabilise: false })) mattes.push(m);
      const change = motionCompensatedChange(mattes, maps);
      const worst = Math.min(...mattes.map((m, t) => iou(threshold(m), truth[t])));
      if (stabilise) {
        this.stabilised += change;
        this.minIouStabilised = Math.min(this.minIouStabilised, worst);
      } else {
        this.perFrame += change;
        this.minIouPerFrame = Math.min(this.minIouPerFrame, worst);
      }
    }
    this.shots++;
  }

  result(shots: string[]): FlickerResult {
    const { perFrame, stabilised, minIouPerFrame, minIouStabilised } = this;
    return {
      perFrame: perFrame / this.shots, stabilised: stabilised / this.shots, ratio: stabilised / perFrame,
      minIouPerFrame, minIouStabilised, shots,
    };
  }
}

export async function measureFlicker(model: SkyModel, frameCount = 12, perSet = 2): Promise<FlickerResult> {
  const stills = await flickerStills(perSet);
  const images = (await validationImages()).filter((i) => stills.some((s) => s.set === i.set && s.name === i.name));
  const comparison = new RunComparison();
  for (const [n, item] of images.entries()) {
    const { frame, truth } = await loadLabelled(item);
    const truthMatte: Matte = { width: frame.width, height: frame.height, data: Float32Array.from(truth) };
    const shot = shotOverStill(frame, truthMatte, frameCount, n + 1);
    await comparison.add(model, shot.frames, shot.maps, shot.truth.map(threshold));
  }
  return comparison.result(images.map((i) => `${i.set}/${i.name}`));
}

export interface ClipFlickerResult extends FlickerResult {
  /**
   * The same change measured on the true masks: what the sky really did between the frames plus the
   * motion estimate's own error, a floor that no matte can go below.
   */
  truthChange: number;
}

/**
 * The same measure on real footage: the Horizon-UAV validation clips, whose labelled frames are every
 * tenth frame of aerial video (a third of a second apart, so each step moves more than a real shot's
 * frame does). No motion is known here, so each step's camera motion is estimated from the frames'
 * luma at the working size (the global affine the stabiliser uses, on the footage only, the same for
 * both runs) and scaled to full resolution.
 */
export async function measureClipFlicker(model: SkyModel, clipCount = 3, frameCount = 12): Promise<ClipFlickerResult> {
  const clips = await horizonClips(clipCount, frameCount);
  const comparison = new RunComparison();
  let truthChange = 0;
  for (const clip of clips) {
    const labelled = await Promise.all(clip.map(loadLabelled));
    const frames = labelled.map((l) => l.frame);
    const maps = estimatedMaps(frames);
    truthChange += motionCompensatedChange(labelled.map((l) => ({ width: l.frame.width, height: l.frame.height, data: Float32Array.from(l.truth) })), maps);
    await comparison.add(model, frames, maps, labelled.map((l) => l.truth));
  }
  return { ...comparison.result(clips.map((c) => `horizon_uav/${c[0].name}…(${c.length})`)), truthChange: truthChange / clips.length };
}

/** The longest Horizon-UAV validation clips, each its first `frameCount` labelled frames in order. */
async function horizonClips(clipCount: number, frameCount: number): Promise<LabelledImage[][]> {
  const lines = (await readFile(`${DATA_DIR}/horizon_uav/manifest.csv`, 'utf8')).split(/\r?\n/).filter(Boolean);
  const header = lines[0].split(',');
  const where = new Map(lines.slice(1).map((l) => l.split(',')).map((r) => [r[0], { clip: r[header.indexOf('sequence')], frame: Number(r[header.indexOf('frame')]) }]));
  const byClip = new Map<string, LabelledImage[]>();
  for (const item of (await validationImages()).filter((i) => i.set === 'horizon_uav')) {
    const clip = where.get(item.name)!.clip;
    byClip.set(clip, [...(byClip.get(clip) ?? []), item]);
  }
  return [...byClip.values()]
    .sort((a, b) => b.length - a.length || a[0].name.localeCompare(b[0].name))
    .slice(0, clipCount)
    .map((items) => items.sort((a, b) => where.get(a.name)!.frame - where.get(b.name)!.frame).slice(0, frameCount));
}

/** Per frame, a map from its pixels to frame 0's, chained from each step's estimated global affine. */
function estimatedMaps(frames: RgbFrame[]): AffineMap[] {
  const { width: W, height: H } = frames[0];
  const size = workingSize(W, H);
  const sx = W / size.width, sy = H / size.height;
  const lumas = frames.map((f) => lumaOfPlanes(rgbPlanes(f, size), size));
  const maps: AffineMap[] = [{ a: 1, b: 0, c: 0, d: 0, e: 1, f: 0 }];
  let guess = IDENTITY_AFFINE;
  for (let t = 1; t < frames.length; t++) {
    guess = estimateAffine(lumas[t - 1], lumas[t], size, guess);
    const [a, b, c, d, e, f] = guess;
    // This frame's pixel → the previous frame's (working-size units scaled to full resolution) …
    const step: AffineMap = { a, b: (b * sx) / sy, c: c * sx, d: (d * sy) / sx, e, f: f * sy };
    // … → frame 0's, through the previous frame's map.
    const p = maps[t - 1];
    maps.push({
      a: p.a * step.a + p.b * step.d, b: p.a * step.b + p.b * step.e, c: p.a * step.c + p.b * step.f + p.c,
      d: p.d * step.a + p.e * step.d, e: p.d * step.b + p.e * step.e, f: p.d * step.c + p.e * step.f + p.f,
    });
  }
  return maps;
}
