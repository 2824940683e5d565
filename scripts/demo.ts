/**
 * `npm run demo`: the main job on the bundled sample. `autoroto sky samples/sky-pan.mp4 --mattes`
 * into out/demo/ (roto.json, sky.jsx, sky.lottie.json, sky.svg, preview.html, contact-sheet.png,
 * mattes/), then every frame checked: the masks against the mattes they were traced from, and the
 * mattes against the sample's true sky (the clip is a camera move over a held-out still with a
 * human-drawn mask). Prints a short table.
 */
import { join } from 'node:path';
import { iou, threshold } from '../src/core/metrics.ts';
import { renderDocument } from '../src/core/render.ts';
import { runSky, skySummary, stageLine } from '../src/cli/sky.ts';
import { exitCodeFor, formatError } from '../src/cli/errors.ts';
import { DATA_DIR } from '../src/eval/validation.ts';
import { matteFileName, readMattePng } from '../src/node/png.ts';
import { warpMatte } from '../src/synthetic/camera-move.ts';
import { SKY_PAN_SAMPLE, skyPanMaps } from '../src/synthetic/sky-pan-sample.ts';

const OUT = join('out', 'demo');

async function main(): Promise<void> {
  const options = { input: SKY_PAN_SAMPLE.file, out: OUT, mattes: true };
  const result = await runSky(options);
  const doc = result.doc!;
  process.stdout.write(`${skySummary(result, options)}\n\n`);

  const t = performance.now();
  const truthStill = await readMattePng(join(DATA_DIR, SKY_PAN_SAMPLE.dataset, 'masks', `${SKY_PAN_SAMPLE.still}.png`));
  const maps = skyPanMaps();
  const roto = { min: 1, frame: 0, sum: 0 }, truth = { min: 1, frame: 0, sum: 0 };
  const frames = doc.source.frameCount;
  for (let f = 0; f < frames; f++) {
    const matte = threshold(await readMattePng(join(OUT, 'mattes', matteFileName(f))));
    const a = iou(renderDocument(doc, f), matte);
    const b = iou(matte, threshold(warpMatte(truthStill, maps[f], SKY_PAN_SAMPLE.width, SKY_PAN_SAMPLE.height)));
    roto.sum += a;
    truth.sum += b;
    if (a < roto.min) Object.assign(roto, { min: a, frame: f });
    if (b < truth.min) Object.assign(truth, { min: b, frame: f });
  }
  const checkSeconds = (performance.now() - t) / 1000;

  const rows: [string, string][] = [
    ['frames', `${frames} (${doc.source.width}×${doc.source.height}, ${doc.source.frameRate} fps)`],
    ['masks', String(doc.masks.length)],
    ['vertices per mask', doc.masks.map((m) => m.path[0].vertices.length).join(', ') || '-'],
    ['keyframes per mask', doc.masks.map((m) => `${m.path.length} of ${frames}`).join(', ') || '-'],
    ['IoU roto vs matte', `min ${roto.min.toFixed(4)} (frame ${roto.frame}), mean ${(roto.sum / frames).toFixed(4)}`],
    ['IoU matte vs truth', `min ${truth.min.toFixed(4)} (frame ${truth.frame}), mean ${(truth.sum / frames).toFixed(4)}`],
    ['time per stage', stageLine(result.timings)],
    ['time total', `${(result.timings.total / 1000).toFixed(1)} s (${(frames / (result.timings.total / 1000)).toFixed(1)} fps, ${result.backend}); check ${checkSeconds.toFixed(1)} s`],
  ];
  const pad = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(pad)}  ${v}\n`);
  process.stdout.write(`\nOpen ${OUT}/preview.html in a browser (masks over the footage, with a scrubber) or look at ` +
    `${OUT}/contact-sheet.png; run ${OUT}/sky.jsx in After Effects on a ${doc.source.width}×${doc.source.height} layer.\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${formatError(error)}\n`);
  process.exitCode = exitCodeFor(error);
});
