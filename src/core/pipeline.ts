/**
 * The roto pipeline over a stream of mattes: trace → fit → track per frame, then the document.
 * Frames are consumed one at a time and not kept; only the tracks' shapes (a few KB a frame) are.
 */
import type { Matte, Region } from './types.ts';
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
export function modelMatteDefaults(width: number, height: number): { tolerance: number; minArea: number } {
  return { tolerance: 2 * defaultTolerance(width, height), minArea: 16 * defaultMinArea(width, height) };
}

export interface FrameSummary {
  /** The frame's index in the stream (0 for the first matte added). */
  frame: number;
  /** The traced regions, as handed to the tracker (what `autoroto merge` joins). */
  regions: Region[];
  /** px² of specks dropped and pinholes filled in this frame. */
  droppedArea: number;
}

export class RotoBuilder {
  readonly tolerance: number;
  readonly minArea: number;
  private readonly tracker: Tracker;
  private readonly firstFrame: number;
  private readonly shotFrameCount: number | undefined;

  constructor(readonly source: Omit<RotoSource, 'frameCount'>, options: RotoOptions = {}) {
    const { width, height } = source;
    this.tolerance = options.tolerance ?? defaultTolerance(width, height);
    this.minArea = options.minArea ?? defaultMinArea(width, height);
    this.tracker = new Tracker({ width, height, tolerance: this.tolerance });
    this.firstFrame = options.firstFrame ?? 0;
    this.shotFrameCount = options.shotFrameCount;
  }

  /** Adds the next frame's matte (frames in order, from 0). */
  addMatte(matte: Matte): FrameSummary {
    const frame = this.tracker.frameCount;
    if (matte.width !== this.source.width || matte.height !== this.source.height) {
      throw new RangeError(`frame ${frame} is ${matte.width}×${matte.height}, the shot is ${this.source.width}×${this.source.height}`);
    }
    const { regions, droppedArea } = trace(matte, { minArea: this.minArea });
    this.tracker.addFrame(regions);
    return { frame, regions, droppedArea };
  }

  /** Adds the next frame as regions already traced (with this builder's minimum area). */
  addRegions(regions: Region[]): void {
    this.tracker.addFrame(regions);
  }

  /** Frames added so far. */
  get frameCount(): number {
    return this.tracker.frameCount;
  }

  /** The roto document for every frame added so far. */
  finish(): RotoDocument {
    const frameCount = this.tracker.frameCount;
    if (frameCount === 0) throw new RangeError('no frames: a roto document needs at least one');
    const shift = this.firstFrame;
    const masks = tracksToMasks(this.tracker.tracks, frameCount, this.tracker.options).map((mask) => shift === 0 ? mask : {
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
