/**
 * The panel's look: plain CSS after Adobe Spectrum's dark theme (gray-100 #1e1e1e … gray-800, blue-500
 * accents, 4 px radii, adobe-clean type), injected as a <style> element so every bundler takes it.
 */
export const PANEL_CSS = `
.ar { --bg:#232323; --bg2:#2c2c2c; --field:#1b1b1b; --border:#4a4a4a; --text:#d6d6d6; --muted:#9b9b9b;
  --accent:#378ef0; --accent-down:#2680eb; --positive:#2d9d78; --negative:#e34850; --notice:#e68619;
  background:var(--bg); color:var(--text); font:12px/1.45 adobe-clean,"Source Sans Pro",-apple-system,"Segoe UI",Roboto,sans-serif;
  padding:10px 12px; min-height:100%; box-sizing:border-box; }
.ar *, .ar *::before, .ar *::after { box-sizing:border-box; }
.ar h2 { font-size:13px; font-weight:700; margin:12px 0 6px; color:#fff; }
.ar-tabs { display:flex; gap:14px; border-bottom:2px solid var(--border); margin-bottom:10px; }
.ar-tab { background:none; border:none; color:var(--muted); padding:6px 0; font:inherit; font-weight:700; cursor:pointer;
  border-bottom:2px solid transparent; margin-bottom:-2px; }
.ar-tab[aria-selected="true"] { color:#fff; border-bottom-color:#fff; }
.ar-grid { display:grid; grid-template-columns:auto 1fr; gap:6px 10px; align-items:center; }
.ar-grid label { color:var(--muted); }
.ar input, .ar select { background:var(--field); color:var(--text); border:1px solid var(--border); border-radius:4px;
  height:24px; padding:0 6px; font:inherit; width:100%; }
.ar input:focus, .ar select:focus { outline:none; border-color:var(--accent); }
.ar-hint { color:var(--muted); font-size:11px; }
.ar-row { display:flex; gap:8px; align-items:center; margin-top:10px; flex-wrap:wrap; }
.ar-button { height:28px; padding:0 14px; border-radius:14px; border:2px solid #b9b9b9; background:transparent;
  color:#fff; font:inherit; font-weight:700; cursor:pointer; }
.ar-button:hover { background:#3a3a3a; }
.ar-button:disabled { opacity:.4; cursor:default; }
.ar-cta { background:var(--accent); border-color:var(--accent); }
.ar-cta:hover { background:var(--accent-down); border-color:var(--accent-down); }
.ar-progress { margin-top:10px; }
.ar-bar { height:4px; background:var(--border); border-radius:2px; overflow:hidden; margin:4px 0; }
.ar-bar > div { height:100%; background:var(--accent); transition:width .15s; }
.ar-stages { list-style:none; padding:0; margin:6px 0 0; }
.ar-stages li { display:flex; justify-content:space-between; color:var(--muted); }
.ar-stages li[data-state="active"] { color:#fff; }
.ar-stages li[data-state="done"] { color:var(--positive); }
.ar-preview { position:relative; margin:8px auto 0; border:1px solid var(--border); background:#000; line-height:0; }
.ar-preview canvas, .ar-preview svg { width:100%; height:auto; display:block; }
.ar-preview svg { position:absolute; inset:0; height:100%; }
.ar-message { margin-top:10px; padding:6px 8px; border-left:3px solid var(--muted); background:var(--bg2); }
.ar-message[data-kind="error"] { border-left-color:var(--negative); }
.ar-message[data-kind="positive"] { border-left-color:var(--positive); }
.ar-message[data-kind="notice"] { border-left-color:var(--notice); }
.ar-summary { display:grid; grid-template-columns:repeat(4,1fr); gap:6px; margin-top:8px; }
.ar-summary div { background:var(--bg2); border-radius:4px; padding:6px; text-align:center; }
.ar-summary b { display:block; font-size:16px; color:#fff; }
.ar-queue { list-style:none; padding:0; margin:8px 0 0; }
.ar-queue li { background:var(--bg2); border-radius:4px; padding:6px 8px; margin-bottom:4px; }
.ar-queue .ar-item-head { display:flex; justify-content:space-between; gap:8px; }
.ar-badge { font-size:11px; font-weight:700; padding:0 6px; border-radius:8px; background:#444; color:#fff; white-space:nowrap; }
.ar-badge[data-status="running"] { background:var(--accent); }
.ar-badge[data-status="done"] { background:var(--positive); }
.ar-badge[data-status="failed"] { background:var(--negative); }
.ar-badge[data-status="cancelled"] { background:var(--notice); }
.ar-report { white-space:pre-wrap; font-family:ui-monospace,Menlo,Consolas,monospace; font-size:11px; background:var(--field);
  border:1px solid var(--border); border-radius:4px; padding:6px; margin-top:8px; }
`;
