/**
 * Real human-labelled sky masks (../shared/data: ade20k_sky, camvid, horizon_uav) through the
 * pipeline: 10 masks with sky per set (and 2 without), picked evenly through the set, each become a
 * 1-frame roto document; rendered, it must reproduce the mask (thresholded, specks under minArea
 * removed), and a mask without sky must give a document without masks.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { validateDocument } from '../src/core/document.ts';
import { RotoBuilder } from '../src/core/pipeline.ts';
import { renderDocument } from '../src/core/render.ts';
import { boundaryError, iou, removeSpecks, threshold } from '../src/core/metrics.ts';
import { naturalCompare, readMattePng } from '../src/node/png.ts';

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATA = resolve(REPO_ROOT, '../shared/data');
const SETS = ['ade20k_sky', 'camvid', 'horizon_uav'];
const PER_SET = 10;
const NO_SKY = 2;

interface Row {
  name: string;
  width: number;
  height: number;
  masks: number;
  vertices: number;
  /** Undefined for an image without sky (and a document without masks). */
  iou?: number;
  mean?: number;
  max?: number;
}

/**
 * Masks picked evenly through the set, by name order (the same picks on every run): every k-th of
 * those with sky (per manifest.csv's sky_frac), PER_SET of them, and every k-th of those without,
 * NO_SKY of them, to check that no sky gives no masks.
 */
async function pickMasks(set: string): Promise<string[]> {
  const dir = join(DATA, set);
  assert.ok(existsSync(join(dir, 'masks')) && existsSync(join(dir, 'manifest.csv')),
    `real masks not found: ${dir}/masks and manifest.csv are missing (the tests read ../shared/data beside the repository, see DESIGN.md "Data")`);
  const [header, ...lines] = (await readFile(join(dir, 'manifest.csv'), 'utf8')).trim().split(/\r?\n/);
  const columns = header.split(',');
  const name = columns.indexOf('name'), skyFrac = columns.indexOf('sky_frac');
  assert.ok(name >= 0 && skyFrac >= 0, `${dir}/manifest.csv has no name or sky_frac column`);
  const entries = lines.map((line) => line.split(',')).map((cells) => ({ name: cells[name], sky: Number(cells[skyFrac]) > 0 }))
    .sort((a, b) => naturalCompare(a.name, b.name));
  const every = (list: string[], count: number) => {
    const step = Math.max(1, Math.floor(list.length / count));
    return list.filter((_, i) => i % step === 0).slice(0, count);
  };
  const picks = [...every(entries.filter((e) => e.sky).map((e) => e.name), PER_SET), ...every(entries.filter((e) => !e.sky).map((e) => e.name), NO_SKY)];
  assert.ok(picks.length > 0, `${dir}/manifest.csv lists no masks`);
  return picks.map((n) => join(dir, 'masks', `${n}.png`));
}

async function measure(path: string): Promise<Row> {
  const matte = await readMattePng(path);
  const { width, height } = matte;
  const builder = new RotoBuilder({ path, width, height, frameRate: 1 });
  builder.addMatte(matte);
  const doc = validateDocument(builder.finish());
  const truth = removeSpecks(threshold(matte), width, height, builder.minArea);
  const row: Row = {
    name: basename(path, '.png'), width, height, masks: doc.masks.length,
    vertices: doc.masks.reduce((sum, m) => sum + m.path[0].vertices.length, 0),
  };
  if (doc.masks.length === 0) {
    const sky = truth.reduce((sum, v) => sum + v, 0);
    assert.equal(sky, 0, `${row.name}: no masks, yet ${sky} sky pixels in regions of at least ${builder.minArea.toFixed(1)} px²`);
    return row;
  }
  const rendered = removeSpecks(renderDocument(doc, 0), width, height, builder.minArea);
  const error = boundaryError(rendered, truth, width, height);
  return { ...row, iou: iou(rendered, truth), mean: error.mean, max: error.max };
}

function table(set: string, rows: Row[]): string {
  const measured = rows.filter((r) => r.iou !== undefined);
  const stat = (values: number[], f: (v: number[]) => number) => (values.length ? f(values) : NaN);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const ious = measured.map((r) => r.iou!), means = measured.map((r) => r.mean!), maxes = measured.map((r) => r.max!);
  const lines = [
    `${set}: ${rows.length} masks, ${measured.length} with sky, ${rows.length - measured.length} without`,
    `  IoU mean ${stat(ious, mean).toFixed(5)}, min ${stat(ious, (v) => Math.min(...v)).toFixed(5)}; ` +
      `boundary error mean ${stat(means, mean).toFixed(3)} px (worst image ${stat(means, (v) => Math.max(...v)).toFixed(3)} px), ` +
      `max ${stat(maxes, (v) => Math.max(...v)).toFixed(2)} px`,
    `  ${'image'.padEnd(48)} ${'size'.padEnd(9)} masks vertices      IoU  mean px  max px`,
    ...rows.map((r) => `  ${r.name.padEnd(48)} ${`${r.width}×${r.height}`.padEnd(9)} ${String(r.masks).padStart(5)} ${String(r.vertices).padStart(8)} ` +
      (r.iou === undefined ? '  (no sky)' : `${r.iou.toFixed(5).padStart(8)} ${r.mean!.toFixed(3).padStart(8)} ${r.max!.toFixed(2).padStart(7)}`)),
  ];
  return lines.join('\n');
}

// The issue asks these numbers to be reported per set (the table above); the floors below are sanity
// bounds. IoU sits lowest on CamVid's tree canopies, where sky shows through leaves as hundreds of
// holes a few pixels across and a 1 px tolerance is a large share of each.
const MIN_IOU = 0.98;
const MAX_MEAN_BOUNDARY_ERROR = 0.5;

describe('real sky masks as 1-frame documents', () => {
  for (const set of SETS) {
    it(`${set}: 10 masks with sky each render back with IoU ≥ ${MIN_IOU} and mean boundary error ≤ ${MAX_MEAN_BOUNDARY_ERROR} px (no masks where there is no sky)`, async (t) => {
      const started = performance.now();
      const rows: Row[] = [];
      for (const path of await pickMasks(set)) rows.push(await measure(path));
      console.log(`${table(set, rows)}\n  (${((performance.now() - started) / 1000).toFixed(1)} s)`);
      const measured = rows.filter((r) => r.iou !== undefined);
      t.diagnostic(`${set}: ${measured.length} with sky, min IoU ${Math.min(...measured.map((r) => r.iou!)).toFixed(5)}, ` +
        `worst mean boundary error ${Math.max(...measured.map((r) => r.mean!)).toFixed(3)} px`);
      const failures = measured.filter((r) => r.iou! < MIN_IOU || r.mean! > MAX_MEAN_BOUNDARY_ERROR)
        .map((r) => `${r.name}: IoU ${r.iou!.toFixed(5)}, mean boundary error ${r.mean!.toFixed(3)} px`);
      assert.deepEqual(failures, []);
    });
  }
});
