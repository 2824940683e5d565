/** Where a roto document has keyframes: what an editor sees as diamonds on AE's timeline. */
import type { RotoDocument } from '../core/document.ts';

/** Every frame at which some mask has a path or opacity keyframe, ascending. */
export function keyframeFrames(doc: RotoDocument): number[] {
  const frames = new Set<number>();
  for (const mask of doc.masks) {
    for (const key of mask.path) frames.add(key.frame);
    for (const key of mask.opacity) frames.add(key.frame);
  }
  return [...frames].sort((a, b) => a - b);
}
