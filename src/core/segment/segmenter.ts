/**
 * Frames in, full-resolution sky mattes out: the segment stage of the pipeline, streaming.
 *
 *   frame → working size (area average) → network → temporal stabilisation → guided-filter refinement
 *
 * Each matte after a shot's first carries the camera motion the stabiliser measured on the footage
 * (Matte.cameraMotion), which tracking starts from.
 *
 * One Segmenter per shot: the stabiliser carries history from frame to frame. Mattes come out in
 * order, one per frame, as soon as each is ready; nothing else is kept. The working-size buffers
 * are made at a shot's first frame and reused for every frame after it: buffers freed per frame
 * pile up until V8 collects, and the allocator keeps what they took (tens of MB).
 */
import type { Matte, RgbFrame } from '../types.ts';
import { cameraMotionOf } from './camera-motion.ts';
import { DEFAULT_GUIDED_FILTER, GuidedFilterBuffers, refineMatte, upsampleMatte, type GuidedFilterOptions } from './guided-filter.ts';
import { lumaOfPlanes, PlaneResampler } from './resample.ts';
import { SkyModel } from './session.ts';
import { DEFAULT_STABILISER, TemporalStabiliser, type StabiliserOptions } from './stabilise.ts';
import { workingSize, type Size } from './working-size.ts';

export interface SegmentOptions {
  /** Guided-filter refinement at full resolution; false gives the plain bilinear upsampling. */
  refine?: GuidedFilterOptions | false;
  /** Temporal stabilisation; false segments every frame on its own. */
  stabilise?: StabiliserOptions | false;
  signal?: AbortSignal;
  onProgress?: (progress: SegmentProgress) => void;
  /**
   * The array each frame's matte is written to (width × height): by default a new one per frame,
   * the caller's to keep. The segment thread passes arrays its caller allocated and takes back.
   */
  matteBuffer?: (frame: RgbFrame) => Float32Array;
  /**
   * The first frames that only carry the stabiliser's history forward (a range's pre-roll): run
   * and stabilised, but not refined, and no matte is yielded for them.
   */
  warmUp?: number;
}

export interface SegmentProgress {
  /** Frames done so far. */
  frames: number;
}

/** Milliseconds spent per stage, summed over the frames (for benchmarks and the CLI's summary). */
export interface SegmentTimings {
  resize: number;
  network: number;
  stabilise: number;
  refine: number;
}

/** Thrown when a run is cancelled through its AbortSignal. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export class Segmenter {
  readonly timings: SegmentTimings = { resize: 0, network: 0, stabilise: 0, refine: 0 };

  constructor(readonly model: SkyModel) {}

  async *segment(frames: AsyncIterable<RgbFrame> | Iterable<RgbFrame>, options: SegmentOptions = {}): AsyncGenerator<Matte> {
    const refine = options.refine === undefined ? DEFAULT_GUIDED_FILTER : options.refine;
    const stabiliserOptions = options.stabilise === undefined ? DEFAULT_STABILISER : options.stabilise;
    const warmUp = options.warmUp ?? 0;
    let shot: ShotBuffers | undefined;
    let count = 0;
    for await (const frame of frames) {
      if (options.signal?.aborted) throw new CancelledError();
      shot ??= new ShotBuffers(workingSize(frame.width, frame.height), stabiliserOptions);
      const { size } = shot;
      const t0 = performance.now();
      const planes = shot.resampler(frame).resample(frame);
      const t1 = performance.now();
      let p = await this.model.run(planes, size, shot.probability);
      const t2 = performance.now();
      if (shot.stabiliser) p = shot.stabiliser.next(p, lumaOfPlanes(planes, size, shot.luma));
      const t3 = performance.now();
      this.timings.resize += t1 - t0;
      this.timings.network += t2 - t1;
      this.timings.stabilise += t3 - t2;
      count++;
      options.onProgress?.({ frames: count });
      if (count <= warmUp) continue;
      const out = options.matteBuffer?.(frame);
      const matte = refine ? refineMatte(frame, planes, p, size, refine, shot.guided, out) : upsampleMatte(p, size, frame.width, frame.height, out);
      this.timings.refine += performance.now() - t3;
      const motion = shot.stabiliser?.motion;
      if (motion) matte.cameraMotion = cameraMotionOf(motion, size, frame.width, frame.height);
      yield matte;
    }
  }
}

/** A shot's working-size buffers and stabiliser, made at its first frame (its working size). */
class ShotBuffers {
  readonly probability: Float32Array;
  readonly luma: Float32Array;
  readonly stabiliser: TemporalStabiliser | undefined;
  private planes: PlaneResampler | undefined;
  private guidedBuffers: GuidedFilterBuffers | undefined;

  constructor(readonly size: Size, stabilise: StabiliserOptions | false) {
    this.probability = new Float32Array(size.width * size.height);
    this.luma = new Float32Array(size.width * size.height);
    this.stabiliser = stabilise ? new TemporalStabiliser(size, stabilise) : undefined;
  }

  /** The resampler for this frame's size (a new one only if the frames change size). */
  resampler(frame: RgbFrame): PlaneResampler {
    if (this.planes?.frameWidth !== frame.width || this.planes.frameHeight !== frame.height) {
      this.planes = new PlaneResampler(frame.width, frame.height, this.size);
    }
    return this.planes;
  }

  get guided(): GuidedFilterBuffers {
    this.guidedBuffers ??= new GuidedFilterBuffers(this.size);
    return this.guidedBuffers;
  }
}
