/**
 * Frames in, full-resolution sky mattes out: the segment stage of the pipeline, streaming.
 *
 *   frame → working size (area average) → network → temporal stabilisation → guided-filter refinement
 *
 * Each matte after a shot's first carries the camera motion the stabiliser measured on the footage
 * (Matte.cameraMotion), which tracking starts from.
 *
 * One Segmenter per shot: the stabiliser carries history from frame to frame. Mattes come out in
 * order, one per frame, as soon as each is ready; nothing else is kept. The stages around the network
 * (shot-stages.ts) run in TypeScript, or as WebGPU shaders: on the network's own device where it
 * runs on WebGPU (the planes then go to the network, and its probability to the stages, without a
 * trip through the CPU), or on a GPUDevice the segmenter is given.
 * With a network that works on while this thread goes on (SkyNetwork.concurrent: in a thread of its
 * own, or on WebGPU), a frame's matte is made while the network works on the next frame: the same
 * mattes, one frame later.
 */
import type { Matte, RgbFrame } from '../types.ts';
import { cameraMotionOf } from './camera-motion.ts';
import { GpuStages } from './gpu-stages.ts';
import { GpuLostError, lostDevice } from './gpu-lost.ts';
import { DEFAULT_GUIDED_FILTER, type GuidedFilterOptions } from './guided-filter.ts';
import type { SkyNetwork } from './session.ts';
import { CpuStages, type ShotStages, type StagesDevice } from './shot-stages.ts';
import { DEFAULT_STABILISER, type StabiliserOptions } from './stabilise.ts';
import { workingSize } from './working-size.ts';

export interface SegmentOptions {
  /** Guided-filter refinement at full resolution; false gives the plain bilinear upsampling. */
  refine?: GuidedFilterOptions | false;
  /** Temporal stabilisation; false segments every frame on its own. */
  stabilise?: StabiliserOptions | false;
  signal?: AbortSignal;
  onProgress?: (progress: SegmentProgress) => void;
  /**
   * The array each frame's matte is written to (width × height): by default a new one per frame,
   * the caller's to keep. The segment thread passes arrays its caller allocated and takes back.
   */
  matteBuffer?: (frame: RgbFrame) => Float32Array;
  /**
   * The first frames that only carry the stabiliser's history forward (a range's pre-roll): run
   * and stabilised, but not refined, and no matte is yielded for them.
   */
  warmUp?: number;
}

export interface SegmentProgress {
  /** Frames done so far. */
  frames: number;
}

/** Milliseconds spent per stage, summed over the frames (for benchmarks and the CLI's summary). */
export interface SegmentTimings {
  resize: number;
  network: number;
  stabilise: number;
  refine: number;
}

/** Thrown when a run is cancelled through its AbortSignal. */
export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

export interface SegmenterOptions {
  /**
   * Runs resize, stabilisation and refinement as WebGPU compute shaders on this device where the
   * network's own WebGPU device (SkyNetwork.device), which they prefer, cannot take them. A shot
   * whose buffers pass the devices' limits, or one segmented without refinement, runs them in TypeScript.
   * Given as a function (see stagesDeviceOnDemand), the device is asked for only when a shot needs it:
   * where the network's device takes the stages, as it mostly does, no second device is opened.
   */
  gpu?: GPUDevice | (() => Promise<GPUDevice | undefined>);
  /** Runs those stages in TypeScript whatever the devices (for benchmarks that compare the two). */
  cpuStages?: boolean;
}

/** Resolves after a task (a timer), not a microtask: work that waits for the event loop gets to run. */
function nextTask(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}

export class Segmenter {
  readonly timings: SegmentTimings = { resize: 0, network: 0, stabilise: 0, refine: 0 };
  /** Where the last shot's stages ran. */
  stagesRanOn: StagesDevice | undefined;
  /** Whether they ran on the network's own WebGPU device, taking its planes there (see stages()). */
  stagesOnNetworkDevice = false;
  /** The stages' device of their own (options.gpu), once a shot needed it. */
  private ownDevice: GPUDevice | undefined;

  constructor(readonly model: SkyNetwork, private readonly options: SegmenterOptions = {}) {}

  /** Whether the network leaves its probabilities on that device for them too (SkyNetwork.runOnDevice). */
  get probabilityOnDevice(): boolean {
    return this.stagesOnNetworkDevice && !!this.model.runOnDevice;
  }

