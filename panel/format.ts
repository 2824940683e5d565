/** Small text helpers for the panel: durations, ETAs, error messages. */
import { HostError } from '../src/hosts/errors.ts';

export function formatSeconds(seconds: number): string {
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 90) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  return `${m} min ${Math.round(seconds - m * 60)} s`;
}

export function formatEta(etaSeconds: number | null): string {
  return etaSeconds === null ? 'estimating…' : `about ${formatSeconds(etaSeconds)} left`;
}

/** True when an error is the end of a cancelled run, whatever threw it (host, segmenter, abort). */
export function isCancel(error: unknown, signal?: AbortSignal): boolean {
  return !!signal?.aborted || (error instanceof HostError && error.kind === 'cancelled') ||
    (error instanceof Error && (error.name === 'AbortError' || error.name === 'CancelledError'));
}

export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
