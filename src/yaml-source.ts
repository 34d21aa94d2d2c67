/**
 * YAML parsing that keeps positions, so every problem can be reported as file:line:col with the
 * key path, and zod issues can be turned into located, plain-language messages.
 */
import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument, isMap, isSeq, isScalar, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { SourceIssue } from './errors.js';
import { didYouMean } from './text.js';
import { objectKeysAt } from './schema-walk.js';

export type PathSegment = string | number;

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Syntax errors, duplicate keys and the like; when non-empty the value should not be trusted. */
  syntaxIssues: SourceIssue[];
  value: unknown;
}

export function readYamlFile(file: string, displayName = file): YamlSource {
  return parseYamlText(readFileSync(file, 'utf8'), displayName);
}

export function parseYamlText(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: true, strict: true });
  const syntaxIssues: SourceIssue[] = [...doc.errors, ...doc.warnings].map((e) => ({
    file,
    line: e.linePos?.[0].line ?? 1,
    col: e.linePos?.[0].col ?? 1,
    path: '',
    message: `YAML ${e.name === 'YAMLWarning' ? 'warning' : 'syntax error'}: ${firstLine(e.message)}`,
  }));
  const value = syntaxIssues.length ? undefined : doc.toJS({ maxAliasCount: 100 });
  return { file, doc, lineCounter, syntaxIssues, value };
}

function firstLine(message: string): string {
  return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
}

export function formatPath(path: readonly PathSegment[]): string {
  let out = '';
  for (const seg of path) out += typeof seg === 'number' ? `[${seg}]` : out ? `.${seg}` : seg;
  return out;
}

/**
 * Position of the node at `path`; for the last segment of a map, the position of its key (so an
 * unknown key points at itself). Falls back to the deepest existing ancestor.
 */
export function locate(src: YamlSource, path: readonly PathSegment[]): { line: number; col: number } {
  let node: unknown = src.doc.contents;
  let offset = (node as Node | null)?.range?.[0] ?? 0;
  for (const seg of path) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = (pair.key as Node).range?.[0] ?? offset;
      node = pair.value;
    } else if (isSeq(node) && typeof seg === 'number') {
      const item = node.items[seg] as Node | undefined;
      if (!item) break;
      offset = item.range?.[0] ?? offset;
      node = item;
    } else break;
  }
  const pos = src.lineCounter.linePos(offset);
  return { line: pos.line, col: pos.col };
}

/** Position of the value at `path` (rather than its key), for "this value is wrong" messages. */
export function locateValue(src: YamlSource, path: readonly PathSegment[]): { line: number; col: number } {
  const node = src.doc.getIn(path, true) as Node | undefined;
  if (node?.range) {
    const pos = src.lineCounter.linePos(node.range[0]);
    return { line: pos.line, col: pos.col };
  }
  return locate(src, path);
}

export function issueAt(src: YamlSource, path: readonly PathSegment[], message: string, at: 'key' | 'value' = 'key'): SourceIssue {
  const { line, col } = at === 'key' ? locate(src, path) : locateValue(src, path);
  return { file: src.file, line, col, path: formatPath(path), message };
}

/** Turn zod issues into located, plain-language issues. `schema` lets unknown keys get suggestions. */
export function zodIssuesToSource(
  src: YamlSource,
  issues: readonly z.core.$ZodIssue[],
  opts: { schema?: z.ZodType; prefix?: readonly PathSegment[] } = {},
): SourceIssue[] {
  const prefix = opts.prefix ?? [];
  const out: SourceIssue[] = [];
  for (const issue of issues) {
    const path = [...prefix, ...(issue.path as PathSegment[])];
    if (issue.code === 'unrecognized_keys') {
      const known = opts.schema ? objectKeysAt(opts.schema, issue.path as PathSegment[]) : [];
      for (const key of issue.keys) {
        const hint = didYouMean(key, known);
        out.push(issueAt(src, [...path, key], `unknown key "${key}".${hint || (known.length ? ` Allowed keys: ${known.join(', ')}.` : '')}`));
      }
    } else if (issue.code === 'invalid_type' && /received undefined/.test(issue.message)) {
      const last = path[path.length - 1];
      out.push({ ...issueAt(src, path.slice(0, -1), `missing required key "${String(last)}" (expected ${expectedWords(issue.expected)}).`), path: formatPath(path) });
    } else if (issue.code === 'invalid_value' && 'values' in issue) {
      const values = issue.values.map(String);
      const got = valueAt(src.value, path);
      if (got === undefined) {
        out.push({ ...issueAt(src, path.slice(0, -1), `missing required key "${String(path[path.length - 1])}": expected one of ${values.join(', ')}.`), path: formatPath(path) });
      } else {
        const hint = typeof got === 'string' ? didYouMean(got, values) : '';
        out.push(issueAt(src, path, `${JSON.stringify(got)} is not allowed: expected one of ${values.join(', ')}.${hint}`, 'value'));
      }
    } else if (issue.code === 'invalid_type') {
      out.push(issueAt(src, path, `expected ${expectedWords(issue.expected)}, got ${describeType(valueAt(src.value, path))}.`, 'value'));
    } else {
      out.push(issueAt(src, path, issue.message.replace(/^Invalid input: /, '') + (issue.message.endsWith('.') ? '' : '.'), 'value'));
    }
  }
  return out;
}

export function valueAt(root: unknown, path: readonly PathSegment[]): unknown {
  let v = root;
  for (const seg of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<string, unknown>)[seg as string];
  }
  return v;
}

/** zod's type names in the words a YAML author uses. */
function expectedWords(expected: string): string {
  return ({ array: 'a list', object: 'a mapping', string: 'text', number: 'a number', int: 'a whole number', boolean: 'true or false' } as Record<string, string>)[expected] ?? expected;
}

export function describeType(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'object') return 'a mapping';
  if (typeof v === 'string') return `the text ${JSON.stringify(v)}`;
  return `${typeof v} ${String(v)}`;
}
