/** What each kind of footage provides to openFootage (src/node/footage.ts), which checks ranges. */
import type { RgbFrame } from '../core/types.ts';
import type { FieldOrder } from '../core/fields.ts';

export interface FootageSource {
  kind: 'video' | 'frames' | 'image';
  width: number;
  height: number;
  frameRate: number;
  frameCount: number;
  /** Interlaced video, as its file says: the field first in time; progressive: absent. `read` gives the frames woven. */
  fieldOrder?: FieldOrder;
  /** What is odd about the footage but does not stop it being read (a numbered frame missing from a folder): for the user to hear. */
  warnings?: string[];
  /** Frames `start` to `end` (inclusive, already checked to lie within the footage), streamed. */
  read(start: number, end: number): AsyncGenerator<RgbFrame, void, undefined>;
}
