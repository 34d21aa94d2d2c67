/**
 * YAML parsing that keeps positions, so every problem can be reported as file:line:col with the
 * key path, and zod issues can be turned into located, plain-language messages.
 *
 * Files come from pull requests, so parsing is bounded: the file is read through readInputFile
 * (regular files only, a byte limit), collections may nest only so deep before the parser's
 * recursion sees them, aliases may expand only so often ("billion laughs"), and a value that
 * contains itself through an alias is refused — each a located error, never a hang or a crash.
 */
import { Composer, LineCounter, Parser, YAMLParseError, isAlias, isCollection, isMap, isSeq, isScalar, visit, type CST, type Document, type Node } from 'yaml';
import type { z } from 'zod';
import type { SourceIssue } from './errors.js';
import { didYouMean } from './text.js';
import { objectKeysAt } from './schema-walk.js';
import { MAX_YAML_BYTES, readInputText } from './input-file.js';
import { plainDataProblem } from './plain-data.js';

export type PathSegment = string | number;

export interface YamlSource {
  file: string;
  doc: Document.Parsed;
  lineCounter: LineCounter;
  /** Syntax errors, duplicate keys and the like; when non-empty the value should not be trusted. */
  syntaxIssues: SourceIssue[];
  value: unknown;
  /** The exact bytes parsed (for hashing what was read, not a second read). */
  bytes: Buffer;
}

/** Far deeper than any configuration or control, and far below where recursion would run out of stack. */
export const MAX_YAML_NESTING = 64;
/** Enough aliases to reuse a block; far too few for an expansion that exhausts memory. */
const MAX_ALIAS_COUNT = 100;
const MAX_CONTAINERS = 100_000;

/**
 * Reads and parses one YAML file. Throws InputFileError (exit 2) when the file cannot be read as
 * UTF-8 text within the size limit; YAML problems come back in `syntaxIssues`.
 */
export function readYamlFile(file: string, displayName = file, opts: { what?: string; remediation?: string } = {}): YamlSource {
  const { text, bytes } = readInputText(file, { display: displayName, maxBytes: MAX_YAML_BYTES, what: opts.what ?? 'YAML file', remediation: opts.remediation });
  return { ...parseYamlText(text, displayName), bytes };
}

