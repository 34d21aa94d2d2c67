/**
 * Walks zod object schemas by dotted path. Used at load time to check that an assertion key exists
 * in a collector's resource shape, to find allowed keys for "did you mean", and to read the human
 * label (`.describe()`) of a field for finding messages.
 */
import type { z } from 'zod';

type Def = { type: string; [k: string]: unknown };
function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } })?._zod?.def;
}

/** Peel wrappers (optional, nullable, default, pipe, lazy…) to the schema that carries the shape. */
export function unwrap(schema: unknown): unknown {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const def = defOf(s);
    if (!def) return s;
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else if (def.type === 'lazy') s = (def.getter as () => unknown)();
    else return s;
  }
  return s;
}

export type FieldKind = 'string' | 'number' | 'boolean' | 'enum' | 'array' | 'object' | 'record' | 'any' | 'other';

export interface FieldInfo {
  kind: FieldKind;
  /** Allowed values when the field is an enum or literal. */
  values?: unknown[];
  /** The field's `.describe()` label, if any. */
  label?: string;
}

function describeLabel(schema: unknown): string | undefined {
  let s = schema;
  for (let i = 0; i < 20; i++) {
    const d = (s as { description?: string })?.description;
    if (d) return d;
    const def = defOf(s);
    if (!def || !('innerType' in def)) return undefined;
    s = def.innerType;
  }
  return undefined;
}

function kindOf(schema: unknown): FieldInfo {
  const def = defOf(unwrap(schema));
  switch (def?.type) {
    case 'string': return { kind: 'string' };
    case 'number': case 'int': case 'bigint': return { kind: 'number' };
    case 'boolean': return { kind: 'boolean' };
    case 'enum': return { kind: 'enum', values: Object.values(def.entries as Record<string, unknown>) };
    case 'literal': return { kind: 'enum', values: def.values as unknown[] };
    case 'array': return { kind: 'array' };
    case 'object': return { kind: 'object' };
    case 'record': return { kind: 'record' };
    case 'unknown': case 'any': return { kind: 'any' };
    default: return { kind: 'other' };
  }
}

/**
 * The field at a dotted path ('a.b', 'items.0.name'), or undefined when the path does not exist.
 * Below an `unknown`, `any` or record, every path is accepted. A name after a list is a field of
 * its items ('alerts.severity'): how `count … where` keys and their messages name item fields.
 */
export function fieldAt(schema: z.ZodType, path: readonly (string | number)[]): FieldInfo | undefined {
  let s: unknown = schema;
  let label: string | undefined;
  for (const seg of path) {
    let inner = unwrap(s);
    let def = defOf(inner);
    if (def?.type === 'array' && !/^\d+$/.test(String(seg))) {
      inner = unwrap(def.element);
      def = defOf(inner);
    }
    if (!def) return undefined;
    if (def.type === 'object') {
      const shape = def.shape as Record<string, unknown>;
      if (!Object.prototype.hasOwnProperty.call(shape, seg)) return undefined;
      s = shape[seg as string];
    } else if (def.type === 'array' && /^\d+$/.test(String(seg))) {
      s = def.element;
    } else if (def.type === 'record') {
      s = def.valueType;
    } else if (def.type === 'unknown' || def.type === 'any') {
      return { kind: 'any' };
    } else if (def.type === 'union') {
      const options = def.options as unknown[];
      const hit = options.map((o) => fieldAt(o as z.ZodType, [seg])).find(Boolean);
      if (!hit) return undefined;
      return path.length === 1 ? hit : { kind: 'any' };
    } else return undefined;
    label = describeLabel(s);
  }
  return { ...kindOf(s), label };
}

/** The schema of one item of the list at a dotted path, or undefined when the path is not a list. */
export function itemSchemaAt(schema: z.ZodType, path: readonly (string | number)[]): z.ZodType | undefined {
  let s: unknown = schema;
  for (const seg of path) {
    const def = defOf(unwrap(s));
    if (def?.type === 'object') s = (def.shape as Record<string, unknown>)[seg as string];
    else if (def?.type === 'array' && /^\d+$/.test(String(seg))) s = def.element;
    else return undefined;
    if (s === undefined) return undefined;
  }
  const def = defOf(unwrap(s));
  return def?.type === 'array' ? (def.element as z.ZodType) : undefined;
}

/** Keys allowed in the object at `path` (for unknown-key suggestions). */
export function objectKeysAt(schema: z.ZodType, path: readonly (string | number)[]): string[] {
  let s: unknown = schema;
  for (const seg of path) {
    const def = defOf(unwrap(s));
    if (def?.type === 'object') s = (def.shape as Record<string, unknown>)[seg as string];
    else if (def?.type === 'array') s = def.element;
    else return [];
  }
  const def = defOf(unwrap(s));
  return def?.type === 'object' ? Object.keys(def.shape as object) : [];
}

/** Every dotted key path of an object schema (one level into nested objects), for suggestions. */
export function allKeyPaths(schema: z.ZodType, prefix = '', depth = 3): string[] {
  const def = defOf(unwrap(schema));
  if (def?.type !== 'object' || depth === 0) return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(def.shape as Record<string, z.ZodType>)) {
    const p = prefix ? `${prefix}.${k}` : k;
    out.push(p, ...allKeyPaths(v, p, depth - 1));
  }
  return out;
}
