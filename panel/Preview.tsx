/**
 * The analysed frame before anything is written: the footage on a canvas with the sky matte tinted,
 * and the masks' bezier outlines (from the roto document, at that frame) drawn as SVG over it.
 */
import { useEffect, useRef, useState } from 'react';
import type { RotoDocument } from '../src/core/document.ts';
import { opacityAtFrame, pathAtFrame } from '../src/core/render.ts';
import type { BezierPath, Matte } from '../src/core/types.ts';
import { plural } from '../src/core/plural.ts';

const TINT = [255, 70, 170];
const TINT_STRENGTH = 0.45;
/**
 * The most of the panel's height the preview takes: a portrait frame at the panel's full width would
 * push the buttons under it out of a docked panel. Never shorter than MIN_PREVIEW_HEIGHT px.
 */
const PREVIEW_HEIGHT_SHARE = 0.55;
const MIN_PREVIEW_HEIGHT = 160;

/** The panel's height, followed as the editor resizes it. */
function useWindowHeight(): number {
  const [height, setHeight] = useState(window.innerHeight);
  useEffect(() => {
    const follow = () => setHeight(window.innerHeight);
    window.addEventListener('resize', follow);
    return () => window.removeEventListener('resize', follow);
  }, []);
  return height;
}

/** SVG path data of a bezier path in AE's form (tangents relative to their vertex). */
export function svgPathData(path: BezierPath): string {
  const { vertices: v, inTangents: tin, outTangents: tout } = path;
  if (v.length === 0) return '';
  const n = (x: number) => Number(x.toFixed(2));
  let d = `M${n(v[0][0])} ${n(v[0][1])}`;
  const count = path.closed ? v.length : v.length - 1;
  for (let i = 0; i < count; i++) {
    const j = (i + 1) % v.length;
    d += `C${n(v[i][0] + tout[i][0])} ${n(v[i][1] + tout[i][1])} ${n(v[j][0] + tin[j][0])} ${n(v[j][1] + tin[j][1])} ${n(v[j][0])} ${n(v[j][1])}`;
  }
  return path.closed ? `${d}Z` : d;
}

/** RGBA pixels of the frame with the matte tinted over it. */
export function tintedPixels(rgb: Uint8Array, matte: Matte): Uint8ClampedArray<ArrayBuffer> {
  const out = new Uint8ClampedArray(matte.width * matte.height * 4);
  for (let i = 0, n = matte.width * matte.height; i < n; i++) {
    const a = Math.min(1, Math.max(0, matte.data[i])) * TINT_STRENGTH;
    for (let c = 0; c < 3; c++) out[i * 4 + c] = rgb[i * 3 + c] * (1 - a) + TINT[c] * a;
    out[i * 4 + 3] = 255;
  }
  return out;
}

interface Props {
  doc: RotoDocument;
  frame: number;
  rgb: Uint8Array;
  matte: Matte;
  /** After the write: the caption says so. */
  written?: boolean;
}

export function PreviewView({ doc, frame, rgb, matte, written }: Props) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const context = canvas.current?.getContext('2d');
    if (!context) return;
    context.putImageData(new ImageData(tintedPixels(rgb, matte), matte.width, matte.height), 0, 0);
  }, [rgb, matte]);
  const { width, height } = doc.source;
  const stroke = Math.max(1.5, width / 400);
  // The height cap as a width: the canvas keeps the frame's shape and the outlines lie over it.
  const maxWidth = Math.round((Math.max(MIN_PREVIEW_HEIGHT, useWindowHeight() * PREVIEW_HEIGHT_SHARE) * width) / height);
  return (
    <figure style={{ margin: 0 }}>
      <div className="ar-preview" data-testid="preview" style={{ maxWidth }}>
        <canvas ref={canvas} width={matte.width} height={matte.height} />
        <svg viewBox={`0 0 ${width} ${height}`} preserveAspectRatio="none" aria-label="mask outlines">
          {doc.masks.map((mask) => {
            const path = pathAtFrame(mask, frame);
            const hidden = opacityAtFrame(mask, frame) === 0;
            return (
              <g key={mask.name} data-mask={mask.name}>
                <path d={svgPathData(path)} fill="none" stroke="#ffd200" strokeWidth={stroke} strokeDasharray={hidden ? `${stroke * 3} ${stroke * 3}` : undefined} />
                {path.vertices.map(([x, y], i) => <rect key={i} x={x - stroke * 1.5} y={y - stroke * 1.5} width={stroke * 3} height={stroke * 3} fill="#fff" />)}
              </g>
            );
          })}
        </svg>
      </div>
      <figcaption className="ar-hint">Frame {frame}: sky tinted, {plural(doc.masks.length, 'mask')} outlined.{written ? '' : ' Nothing is written yet.'}</figcaption>
    </figure>
  );
}
