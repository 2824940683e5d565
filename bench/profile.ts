/**
 * Where the time goes inside addMatte and finish(): `node --import tsx bench/profile.ts [--frames N] [--4k]`
 * (an N-frame pan of the scene, so finish() sees a shot of that length).
 * Runs the 1080p (or 4K) skyline pan through RotoBuilder in a child under `node --cpu-prof`,
 * then reads the profile and prints, for samples under RotoBuilder.addMatte and under finish(), the
 * functions with the most self and total (inclusive) time, plus the garbage collector's share of the run.
 * Profiles land in bench/results/profile/ (open one in Chrome DevTools → Performance for a flame chart).
 */
import { execFile } from 'node:child_process';
import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

interface CallFrame { functionName: string; url: string; lineNumber: number }
interface ProfileNode { id: number; callFrame: CallFrame; children?: number[] }
interface CpuProfile { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[]; startTime: number; endTime: number }

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);

if (args.includes('--workload')) {
  // The child: the same loop as ours.ts, pass 1.
  const { RotoBuilder } = await import('../src/core/pipeline.ts');
  const { skylinePan } = await import('../src/synthetic/index.ts');
  const frames = Number(args[args.indexOf('--frames') + 1]) || 48;
  const [width, height] = args.includes('--4k') ? [3840, 2160] : [1920, 1080];
  // A pan as long as the run (the first 48 frames are the bench's 48-frame shot).
  const scene = skylinePan({ width, height, frameCount: Math.max(48, frames) });
  const buffer = new Float32Array(width * height);
  const builder = new RotoBuilder({ path: 'synthetic:skylinePan', width, height, frameRate: 24 });
  for (let f = 0; f < frames; f++) builder.addMatte(scene.matte(f, buffer));
  builder.finish();
} else {
  const dir = join(here, 'results', 'profile');
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const passthrough = args.filter((a) => a !== '--workload');
  await promisify(execFile)(process.execPath,
    ['--import', 'tsx', '--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', fileURLToPath(import.meta.url), '--workload', ...passthrough],
    { cwd: dirname(here), maxBuffer: 16 * 1024 * 1024 });
  const file = (await readdir(dir)).find((f) => f.endsWith('.cpuprofile'));
  if (!file) throw new Error('no .cpuprofile written');
  const profile = JSON.parse(await readFile(join(dir, file), 'utf8')) as CpuProfile;
  process.stdout.write(`profile: ${join(dir, file)}\n`);
  report(profile, 'addMatte');
  report(profile, 'finish');
}

/** Self and inclusive time of the functions under `root` (a function name on the stack). */
function report(profile: CpuProfile, root: string): void {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));

  // tsx hands V8 each module on one line, so positions are columns; an anonymous function is
  // named after the nearest named function that called it.
  const label = (node: ProfileNode): string => {
    const cf = node.callFrame;
    const file = cf.url.replace(/^.*\/(src|bench|node_modules)\//, '$1/');
    let name = cf.functionName;
    if (!name) {
      let at = parent.get(node.id);
      while (at !== undefined && !byId.get(at)!.callFrame.functionName) at = parent.get(at);
      name = `(anonymous in ${at === undefined ? '?' : byId.get(at)!.callFrame.functionName})`;
    }
    return file ? `${name}  ${file}` : name;
  };
  const ancestry = (id: number): ProfileNode[] => {
    const chain: ProfileNode[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) chain.push(byId.get(at)!);
    return chain;
  };
  const inRoot = (chain: ProfileNode[]): boolean => chain.some((n) => n.callFrame.functionName === root);

  let totalUs = 0, rootUs = 0, gcUs = 0;
  const self = new Map<string, number>(), inclusive = new Map<string, number>();
  for (const [id, us] of selfUs) {
    totalUs += us;
    const chain = ancestry(id);
    if (chain[0].callFrame.functionName === '(garbage collector)') gcUs += us;
    if (!inRoot(chain)) continue;
    rootUs += us;
    const key = label(chain[0]);
    self.set(key, (self.get(key) ?? 0) + us);
    // Inclusive: each distinct function on the stack once, up to addMatte.
    const seen = new Set<string>();
    for (const n of chain) {
      const k = label(n);
      if (seen.has(k)) continue;
      seen.add(k);
      inclusive.set(k, (inclusive.get(k) ?? 0) + us);
      if (n.callFrame.functionName === root) break;
    }
  }
  const pct = (us: number): string => `${((100 * us) / rootUs).toFixed(1).padStart(5)}%`;
  const top = (m: Map<string, number>, n: number): string =>
    [...m].sort((a, b) => b[1] - a[1]).slice(0, n).map(([k, us]) => `  ${pct(us)}  ${(us / 1000).toFixed(0).padStart(6)} ms  ${k}`).join('\n');
  process.stdout.write([
    '',
    `samples ${(totalUs / 1000).toFixed(0)} ms in all; under ${root} ${(rootUs / 1000).toFixed(0)} ms; garbage collector ${(gcUs / 1000).toFixed(0)} ms (${((100 * gcUs) / totalUs).toFixed(1)}% of the run, not attributed to a caller)`,
    `self time under ${root} (% of ${root}):`,
    top(self, 15),
    `total (inclusive) time under ${root}:`,
    top(inclusive, 20),
    '',
  ].join('\n'));
}
