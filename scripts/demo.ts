/**
 * `npm run demo`: the whole roto path on a matte sequence the project makes itself (until the sky
 * model lands and real footage can go in): the synthetic `skylinePan` scene at 960×540, 48 frames,
 * written as PNG mattes to out/demo/mattes/, traced by the `autoroto trace` code into out/demo/
 * (roto.json, sky.jsx, sky.lottie.json, sky.svg), then every frame of the document rendered and
 * compared with its matte.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { skylinePan } from '../src/synthetic/index.ts';
import { matteFileName, readMattePng, writeMattePng } from '../src/node/png.ts';
import { renderDocument } from '../src/core/render.ts';
import { iou, threshold } from '../src/core/metrics.ts';
import { runTrace, traceSummary } from '../src/cli/trace.ts';
import { formatError, exitCodeFor } from '../src/cli/errors.ts';

const OUT = join('out', 'demo');
const MATTES = join(OUT, 'mattes');
const WIDTH = 960, HEIGHT = 540, FRAMES = 48;

async function main(): Promise<void> {
  const t0 = performance.now();
  await rm(MATTES, { recursive: true, force: true });
  await mkdir(MATTES, { recursive: true });
  const scene = skylinePan({ width: WIDTH, height: HEIGHT, frameCount: FRAMES });
  const buffer = new Float32Array(WIDTH * HEIGHT);
  for (let f = 0; f < FRAMES; f++) await writeMattePng(join(MATTES, matteFileName(f)), scene.matte(f, buffer));
  const generateMs = performance.now() - t0;
  process.stderr.write(`demo: wrote ${FRAMES} ${WIDTH}×${HEIGHT} skylinePan mattes to ${MATTES}/\n`);

  const options = { input: MATTES, out: OUT };
  const result = await runTrace(options);
  process.stdout.write(`${traceSummary(result, options)}\n\n`);

  // Check: every frame of the document against the matte it was traced from (as written to disk).
  const t1 = performance.now();
  let minIou = Infinity, minFrame = 0, sumIou = 0;
  for (let f = 0; f < FRAMES; f++) {
    const matte = await readMattePng(join(MATTES, matteFileName(f)));
    const score = iou(renderDocument(result.doc, f), threshold(matte));
    sumIou += score;
    if (score < minIou) [minIou, minFrame] = [score, f];
  }
  const checkMs = performance.now() - t1;

  const { doc, timings } = result;
  const ms = (v: number) => `${(v / 1000).toFixed(2)} s`;
  const rows: [string, string][] = [
    ['frames', `${doc.source.frameCount} (${doc.source.width}×${doc.source.height}, ${doc.source.frameRate} fps)`],
    ['masks', String(doc.masks.length)],
    ['vertices per mask', doc.masks.map((m) => m.path[0].vertices.length).join(', ') || '-'],
    ['keyframes per mask', doc.masks.map((m) => `${m.path.length} of ${doc.source.frameCount}`).join(', ') || '-'],
    ['IoU roto vs matte', `min ${minIou.toFixed(4)} (frame ${minFrame}), mean ${(sumIou / FRAMES).toFixed(4)}`],
    ['time: make mattes', ms(generateMs)],
    ['time: scan + decode', ms(timings.scan + timings.decode)],
    ['time: trace/fit/track', ms(timings.track)],
    ['time: document', ms(timings.document)],
    ['time: export + write', ms(timings.export + timings.write)],
    ['time: check (render)', ms(checkMs)],
    ['time: total', ms(performance.now() - t0)],
  ];
  const pad = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) process.stdout.write(`  ${k.padEnd(pad)}  ${v}\n`);
  process.stdout.write(`\nLook in ${OUT}/: roto.json, sky.jsx (run it in After Effects on a 960×540 layer), ` +
    'sky.lottie.json, sky.svg (frame 0), mattes/.\n');
}

main().catch((error: unknown) => {
  process.stderr.write(`${formatError(error)}\n`);
  process.exitCode = exitCodeFor(error);
});
