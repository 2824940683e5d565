/**
 * A WebGPU device can be lost at any time (a driver reset, the GPU out of memory, another
 * application taking it): its work then stops, and the calls that wait on it fail with errors that
 * do not say why. A shot that fails while a device it runs on is lost fails with GpuLostError, which
 * says so, so that a host can run the shot again on the CPU.
 */

/** The shot's GPU stopped: nothing it made on the GPU can be used; the shot can run again on the CPU (WASM). */
export class GpuLostError extends Error {
  /** Why, in the browser's or Dawn's words (GPUDeviceLostInfo's message), without a final full stop. */
  readonly reason: string;

  constructor(reason: string, options?: ErrorOptions) {
    const said = reason.replace(/\.$/, '');
    super(`The GPU stopped during the shot (${said}): run it again, or choose the WASM backend.`, options);
    this.reason = said;
    this.name = 'GpuLostError';
  }
}

/**
 * How long a failed shot waits for a device's `lost` promise: a loss makes the work waiting on the
 * device fail, and its promise settles in the same few tasks.
 */
const LOSS_SETTLES_MS = 200;

/** Why the first of `devices` that is lost was lost, or undefined where none is (after a short wait, see LOSS_SETTLES_MS). */
export async function lostDevice(devices: (GPUDevice | undefined)[]): Promise<string | undefined> {
  const present = devices.filter((d): d is GPUDevice => d !== undefined);
  if (present.length === 0) return undefined;
  let stopWaiting = () => {};
  const waited = new Promise<undefined>((resolve) => {
    const timer = setTimeout(resolve, LOSS_SETTLES_MS);
    stopWaiting = () => clearTimeout(timer);
  });
  const lost = await Promise.race([...present.map((d) => d.lost.then((info) => info.message || `lost: ${info.reason}`)), waited]);
  stopWaiting();
  return lost;
}
