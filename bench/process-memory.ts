/** Memory of the current process, for benchmark children that report their own peak. */
import { readFileSync } from 'node:fs';

/**
 * Peak resident set of this process in bytes: Linux's VmHWM in /proc/self/status. Not
 * resourceUsage().maxRSS, which on Linux starts from the parent's RSS at fork; that is only the
 * fallback off Linux.
 */
export function highWaterRss(): number {
  try {
    const match = /^VmHWM:\s+(\d+)\s+kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (match) return Number(match[1]) * 1024;
  } catch {
    // not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
