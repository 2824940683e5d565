/**
 * The roto pipeline over a stream of mattes: trace → fit → track per frame, then the document.
 * Frames are consumed one at a time and not kept; only the tracks' shapes (a few KB a frame) are.
 */
import type { Matte, Region, Similarity } from './types.ts';
import { ROTO_FORMAT, type RotoDocument, type RotoSource } from './document.ts';
import { defaultMinArea, trace } from './trace.ts';
import { defaultTolerance } from './fit.ts';
import { Tracker } from './track.ts';
import { tracksToMasks } from './masks.ts';

export interface RotoOptions {
  /** Largest distance in px between a mask and the matte's 0.5 outline (default: 1 px up to 1080p, scaled above). */
  tolerance?: number;
  /** Specks and pinholes smaller than this many px² are left out (default: 64 px² at 1080p, scaled). */
  minArea?: number;
  /**
   * On soft edges, let the tolerance grow to this share of the matte's edge ramp (the 0.1–0.9 width
   * the feather comes from), decided on the first frame with sky; `tolerance` is then the least.
   * A path within half the ramp of the matte's 0.5 line stays inside the matte's own soft band
   * (between its 0.1 and 0.9 lines), under the feather, where the 0.5 line's place is as much the
   * footage's texture as the edge's: following that wiggle takes a vertex every few pixels. Default:
   * off (a fixed tolerance).
   */
  softnessTolerance?: number;
  /** The shot's frame number of the first matte (a range of a longer shot); default 0. */
  firstFrame?: number;
  /** Frames in the whole shot when only a range is added; default: first frame + frames added. */
  shotFrameCount?: number;
}

/**
 * Defaults for mattes from the sky model (`autoroto sky`, the panel), looser than for a matte made by
 * hand: the model's 0.5 line carries a pixel of wiggle from the footage's texture (tree lines, haze)
 * that a roto artist would cover with feather rather than follow, and following it within 1 px takes
 * about six times the vertices. So: twice the tolerance (2 px at 1080p), and specks and pinholes up
 * to 16× the area (about 32×32 px at 1080p) left to the feather instead of becoming masks of their own.
 */
export function modelMatteDefaults(width: number, height: number): { tolerance: number; minArea: number; softnessTolerance: number } {
  return { tolerance: 2 * defaultTolerance(width, height), minArea: 16 * defaultMinArea(width, height), softnessTolerance: 0.5 };
}

export interface FrameSummary {
  /** The frame's index in the stream (0 for the first matte added). */
  frame: number;
  /** The traced regions, as handed to the tracker (what `autoroto merge` joins), and the matte's camera motion. */
  regions: Region[];
  cameraMotion?: Similarity;
  /** px² of specks dropped and pinholes filled in this frame. */
  droppedArea: number;
}

export class RotoBuilder {
  readonly minArea: number;
  private tolerancePx: number;
  private readonly softnessTolerance: number | undefined;
  /** Made at the first frame with sky (when the tolerance can be decided); frames before it are counted. */
  private tracker: Tracker | undefined;
  private emptyFrames = 0;
  private readonly firstFrame: number;
  private readonly shotFrameCount: number | undefined;

  constructor(readonly source: Omit<RotoSource, 'frameCount'>, options: RotoOptions = {}) {
    const { width, height } = source;
    this.tolerancePx = options.tolerance ?? defaultTolerance(width, height);
    this.softnessTolerance = options.softnessTolerance;
    this.minArea = options.minArea ?? defaultMinArea(width, height);
    this.firstFrame = options.firstFrame ?? 0;
    this.shotFrameCount = options.shotFrameCount;
  }

  /** The tolerance in px (final once a frame with sky has been added). */
  get tolerance(): number {
    return this.tolerancePx;
  }

  /** Adds the next frame's matte (frames in order, from 0). */
  addMatte(matte: Matte): FrameSummary {
    const frame = this.frameCount;
    if (matte.width !== this.source.width || matte.height !== this.source.height) {
      throw new RangeError(`frame ${frame} is ${matte.width}×${matte.height}, the shot is ${this.source.width}×${this.source.height}`);
    }
    const { regions, droppedArea } = trace(matte, { minArea: this.minArea });
    this.addRegions(regions, matte.cameraMotion);
    return { frame, regions, cameraMotion: matte.cameraMotion, droppedArea };
  }

  /** Adds the next frame as regions already traced (with this builder's minimum area), and its camera motion if known. */
  addRegions(regions: Region[], cameraMotion?: Similarity): void {
    if (!this.tracker) {
      if (regions.length === 0) {
        this.emptyFrames++;
        return;
      }
      this.tracker = this.startTracker(regions);
    }
    this.tracker.addFrame(regions, cameraMotion);
  }

  private startTracker(regions: Region[]): Tracker {
    if (this.softnessTolerance !== undefined) {
      const ramps = regions.flatMap((r) => [r.outer, ...r.holes]).map((c) => c.rampWidth).sort((a, b) => a - b);
      this.tolerancePx = Math.max(this.tolerancePx, this.softnessTolerance * ramps[ramps.length >> 1]);
    }
    const tracker = new Tracker({ width: this.source.width, height: this.source.height, tolerance: this.tolerancePx });
    for (let i = 0; i < this.emptyFrames; i++) tracker.addFrame([]);
    return tracker;
  }

  /** Frames added so far. */
  get frameCount(): number {
    return this.tracker ? this.tracker.frameCount : this.emptyFrames;
  }

  /** The roto document for every frame added so far. */
  finish(): RotoDocument {
    const frameCount = this.frameCount;
    if (frameCount === 0) throw new RangeError('no frames: a roto document needs at least one');
    const tracker = this.tracker ?? this.startTracker([]);
    const shift = this.firstFrame;
    const masks = tracksToMasks(tracker.tracks, frameCount, tracker.options).map((mask) => shift === 0 ? mask : {
      ...mask,
      path: mask.path.map((key) => ({ ...key, frame: key.frame + shift })),
      opacity: mask.opacity.map((key) => ({ ...key, frame: key.frame + shift })),
    });
    return {
      format: ROTO_FORMAT,
      source: { ...this.source, frameCount: this.shotFrameCount ?? shift + frameCount },
      masks,
    };
  }
}
