/** A hash of src/ as it is now: others edit the code while benchmarks run, so every process records it. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function sourceFingerprint(): string {
  const src = fileURLToPath(new URL('../src/', import.meta.url));
  const hash = createHash('sha256');
  const files = (readdirSync(src, { recursive: true }) as string[]).filter((f) => f.endsWith('.ts')).sort();
  for (const file of files) hash.update(file).update('\0').update(readFileSync(join(src, file))).update('\0');
  return hash.digest('hex').slice(0, 12);
}

/** A hash of the model file (training may replace models/sky.onnx while benchmarks run). */
export function fileFingerprint(path: string): string {
  try {
    return createHash('sha256').update(readFileSync(path)).digest('hex').slice(0, 12);
  } catch {
    return 'missing';
  }
}
