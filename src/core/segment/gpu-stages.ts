/**
 * The stages around the network on the GPU (WebGPU compute shaders, gpu-shaders.ts): where the
 * network runs on WebGPU, the TypeScript stages took nine tenths of a 1080p frame's time (resize
 * 14 ms, stabilise 20, refine 57 against the network's 5–10 on an H200).
 *
 * Per frame the CPU uploads the frame once and reads back the working-size planes (the network's
 * input, and the luma the camera motion is estimated from: that estimate stays on the CPU, a
 * coarse-to-fine search with few pixels per level) and the full-resolution matte. Everything else
 * (history, guided-filter planes, colour model) stays on the GPU for the whole shot. A frame and its
 * planes have two slots, used in turn, so that the next frame is uploaded and resized, and the
 * network starts on it, while the last one is stabilised and refined.
 * Results equal the CpuStages' within float32 rounding (test/webgpu-stages.test.ts).
 */
import type { Matte, RgbFrame } from '../types.ts';
import type { Affine } from './global-motion.ts';
import { GpuLostError, lostDevice } from './gpu-lost.ts';
import type { GuidedFilterOptions } from './guided-filter.ts';
import { APPLY_MODEL, BOX_MEAN, GUIDE_PRODUCTS, GUIDE_SOLVE, RESIZE_COLUMNS, RESIZE_ROWS, SHOT_BYTES, STABILISE } from './gpu-shaders.ts';
import { axisWeights, lumaOfPlanes } from './resample.ts';
import type { ShotStages } from './shot-stages.ts';
import { LumaMotion, type StabiliserOptions } from './stabilise.ts';
import type { Size } from './working-size.ts';

/** The guided filter's quantities per pixel (r g b p and their nine products) and its coefficients (ar ag ab b0). */
const QUANTITIES = 13;
const COEFFICIENTS = 4;
const WORKGROUP = 64;
/** The most storage buffers one shader binds (STABILISE). */
const STORAGE_BUFFERS = 6;

/** One shader dispatch: its pipeline, its bind group, and the grid it runs over (columns, rows). */
interface Pass {
  pipeline: GPUComputePipeline;
  bindGroup: GPUBindGroup;
  columns: number;
  rows: number;
}

/** An axis's area weights as the resize shaders read them: (start, count, offset) per target, then the weights. */
function axisBuffers(source: number, target: number) {
  const { start, count, offset, weights } = axisWeights(source, target);
  const taps = new Int32Array(3 * target);
  for (let i = 0; i < target; i++) taps.set([start[i], count[i], offset[i]], 3 * i);
  return { taps, weights };
}

/**
 * What one frame in flight holds: the frame, its buffers on the GPU (the frame itself and its planes
 * at the working size) and its planes read back, with the passes that read them. Two, used in turn:
 * the next frame is uploaded and resized while the last one is stabilised and refined.
 */
interface FrameSlot {
  frame: RgbFrame | undefined;
  readonly frameBuffer: GPUBuffer;
  readonly planesBuffer: GPUBuffer;
  readonly planes: Float32Array;
  /** Settles once `planes` holds the frame's planes read back (see resize). */
  planesRead: Promise<void> | undefined;
  readonly resizePasses: Pass[];
  readonly planesCopy: [GPUBuffer, GPUBuffer];
  readonly stabilisePass: Pass;
  readonly refinePasses: Pass[];
}

export class GpuStages implements ShotStages {
  readonly device = 'gpu';
  private readonly buffers: GPUBuffer[] = [];
  private readonly shot = new DataView(new ArrayBuffer(SHOT_BYTES));
  private readonly shotBuffer: GPUBuffer;
  private readonly pBuffer: GPUBuffer;
  private readonly matteRead: GPUBuffer;
  private readonly slots: FrameSlot[];
  /** Copies after the stabilise pass: the stabilised probability becomes the history, the luma the previous luma. */
  private readonly carry: [GPUBuffer, GPUBuffer][];
  private readonly matteCopy: [GPUBuffer, GPUBuffer];
  private readonly luma: Float32Array;
  private readonly lumaMotion: LumaMotion | undefined;
  /** The frame measureMotion last took (its motion is lumaMotion's). */
  private measured: RgbFrame | undefined;
  /** The slot of the frame last resized. */
  private latest: FrameSlot | undefined;

