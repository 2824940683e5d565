/** The real command line as a child process (`node bin/autoroto.js …`), and folder snapshots. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
export const BIN = join(ROOT, 'bin', 'autoroto.js');

export interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

type Child = ReturnType<typeof spawn>;

/**
 * Runs the CLI; `onStderr` sees stderr as it arrives, `onStart` the child as it starts (to signal it),
 * `extraEnv` is added to this process's environment for it.
 */
export function cli(args: string[], onStderr?: (text: string, child: Child) => void, onStart?: (child: Child) => void,
  extraEnv: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, ...extraEnv };
    delete env.AUTOROTO_DEBUG;
    const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '', stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => { stdout += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => {
      stderr += d;
      onStderr?.(stderr, child);
    });
    child.on('error', reject);
    onStart?.(child);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
}

/** Every path under `dir` with its size and mtime: what "nothing new, nothing changed" compares. */
export async function snapshot(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    for (const e of await readdir(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const s = await stat(p);
      out.push(`${p} ${e.isDirectory() ? 'dir' : `${s.size} ${s.mtimeMs}`}`);
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(dir);
  return out.sort();
}


/** Runs the CLI expecting exit 2: a one-line message naming each of `names`, no stack trace, nothing written under `dir`. */
export async function expectBadInput(dir: string, args: string[], names: string[]): Promise<Run> {
  const before = await snapshot(dir);
  const run = await cli(args);
  assert.equal(run.code, 2, `exit code for ${args.join(' ')}: ${run.stderr}`);
  assert.match(run.stderr, /^autoroto: /m);
  for (const name of names) assert.ok(run.stderr.includes(name), `stderr names ${name}: ${run.stderr}`);
  assert.ok(!run.stderr.includes('    at '), `no stack trace: ${run.stderr}`);
  assert.equal(run.stdout, '');
  assert.deepEqual(await snapshot(dir), before, 'nothing written, nothing left behind');
  return run;
}


/**
 * Runs the CLI and sends it SIGINT once `underWay()` says so (polled every `everyMs`): Ctrl-C in
 * the middle of the work. `interrupted` tells whether the signal was sent before the CLI ended.
 */
export async function interruptWhen(args: string[], underWay: () => Promise<boolean>, everyMs: number): Promise<Run & { interrupted: boolean }> {
  let interrupted = false;
  const run = await cli(args, undefined, (child) => {
    const poll = setInterval(() => {
      underWay().then((ready) => {
        if (ready && !interrupted) {
          interrupted = true;
          clearInterval(poll);
          child.kill('SIGINT');
        }
      }, () => {});
    }, everyMs);
    child.on('close', () => clearInterval(poll));
  });
  return { ...run, interrupted };
}