export function parseYamlText(text: string, file: string): YamlSource {
  const lineCounter = new LineCounter();
  const at = (offset: number, message: string): SourceIssue => {
    const pos = lineCounter.linePos(offset);
    return { file, line: pos.line, col: pos.col, path: '', message };
  };
  const result = (doc: Document.Parsed, syntaxIssues: SourceIssue[], value?: unknown): YamlSource =>
    ({ file, doc, lineCounter, syntaxIssues, value, bytes: Buffer.from(text, 'utf8') });

  // The parser keeps its own stack; the composer after it recurses once per level, so depth is checked in between.
  const tokens = [...new Parser(lineCounter.addNewLine).parse(text)];
  // logLevel 'error': the yaml library would otherwise print its own warnings through process.emitWarning.
  const composer = new Composer({ uniqueKeys: true, strict: true, logLevel: 'error' });
  const deep = firstCollectionDeeperThan(tokens, MAX_YAML_NESTING);
  if (deep !== undefined) {
    const empty = [...composer.compose([], true, 0)][0]!;
    return result(empty, [at(deep, `YAML nests more than ${MAX_YAML_NESTING} levels deep here; soc2 refuses deeper nesting. Flatten the structure.`)]);
  }
  let doc: Document.Parsed | undefined;
  for (const d of composer.compose(tokens, true, text.length)) {
    if (!doc) doc = d;
    else {
      doc.errors.push(new YAMLParseError([d.range[0], d.range[1]], 'MULTIPLE_DOCS', 'the file holds more than one YAML document; remove the "---" separator and keep one'));
      break;
    }
  }
  doc ??= [...composer.compose([], true, 0)][0]!;
  const syntaxIssues: SourceIssue[] = [...doc.errors, ...doc.warnings].map((e) =>
    at(e.pos[0], `YAML ${e.name === 'YAMLWarning' ? 'warning' : 'syntax error'}: ${firstLine(e.message)}`));
  if (syntaxIssues.length) return result(doc, syntaxIssues);
  const collectionKey = firstCollectionKey(doc);
  if (collectionKey) return result(doc, [at(collectionKey.range?.[0] ?? 0, 'this mapping key is a list or mapping; soc2 keys are plain text. Write the key as text.')]);

  let value: unknown;
  try {
    value = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (e) {
    return result(doc, [aliasIssue(doc, e as Error, at)]);
  }
  const problem = plainDataProblem(value, { maxDepth: MAX_YAML_NESTING, maxContainers: MAX_CONTAINERS });
  if (problem) {
    const where = firstAlias(doc)?.range?.[0] ?? 0;
    const message = {
      cycle: 'an alias refers to a mapping or list that contains it, so the value would never end; write the value out instead.',
      'too-deep': `once its aliases are expanded the YAML nests more than ${MAX_YAML_NESTING} levels deep; write the values out or flatten them.`,
      'too-large': 'once its aliases are expanded the YAML holds too many mappings and lists; write the values out instead of aliasing them.',
    }[problem];
    return result(doc, [at(where, message)]);
  }
  return result(doc, [], value);
}

/** Offset of the first mapping or list nested deeper than `limit`, walking the parser's tokens without recursion. */
function firstCollectionDeeperThan(tokens: readonly CST.Token[], limit: number): number | undefined {
  const stack: Array<[CST.Token | null | undefined, number]> = tokens.map((t) => [t, 0]);
  while (stack.length) {
    const [token, depth] = stack.pop()!;
    if (!token) continue;
    if (token.type === 'document') stack.push([token.value, depth]);
    else if (token.type === 'block-map' || token.type === 'block-seq' || token.type === 'flow-collection') {
      if (depth + 1 > limit) return token.offset;
      for (const item of token.items) {
        if ('key' in item) stack.push([item.key, depth + 1]);
        stack.push([item.value, depth + 1]);
      }
    }
  }
  return undefined;
}

/** A key written as a list or mapping (`? [a, b]`), directly or through an alias: JavaScript objects cannot hold one. */
function firstCollectionKey(doc: Document.Parsed): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Pair(_, pair) {
      const key = pair.key;
      if (isCollection(key) || (isAlias(key) && isCollection(key.resolve(doc)))) {
        found = key as Node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return found;
}

function firstAlias(doc: Document.Parsed, test: (node: Node) => boolean = () => true): Node | undefined {
  let found: Node | undefined;
  visit(doc, {
    Alias(_, node) {
      if (!test(node)) return undefined;
      found = node;
      return visit.BREAK;
    },
  });
  return found;
}

/** The yaml library throws from toJS for an alias without an anchor and for an alias bomb; both are the author's to fix. */
function aliasIssue(doc: Document.Parsed, e: Error, at: (offset: number, message: string) => SourceIssue): SourceIssue {
  const unresolved = firstAlias(doc, (node) => isAlias(node) && node.resolve(doc) === undefined);
  if (unresolved && isAlias(unresolved)) {
    return at(unresolved.range?.[0] ?? 0, `YAML alias *${unresolved.source} refers to no anchor: define &${unresolved.source} before it, or write the value out.`);
  }
  const where = firstAlias(doc)?.range?.[0] ?? 0;
  if (/alias count|resource exhaustion/i.test(e.message)) {
    return at(where, `YAML aliases here would expand more than ${MAX_ALIAS_COUNT} times (an alias bomb); soc2 refuses such files. Write the values out instead of aliasing them.`);
  }
  return at(where, `YAML could not be turned into data: ${firstLine(e.message)}.`);
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
