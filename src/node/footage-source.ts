/** What each kind of footage provides to openFootage (src/node/footage.ts), which checks ranges. */
import type { RgbFrame } from '../core/types.ts';

export interface FootageSource {
  kind: 'video' | 'frames' | 'image';
  width: number;
  height: number;
  frameRate: number;
  frameCount: number;
  /** Frames `start` to `end` (inclusive, already checked to lie within the footage), streamed. */
  read(start: number, end: number): AsyncGenerator<RgbFrame, void, undefined>;
}
