/**
 * A local server for browser tests that run the segment stage in a page: the page, its files, and
 * onnxruntime-web's runtime files (.wasm/.mjs) from node_modules. 127.0.0.1 is a secure context
 * (WebGPU needs one) and nothing comes from the network; anything else the page asks for is
 * answered 404 and recorded in `missing`, so a test can insist the page needed nothing more.
 */
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';

const ORT_DIST = fileURLToPath(new URL('../../node_modules/onnxruntime-web/dist/', import.meta.url));

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.png': 'image/png' };

function contentType(path: string): string {
  const ext = /\.[a-z]+$/.exec(path)?.[0] ?? '';
  return TYPES[ext] ?? 'application/octet-stream';
}

/** Serves `page` at / and `files` at their paths (e.g. '/page.js', '/sky.onnx'); listens on a free port. */
export async function servePage(page: string, files: Record<string, Uint8Array | string>, missing: string[]): Promise<Server> {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://localhost').pathname;
    const send = (type: string, body: Uint8Array | string) => {
      response.writeHead(200, { 'content-type': type, 'cache-control': 'no-store' });
      response.end(body);
    };
    if (path === '/') return send('text/html', page);
    if (path in files) return send(contentType(path), files[path]);
    if (path === '/favicon.ico') return response.writeHead(204).end();
    const runtime = /^\/(ort-wasm-[\w.-]+\.(wasm|mjs))$/.exec(path);
    if (runtime) {
      readFile(ORT_DIST + runtime[1]).then(
        (bytes) => send(contentType(path), bytes),
        () => { missing.push(path); response.writeHead(404).end(); });
      return;
    }
    missing.push(path);
    response.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return server;
}
