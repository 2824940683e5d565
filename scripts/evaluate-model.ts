/**
 * Measures the shipped sky model the way the model card reports it (`npm run evaluate`):
 * IoU and boundary F1 within 2 px per source set on the validation split of ../shared/data, through
 * the full segment stage (network at working size + guided-filter refinement at full resolution),
 * and flicker with and without temporal stabilisation on synthetic hand-held shots over held-out
 * stills and on real aerial clips. Prints a table; writes out/evaluate.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { loadSkyModel } from '../src/node/model.ts';
import { scoreValidation } from '../src/eval/validation.ts';
import { measureClipFlicker, measureFlicker } from '../src/eval/flicker-set.ts';

const modelPath = process.argv[2];
const model = await loadSkyModel(modelPath);
const t0 = performance.now();
const refined = await scoreValidation(model);
const plain = await scoreValidation(model, undefined, { refine: false });
const flicker = await measureFlicker(model);
const clips = await measureClipFlicker(model);
const seconds = (performance.now() - t0) / 1000;

console.log('set            IoU     F1(2px)  precision recall   | without refinement: IoU  F1');
for (const [set, r] of Object.entries(refined)) {
  const p = plain[set];
  console.log(`${set.padEnd(14)} ${r.iou.toFixed(4)}  ${r.f1.toFixed(4)}   ${r.precision.toFixed(4)}    ${r.recall.toFixed(4)}   |                     ${p.iou.toFixed(4)} ${p.f1.toFixed(4)}`);
}
console.log(`flicker (mean motion-compensated change): per frame ${flicker.perFrame.toFixed(5)}, stabilised ${flicker.stabilised.toFixed(5)}, ratio ${flicker.ratio.toFixed(3)}`);
console.log(`lowest IoU vs truth in those shots: per frame ${flicker.minIouPerFrame.toFixed(4)}, stabilised ${flicker.minIouStabilised.toFixed(4)} (${flicker.shots.join(', ')})`);
console.log(`real clips (Horizon-UAV validation, frames 1/3 s apart): change per frame ${clips.perFrame.toFixed(5)}, stabilised ${clips.stabilised.toFixed(5)}, ` +
  `true masks ${clips.truthChange.toFixed(5)}; lowest IoU per frame ${clips.minIouPerFrame.toFixed(4)}, stabilised ${clips.minIouStabilised.toFixed(4)} (${clips.shots.join(', ')})`);
console.log(`${seconds.toFixed(0)} s`);
await mkdir('out', { recursive: true });
await writeFile('out/evaluate.json', JSON.stringify({ model: modelPath ?? 'models/sky.onnx', refined, plain, flicker, clips }, null, 2));
await model.dispose();
