/**
 * Frames in, full-resolution sky mattes out: the segment stage of the pipeline, streaming.
 *
 *   frame → working size (area average) → network → temporal stabilisation → guided-filter refinement
 *
 * One Segmenter per shot: the stabiliser carries history from frame to frame. Mattes come out in
 * order, one per frame, as soon as each is ready; nothing else is kept.
 */
import type { Matte, RgbFrame } from '../types.ts';
import { DEFAULT_GUIDED_FILTER, refineMatte, upsampleMatte, type GuidedFilterOptions } from './guided-filter.ts';
import { lumaOfPlanes, rgbPlanes } from './resample.ts';
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
    let stabiliser: TemporalStabiliser | undefined;
    let size: Size | undefined;
    let count = 0;
    for await (const frame of frames) {
      if (options.signal?.aborted) throw new CancelledError();
      if (!size) size = workingSize(frame.width, frame.height);
      const t0 = performance.now();
      const planes = rgbPlanes(frame, size);
      const t1 = performance.now();
      let p = await this.model.run(planes, size);
      const t2 = performance.now();
      if (stabiliserOptions) {
        stabiliser ??= new TemporalStabiliser(size, stabiliserOptions);
        p = stabiliser.next(p, lumaOfPlanes(planes, size));
      }
      const t3 = performance.now();
      const matte = refine ? refineMatte(frame, planes, p, size, refine) : upsampleMatte(p, size, frame.width, frame.height);
      const t4 = performance.now();
      this.timings.resize += t1 - t0;
      this.timings.network += t2 - t1;
      this.timings.stabilise += t3 - t2;
      this.timings.refine += t4 - t3;
      count++;
      options.onProgress?.({ frames: count });
      yield matte;
    }
  }
}
