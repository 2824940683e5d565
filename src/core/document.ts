/**
 * The roto document (`autoroto.roto/1`, ../shared/DESIGN.md): the contract between the core, the
 * exporters, the host writers and outside tools. `validateDocument` checks the JSON schema in
 * roto.schema.json plus the rules a schema cannot say (one vertex count per mask, frames ascending).
 */
import type { BezierPath, Vec2 } from './types.ts';
import schema from './roto.schema.json' with { type: 'json' };
import { checkSchema, type JsonSchema } from './json-schema.ts';

export const ROTO_FORMAT = 'autoroto.roto/1';
/** Masks Autoroto writes are named with this prefix; a mask the editor renames is theirs. */
export const MASK_NAME_PREFIX = 'Autoroto Sky';

export type MaskMode = 'add' | 'subtract' | 'intersect' | 'none';

export interface PathKey extends BezierPath {
  frame: number;
  interpolation: 'linear' | 'hold';
}

export interface OpacityKey {
  frame: number;
  value: number;
}

export interface RotoMask {
  name: string;
  mode: MaskMode;
  inverted: boolean;
  feather: Vec2;
  expansion: number;
  opacity: OpacityKey[];
  path: PathKey[];
}

export interface RotoSource {
  path: string;
  width: number;
  height: number;
  frameRate: number;
  frameCount: number;
}

export interface RotoDocument {
  format: typeof ROTO_FORMAT;
  source: RotoSource;
  masks: RotoMask[];
}

export class InvalidDocumentError extends Error {
  constructor(readonly problems: string[]) {
    super(`not a valid ${ROTO_FORMAT} document: ${problems.slice(0, 5).join('; ')}` +
      (problems.length > 5 ? ` (and ${problems.length - 5} more)` : ''));
    this.name = 'InvalidDocumentError';
  }
}

/** Every problem with `value` as a roto document; empty when it is valid. */
export function documentProblems(value: unknown): string[] {
  const problems = checkSchema(schema as JsonSchema, value);
  if (problems.length > 0) return problems;
  const doc = value as RotoDocument;
  doc.masks.forEach((mask, m) => {
    const at = `/masks/${m}`;
    const count = mask.path[0].vertices.length;
    mask.path.forEach((key, k) => {
      if (k > 0 && key.frame <= mask.path[k - 1].frame) problems.push(`${at}/path/${k}: frames must ascend`);
      for (const field of ['vertices', 'inTangents', 'outTangents'] as const) {
        if (key[field].length !== count) {
          problems.push(`${at}/path/${k}/${field}: ${key[field].length} entries, the mask's first key has ${count}`);
        }
      }
    });
    mask.opacity.forEach((key, k) => {
      if (k > 0 && key.frame <= mask.opacity[k - 1].frame) problems.push(`${at}/opacity/${k}: frames must ascend`);
    });
  });
  return problems;
}

/** Throws InvalidDocumentError unless `value` is a valid roto document. */
export function validateDocument(value: unknown): RotoDocument {
  const problems = documentProblems(value);
  if (problems.length > 0) throw new InvalidDocumentError(problems);
  return value as RotoDocument;
}

export function parseDocument(json: string): RotoDocument {
  let value: unknown;
  try {
    value = JSON.parse(json);
  } catch (error) {
    throw new InvalidDocumentError([`not JSON: ${(error as Error).message}`]);
  }
  return validateDocument(value);
}

/** Validated, compact JSON: coordinates rounded to 1/1000 px, far below what anyone can see. */
export function serializeDocument(doc: RotoDocument): string {
  validateDocument(doc);
  return JSON.stringify(doc, (key, v) =>
    typeof v === 'number' && key !== 'frameRate' ? Math.round(v * 1000) / 1000 : v);
}
