/**
 * A small JSON Schema checker for the subset roto.schema.json uses. Written out rather than taken
 * from a schema library because panels may not evaluate generated code, and the core must run there.
 */
export interface JsonSchema {
  type?: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  const?: unknown;
  enum?: unknown[];
  required?: string[];
  properties?: Record<string, JsonSchema>;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
}

/** Each way `value` breaks `schema`, as "JSON pointer: what is wrong". */
export function checkSchema(schema: JsonSchema, value: unknown): string[] {
  const problems: string[] = [];
  const resolve = (s: JsonSchema): JsonSchema =>
    s.$ref ? schema.$defs![s.$ref.replace('#/$defs/', '')] : s;

  const check = (s0: JsonSchema, v: unknown, at: string): void => {
    const s = resolve(s0);
    const where = at || '/';
    if ('const' in s && v !== s.const) problems.push(`${where}: must be ${JSON.stringify(s.const)}`);
    if (s.enum && !s.enum.includes(v)) problems.push(`${where}: must be one of ${s.enum.join(', ')}`);
    switch (s.type) {
      case 'object':
        if (typeof v !== 'object' || v === null || Array.isArray(v)) return void problems.push(`${where}: must be an object`);
        for (const key of s.required ?? []) if (!(key in v)) problems.push(`${at}/${key}: missing`);
        for (const [key, sub] of Object.entries(s.properties ?? {})) {
          if (key in v) check(sub, (v as Record<string, unknown>)[key], `${at}/${key}`);
        }
        return;
      case 'array':
        if (!Array.isArray(v)) return void problems.push(`${where}: must be an array`);
        if (s.minItems !== undefined && v.length < s.minItems) problems.push(`${where}: needs at least ${s.minItems} items`);
        if (s.maxItems !== undefined && v.length > s.maxItems) problems.push(`${where}: allows at most ${s.maxItems} items`);
        if (s.items) v.forEach((item, i) => check(s.items!, item, `${at}/${i}`));
        return;
      case 'string':
        if (typeof v !== 'string') return void problems.push(`${where}: must be a string`);
        if (s.minLength !== undefined && v.length < s.minLength) problems.push(`${where}: must not be empty`);
        return;
      case 'boolean':
        if (typeof v !== 'boolean') problems.push(`${where}: must be true or false`);
        return;
      case 'number':
      case 'integer':
        if (typeof v !== 'number' || !Number.isFinite(v)) return void problems.push(`${where}: must be a finite number`);
        if (s.type === 'integer' && !Number.isInteger(v)) problems.push(`${where}: must be an integer`);
        if (s.minimum !== undefined && v < s.minimum) problems.push(`${where}: must be ≥ ${s.minimum}`);
        if (s.maximum !== undefined && v > s.maximum) problems.push(`${where}: must be ≤ ${s.maximum}`);
        if (s.exclusiveMinimum !== undefined && v <= s.exclusiveMinimum) problems.push(`${where}: must be > ${s.exclusiveMinimum}`);
        return;
    }
  };
  check(schema, value, '');
  return problems;
}