  /**
   * The stages for a shot of `frameWidth` × `frameHeight` frames on `gpu`, or undefined where they
   * would pass the device's limits (a frame larger than 8K on a device with the default 128 MB binding
   * limit, or fewer storage buffers per shader than the stabiliser binds): the caller then runs the
   * CPU stages. With `planesOnDevice` (the network runs on `gpu` too), resize gives the network its
   * planes in their buffer on the device instead of read back.
   */
  static async create(
    gpu: GPUDevice, frameWidth: number, frameHeight: number, size: Size, stabilise: StabiliserOptions | false, refine: GuidedFilterOptions,
    planesOnDevice = false,
  ): Promise<GpuStages | undefined> {
    const n = size.width * size.height;
    const largest = 4 * Math.max(frameWidth * frameHeight, frameHeight * size.width * 3, QUANTITIES * n);
    if (largest > gpu.limits.maxStorageBufferBindingSize || largest > gpu.limits.maxBufferSize) return undefined;
    // The stabiliser's shader binds six storage buffers; WebGPU's compatibility mode promises four.
    if (gpu.limits.maxStorageBuffersPerShaderStage < STORAGE_BUFFERS) return undefined;
    gpu.pushErrorScope('validation');
    const stages = new GpuStages(gpu, frameWidth, frameHeight, size, stabilise, refine, planesOnDevice);
    const error = await gpu.popErrorScope();
    if (error) {
      stages.dispose();
      throw new Error(`the WebGPU refinement shaders did not build: ${error.message}`);
    }
    return stages;
  }

  private constructor(
    private readonly gpu: GPUDevice, readonly frameWidth: number, readonly frameHeight: number, readonly size: Size,
    stabilise: StabiliserOptions | false, refine: GuidedFilterOptions, private readonly planesOnDevice: boolean,
  ) {
    const { width: w, height: h } = size;
    const W = frameWidth, H = frameHeight, n = w * h;
    const { STORAGE, COPY_DST, COPY_SRC, MAP_READ, UNIFORM } = GPUBufferUsage;
    const buffer = (bytes: number, usage: number) => {
      const made = gpu.createBuffer({ size: Math.ceil(bytes / 4) * 4, usage });
      this.buffers.push(made);
      return made;
    };
    const filled = (data: Int32Array | Float32Array) => {
      const made = buffer(data.byteLength, STORAGE | COPY_DST);
      gpu.queue.writeBuffer(made, 0, data as Int32Array<ArrayBuffer> | Float32Array<ArrayBuffer>);
      return made;
    };
    const planesSize = 3 * n * 4, matteSize = W * H * 4;
    this.luma = new Float32Array(n);
    this.lumaMotion = stabilise ? new LumaMotion(size) : undefined;

    this.shotBuffer = buffer(SHOT_BYTES, UNIFORM | COPY_DST);
    const xs = axisBuffers(W, w), ys = axisBuffers(H, h);
    const xTaps = filled(xs.taps), xWeights = filled(xs.weights), yTaps = filled(ys.taps), yWeights = filled(ys.weights);
    const rows = buffer(H * w * 3 * 4, STORAGE);
    this.pBuffer = buffer(n * 4, STORAGE | COPY_DST);
    const history = buffer(n * 4, STORAGE | COPY_DST), previousLuma = buffer(n * 4, STORAGE | COPY_DST);
    const stabilised = buffer(n * 4, STORAGE | COPY_SRC), luma = buffer(n * 4, STORAGE | COPY_SRC);
    // The guided filter's planes, reused as they fall out of use: quantities → row means → means
    // (back in `quantities`) → coefficients → row means → the averaged model (back in `coefficients`).
    const quantities = buffer(QUANTITIES * n * 4, STORAGE), rowMeans = buffer(QUANTITIES * n * 4, STORAGE);
    const coefficients = buffer(COEFFICIENTS * n * 4, STORAGE);
    const matte = buffer(matteSize, STORAGE | COPY_SRC);
    this.matteRead = buffer(matteSize, MAP_READ | COPY_DST);

    const modules = new Map<string, GPUShaderModule>();
    const pipelines = new Map<string, GPUComputePipeline>();
    const pass = (code: string, bindings: GPUBuffer[], columns: number, rows: number, constants?: Record<string, number>): Pass => {
      if (!modules.has(code)) modules.set(code, gpu.createShaderModule({ code }));
      const key = `${code}${JSON.stringify(constants)}`;
      if (!pipelines.has(key)) pipelines.set(key, gpu.createComputePipeline({ layout: 'auto', compute: { module: modules.get(code)!, entryPoint: 'main', constants } }));
      const pipeline = pipelines.get(key)!;
      const entries = [this.shotBuffer, ...bindings].map((b, binding) => ({ binding, resource: { buffer: b } }));
      return { pipeline, bindGroup: gpu.createBindGroup({ layout: pipeline.getBindGroupLayout(0), entries }), columns, rows };
    };
    const box = (source: GPUBuffer, means: GPUBuffer, planes: number, alongY: boolean) =>
      pass(BOX_MEAN, [source, means], w, h, { planes, alongY: alongY ? 1 : 0 });
    // The passes that read a frame or its planes are made for each slot; the planes in between
    // (rows, the guided filter's) are used within one submission and shared.
    this.slots = [0, 1].map((): FrameSlot => {
      const frameBuffer = buffer(W * H * 3, STORAGE | COPY_DST);
      const planes = buffer(planesSize, STORAGE | COPY_SRC);
      return {
        frame: undefined,
        frameBuffer,
        planesBuffer: planes,
        planes: new Float32Array(3 * n),
        planesRead: undefined,
        resizePasses: [
          pass(RESIZE_ROWS, [frameBuffer, xTaps, xWeights, rows], w, H),
          pass(RESIZE_COLUMNS, [rows, yTaps, yWeights, planes], w, h),
        ],
        planesCopy: [planes, buffer(planesSize, MAP_READ | COPY_DST)],
        stabilisePass: pass(STABILISE, [planes, this.pBuffer, history, previousLuma, stabilised, luma], w, h),
        refinePasses: [
          pass(GUIDE_PRODUCTS, [planes, stabilised, quantities], w, h),
          box(quantities, rowMeans, QUANTITIES, false),
          box(rowMeans, quantities, QUANTITIES, true),
          pass(GUIDE_SOLVE, [quantities, coefficients], w, h),
          box(coefficients, rowMeans, COEFFICIENTS, false),
          box(rowMeans, coefficients, COEFFICIENTS, true),
          pass(APPLY_MODEL, [frameBuffer, coefficients, matte], W, H),
        ],
      };
    });
    this.carry = [[stabilised, history], [luma, previousLuma]];
    this.matteCopy = [matte, this.matteRead];

    const shot = this.shot;
    [W, H, w, h].forEach((v, i) => shot.setUint32(4 * i, v, true));
    shot.setInt32(16, refine.radius, true);
    shot.setUint32(24, stabilise ? 1 : 0, true);
    const { blend, trustFrom, trustAt, mismatchFrom, mismatchAt } = stabilise || { blend: 1, trustFrom: 0, trustAt: 1, mismatchFrom: 0, mismatchAt: 1 };
    [blend, trustFrom, trustAt, mismatchFrom, mismatchAt, refine.epsilon, refine.contrast].forEach((v, i) => shot.setFloat32(64 + 4 * i, v, true));
    gpu.queue.writeBuffer(this.shotBuffer, 0, shot.buffer);
  }

