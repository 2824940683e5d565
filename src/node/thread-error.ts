/** Errors across a worker thread's port: structured cloning would lose their class. */
import { FileError } from '../core/file-error.ts';

export interface ThreadError {
  name: string;
  message: string;
  /** Set for a FileError such as a ModelError (the CLI's exit 2). */
  path?: string;
  reason?: string;
}

/** An error as it is sent from a worker. */
export function describeError(error: unknown): ThreadError {
  if (error instanceof FileError) return { name: error.name, message: error.message, path: error.path, reason: error.reason };
  return error instanceof Error ? { name: error.name, message: error.message } : { name: 'Error', message: String(error) };
}

/**
 * The worker's error as the receiving thread's own. ModelError is imported only for one: its module
 * loads onnxruntime-web (10 MB), which the caller's thread otherwise never needs.
 */
export async function reviveError(error: ThreadError): Promise<Error> {
  if (error.name === 'ModelError' && error.path !== undefined && error.reason !== undefined) {
    const { ModelError } = await import('../core/segment/session.ts');
    return new ModelError(error.path, error.reason);
  }
  return Object.assign(new Error(error.message), { name: error.name });
}
