/**
 * Browser entry for test/webgpu-stages.test.ts: the stages around the network (resize, stabilise,
 * refine) run on the same frames as WebGPU shaders (GpuStages) and in TypeScript (CpuStages), and
 * each frame's results are compared here, in the page, so only numbers go back to the test. The
 * GPU stages take each next frame before finishing the last, as the Segmenter drives them.
 * For a shot `name` the test serves /<name>.rgb (its frames, interleaved RGB, one after another) and
 * /<name>.f32 (the probability the network would give each frame at the working size).
 */
import { iou, threshold } from '../../src/core/metrics.ts';
import { GpuStages } from '../../src/core/segment/gpu-stages.ts';
import { DEFAULT_GUIDED_FILTER } from '../../src/core/segment/guided-filter.ts';
import { CpuStages } from '../../src/core/segment/shot-stages.ts';
import { DEFAULT_STABILISER } from '../../src/core/segment/stabilise.ts';
import { workingSize } from '../../src/core/segment/working-size.ts';
import { fetchBytes, pageAdapter } from './page-io.ts';

export interface FrameAgreement {
  /** Largest |GPU − CPU| over the working-size planes. */
  planesMaxAbs: number;
  /** Largest difference between the two camera motions' coefficients (none at the first frame: 0). */
  motionMaxAbs: number;
  matteMaxAbs: number;
  matteMeanAbs: number;
  /** Full-resolution pixels on different sides of 0.5, and IoU of sky at 0.5. */
  flipped: number;
  iou: number;
  /** Share of the frame that is sky in the CPU matte. */
  sky: number;
}

export interface StagesRun {
  /** Why there is no device, or undefined when there is one. */
  missing?: string;
  /** GPU stages were declined for the device's limits. */
  declined?: boolean;
  frames: FrameAgreement[];
}

function maxAbs(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

async function compare(name: string, width: number, height: number, frameCount: number, stabilise: boolean): Promise<StagesRun> {
  const { adapter, missing } = await pageAdapter();
  if (!adapter) return { missing, frames: [] };
  const device = await adapter.requestDevice();
  const [rgb, pBytes] = await Promise.all([fetchBytes(`/${name}.rgb`), fetchBytes(`/${name}.f32`)]);
  const probabilities = new Float32Array(pBytes.buffer, pBytes.byteOffset, pBytes.byteLength / 4);
  const size = workingSize(width, height);
  const n = size.width * size.height, pixels = width * height;
  const stabiliser = stabilise ? DEFAULT_STABILISER : false;
  device.pushErrorScope('validation');
  const gpu = await GpuStages.create(device, width, height, size, stabiliser, DEFAULT_GUIDED_FILTER);
  if (!gpu) return { declined: true, frames: [] };
  const cpu = new CpuStages(size, stabiliser, DEFAULT_GUIDED_FILTER);
  const frames: FrameAgreement[] = [];
  const frameAt = (f: number) => ({ width, height, data: rgb.subarray(f * pixels * 3, (f + 1) * pixels * 3) });
  // The GPU stages run as the Segmenter drives them, a frame ahead: frame f + 1 is uploaded and
  // resized before frame f is measured, stabilised and refined. The CPU stages go one frame at a time.
  // Made without planesOnDevice, the GPU stages read their planes back.
  const resized = async (frame: ReturnType<typeof frameAt>) => {
    const planes = await gpu.resize(frame);
    if (!(planes instanceof Float32Array)) throw new Error('GpuStages left the planes on the device');
    return planes;
  };
  let next = frameAt(0);
  let gpuPlanes = await resized(next);
  for (let f = 0; f < frameCount; f++) {
    const frame = next;
    const cpuPlanes = await cpu.resize(frame);
    const planesMaxAbs = maxAbs(cpuPlanes, gpuPlanes);
    if (f + 1 < frameCount) {
      next = frameAt(f + 1);
      gpuPlanes = await resized(next);
    }
    const p = probabilities.subarray(f * n, (f + 1) * n);
    await cpu.measureMotion(frame);
    await gpu.measureMotion(frame);
    cpu.stabilise(frame, p);
    gpu.stabilise(frame, p);
    const a = await cpu.refine(frame), b = await gpu.refine(frame);
    const ta = threshold(a), tb = threshold(b);
    let flipped = 0, sum = 0, sky = 0;
    for (let i = 0; i < pixels; i++) {
      flipped += ta[i] ^ tb[i];
      sky += ta[i];
      sum += Math.abs(a.data[i] - b.data[i]);
    }
    const motionMaxAbs = cpu.motion && gpu.motion ? maxAbs(cpu.motion, gpu.motion) : cpu.motion || gpu.motion ? Infinity : 0;
    frames.push({ planesMaxAbs, motionMaxAbs, matteMaxAbs: maxAbs(a.data, b.data), matteMeanAbs: sum / pixels, flipped, iou: iou(ta, tb), sky: sky / pixels });
  }
  gpu.dispose();
  const error = await device.popErrorScope();
  device.destroy();
  if (error) throw new Error(`WebGPU validation: ${error.message}`);
  return { frames };
}

/** The error GpuStages gives when its device is lost mid-shot (destroyed here, as a driver reset would). */
async function loseDevice(name: string, width: number, height: number): Promise<{ missing?: string; name?: string; message?: string }> {
  const { adapter, missing } = await pageAdapter();
  if (!adapter) return { missing };
  const device = await adapter.requestDevice();
  const frame = { width, height, data: (await fetchBytes(`/${name}.rgb`)).subarray(0, width * height * 3) };
  const size = workingSize(width, height);
  const gpu = (await GpuStages.create(device, width, height, size, DEFAULT_STABILISER, DEFAULT_GUIDED_FILTER))!;
  await gpu.resize(frame);
  await gpu.measureMotion(frame);
  gpu.stabilise(frame, new Float32Array(size.width * size.height).fill(0.5));
  device.destroy();
  try {
    await gpu.refine(frame);
    return { message: 'no error' };
  } catch (error) {
    return { name: (error as Error).name, message: (error as Error).message };
  }
}

(globalThis as { autoroto?: unknown }).autoroto = { compare, loseDevice };