  /** Submits `passes`, then `copies`, after `inputs` (copies too). */
  private encode(passes: Pass[], copies: [GPUBuffer, GPUBuffer][], inputs: [GPUBuffer, GPUBuffer][] = []): void {
    const encoder = this.gpu.createCommandEncoder();
    for (const [from, to] of inputs) encoder.copyBufferToBuffer(from, 0, to, 0, to.size);
    for (const { pipeline, bindGroup, columns, rows } of passes) {
      const compute = encoder.beginComputePass();
      compute.setPipeline(pipeline);
      compute.setBindGroup(0, bindGroup);
      compute.dispatchWorkgroups(Math.ceil(columns / WORKGROUP), rows);
      compute.end();
    }
    for (const [from, to] of copies) encoder.copyBufferToBuffer(from, 0, to, 0, from.size);
    this.gpu.queue.submit([encoder.finish()]);
  }

  /** Waits for the GPU's work so far and copies `read` (a MAP_READ buffer) into `into`. */
  private async readBack(read: GPUBuffer, into: Float32Array): Promise<void> {
    try {
      await read.mapAsync(GPUMapMode.READ, 0, into.byteLength);
    } catch (error) {
      // A device lost to a driver reset, sleep or another app rejects every read after it.
      const lost = await lostDevice([this.gpu]);
      throw lost === undefined ? error : new GpuLostError(lost, { cause: error });
    }
    into.set(new Float32Array(read.getMappedRange(0, into.byteLength)));
    read.unmap();
  }

