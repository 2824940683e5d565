/**
 * `npm run wasm`: compiles the WebAssembly sources of src/ (`*.wat`) into TypeScript modules that hold
 * their bytes (`row-bits.wat` → `row-bits-wasm.ts`), so that src/core stays plain TypeScript that any
 * bundler or runtime loads without a loader or a file read. test/wasm.test.ts checks that the
 * committed modules are what this makes of their sources.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import wabtInit from 'wabt';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** The WebAssembly sources and the modules made from them, relative to the repository. */
export const WASM_SOURCES = [{ wat: 'src/core/row-bits.wat', module: 'src/core/row-bits-wasm.ts', name: 'ROW_BITS_WASM' }];

/** The TypeScript module holding the binary of the WebAssembly text `wat`, as the constant `name`. */
export async function wasmModuleText(wat: string, watName: string, name: string): Promise<string> {
  const wabt = await wabtInit();
  const parsed = wabt.parseWat(watName, wat);
  try {
    const { buffer } = parsed.toBinary({});
    const lines: string[] = [];
    for (let i = 0; i < buffer.length; i += 24) lines.push(`  ${Array.from(buffer.subarray(i, i + 24)).join(', ')},`);
    return `// Made by \`npm run wasm\` from ${watName}: edit that, not this.\n` +
      `export const ${name} = new Uint8Array([\n${lines.join('\n')}\n]);\n`;
  } finally {
    parsed.destroy();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  for (const { wat, module, name } of WASM_SOURCES) {
    const text = await wasmModuleText(await readFile(join(ROOT, wat), 'utf8'), basename(wat), name);
    await writeFile(join(ROOT, module), text);
    process.stdout.write(`${module}\n`);
  }
}
