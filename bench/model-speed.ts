/**
 * The sky model at its working size: onnxruntime-web WASM (what ships; one thread is what a CEP panel
 * gets) against onnxruntime-node (native) on the same models/sky.onnx, each runtime and thread count
 * in its own process (model-child.ts), alternating runtimes so a change in the machine's load hits
 * both alike. Goal: web no slower than 1.5× node at one thread.
 */
import { runJsonChild } from './child.ts';
import { ms, yes, type Row } from './format.ts';
import type { ModelRun, Runtime } from './model-child.ts';

export const GOAL_WEB_OVER_NODE = 1.5;

export interface ModelSpeedOptions {
  frames: number;
  warmup: number;
  threads: number[];
  timeoutSeconds: number;
  log: (line: string) => void;
}

export interface ModelSpeedResult {
  runs: ModelRun[];
  /** web median / node median, per thread count. */
  webOverNode: Record<string, number>;
}

export async function measureModelSpeed(options: ModelSpeedOptions): Promise<ModelSpeedResult> {
  const runs: ModelRun[] = [];
  for (const threads of options.threads) {
    for (const runtime of ['node', 'web'] as Runtime[]) {
      const label = `model ${runtime} ${threads} thread${threads === 1 ? '' : 's'}`;
      options.log(`${label}: ${options.frames} frames (child process)…`);
      runs.push(await runJsonChild<ModelRun>('model-child.ts',
        ['--runtime', runtime, '--threads', String(threads), '--frames', String(options.frames), '--warmup', String(options.warmup)],
        { timeoutSeconds: options.timeoutSeconds, label, log: options.log }));
    }
  }
  const webOverNode: Record<string, number> = {};
  for (const threads of options.threads) {
    const find = (runtime: Runtime) => runs.find((r) => r.runtime === runtime && r.threads === threads)!;
    webOverNode[threads] = find('web').perFrame.median / find('node').perFrame.median;
  }
  return { runs, webOverNode };
}

const RUNTIME_NAMES: Record<Runtime, string> = { web: 'onnxruntime-web WASM', node: 'onnxruntime-node' };

export function modelRows(result: ModelSpeedResult): Row[] {
  const rows: Row[] = [];
  for (const r of result.runs) {
    const fellBack = r.threadsUsed !== r.threads ? ` (ran ${r.threadsUsed})` : '';
    rows.push([
      `model ${r.size.width}×${r.size.height} ${RUNTIME_NAMES[r.runtime]}, ${r.threads} thread${r.threads === 1 ? '' : 's'}${fellBack} (${r.perFrame.n} fr)`,
      `median ${ms(r.perFrame.median)} ms (p95 ${ms(r.perFrame.p95)}), cpu ${ms(r.cpu.median)}; session ${ms(r.sessionMs)} ms`,
      '', '',
    ]);
  }
  for (const [threads, ratio] of Object.entries(result.webOverNode)) {
    const goal = threads === '1';
    rows.push([`model web/node, ${threads} thread${threads === '1' ? '' : 's'}`, `${ratio.toFixed(2)}×`, goal ? `≤ ${GOAL_WEB_OVER_NODE}×` : '', goal ? yes(ratio <= GOAL_WEB_OVER_NODE) : '']);
  }
  const means = result.runs.map((r) => r.outputMean);
  rows.push([`  outputs' mean sky probability (all runs)`, `${Math.min(...means).toFixed(5)}–${Math.max(...means).toFixed(5)}`, '', '']);
  return rows;
}