  /**
   * Uploads the frame and resizes it, in the slot the frame before last had: the last frame's stay
   * for its stabilise and refine, whose work the queue runs after this frame's resize. The planes
   * are read back for the camera-motion estimate, and awaited here only where the network takes
   * them on the CPU; otherwise the network gets their buffer at once, and the estimate awaits them.
   */
  async resize(frame: RgbFrame): Promise<Float32Array | GPUBuffer> {
    const { width: W, height: H, data } = frame;
    if (W !== this.frameWidth || H !== this.frameHeight) throw new RangeError(`frame ${W}×${H}, GPU stages ${this.frameWidth}×${this.frameHeight}`);
    const slot = this.slots[this.latest === this.slots[0] ? 1 : 0];
    this.latest = slot;
    slot.frame = frame;
    // writeBuffer takes whole 4-byte words: the last few bytes of an odd-sized frame go padded.
    const whole = data.length & ~3;
    // (The spec takes shared memory too, which the frames of a worker may be in; the typings do not.)
    this.gpu.queue.writeBuffer(slot.frameBuffer, 0, data as Uint8Array<ArrayBuffer>, 0, whole);
    if (whole < data.length) {
      const tail = new Uint8Array(4);
      tail.set(data.subarray(whole));
      this.gpu.queue.writeBuffer(slot.frameBuffer, whole, tail);
    }
    this.encode(slot.resizePasses, [slot.planesCopy]);
    slot.planesRead = this.readBack(slot.planesCopy[1], slot.planes);
    if (!this.planesOnDevice) {
      await slot.planesRead;
      return slot.planes;
    }
    // Awaited by measureMotion; until then a failed read must not count as unhandled.
    slot.planesRead.catch(() => {});
    return slot.planesBuffer;
  }

  async measureMotion(frame: RgbFrame): Promise<void> {
    const slot = this.slotOf(frame);
    await slot.planesRead;
    const { planes } = slot;
    this.measured = frame;
    this.lumaMotion?.next(lumaOfPlanes(planes, this.size, this.luma));
  }

  /** With `p` in a buffer (the network's on this device, SkyNetwork.runOnDevice), it is copied from there on the GPU. */
  stabilise(frame: RgbFrame, p: Float32Array | GPUBuffer): void {
    if (frame !== this.measured) throw new Error('GpuStages: stabilise(frame) before measureMotion(frame)');
    const m = this.lumaMotion?.motion;
    const shot = this.shot;
    shot.setUint32(20, m ? 0 : 1, true);
    (m ?? [1, 0, 0, 0, 1, 0]).forEach((v, i) => shot.setFloat32(32 + 4 * i, v, true));
    this.gpu.queue.writeBuffer(this.shotBuffer, 0, shot.buffer);
    if (p instanceof Float32Array) this.gpu.queue.writeBuffer(this.pBuffer, 0, p as Float32Array<ArrayBuffer>);
    this.encode([this.slotOf(frame).stabilisePass], this.carry, p instanceof Float32Array ? [] : [[p, this.pBuffer]]);
  }

  /** The last stabilised probability refined on `frame`, the frame last stabilised. */
  async refine(frame: RgbFrame, out: Float32Array = new Float32Array(frame.width * frame.height)): Promise<Matte> {
    this.encode(this.slotOf(frame).refinePasses, [this.matteCopy]);
    await this.readBack(this.matteRead, out);
    return { width: frame.width, height: frame.height, data: out };
  }

  private slotOf(frame: RgbFrame): FrameSlot {
    const slot = this.slots.find((s) => s.frame === frame);
    if (!slot) throw new Error('GpuStages: the frame is not one of the last two resized');
    return slot;
  }

  get motion(): Affine | undefined {
    return this.lumaMotion?.motion;
  }

  dispose(): void {
    for (const b of this.buffers) b.destroy();
    this.buffers.length = 0;
  }
}

/**
 * A device for GpuStages from the runtime's WebGPU (navigator.gpu), with the adapter's largest
 * buffers (an 8K frame's matte, 133 MB, is just under the default limit; larger frames need more)
 * and as many storage buffers per shader as it has (a compatibility-mode adapter's default is four);
 * none where the runtime has no WebGPU adapter.
 */
export async function requestStagesDevice(): Promise<GPUDevice | undefined> {
  const adapter = typeof navigator === 'undefined' ? undefined : await navigator.gpu?.requestAdapter();
  if (!adapter) return undefined;
  const { maxStorageBufferBindingSize, maxBufferSize, maxStorageBuffersPerShaderStage } = adapter.limits;
  return adapter.requestDevice({ requiredLimits: { maxStorageBufferBindingSize, maxBufferSize, maxStorageBuffersPerShaderStage } });
}

/** A stages device asked for when first needed (see stagesDeviceOnDemand), and destroyed if it was made. */
export type StagesDeviceOnDemand = (() => Promise<GPUDevice | undefined>) & { destroy(): Promise<void> };

/**
 * requestStagesDevice as Segmenter's `gpu` option for a page or a process: the device is asked for
 * when a shot first needs it and is the same for every shot after; none where asking fails.
 */
export function stagesDeviceOnDemand(): StagesDeviceOnDemand {
  let device: Promise<GPUDevice | undefined> | undefined;
  const get = () => (device ??= requestStagesDevice().catch(() => undefined));
  return Object.assign(get, { destroy: async () => { (await device)?.destroy(); } });
}
