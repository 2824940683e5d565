/**
 * What every host adapter offers the panel and the batch queue, and what they need from the rest of
 * the project. Plain types only: the adapters (aftereffects-uxp, aftereffects-cep, premiere-uxp)
 * implement `Host`; the panel and `runRotoJob` only ever see these shapes.
 */
import type { Matte, RgbFrame } from '../core/types.ts';
import type { RotoDocument } from '../core/document.ts';
import type { FieldSeparation } from '../core/fields.ts';

/** A layer (After Effects) or clip (Premiere Pro) to roto; `key` means something only to its host. */
export interface HostTarget {
  key: string;
  /** The composition or sequence, as the editor sees it. */
  container: string;
  /** The layer or clip, as the editor sees it. */
  name: string;
}

/** Which frames to roto: the layer's in/out points, the comp's work area, or source frames first..last. */
export type RangeChoice = 'layer' | 'workArea' | FrameRange;

/** Frames of the layer's source, 0-based, both ends included. */
export interface FrameRange {
  first: number;
  last: number;
}

/** The footage behind a target, opened for reading; `frames` yields source frames in order. */
export interface FrameSource {
  path: string;
  width: number;
  height: number;
  frameRate: number;
  /** Frames in the whole source, not only the range. */
  frameCount: number;
  /** The source frames the run covers. */
  range: FrameRange;
  frames(range: FrameRange): AsyncIterable<RgbFrame>;
}

/** Decoded footage: src/node/footage.ts's openFootage gives this shape (UXP decodes in its webview). */
export interface Footage {
  readonly width: number;
  readonly height: number;
  readonly frameRate: number;
  readonly frameCount: number;
  /** Frames start..end, both included (footage.ts's own range shape). */
  frames(range: { start: number; end: number }): AsyncIterable<RgbFrame>;
}

/**
 * Opens the footage file at `path`; `sequenceLength`, where the host knows how many frames its
 * footage item is, makes an image file the first of a numbered image sequence, and `fields`, where
 * it separates the footage's fields, gives each frame as its dominant field (src/node/footage.ts).
 */
export type OpenFootage = (path: string, options?: { sequenceLength?: number; fields?: FieldSeparation }) => Promise<Footage>;

/** As src/core/segment reports it: frames done so far. */
export interface SegmentProgress {
  frames: number;
}

/**
 * The sky segmenter as the panel uses it (src/core/segment's Segmenter has this shape). A matte may
 * come out only once the next frame has been taken (the Segmenter makes a frame's matte while its
 * network works on the next): whoever feeds it frames one by one must not wait for a frame's matte
 * before giving it the next (panel/inference/protocol.ts marks the last frame instead).
 */
export interface Segmenter {
  segment(frames: AsyncIterable<RgbFrame>, options?: { signal?: AbortSignal; onProgress?: (p: SegmentProgress) => void }): AsyncIterable<Matte>;
}

/** What a write did to the layer. */
export interface WriteReport {
  /** Autoroto masks on the layer afterwards (Premiere: 0, it gets a matte instead). */
  masks: number;
  /** Earlier Autoroto masks that were replaced. */
  replaced: number;
  /** Files written next to the project (Premiere's matte sequence, roto.json, sky.jsx). */
  files: string[];
}

export interface Host {
  /** 'After Effects (UXP)', 'After Effects (CEP)', 'Premiere Pro (UXP)', or a double's name. */
  readonly name: string;
  /**
   * What the editor picked, in the order the editor would expect: the selected layers of every comp
   * and, in After Effects, the comps selected in the Project panel (their selected layers, or else
   * every layer Autoroto can key); each layer once.
   */
  selectedTargets(): Promise<HostTarget[]>;
  /** Checks the target (missing comp, locked, no video: HostError) and opens the frames of the range. */
  openFrames(target: HostTarget, range: RangeChoice): Promise<FrameSource>;
  /**
   * Writes the document (frames = source frames) onto the target in one undo step; keys outside
   * `range` and every mask not named `Autoroto Sky…` stay as they were. All or nothing.
   */
  write(target: HostTarget, doc: RotoDocument, range: FrameRange): Promise<WriteReport>;
}
