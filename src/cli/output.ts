/**
 * All-or-nothing output folders. A command writes every file into a hidden temporary folder made
 * beside the output folder (same parent, so the same file system), then `commit` moves them in:
 * the temporary folder itself becomes the output folder when that does not exist yet, or its files
 * are renamed into it one by one. The commit is synchronous, so no signal handler can run in the
 * middle of it. A failure, or Ctrl-C before the commit (see `cleanUpOnSignal`), removes the
 * temporary folder (and any parent folders made for it), so the output folder is left as it was.
 */
import { accessSync, constants, lstatSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, rmdirSync } from 'node:fs';
import { mkdir, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { BadInputError, EXIT_INTERRUPTED, errnoCode } from './errors.ts';

const TEMP_PREFIX = '.autoroto-tmp-';

function notWritable(dir: string, error: unknown): BadInputError {
  const code = errnoCode(error);
  const why = code === 'EACCES' || code === 'EPERM' ? 'permission denied'
    : code === 'EROFS' ? 'read-only file system'
      : code === 'ENOTDIR' ? 'part of the path is a file, not a folder'
        : code === 'ENOSPC' ? 'no space left on the device'
          : code ?? (error instanceof Error ? error.message : String(error));
  return new BadInputError(`${dir}: cannot write the output folder here (${why}); choose another --out folder`, { cause: error });
}

export class AtomicOutput {
  private state: 'open' | 'committed' | 'discarded' = 'open';

  private constructor(
    /** The output folder as given. */
    readonly dir: string,
    /** The temporary folder the files are written to. */
    readonly tempDir: string,
    /** Whether `dir` existed when the output was opened. */
    private readonly dirExisted: boolean,
    /** The first parent folder `open` had to create (removed again on discard), if any. */
    private readonly createdParent: string | undefined,
  ) {}

  /**
   * Checks that `dir` can be the output folder (a folder or nothing yet, writable, no subfolder in
   * the way of `names`) and makes the temporary folder. Bad output paths throw BadInputError.
   */
  static async open(dir: string, names: readonly string[] = []): Promise<AtomicOutput> {
    const absolute = resolve(dir);
    let dirExisted = false;
    try {
      const info = await stat(absolute);
      if (!info.isDirectory()) {
        throw new BadInputError(`${dir}: the output path is an existing file, not a folder; give a folder (it is created if missing)`);
      }
      dirExisted = true;
    } catch (error) {
      if (error instanceof BadInputError) throw error;
      if (errnoCode(error) !== 'ENOENT') throw notWritable(dir, error);
    }
    if (dirExisted) {
      try {
        accessSync(absolute, constants.W_OK | constants.X_OK);
      } catch (error) {
        throw notWritable(dir, error);
      }
      for (const name of names) {
        const target = join(absolute, name);
        let isDir = false;
        try {
          isDir = lstatSync(target).isDirectory();
        } catch {
          // Nothing there: fine.
        }
        if (isDir) throw new BadInputError(`${join(dir, name)}: a folder is in the way of an output file; move it or choose another --out folder`);
      }
    }
    // Made synchronously, and the output returned with no wait after: a signal handler (see
    // withAtomicOutput) runs either before the folders exist or after the caller knows them.
    const parent = dirname(absolute);
    let createdParent: string | undefined;
    try {
      createdParent = mkdirSync(parent, { recursive: true });
    } catch (error) {
      throw notWritable(dir, error);
    }
    let tempDir: string;
    try {
      tempDir = mkdtempSync(join(parent, TEMP_PREFIX));
    } catch (error) {
      if (createdParent) removeEmptyFolders(parent, createdParent);
      throw notWritable(dir, error);
    }
    return new AtomicOutput(dir, tempDir, dirExisted, createdParent);
  }

  /** Where to write the output file `name` (a plain file name) until the commit. */
  path(name: string): string {
    if (this.state !== 'open') throw new Error(`output ${this.dir} is already ${this.state}`);
    if (basename(name) !== name) throw new RangeError(`not a plain file name: ${name}`);
    return join(this.tempDir, name);
  }

  /** Makes the output subfolder `name` (a plain name; it replaces a folder of that name on commit) and returns where it is until the commit. */
  async folder(name: string): Promise<string> {
    const path = this.path(name);
    await mkdir(path, { recursive: true });
    return path;
  }

  async writeFile(name: string, data: string | Uint8Array): Promise<void> {
    await writeFile(this.path(name), data);
  }

  /** Moves every written file into the output folder (synchronously) and returns their names. */
  commit(): string[] {
    if (this.state !== 'open') throw new Error(`output ${this.dir} is already ${this.state}`);
    const names = readdirSync(this.tempDir);
    const absolute = resolve(this.dir);
    try {
      if (!this.dirExisted && !exists(absolute)) {
        renameSync(this.tempDir, absolute);
      } else {
        // Check everything first, so a folder in the way fails before anything has moved.
        const isFolder = (path: string) => exists(path) && lstatSync(path).isDirectory();
        for (const name of names) {
          if (isFolder(join(absolute, name)) && !isFolder(join(this.tempDir, name))) {
            throw new BadInputError(`${join(this.dir, name)}: a folder is in the way of an output file; move it or choose another --out folder`);
          }
        }
        // An output folder (mattes/, preview/) replaces the last run's: the old one moves into the
        // temporary folder and goes with it.
        const replaced: string[] = [];
        for (const name of names) {
          const target = join(absolute, name);
          if (isFolder(target)) {
            const old = join(this.tempDir, `.replaced-${name}`);
            renameSync(target, old);
            replaced.push(old);
          }
          renameSync(join(this.tempDir, name), target);
        }
        for (const old of replaced) rmSync(old, { recursive: true, force: true });
        rmdirSync(this.tempDir);
      }
    } catch (error) {
      this.discard();
      throw error instanceof BadInputError ? error : notWritable(this.dir, error);
    }
    this.state = 'committed';
    return names;
  }

  /** Removes the temporary folder and whatever it holds (and parent folders `open` made). Idempotent. */
  discard(): void {
    if (this.state !== 'open') return;
    this.state = 'discarded';
    rmSync(this.tempDir, { recursive: true, force: true });
    if (this.createdParent) removeEmptyFolders(dirname(this.tempDir), this.createdParent);
  }
}

function exists(path: string): boolean {
  try {
    lstatSync(path);
    return true;
  } catch {
    return false;
  }
}

/** Removes `from` and its parents up to and including `upTo`, as long as they are empty. */
function removeEmptyFolders(from: string, upTo: string): void {
  let dir = resolve(from);
  const stop = resolve(upTo);
  for (;;) {
    if (relative(stop, dir).startsWith('..')) return;
    try {
      rmdirSync(dir);
    } catch {
      return;
    }
    if (dir === stop) return;
    dir = dirname(dir);
  }
}

/**
 * Until the returned function is called: on SIGINT or SIGTERM, discard the output (where `output()`
 * has one yet), say so on stderr and exit with 130 (SIGINT) or 143 (SIGTERM), leaving the output
 * folder `dir` as it was.
 */
function cleanUpOnSignal(dir: string, output: () => AtomicOutput | undefined, stderr: NodeJS.WritableStream = process.stderr): () => void {
  const handler = (signal: NodeJS.Signals) => {
    output()?.discard();
    stderr.write(`\nautoroto: interrupted; nothing was written to ${dir}\n`);
    process.exit(signal === 'SIGINT' ? EXIT_INTERRUPTED : 128 + 15);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}

/**
 * Opens `dir` as an AtomicOutput (`names`: the files it will replace) and runs `write`, which
 * commits it. Whatever happens the folder is left committed or as it was: a throw or Ctrl-C
 * before the commit discards the temporary folder.
 */
export async function withAtomicOutput<T>(dir: string, names: readonly string[], write: (output: AtomicOutput) => Promise<T>): Promise<T> {
  // Listening first: without a listener a signal ends the process at once, and could do so just
  // after the temporary folder was made, leaving it behind.
  let output: AtomicOutput | undefined;
  const stopCleanup = cleanUpOnSignal(dir, () => output);
  try {
    output = await AtomicOutput.open(dir, names);
    return await write(output);
  } finally {
    output?.discard();
    stopCleanup();
  }
}
