/**
 * The batch queue: targets across comps, run one at a time, each with its own status; a failing item
 * is reported and the queue goes on; Cancel stops the running item (nothing is written for it) and
 * skips the rest. Pure: what an item does is `runItem`, and every change is a snapshot to `onChange`.
 */
import { HostError } from './errors.ts';
import { etaSeconds, type RotoSummary } from './roto-job.ts';
import type { HostTarget } from './types.ts';

export type ItemStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface BatchItem {
  target: HostTarget;
  status: ItemStatus;
  /** Why it failed or was cancelled. */
  message?: string;
  summary?: RotoSummary;
  /** 0..1 of the item while it runs. */
  fraction: number;
}

export interface BatchSnapshot {
  items: BatchItem[];
  /** 0..1 over the whole queue. */
  fraction: number;
  etaSeconds: number | null;
  finished: boolean;
}

export type RunItem = (target: HostTarget, context: { signal: AbortSignal; onFraction: (fraction: number) => void }) => Promise<RotoSummary>;

export interface BatchOptions {
  signal?: AbortSignal;
  onChange?: (snapshot: BatchSnapshot) => void;
  now?: () => number;
}

/** A line per item for the final report: "Harbour / Plate: 3 masks, 24 keyframes" or the reason. */
export function reportLines(items: BatchItem[]): string[] {
  return items.map(({ target, status, summary, message }) => `${target.container} / ${target.name}: ` +
    (status === 'done' && summary ? `${summary.masks} masks, ${summary.vertices} vertices, ${summary.keyframes} keyframes, ${summary.seconds.toFixed(1)} s` : `${status}${message ? ` (${message})` : ''}`));
}

export async function runBatch(targets: HostTarget[], runItem: RunItem, options: BatchOptions = {}): Promise<BatchSnapshot> {
  const now = options.now ?? (() => Date.now());
  const started = now();
  const items: BatchItem[] = targets.map((target) => ({ target, status: 'queued', fraction: 0 }));
  const snapshot = (finished = false): BatchSnapshot => {
    const fraction = items.reduce((sum, item) => sum + (item.status === 'running' ? item.fraction : item.status === 'queued' ? 0 : 1), 0) / Math.max(1, items.length);
    return { items: items.map((i) => ({ ...i })), fraction, etaSeconds: finished ? 0 : etaSeconds(now() - started, fraction, 1), finished };
  };
  const changed = () => options.onChange?.(snapshot());
  for (const item of items) {
    if (options.signal?.aborted) {
      item.status = 'cancelled';
      item.message = 'not started';
      continue;
    }
    // Each item gets its own controller, so a cancel reaches the item that is running.
    const controller = new AbortController();
    const abort = () => controller.abort();
    options.signal?.addEventListener('abort', abort);
    item.status = 'running';
    changed();
    try {
      item.summary = await runItem(item.target, { signal: controller.signal, onFraction: (f) => { item.fraction = f; changed(); } });
      item.status = 'done';
    } catch (error) {
      const cancelled = controller.signal.aborted || (error instanceof HostError && error.kind === 'cancelled');
      item.status = cancelled ? 'cancelled' : 'failed';
      item.message = cancelled ? 'nothing was written' : (error as Error).message;
    } finally {
      options.signal?.removeEventListener('abort', abort);
    }
    changed();
  }
  const final = snapshot(true);
  options.onChange?.(final);
  return final;
}
