/**
 * The benchmarks' frame sizes, apart from the clip's encoding (sky-clip.ts) so that code bundled to run
 * without node_modules (webgpu-child.ts) can use them. The camera move is skyPanMaps (src/synthetic).
 */
export interface FrameSize {
  width: number;
  height: number;
}

/** `640x360` → { width: 640, height: 360 }. */
export function parseSize(text: string): FrameSize {
  const m = /^(\d+)[x×](\d+)$/.exec(text.trim());
  if (!m || Number(m[1]) < 32 || Number(m[2]) < 32) throw new RangeError(`a frame size is WIDTHxHEIGHT, at least 32x32; got ${text}`);
  return { width: Number(m[1]), height: Number(m[2]) };
}

export const sizeLabel = (s: FrameSize): string => `${s.width}×${s.height}`;