  /**
   * The shot's mattes, one per frame (warm-up frames aside), in order. Each frame must be an object
   * of its own whose pixels stay as they are until its matte comes out: with a concurrent network the
   * next frame is taken first, and the stages find a frame's planes by the frame object. A host whose
   * decoder reuses one buffer hands each frame over in a buffer of its own (the command line's segment
   * thread does, and takes each buffer back with its matte).
   */
  async *segment(frames: AsyncIterable<RgbFrame> | Iterable<RgbFrame>, options: SegmentOptions = {}): AsyncGenerator<Matte> {
    const refine = options.refine === undefined ? DEFAULT_GUIDED_FILTER : options.refine;
    const stabiliserOptions = options.stabilise === undefined ? DEFAULT_STABILISER : options.stabilise;
    const warmUp = options.warmUp ?? 0;
    let shot: ShotStages | undefined;
    // Two, used in turn: a network in another thread writes the next frame's while this one's is in use.
    let probabilities: Float32Array[] = [];
    let asked = 0, count = 0;
    /** A frame whose network run was asked for and not yet taken (see below). */
    let running: { frame: RgbFrame; probability: Promise<Float32Array | GPUBuffer> } | undefined;
    // The network's time is what the model reports: runs in another thread overlap the stages here.
    let busySeen = this.model.busyMs;
    /**
     * Takes a frame's network result: stabilises it, and starts its matte unless it only warms up
     * (on the GPU the matte is then on its way: the caller awaits it when it wants it). The
     * camera-motion estimate needs only the frame, so it is made while the network runs.
     */
    const finish = async (run: NonNullable<typeof running>): Promise<{ matte: Promise<Matte> } | undefined> => {
      // onnxruntime-web submits a WebGPU run's work to the GPU only after a task: one passes first,
      // or the estimate would hold the network back instead of overlapping it.
      if (this.model.backend === 'webgpu') await nextTask();
      const t0 = performance.now();
      await shot!.measureMotion(run.frame);
      const measured = performance.now() - t0;
      const p = await run.probability;
      this.timings.network += this.model.busyMs - busySeen;
      busySeen = this.model.busyMs;
      const t = performance.now();
      shot!.stabilise(run.frame, p);
      const t1 = performance.now();
      this.timings.stabilise += measured + t1 - t;
      count++;
      options.onProgress?.({ frames: count });
      if (count <= warmUp) return undefined;
      const motion = shot!.motion, size = shot!.size;
      const matte = shot!.refine(run.frame, options.matteBuffer?.(run.frame)).then((made) => {
        this.timings.refine += performance.now() - t1;
        if (motion) made.cameraMotion = cameraMotionOf(motion, size, run.frame.width, run.frame.height);
        return made;
      });
      // Awaited later (see below): until then a failed refinement must not count as unhandled.
      matte.catch(() => {});
      return { matte };
    };
    /** The last frame's matte, where it is made on the GPU while the next frame is resized and its network starts. */
    let ahead: Promise<Matte> | undefined;
    try {
      for await (const frame of frames) {
        if (options.signal?.aborted) throw new CancelledError();
        if (!shot) {
          shot = await this.stages(frame, stabiliserOptions, refine);
          probabilities = [0, 1].map(() => new Float32Array(shot!.size.width * shot!.size.height));
        }
        const t0 = performance.now();
        const planes = await shot.resize(frame);
        this.timings.resize += performance.now() - t0;
        // On the network's device the probability stays there for the stages (SkyNetwork.runOnDevice).
        const probability = this.probabilityOnDevice && !(planes instanceof Float32Array)
          ? this.model.runOnDevice!(planes, shot.size)
          : this.model.run(planes, shot.size, probabilities[asked++ % 2]);
        const run = { frame, probability };
        // Taken only after the motion estimate, or in the next round: until then a failed run must
        // not count as unhandled (the await that takes it still throws).
        run.probability.catch(() => {});
        // A concurrent network starts on this frame while the last one is stabilised and refined
        // here (the stages keep two frames' planes), so it never waits for them. Not where the
        // stages share the network's device: there the last frame's refinement, queued behind this
        // frame's network, would wait for it. Its refinement was queued before this frame's resize
        // instead, and is awaited now, while the network runs.
        const pipelined = this.model.concurrent && !this.stagesOnNetworkDevice;
        if (ahead) {
          yield await ahead;
          ahead = undefined;
        }
        const last = running;
        running = pipelined ? run : undefined;
        for (const taken of [last, pipelined ? undefined : run]) {
          const started = taken && (await finish(taken));
          if (started && !pipelined && shot.device === 'gpu') ahead = started.matte;
          else if (started) yield await started.matte;
        }
      }
      if (ahead) yield await ahead;
      if (running) {
        const started = await finish(running);
        if (started) yield await started.matte;
      }
    } catch (error) {
      // A lost device fails whatever waited on it (the network's runs, the stages' read-backs), with
      // errors that mostly do not say so.
      const lost = error instanceof CancelledError || error instanceof GpuLostError ? undefined : await lostDevice([this.model.device, this.ownDevice]);
      throw lost === undefined ? error : new GpuLostError(lost, { cause: error });
    } finally {
      shot?.dispose();
    }
  }

  private async stages(frame: RgbFrame, stabilise: StabiliserOptions | false, refine: GuidedFilterOptions | false): Promise<ShotStages> {
    const size = workingSize(frame.width, frame.height);
    const { gpu, cpuStages } = this.options, network = this.model.device;
    const onGpu = !cpuStages && refine;
    // On the network's own device the planes go to the network without a trip through the CPU.
    const shared = onGpu && network ? await GpuStages.create(network, frame.width, frame.height, size, stabilise, refine, true) : undefined;
    let own: GpuStages | undefined;
    if (onGpu && gpu && !shared) {
      this.ownDevice = typeof gpu === 'function' ? await gpu() : gpu;
      own = this.ownDevice && await GpuStages.create(this.ownDevice, frame.width, frame.height, size, stabilise, refine);
    }
    const stages = shared ?? own ?? new CpuStages(size, stabilise, refine);
    this.stagesOnNetworkDevice = !!shared;
    this.stagesRanOn = stages.device;
    return stages;
  }
}
