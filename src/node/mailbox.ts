/**
 * Messages from a thread's port, taken in order by whoever awaits them: kept until asked for, or
 * handed straight to the one waiting. Both ends of the segment thread read their port this way.
 */
export class Mailbox<T> {
  private readonly queue: T[] = [];
  private waiting: ((message: T) => void) | undefined;

  put(message: T): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    if (waiting) waiting(message);
    else this.queue.push(message);
  }

  /** The next message, once there is one (one taker at a time). */
  take(): Promise<T> {
    return this.queue.length > 0 ? Promise.resolve(this.queue.shift()!) : new Promise((resolve) => { this.waiting = resolve; });
  }
}
