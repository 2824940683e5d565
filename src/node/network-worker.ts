/** Inside the network thread (network-thread.ts): loads the model, then planes in, sky probability out. */
import { parentPort, workerData } from 'node:worker_threads';
import { loadSkyModel } from './model.ts';
import type { FromNetwork, NetworkThreadOptions, ToNetwork } from './network-thread.ts';
import { describeError } from './thread-error.ts';

const port = parentPort!;
const send = (message: FromNetwork, transfer: ArrayBuffer[] = []): void => port.postMessage(message, transfer);

try {
  const options = workerData as NetworkThreadOptions;
  const model = await loadSkyModel(options.model, { backend: 'wasm', threads: options.threads });
  // One run at a time, in the order asked: each message waits for the run before it.
  let last: Promise<void> = Promise.resolve();
  port.on('message', ({ planes, probability, size }: ToNetwork) => {
    last = last.then(async () => {
      try {
        const busy = model.busyMs;
        await model.run(planes, size, probability);
        send({ type: 'sky', planes, probability, ms: model.busyMs - busy }, [planes.buffer as ArrayBuffer, probability.buffer as ArrayBuffer]);
      } catch (error) {
        send({ type: 'error', error: describeError(error) });
      }
    });
  });
  send({ type: 'ready', backend: model.backend });
} catch (error) {
  send({ type: 'error', error: describeError(error) });
}
