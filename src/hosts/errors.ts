/** Errors a host reports to the editor: `message` is shown as it is, so it says what to do. */

export type HostErrorKind = 'missing-comp' | 'missing-layer' | 'locked' | 'no-video' | 'empty-range' | 'write-failed' | 'cancelled';

export class HostError extends Error {
  constructor(readonly kind: HostErrorKind, message: string) {
    super(message);
    this.name = 'HostError';
  }
}

/** Thrown where a cancelled run stops; nothing has been written when it is. */
export function throwIfCancelled(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new HostError('cancelled', 'Cancelled: nothing was written.');
}
