/**
 * Starting a worker thread that answers `ready` (or an `error`) first: the segment thread and the
 * network thread start the same way.
 */
import { Worker } from 'node:worker_threads';
import { Mailbox } from './mailbox.ts';
import { reviveError, type ThreadError } from './thread-error.ts';

/** What every such worker may send instead of what it was asked for. */
export type WorkerFailure = { type: 'error'; error: ThreadError };

/**
 * Starts `entry` (a .mjs that loads the worker's TypeScript) with `workerData`. Its messages, an
 * uncaught error and its exit all go into `mailbox`, in order. Resolves to the worker and its ready
 * message; where the first message is anything else, ends the worker and throws the worker's error
 * as this thread's own (a ModelError stays one).
 */
export async function startWorker<M extends { type: string }>(entry: URL, workerData: unknown, name: string, mailbox: Mailbox<M | WorkerFailure>):
  Promise<{ worker: Worker; ready: Extract<M, { type: 'ready' }> }> {
  const worker = new Worker(entry, { workerData });
  worker.on('message', (message: M) => mailbox.put(message));
  worker.on('error', (error) => mailbox.put({ type: 'error', error: { name: error.name, message: error.message } }));
  worker.on('exit', (code) => mailbox.put({ type: 'error', error: { name: 'Error', message: `the ${name} thread stopped (exit ${code})` } }));
  const ready = await mailbox.take();
  if (ready.type !== 'ready') {
    await worker.terminate();
    throw isFailure(ready) ? await reviveError(ready.error) : new Error(`${name} thread: ${ready.type} before ready`);
  }
  return { worker, ready: ready as Extract<M, { type: 'ready' }> };
}

function isFailure(message: { type: string }): message is WorkerFailure {
  return message.type === 'error';
}

/** A spare array of `length` taken out of `spares` (buffers back from a worker), or a new one from `make`. */
export function takeSpare<T extends { length: number }>(spares: T[], length: number, make: (length: number) => T): T {
  const k = spares.findIndex((a) => a.length === length);
  return k >= 0 ? spares.splice(k, 1)[0] : make(length);
}
