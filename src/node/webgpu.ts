/**
 * WebGPU in Node: Dawn (npm `webgpu`, the WebGPU implementation inside Chrome) installed as
 * `navigator.gpu` and its globals (GPUBufferUsage, …), so that onnxruntime-web's WebGPU build and
 * the GPU stages run in Node as they do in a page. The command line's `--backend webgpu` and the
 * WebGPU benchmark use it; globals are per thread, so it is installed in the thread that segments.
 *
 * Dawn picks its backend itself (Vulkan on Linux, Metal on macOS, D3D12 on Windows). AUTOROTO_DAWN_FLAGS
 * (comma-separated Dawn toggles, e.g. `backend=opengl`) overrides that; an OpenGL backend is asked
 * for WebGPU's compatibility feature level, the only one Dawn offers there.
 */

export interface WebgpuAdapterInfo {
  vendor?: string;
  architecture?: string;
  description?: string;
}

export interface NodeWebgpuOptions {
  /** Where Dawn's module is (a path or specifier); the package `webgpu` by default. */
  module?: string;
  /** Dawn toggles for create(); by default AUTOROTO_DAWN_FLAGS's. */
  flags?: string[];
}

type WriteBuffer = (this: unknown, buffer: unknown, offset: number, data: ArrayBufferLike | ArrayBufferView, dataOffset?: number, size?: number) => void;

interface DawnModule {
  create(flags: string[]): { requestAdapter(options?: object): Promise<{ info?: WebgpuAdapterInfo } | null> };
  globals: Record<string, unknown> & { GPUQueue: { prototype: { writeBuffer: WriteBuffer } } };
}

/** Thrown when Dawn cannot be loaded or finds no adapter; says why and what to do. */
export class WebgpuUnavailableError extends Error {
  override name = 'WebgpuUnavailableError';
}

/** AUTOROTO_DAWN_FLAGS as a list. */
function dawnFlagsFromEnvironment(): string[] {
  return (process.env.AUTOROTO_DAWN_FLAGS ?? '').split(',').map((f) => f.trim()).filter(Boolean);
}

/**
 * onnxruntime-web's threaded WASM heap is a SharedArrayBuffer, and frames in the segment thread arrive
 * in shared memory. Browsers take shared memory in queue.writeBuffer; dawn.node's binding does not, so
 * such data is copied to a plain buffer first (the same bytes).
 */
function acceptSharedMemory(queue: { writeBuffer: WriteBuffer }): void {
  const write = queue.writeBuffer;
  queue.writeBuffer = function (buffer, offset, data, dataOffset = 0, size) {
    const isView = ArrayBuffer.isView(data);
    const memory = isView ? data.buffer : data;
    if (!(memory instanceof SharedArrayBuffer)) return write.call(this, buffer, offset, data, dataOffset, size);
    const unit = isView ? (data as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1 : 1;
    const start = (isView ? data.byteOffset : 0) + dataOffset * unit;
    const length = size === undefined ? (isView ? data.byteLength : memory.byteLength) - dataOffset * unit : size * unit;
    return write.call(this, buffer, offset, new Uint8Array(memory, start, length).slice());
  };
}

/**
 * Installs Dawn as this thread's navigator.gpu (asking for the adapter with the options the flags
 * need, for whoever asks: onnxruntime-web does) and resolves to the adapter's description.
 */
export async function installNodeWebgpu(options: NodeWebgpuOptions = {}): Promise<WebgpuAdapterInfo> {
  const flags = options.flags ?? dawnFlagsFromEnvironment();
  let dawn: DawnModule;
  try {
    dawn = (await import(options.module ?? 'webgpu')) as DawnModule;
  } catch (error) {
    throw new WebgpuUnavailableError(`Dawn (the npm package webgpu) did not load (${(error as Error).message.split('\n')[0]}); install it, or use --backend wasm`, { cause: error });
  }
  const compat = flags.some((f) => /^backend=opengl(es)?$/.test(f));
  const adapterOptions = compat ? { featureLevel: 'compatibility' } : { powerPreference: 'high-performance' };
  let gpu: ReturnType<DawnModule['create']>;
  let adapter: Awaited<ReturnType<typeof gpu.requestAdapter>>;
  try {
    gpu = dawn.create(flags);
    adapter = await gpu.requestAdapter(adapterOptions);
  } catch (error) {
    // An unknown toggle in AUTOROTO_DAWN_FLAGS, say.
    throw new WebgpuUnavailableError(`Dawn did not start with ${flags.join(',') || 'no flags'} (${(error as Error).message.split('\n')[0]}); fix AUTOROTO_DAWN_FLAGS, or use --backend wasm`, { cause: error });
  }
  if (!adapter) {
    throw new WebgpuUnavailableError(`Dawn found no WebGPU adapter${flags.length ? ` with ${flags.join(',')}` : ''} (no GPU, or a driver without what Dawn needs); use --backend wasm`);
  }
  Object.assign(globalThis, dawn.globals);
  acceptSharedMemory(dawn.globals.GPUQueue.prototype);
  const navigatorGpu = { requestAdapter: () => gpu.requestAdapter(adapterOptions) };
  // Node 21 and later have a navigator of their own (language, hardwareConcurrency…): keep it, add gpu.
  if (typeof globalThis.navigator === 'object') Object.defineProperty(globalThis.navigator, 'gpu', { value: navigatorGpu, configurable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu: navigatorGpu }, configurable: true });
  return { vendor: adapter.info?.vendor, architecture: adapter.info?.architecture, description: adapter.info?.description };
}
