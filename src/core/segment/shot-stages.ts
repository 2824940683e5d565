/**
 * The per-frame stages around the network, for one shot: resize to the working size, temporal
 * stabilisation, refinement at full resolution. Two implementations: CpuStages (TypeScript, any
 * runtime) and GpuStages (WebGPU compute shaders, where the page has a GPU). The Segmenter drives
 * either one the same way, one frame at a time: resize → (network, and meanwhile the camera-motion
 * estimate) → stabilise → refine. Both keep two frames, so they also take the next frame's resize
 * before the last frame's measureMotion, stabilise and refine: the Segmenter then makes a matte while
 * a network in another thread, or on the GPU, works on the next frame.
 */
import type { Matte, RgbFrame } from '../types.ts';
import { DEFAULT_GUIDED_FILTER, GuidedFilterBuffers, refineMatte, upsampleMatte, type GuidedFilterOptions } from './guided-filter.ts';
import type { Affine } from './global-motion.ts';
import { lumaOfPlanes, PlaneResampler } from './resample.ts';
import { TemporalStabiliser, type StabiliserOptions } from './stabilise.ts';
import type { Size } from './working-size.ts';

/** Where a shot's stages run. */
export type StagesDevice = 'cpu' | 'gpu';

export interface ShotStages {
  readonly size: Size;
  /** Where the stages run (for the caller's report). */
  readonly device: StagesDevice;
  /**
   * The frame at the working size, as the network's r, g, b planes in 0..1: the stages' own buffer,
   * valid until the resize of the frame after next; on the network's own WebGPU device, a buffer there.
   */
  resize(frame: RgbFrame): Promise<Float32Array | GPUBuffer>;
  /**
   * Estimates the camera motion from the previous frame to `frame` (the frame just resized, or the one
   * before it) from the two frames' luma: CPU work that needs no network
   * output, so the Segmenter does it while the network runs. Comes before stabilise(frame).
   */
  measureMotion(frame: RgbFrame): Promise<void>;
  /**
   * Takes the network's probability for the frame just measured and stabilises it (kept for refine):
   * in a buffer on the stages' device where the network left it there (GPU stages on its device only).
   */
  stabilise(frame: RgbFrame, p: Float32Array | GPUBuffer): void;
  /** The last stabilised probability refined on its full-resolution frame (the frame just resized, or the one before): the matte, in `out` when given. */
  refine(frame: RgbFrame, out?: Float32Array): Promise<Matte>;
  /** The camera motion the last frame was stabilised with (estimateAffine's M); none at the first frame or without stabilisation. */
  readonly motion: Affine | undefined;
  /** Frees what the stages hold outside the JavaScript heap (GPU buffers). */
  dispose(): void;
}

/**
 * The stages in TypeScript. The working-size buffers are made at the shot's first frame and reused
 * for every frame after it: buffers freed per frame pile up until V8 collects, and the allocator
 * keeps what they took (tens of MB).
 */
export class CpuStages implements ShotStages {
  readonly device = 'cpu';
  private readonly luma: Float32Array;
  private readonly stabiliser: TemporalStabiliser | undefined;
  /** The last two frames resized, with their planes (two buffers, used in turn): the last one first. */
  private resized: { frame: RgbFrame; planes: Float32Array }[] = [];
  private probability: Float32Array | undefined;
  /** The frame measureMotion last took (its luma is in `luma`). */
  private measured: RgbFrame | undefined;
  private resampler: PlaneResampler | undefined;
  private guidedBuffers: GuidedFilterBuffers | undefined;

  constructor(readonly size: Size, stabilise: StabiliserOptions | false, private readonly refineOptions: GuidedFilterOptions | false = DEFAULT_GUIDED_FILTER) {
    this.luma = new Float32Array(size.width * size.height);
    this.stabiliser = stabilise ? new TemporalStabiliser(size, stabilise) : undefined;
  }

  async resize(frame: RgbFrame): Promise<Float32Array> {
    // A new resampler only if the frames change size.
    if (this.resampler?.frameWidth !== frame.width || this.resampler.frameHeight !== frame.height) {
      this.resampler = new PlaneResampler(frame.width, frame.height, this.size);
    }
    // The buffer of the frame before last: the last one's planes stay for its refine.
    const spare = this.resized.length === 2 ? this.resized.pop()!.planes : new Float32Array(3 * this.size.width * this.size.height);
    this.resized.unshift({ frame, planes: this.resampler.resample(frame, spare) });
    return this.resized[0].planes;
  }

  async measureMotion(frame: RgbFrame): Promise<void> {
    this.measured = frame;
    this.stabiliser?.measure(lumaOfPlanes(this.planesOf(frame), this.size, this.luma));
  }

  stabilise(frame: RgbFrame, p: Float32Array | GPUBuffer): void {
    if (frame !== this.measured) throw new Error('CpuStages: stabilise(frame) before measureMotion(frame)');
    if (!(p instanceof Float32Array)) throw new TypeError('CpuStages: the probability must be on the CPU');
    this.probability = this.stabiliser ? this.stabiliser.blend(p, this.luma) : p;
  }

  async refine(frame: RgbFrame, out?: Float32Array): Promise<Matte> {
    const p = this.probability!;
    if (!this.refineOptions) return upsampleMatte(p, this.size, frame.width, frame.height, out);
    this.guidedBuffers ??= new GuidedFilterBuffers(this.size);
    return refineMatte(frame, this.planesOf(frame), p, this.size, this.refineOptions, this.guidedBuffers, out);
  }

  private planesOf(frame: RgbFrame): Float32Array {
    const planes = this.resized.find((r) => r.frame === frame)?.planes;
    if (!planes) throw new Error('CpuStages: the frame is not one of the last two resized');
    return planes;
  }

  get motion(): Affine | undefined {
    return this.stabiliser?.motion;
  }

  dispose(): void {}
}
