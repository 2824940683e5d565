/**
 * What every roto command (`trace`, `sky`, `merge`) writes: the roto document and its exports
 * (DESIGN.md's command line), from one place so the three cannot drift apart.
 */
import { serializeDocument, type RotoDocument } from '../core/document.ts';
import { exportJsx } from '../export/jsx.ts';
import { exportLottie } from '../export/lottie.ts';
import { exportSvg } from '../export/svg.ts';
import type { AtomicOutput } from './output.ts';

export const ROTO_OUTPUTS = ['roto.json', 'sky.jsx', 'sky.lottie.json', 'sky.svg'] as const;

export type RotoOutputTexts = Record<(typeof ROTO_OUTPUTS)[number], string>;

/** The document and its exports as text; sky.svg shows frame `svgFrame`. */
export function rotoOutputTexts(doc: RotoDocument, svgFrame: number): RotoOutputTexts {
  return {
    'roto.json': serializeDocument(doc),
    'sky.jsx': exportJsx(doc),
    'sky.lottie.json': JSON.stringify(exportLottie(doc)),
    'sky.svg': exportSvg(doc, svgFrame),
  };
}

export async function writeRotoOutputs(output: AtomicOutput, texts: RotoOutputTexts): Promise<void> {
  for (const name of ROTO_OUTPUTS) await output.writeFile(name, texts[name]);
}
