/**
 * `npm run build`'s output, built once in development mode into a temporary folder (about half a
 * minute): the dist/uxp and dist/cep layouts, their manifests (UXP v5 JSON with AE 27 / Premiere 25.6
 * and the webview permissions; CEP manifest.xml for AEFT with Node enabled), that each bundle carries
 * the model and only the onnxruntime .wasm it loads, and that the UXP inference page loads the model
 * and segments a frame in Chromium with every request outside its own folder refused.
 */
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { chromiumSkip, launchChromium } from './helpers/chromium.ts';
import { skyFrame } from './doubles/sky-footage.ts';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

function files(dir: string, base = dir): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? files(path, base) : [relative(base, path).replace(/\\/g, '/')];
  }).sort();
}

/** Well-formed XML (tags balanced, one root) as a small tree of elements with their attributes. */
interface XmlElement { name: string; attributes: Record<string, string>; children: XmlElement[]; text: string }
function parseXml(xml: string): XmlElement {
  const body = xml.replace(/<\?xml[^?]*\?>/, '').replace(/<!--[\s\S]*?-->/g, '');
  const top: XmlElement = { name: '#document', attributes: {}, children: [], text: '' };
  const stack = [top];
  for (const [, close, name, attrs, selfClose, text] of body.matchAll(/<(\/?)([\w:.-]+)((?:\s+[\w:.-]+="[^"]*")*)\s*(\/?)>|([^<]+)/g)) {
    if (text !== undefined) { stack.at(-1)!.text += text.trim(); continue; }
    if (close) {
      const open = stack.pop()!;
      assert.equal(open.name, name, `</${name}> closes <${open.name}>`);
      continue;
    }
    const element: XmlElement = { name, attributes: Object.fromEntries([...attrs.matchAll(/([\w:.-]+)="([^"]*)"/g)].map((m) => [m[1], m[2]])), children: [], text: '' };
    stack.at(-1)!.children.push(element);
    if (!selfClose) stack.push(element);
  }
  assert.equal(stack.length, 1, `unclosed <${stack.at(-1)!.name}>`);
  assert.equal(top.children.length, 1, 'one root element');
  return top.children[0];
}
const find = (e: XmlElement, path: string): XmlElement[] => path.split('/').reduce<XmlElement[]>((found, name) => found.flatMap((x) => x.children.filter((c) => c.name === name)), [e]);

describe('npm run build', () => {
  let dist: string;

  before(async () => {
    dist = mkdtempSync(join(tmpdir(), 'autoroto-dist-'));
    await promisify(execFile)(process.execPath, [join(ROOT, 'node_modules/webpack-cli/bin/cli.js'), '--mode', 'development'],
      { cwd: ROOT, env: { ...process.env, AUTOROTO_DIST: dist }, maxBuffer: 16 << 20 });
  });
  after(() => {
    if (dist) rmSync(dist, { recursive: true, force: true });
  });

  it('lays out dist/uxp with the panel, the inference webview, the model and the JSEP wasm only', () => {
    assert.deepEqual(files(join(dist, 'uxp')), ['index.html', 'manifest.json', 'panel.js',
      'webview/index.html', 'webview/ort-wasm-simd-threaded.jsep.wasm', 'webview/sky.onnx', 'webview/webview.js']);
    assert.deepEqual(readFileSync(join(dist, 'uxp/webview/sky.onnx')), readFileSync(join(ROOT, 'models/sky.onnx')));
    const panel = readFileSync(join(dist, 'uxp/panel.js'), 'utf8');
    assert.doesNotMatch(panel, /ort-wasm-simd-threaded/, 'the UXP panel itself runs no WebAssembly');
    assert.match(readFileSync(join(dist, 'uxp/webview/webview.js'), 'utf8'), /ort-wasm-simd-threaded\.jsep\.wasm/);
    assert.match(readFileSync(join(dist, 'uxp/index.html'), 'utf8'), /<script src="panel\.js">/);
  });

  it('writes a UXP manifest v5 for After Effects 27 and Premiere Pro 25.6 with the webview permissions', () => {
    const manifest = JSON.parse(readFileSync(join(dist, 'uxp/manifest.json'), 'utf8'));
    assert.equal(manifest.manifestVersion, 5);
    assert.match(manifest.id, /^[\w.-]+$/);
    assert.equal(manifest.main, 'index.html');
    assert.deepEqual(manifest.host, [{ app: 'AE', minVersion: '27.0.0' }, { app: 'PPRO', minVersion: '25.6.0' }]);
    assert.deepEqual(manifest.entrypoints.map((e: { type: string }) => e.type), ['panel']);
    assert.deepEqual(manifest.requiredPermissions.webview, { allow: 'yes', domains: [], allowLocalRendering: 'yes', enableMessageBridge: 'localAndRemote' });
    assert.equal(manifest.requiredPermissions.localFileSystem, 'fullAccess');
  });

  it('lays out dist/cep with CSXS/manifest.xml, the panel, the model and the plain WASM build only', () => {
    assert.deepEqual(files(join(dist, 'cep')), ['CSXS/manifest.xml', 'index.html', 'ort-wasm-simd-threaded.wasm', 'package.json', 'panel.js', 'sky.onnx']);
    const panel = readFileSync(join(dist, 'cep/panel.js'), 'utf8');
    assert.deepEqual([...new Set(panel.match(/ort-wasm-simd-threaded[\w.]*\.wasm/g))], ['ort-wasm-simd-threaded.wasm']);
    assert.match(panel, /require\("child_process"\)/, 'ffmpeg is spawned through the panel\'s Node');
    assert.doesNotMatch(panel, /require\("node:/, 'CEP 11\'s Node has no node: prefix');
    const pkg = JSON.parse(readFileSync(join(dist, 'cep/package.json'), 'utf8'));
    assert.ok(pkg.dependencies['@ffmpeg-installer/ffmpeg']);
  });

  it('writes a CEP manifest for After Effects (AEFT) with Node in the panel', () => {
    const manifest = parseXml(readFileSync(join(dist, 'cep/CSXS/manifest.xml'), 'utf8'));
    assert.equal(manifest.name, 'ExtensionManifest');
    const ids = find(manifest, 'ExtensionList/Extension').map((e) => e.attributes.Id);
    const dispatched = find(manifest, 'DispatchInfoList/Extension').map((e) => e.attributes.Id);
    assert.equal(ids.length, 1);
    assert.deepEqual(dispatched, ids);
    assert.ok(ids[0].startsWith(`${manifest.attributes.ExtensionBundleId}.`));
    assert.deepEqual(find(manifest, 'ExecutionEnvironment/HostList/Host').map((h) => h.attributes.Name), ['AEFT']);
    assert.deepEqual(find(manifest, 'ExecutionEnvironment/RequiredRuntimeList/RequiredRuntime').map((r) => [r.attributes.Name, r.attributes.Version]), [['CSXS', '11.0']]);
    const resources = find(manifest, 'DispatchInfoList/Extension/DispatchInfo/Resources')[0];
    assert.equal(find(resources, 'MainPath')[0].text, './index.html');
    const parameters = find(resources, 'CEFCommandLine/Parameter').map((p) => p.text);
    assert.ok(parameters.includes('--enable-nodejs') && parameters.includes('--mixed-context'), String(parameters));
    assert.equal(find(manifest, 'DispatchInfoList/Extension/DispatchInfo/UI/Type')[0].text, 'Panel');
    assert.ok(existsSync(join(dist, 'cep', find(resources, 'MainPath')[0].text)));
  });

  it('loads the model in the inference webview and segments a frame, with nothing from the network', { skip: chromiumSkip }, async () => {
    const browser = await launchChromium();
    try {
      const page = await browser.newPage();
      const origin = 'https://plugin.autoroto.test/';
      const asked: string[] = [];
      await page.route(() => true, async (route) => {
        const url = route.request().url();
        asked.push(url);
        const path = url.startsWith(origin) ? join(dist, 'uxp/webview', url.slice(origin.length).split('?')[0]) : null;
        if (!path || !existsSync(path)) return route.abort();
        const type = path.endsWith('.html') ? 'text/html' : path.endsWith('.js') ? 'text/javascript' : path.endsWith('.wasm') ? 'application/wasm' : 'application/octet-stream';
        await route.fulfill({ status: 200, body: readFileSync(path), contentType: type });
      });
      // The UXP message bridge, as the page sees it: replies collected here, requests posted to the window.
      // (Scripts as strings: tsx's helpers do not exist in the page.)
      await page.addInitScript('window.replies = []; window.uxpHost = { postMessage: (m) => window.replies.push(m) };');
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      page.on('console', (message) => { if (message.type() === 'error') errors.push(message.text()); });
      await page.goto(`${origin}index.html`);
      const ask = (request: Record<string, unknown>) => page.evaluate(`(async (r) => {
        window.postMessage(r, '*');
        for (let i = 0; i < 300; i++) {
          const reply = window.replies.find((m) => m.id === r.id);
          if (reply) return reply;
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        throw new Error('no reply to ' + r.type);
      })(${JSON.stringify(request, (_, v) => (v instanceof Uint8Array ? { bytes: Array.from(v) } : v))})`
        .replace('window.postMessage(r,', 'if (r.frame) r.frame.data = Uint8Array.from(r.frame.data.bytes); window.postMessage(r,')) as Promise<Record<string, unknown>>;
      assert.deepEqual(await ask({ id: 1, type: 'load', backend: 'wasm' }).catch((e) => assert.fail(`${e.message}; page errors: ${errors.join(' | ')}`)),
        { id: 1, type: 'loaded', backend: 'wasm' });
      const shot = await ask({ id: 2, type: 'shot' });
      assert.equal(shot.type, 'shot');
      const frame = skyFrame({ width: 96, height: 64, frameRate: 24, frameCount: 1 }, 0);
      const answer = await ask({ id: 3, type: 'segment', shot: shot.shot, frame });
      assert.equal(answer.type, 'matte', JSON.stringify(answer).slice(0, 200));
      // (Float32Array comes back through page.evaluate as an index → value object.)
      const matte = answer.matte as { width: number; height: number; data: Record<string, number> };
      const values = Object.values(matte.data);
      assert.deepEqual([matte.width, matte.height, values.length], [96, 64, 96 * 64]);
      assert.ok(values.every((v) => v >= 0 && v <= 1));
      // The synthetic frame is blue sky over brown ground: the model should mostly agree.
      const top = values.slice(0, 96 * 8), bottom = values.slice(-96 * 8);
      assert.ok(top.reduce((a, b) => a + b) / top.length > bottom.reduce((a, b) => a + b) / bottom.length, 'more sky at the top than at the bottom');
      assert.deepEqual(asked.filter((u) => !u.startsWith(origin)), [], 'no request left the plugin folder');
      assert.ok(asked.some((u) => u.endsWith('/ort-wasm-simd-threaded.jsep.wasm')) && asked.some((u) => u.endsWith('/sky.onnx')));
    } finally {
      await browser.close();
    }
  });
});
