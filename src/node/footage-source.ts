/** What each kind of footage provides to openFootage (src/node/footage.ts), which checks ranges. */
import type { RgbFrame } from '../core/types.ts';

/** The rate of stills and frame folders whose files record none, where none is given. */
export const DEFAULT_FRAME_RATE = 24;

export interface FootageSource {
  kind: 'video' | 'frames' | 'image';
  width: number;
  height: number;
  frameRate: number;
  frameCount: number;
  /** Frames `start` to `end` (inclusive, already checked to lie within the footage), streamed. */
  read(start: number, end: number): AsyncGenerator<RgbFrame, void, undefined>;
}
