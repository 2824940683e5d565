/**
 * The preview page: plays still frames with the masks over them as SVG, with play/pause, a
 * scrubber with keyframe ticks, the frame number and a vertices toggle. Self-contained apart from
 * the stills it names. Every still's mask markup is made here from the document (pathAtFrame via
 * pathData), so the page holds no second copy of AE's interpolation rules and its script only
 * swaps markup.
 *
 * `#frame=N` in the address shows the still at or before frame N, paused, and once that still is
 * on screen the stage's `data-frame` attribute says so (for links and for tests).
 */
import type { RotoDocument } from '../core/document.ts';
import type { BezierPath } from '../core/types.ts';
import { opacityAtFrame, pathAtFrame } from '../core/render.ts';
import { escapeXml, pathData } from '../export/svg.ts';
import { cssColour, KEY_COLOUR, maskColour } from './colour.ts';
import { keyframeFrames } from './keyframes.ts';
import { SUBTRACT_DASH } from './overlay.ts';
import { plural } from '../core/plural.ts';

/** One frame the page can show: its number and the image's address relative to the page. */
export interface PreviewStill {
  frame: number;
  src: string;
}

export function previewHtml(doc: RotoDocument, stills: PreviewStill[]): string {
  if (stills.length === 0) throw new RangeError('a preview page needs at least one still');
  const { source } = doc;
  const first = stills[0].frame, last = stills[stills.length - 1].frame;
  const data = {
    frameRate: source.frameRate,
    first,
    last,
    keys: keyframeFrames(doc),
    stills: stills.map(({ frame, src }) => ({ frame, src, outlines: outlineMarkup(doc, frame), vertices: vertexMarkup(doc, frame) })),
  };
  const span = Math.max(1, last - first);
  const ticks = data.keys.filter((f) => f >= first && f <= last)
    .map((f) => `<i style="left:calc(6px + (100% - 12px) * ${((f - first) / span).toFixed(5)})" title="keyframe ${f}"></i>`).join('');
  const legend = doc.masks.length === 0 ? '<span>no masks: no sky found</span>' : doc.masks.map((mask, m) =>
    `<span><b style="border-top:3px ${mask.mode === 'subtract' ? 'dashed' : 'solid'} ${cssColour(maskColour(m))}"></b>${escapeXml(mask.name)}</span>`).join('');
  const title = `Autoroto preview: ${source.path}`;
  // The frame as wide as the page allows, and no taller than the window leaves beside the header and
  // the controls (about 200 px), so that a portrait shot is seen whole with its scrubber, not scrolled;
  // the controls at least 640 px wide, so that the scrubber stays usable under a narrow frame.
  const fit = `min(100%,${source.width}px,calc(max(240px,100vh - 200px) * ${source.width} / ${source.height}))`;
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(title)}</title>
<style>
body{margin:0;padding:16px;background:#181818;color:#eee;font:14px system-ui,sans-serif}
h1{font-size:16px;font-weight:600;margin:0 0 4px}
.info,.legend{color:#aaa;margin:0 0 8px}
.legend span{margin-right:16px;white-space:nowrap}.legend b{display:inline-block;width:24px;margin-right:6px;vertical-align:middle}
#stage{position:relative;width:${fit};aspect-ratio:${source.width}/${source.height};background:#000}
#stage img,#stage svg{position:absolute;left:0;top:0;width:100%;height:100%;display:block}
#stage path{fill:none;vector-effect:non-scaling-stroke}
#outlines path{stroke-width:2}
#vertices .v{stroke-width:5;stroke-linecap:square}#vertices .h{stroke-width:1;opacity:.8}
.controls{display:flex;align-items:center;gap:12px;margin-top:8px;width:max(${fit},min(100%,640px))}
.bar{position:relative;flex:1;height:28px}
.bar i{position:absolute;top:0;width:2px;height:8px;margin-left:-1px;background:${cssColour(KEY_COLOUR)}}
#scrub{position:absolute;left:0;right:0;bottom:0;width:100%;margin:0;height:20px;-webkit-appearance:none;appearance:none;background:transparent}
#scrub::-webkit-slider-runnable-track{height:4px;background:#555;border-radius:2px}
#scrub::-webkit-slider-thumb{-webkit-appearance:none;width:12px;height:16px;margin-top:-6px;background:#eee;border-radius:3px}
#scrub::-moz-range-track{height:4px;background:#555}#scrub::-moz-range-thumb{width:12px;height:16px;background:#eee;border:0;border-radius:3px}
#play{width:72px}#label{font-variant-numeric:tabular-nums;min-width:15ch}
</style></head>
<body>
<h1>${escapeXml(title)}</h1>
<p class="info">${source.width}×${source.height}, ${plural(source.frameCount, 'frame')} at ${source.frameRate} fps; ` +
    `${plural(stills.length, 'still')} shown${stills.length < last - first + 1 ? ' (every few frames; masks are drawn at each still\'s own frame)' : ''}. ` +
    `Red ticks: keyframes. Space plays, arrow keys step.</p>
<p class="legend">${legend}</p>
<div id="stage"><img id="frame" alt="frame">` +
    `<svg viewBox="0 0 ${source.width} ${source.height}" preserveAspectRatio="none"><g id="outlines"></g><g id="vertices"></g></svg></div>
<div class="controls"><button id="play">Play</button><div class="bar">${ticks}` +
    `<input id="scrub" type="range" min="${first}" max="${last}" step="1" value="${first}" aria-label="frame"></div>` +
    `<span id="label"></span><label><input id="show-vertices" type="checkbox" checked> vertices</label></div>
<script type="application/json" id="preview-data">${JSON.stringify(data).replace(/</g, '\\u003c')}</script>
<script>${PLAYER}</script>
</body></html>
`;
}

/** Each mask present at `frame` as a stroked path in its colour, subtract masks dashed, named. */
function outlineMarkup(doc: RotoDocument, frame: number): string {
  return doc.masks.map((mask, m) => {
    if (opacityAtFrame(mask, frame) <= 0) return '';
    const dash = mask.mode === 'subtract' ? ` stroke-dasharray="${SUBTRACT_DASH.join(' ')}"` : '';
    return `<path d="${pathData(pathAtFrame(mask, frame))}" stroke="${cssColour(maskColour(m))}"${dash}>` +
      `<title>${escapeXml(mask.name)}</title></path>`;
  }).join('');
}

/** Vertices as square-capped zero-length strokes (a fixed size on screen) and tangent handles as lines. */
function vertexMarkup(doc: RotoDocument, frame: number): string {
  return doc.masks.map((mask, m) => {
    if (opacityAtFrame(mask, frame) <= 0) return '';
    const path = pathAtFrame(mask, frame);
    const colour = cssColour(maskColour(m));
    return `<path class="h" stroke="${colour}" d="${handleData(path)}"/>` +
      `<path class="v" stroke="${colour}" d="${path.vertices.map(([x, y]) => `M${num(x)} ${num(y)}h0`).join('')}"/>`;
  }).join('');
}

function handleData(path: BezierPath): string {
  return path.vertices.map(([x, y], k) => [path.inTangents[k], path.outTangents[k]]
    .filter(([tx, ty]) => tx !== 0 || ty !== 0)
    .map(([tx, ty]) => `M${num(x)} ${num(y)}l${num(tx)} ${num(ty)}`).join('')).join('');
}

function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

/** The page's script: plain ES2017, no modules, nothing fetched. */
const PLAYER = `
'use strict';
const data = JSON.parse(document.getElementById('preview-data').textContent);
const stage = document.getElementById('stage'), img = document.getElementById('frame');
const outlines = document.getElementById('outlines'), vertices = document.getElementById('vertices');
const scrub = document.getElementById('scrub'), label = document.getElementById('label');
const play = document.getElementById('play'), showVertices = document.getElementById('show-vertices');
const keys = new Set(data.keys);
let index = -1, playing = false, clockStart = 0, frameStart = 0;

// The last still at or before frame f (the first still before the shot starts).
function stillAt(f) {
  let lo = 0, hi = data.stills.length - 1;
  while (lo < hi) { const mid = (lo + hi + 1) >> 1; if (data.stills[mid].frame <= f) lo = mid; else hi = mid - 1; }
  return lo;
}

// Shows still i once its image is decoded, so footage and masks always change together.
function show(i) {
  if (i === index) return;
  index = i;
  const still = data.stills[i];
  scrub.value = still.frame;
  label.textContent = 'frame ' + still.frame + ' / ' + data.last + (keys.has(still.frame) ? '  \\u25c6 key' : '');
  const next = new Image();
  next.src = still.src;
  next.decode().catch(function () {}).then(function () {
    if (index !== i) return;
    img.src = still.src;
    outlines.innerHTML = still.outlines;
    vertices.innerHTML = still.vertices;
    stage.dataset.frame = still.frame;
  });
  for (let k = i + 1; k <= i + 3 && k < data.stills.length; k++) new Image().src = data.stills[k].src;
}

function setPlaying(on) {
  playing = on;
  play.textContent = on ? 'Pause' : 'Play';
  if (!on) return;
  if (index === data.stills.length - 1) show(0);
  clockStart = performance.now();
  frameStart = data.stills[index].frame;
  requestAnimationFrame(tick);
}

function tick(now) {
  if (!playing) return;
  let f = frameStart + (now - clockStart) / 1000 * data.frameRate;
  if (f > data.last + 1) { clockStart = now; frameStart = data.first; f = data.first; }
  show(stillAt(Math.floor(f)));
  requestAnimationFrame(tick);
}

function fromHash() {
  const m = /frame=(-?\\d+)/.exec(location.hash);
  if (!m) return false;
  setPlaying(false);
  show(stillAt(Number(m[1])));
  return true;
}

play.addEventListener('click', function () { setPlaying(!playing); });
scrub.addEventListener('input', function () { setPlaying(false); show(stillAt(Number(scrub.value))); });
showVertices.addEventListener('change', function () { vertices.style.display = showVertices.checked ? '' : 'none'; });
window.addEventListener('hashchange', fromHash);
document.addEventListener('keydown', function (e) {
  if (e.target instanceof HTMLInputElement && e.target.type !== 'range' && e.target.type !== 'checkbox') return;
  if (e.key === ' ') { e.preventDefault(); setPlaying(!playing); }
  else if (e.key === 'ArrowRight') { setPlaying(false); show(Math.min(index + 1, data.stills.length - 1)); }
  else if (e.key === 'ArrowLeft') { setPlaying(false); show(Math.max(index - 1, 0)); }
  else return;
  e.preventDefault();
});
if (!fromHash()) show(0);
`;
