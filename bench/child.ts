/**
 * Benchmark parts that need a process of their own (a clean heap and high-water mark, a fresh
 * onnxruntime with its own thread count) run as `node --import tsx --expose-gc <script> …`. The
 * child prints JSON lines on stdout; the last one is its result, so a child that prints what it
 * has so far before a long last step still reports something when it is stopped.
 */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));

export interface ChildOptions {
  /** Seconds before the child is killed (SIGKILL); its last JSON line so far is still the result. */
  timeoutSeconds: number;
  /** Names the child in messages. */
  label: string;
  log: (line: string) => void;
}

/** Runs bench/`script` with `args` and resolves to its last JSON line; rejects if it printed none. */
export function runJsonChild<T>(script: string, args: string[], options: ChildOptions): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', '--expose-gc', join(here, script), ...args],
      { cwd: dirname(here), stdio: ['ignore', 'pipe', 'inherit'] });
    let stdout = '';
    proc.stdout.setEncoding('utf8').on('data', (chunk: string) => { stdout += chunk; });
    const timer = setTimeout(() => {
      options.log(`  ${options.label}: past ${options.timeoutSeconds} s, stopped`);
      proc.kill('SIGKILL');
    }, options.timeoutSeconds * 1000);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      const lines = stdout.trim().split('\n').filter((l) => l.startsWith('{'));
      if (lines.length === 0) return reject(new Error(`${options.label} ended with ${signal ?? code} and no result`));
      resolve(JSON.parse(lines[lines.length - 1]) as T);
    });
  });
}
