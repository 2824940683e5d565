/**
 * One frame of a roto document as SVG: white where the composited masks cover the layer,
 * transparent (or `background`) elsewhere, for previews and for checking in a browser.
 *
 * Compositing follows After Effects (DESIGN.md) with one luminance <mask> built in mask order:
 * `add` paints the mask white on top of what is there, `subtract` paints it black, `intersect`
 * wraps everything so far in a group masked by the mask. An inverted mask is a full-frame rect
 * with the path masked out, so it is right whichever way the path winds. Masks at opacity 0 do
 * not exist at that frame and are left out before the first-active-mask rule is applied.
 */
import type { RotoDocument, RotoMask } from '../core/document.ts';
import { segmentControls, segmentCount } from '../core/bezier.ts';
import { opacityAtFrame, pathAtFrame } from '../core/render.ts';
import type { BezierPath } from '../core/types.ts';

export interface SvgOptions {
  /** A CSS colour painted under the result; transparent when absent. */
  background?: string;
  /** Also draw every mask present at the frame as a thin outline, named by a <title> (for previews). */
  outlines?: boolean;
  /** Prefix of the ids in the SVG; make it unique when several SVGs are inlined in one HTML page. */
  idPrefix?: string;
}

const OUTLINE_COLOURS = { add: '#ffd400', subtract: '#ff3b30', intersect: '#34c759', none: '#8e8e93' };

export function exportSvg(doc: RotoDocument, frame: number, options: SvgOptions = {}): string {
  const { width: w, height: h } = doc.source;
  // Ids end up in url(#…) references and attributes: keep them to characters that need no escaping.
  const prefix = (options.idPrefix ?? 'autoroto').replace(/[^A-Za-z0-9_-]/g, '_');
  const full = `x="0" y="0" width="${w}" height="${h}"`;
  const region = `maskUnits="userSpaceOnUse" ${full}`;
  const defs: string[] = [];

  let content = '';
  let first = true;
  doc.masks.forEach((mask, m) => {
    const opacity = opacityAtFrame(mask, frame);
    if (mask.mode === 'none' || opacity <= 0) return;
    if (first && (mask.mode === 'subtract' || mask.mode === 'intersect')) content = `<rect ${full} fill="#fff"/>`;
    first = false;
    const d = pathData(pathAtFrame(mask, frame));
    const fillOpacity = opacity < 100 ? ` fill-opacity="${num(opacity / 100)}"` : '';
    const shape = (colour: string): string => {
      if (!mask.inverted) return `<path d="${d}" fill="${colour}"${fillOpacity}/>`;
      defs.push(`<mask id="${prefix}-inv${m}" ${region}><rect ${full} fill="#fff"/><path d="${d}" fill="#000"/></mask>`);
      return `<rect ${full} fill="${colour}"${fillOpacity} mask="url(#${prefix}-inv${m})"/>`;
    };
    if (mask.mode === 'add') content += shape('#fff');
    else if (mask.mode === 'subtract') content += shape('#000');
    else {
      defs.push(`<mask id="${prefix}-isect${m}" ${region}>${shape('#fff')}</mask>`);
      content = `<g mask="url(#${prefix}-isect${m})">${content}</g>`;
    }
  });

  const body: string[] = [];
  if (options.background !== undefined) body.push(`<rect ${full} fill="${escapeXml(options.background)}"/>`);
  if (content) {
    defs.push(`<mask id="${prefix}-result" ${region}>${content}</mask>`);
    body.push(`<rect ${full} fill="#fff" mask="url(#${prefix}-result)"/>`);
  }
  if (options.outlines) body.push(outlines(doc.masks, frame));
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}">` +
    `<title>${escapeXml(`${doc.source.path} frame ${frame}`)}</title>` +
    (defs.length ? `<defs>${defs.join('')}</defs>` : '') + body.join('') + '</svg>';
}

/** Every mask present at the frame as a hairline, coloured by mode; hover shows its name. */
function outlines(masks: RotoMask[], frame: number): string {
  const paths = masks
    .filter((mask) => opacityAtFrame(mask, frame) > 0)
    .map((mask) => `<path d="${pathData(pathAtFrame(mask, frame))}" stroke="${OUTLINE_COLOURS[mask.mode]}"` +
      `${mask.mode === 'none' ? ' stroke-dasharray="4 3"' : ''}><title>${escapeXml(mask.name)}</title></path>`);
  return `<g class="outlines" fill="none" stroke-width="1" vector-effect="non-scaling-stroke">${paths.join('')}</g>`;
}

/** SVG path data with one cubic `C` per segment (tangents are relative in AE, absolute in SVG). */
export function pathData(path: BezierPath): string {
  if (path.vertices.length === 0) return '';
  const [x, y] = path.vertices[0];
  let d = `M${num(x)} ${num(y)}`;
  for (let i = 0; i < segmentCount(path); i++) {
    const [, c1, c2, end] = segmentControls(path, i);
    d += `C${num(c1[0])} ${num(c1[1])} ${num(c2[0])} ${num(c2[1])} ${num(end[0])} ${num(end[1])}`;
  }
  return path.closed ? `${d}Z` : d;
}

/** Text and attribute values safe inside XML. */
export function escapeXml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** 1/1000 px is far below what anyone can see and keeps the file short. */
function num(v: number): string {
  return String(Math.round(v * 1000) / 1000);
}
