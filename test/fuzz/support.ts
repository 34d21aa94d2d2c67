/**
 * Shared by the fuzz tests: how many runs and which seed (fixed by default, so CI is
 * deterministic), the mutations applied to real files, the hostile strings, and the one check
 * every case must pass — exit 0/1 with valid output, or exit 2 with a located message; never
 * exit 4, a stack trace or a hang.
 *
 *   SOC2_FUZZ_RUNS=20 npx vitest run test/fuzz     twenty times the default number of runs
 *   SOC2_FUZZ_SEED=random npx vitest run test/fuzz  a new seed each time (printed; replay with SOC2_FUZZ_SEED=<it>)
 *   SOC2_FUZZ_SEED=1234 npx vitest run test/fuzz    one given seed
 */
import fc from 'fast-check';
import { vi } from 'vitest';
import { isAlias, isCollection, isMap, isScalar, isSeq, parseDocument, Scalar, stringify as stringifyYaml, visit, YAMLMap, YAMLSeq, type Document, type Node, type Pair } from 'yaml';
import { exitCodeForError } from '../../src/cli/main.js';

// ---------------------------------------------------------------------------------------------
// Runs and seeds

const DEFAULT_SEED = 20260508;

function seedFromEnv(): number {
  const raw = process.env['SOC2_FUZZ_SEED'];
  if (raw === undefined || raw === '') return DEFAULT_SEED;
  if (raw === 'random') {
    const seed = Math.floor(Math.random() * 0x7fffffff);
    console.log(`fuzz: SOC2_FUZZ_SEED=${seed}`);
    return seed;
  }
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new Error(`SOC2_FUZZ_SEED must be an integer or "random", not ${JSON.stringify(raw)}`);
  return n;
}

function factorFromEnv(): number {
  const raw = process.env['SOC2_FUZZ_RUNS'];
  if (raw === undefined || raw === '') return 1;
  const n = Number(raw);
  if (!(n > 0)) throw new Error(`SOC2_FUZZ_RUNS must be a positive number (a multiplier of the default runs), not ${JSON.stringify(raw)}`);
  return n;
}

export const FUZZ_SEED = seedFromEnv();
export const FUZZ_FACTOR = factorFromEnv();

/** fast-check parameters: `numRuns` scaled by SOC2_FUZZ_RUNS, the seed fixed unless SOC2_FUZZ_SEED says otherwise. */
export function fuzzParams<T>(numRuns: number, extra: fc.Parameters<T> = {}): fc.Parameters<T> {
  return { seed: FUZZ_SEED, numRuns: Math.max(1, Math.round(numRuns * FUZZ_FACTOR)), endOnFailure: true, reporter: shortReport, ...extra };
}

/** fast-check's report with every long run of one character cut short: a 100 kB value would bury the counterexample. */
function shortReport<T>(details: fc.RunDetails<T>): void {
  if (!details.failed) return;
  const shorten = (s: string) => s.replace(/(.)\1{99,}/gs, (run, ch: string) => `${ch.repeat(8)}…(${run.length} × ${JSON.stringify(ch)})…`);
  const message = shorten(fc.defaultReportMessage(details) ?? 'property failed');
  const cause = details.errorInstance instanceof Error ? details.errorInstance : undefined;
  const error = new Error(`${message}${cause ? `\n\nCaused by: ${shorten(cause.message)}` : ''}`);
  if (cause?.stack) error.stack = `${error.message}\n${shorten(cause.stack.split('\n').slice(1).join('\n'))}`;
  throw error;
}

/** A vitest timeout that grows with SOC2_FUZZ_RUNS; it only stops a hang from blocking the suite. */
export function fuzzTimeout(baseMs: number): number {
  return Math.round(baseMs * Math.max(1, FUZZ_FACTOR));
}

// ---------------------------------------------------------------------------------------------
// Outcomes

export interface Outcome {
  code: number;
  stdout: string;
  stderr: string;
  error?: unknown;
}

/** What a terminal acts on instead of showing: C0/C1 controls but the newline, DEL, line separators and bidi controls. */
export const TERMINAL_UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]/;

const STACK_TRACE = /\n\s+at .+:\d+:\d+\)?|\n\s+at [\w.<>]+ \(/;

/**
 * Runs a command function in this process as bin/soc2.js would: what it writes is captured, and a
 * thrown error goes through the CLI's own exitCodeForError (so a non-soc2 error is exit 4 here too).
 */
export async function inProcess(fn: () => unknown): Promise<Outcome> {
  let stdout = '';
  let stderr = '';
  const out = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout += String(chunk);
    return true;
  });
  const err = vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stderr += String(chunk);
    return true;
  });
  try {
    await fn();
    return { code: 0, stdout, stderr };
  } catch (e) {
    const code = await exitCodeForError(e, false);
    return { code, stdout, stderr, error: e };
  } finally {
    out.mockRestore();
    err.mockRestore();
  }
}

/** Why an outcome breaks the contract, or undefined when it keeps it. */
export function contractProblem(o: Outcome, opts: { allowed: readonly number[]; file: string | readonly string[] }): string | undefined {
  if (!opts.allowed.includes(o.code)) return `exit ${o.code} (allowed: ${opts.allowed.join(', ')}): ${o.stderr}${o.error instanceof Error && o.code === 4 ? `\n${o.error.stack}` : ''}`;
  if (/internal error|This is a bug in soc2/.test(o.stderr)) return `reported an internal error: ${o.stderr}`;
  if (STACK_TRACE.test(o.stderr) || STACK_TRACE.test(o.stdout)) return `printed a stack trace: ${o.stderr}`;
  const unprintable = TERMINAL_UNSAFE.exec(o.stderr) ?? TERMINAL_UNSAFE.exec(o.stdout);
  if (unprintable) return `printed U+${unprintable[0].charCodeAt(0).toString(16).padStart(4, '0')} to the terminal: ${JSON.stringify(o.stderr + o.stdout)}`;
  if (o.code === 2) {
    const files = typeof opts.file === 'string' ? [opts.file] : opts.file;
    if (!files.some((f) => o.stderr.includes(f))) return `exit 2 without naming ${files.join(' or ')}: ${o.stderr}`;
  }
  return undefined;
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** `file:line:col` with both numbers at least 1, somewhere in the text. */
export function hasLineCol(text: string, file: string): boolean {
  const m = new RegExp(`${escapeRegExp(file)}:(\\d+):(\\d+)`).exec(text);
  return !!m && Number(m[1]) >= 1 && Number(m[2]) >= 1;
}

// ---------------------------------------------------------------------------------------------
// Hostile strings

/** Pieces that each mean something to some output language or terminal. */
export const HOSTILE_PIECES = [
  '<script>alert(1)</script>',
  '</textarea>',
  '</title><script>x</script>',
  '<img src=x onerror=alert(1)>',
  '" onerror="alert(1)',
  "' onmouseover='alert(1)",
  ']]>',
  '<![CDATA[',
  '<!--',
  '-->',
  '<?xml version="1.0"?>',
  '&amp;',
  '&lt;b&gt;',
  '&#0;',
  '[x](javascript:alert(1))',
  '\\\\[x](javascript:alert(1))',
  '\\]',
  '![i](https://evil.example/i.png)',
  '[ref]: https://evil.example',
  '<https://evil.example>',
  'https://evil.example/path',
  'www.evil.example',
  'mallory@evil.example',
  '| table | breaker |',
  '|',
  '`',
  '```',
  '*',
  '_',
  '~~',
  '$x$',
  '\\',
  '# heading',
  '- item',
  '1. item',
  '> quote',
  '===',
  '    indented',
  '=HYPERLINK("https://evil.example")',
  '+1',
  '-1',
  '@SUM(A1)',
  '\t=cmd',
  '\uff1d1+1',
  '\u0000',
  '\u0007',
  '\u0008',
  '\u000b',
  '\u000c',
  '\u001b[31mred\u001b[0m',
  '\u001b]8;;https://evil.example\u0007link\u001b]8;;\u0007',
  '\u009b2J',
  '\u007f',
  '\u0085',
  '\r',
  '\n',
  '\r\n',
  '\u2028',
  '\u2029',
  '\u202e',
  '\u202d',
  '\u2066',
  '\u2067',
  '\u2069',
  '\u200e',
  '\u200f',
  '\u061c',
  '\ud800',
  '\udfff',
  '\udbff\udfff',
  '\ufeff',
  '\ufffe',
  '\uffff',
  'Füße 🚀',
  '\u0301',
  '{{7*7}}',
  '${7*7}',
  '%s%n',
] as const;

/** Any UTF-16 code unit, lone surrogates included (fast-check's own string units never produce one). */
export const codeUnitString = (maxLength = 12) =>
  fc.string({ unit: fc.integer({ min: 0, max: 0xffff }).map((n) => String.fromCharCode(n)), maxLength });

/** About 100 kB: hostile text around a long run of one letter. */
export const hugeString: fc.Arbitrary<string> = fc.tuple(fc.array(fc.constantFrom(...HOSTILE_PIECES), { minLength: 1, maxLength: 4 }), fc.integer({ min: 90_000, max: 110_000 }))
  .map(([parts, n]) => `${parts.join('')}${'A'.repeat(n)}${parts.join('')}`);

/** A string built from hostile pieces and random text; with `huge`, sometimes about 100 kB long. */
export function hostileString(opts: { huge?: boolean; minLength?: number } = {}): fc.Arbitrary<string> {
  const piece = fc.oneof(
    { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_PIECES) },
    { weight: 2, arbitrary: fc.string({ maxLength: 8 }) },
    { weight: 1, arbitrary: codeUnitString(6) },
  );
  const mixed = fc.array(piece, { minLength: Math.max(1, opts.minLength ?? 1), maxLength: 6 }).map((parts) => parts.join(''));
  if (!opts.huge) return mixed;
  return fc.oneof({ weight: 12, arbitrary: mixed }, { weight: 1, arbitrary: hugeString });
}

// ---------------------------------------------------------------------------------------------
// Byte-level mutations (any file)

const INVALID_UTF8: readonly number[][] = [[0xff], [0xc0, 0xaf], [0xed, 0xa0, 0x80], [0x80], [0xe2, 0x82], [0xf4, 0x90, 0x80, 0x80], [0xfe, 0xfe]];

export type ByteMutation =
  | { kind: 'truncate'; at: number }
  | { kind: 'flip'; at: number; bit: number }
  | { kind: 'invalid-utf8'; at: number; seq: number }
  | { kind: 'bom'; at: number; start: boolean }
  | { kind: 'crlf' }
  | { kind: 'lone-cr'; at: number }
  | { kind: 'nul'; at: number }
  | { kind: 'duplicate-range'; at: number; length: number };

const position = fc.double({ min: 0, max: 1, noNaN: true, maxExcluded: true });

export const byteMutation: fc.Arbitrary<ByteMutation> = fc.oneof(
  fc.record({ kind: fc.constant('truncate' as const), at: position }),
  fc.record({ kind: fc.constant('flip' as const), at: position, bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ kind: fc.constant('invalid-utf8' as const), at: position, seq: fc.integer({ min: 0, max: INVALID_UTF8.length - 1 }) }),
  fc.record({ kind: fc.constant('bom' as const), at: position, start: fc.boolean() }),
  fc.constant({ kind: 'crlf' as const }),
  fc.record({ kind: fc.constant('lone-cr' as const), at: position }),
  fc.record({ kind: fc.constant('nul' as const), at: position }),
  fc.record({ kind: fc.constant('duplicate-range' as const), at: position, length: fc.integer({ min: 1, max: 200 }) }),
);

export function applyByteMutation(data: Buffer, m: ByteMutation): Buffer {
  const at = Math.floor(data.length * ('at' in m ? m.at : 0));
  const insert = (bytes: readonly number[], i = at) => Buffer.concat([data.subarray(0, i), Buffer.from(bytes), data.subarray(i)]);
  switch (m.kind) {
    case 'truncate':
      return data.subarray(0, at);
    case 'flip': {
      if (!data.length) return data;
      const out = Buffer.from(data);
      out[at] = out[at]! ^ (1 << m.bit);
      return out;
    }
    case 'invalid-utf8':
      return insert(INVALID_UTF8[m.seq]!);
    case 'bom':
      return insert([0xef, 0xbb, 0xbf], m.start ? 0 : at);
    case 'crlf':
      return Buffer.from(data.toString('latin1').replace(/\r?\n/g, '\r\n'), 'latin1');
    case 'lone-cr':
      return insert([0x0d]);
    case 'nul':
      return insert([0x00]);
    case 'duplicate-range':
      return insert([...data.subarray(at, at + m.length)]);
  }
}

// ---------------------------------------------------------------------------------------------
// YAML mutations (structure-aware, through the yaml library's document model)

/** Scalars a YAML author could write, each of a different type or edge of one. */
export const YAML_ODD_SCALARS = [
  '1e400', '-1e400', '123456789012345678901234567890', '9007199254740993', '-0', '0x7fffffffffffffffff', '0o777', '.inf', '-.inf', '.nan',
  '1_000', 'true', 'yes', 'on', 'null', '~', '', '2026-02-31', '2026-13-01', '12:30:00', "''", '""', '[]', '{}', '!!null', '<<', '=', '-', '?',
] as const;

export const YAML_TAGS = ['!!binary', '!!js/function', '!!js/undefined', '!!js/regexp', '!!python/object:os.system', '!!set', '!!omap', '!!pairs', '!!timestamp', '!!int', '!!float', '!!bool', '!!null', '!!str', '!!seq', '!!map', '!custom', '!<tag:example.com,2000:x>'] as const;

/** Lines an attacker or a careless edit could insert anywhere. */
export const YAML_SNIPPETS = [
  '&a ', '*a', '<<: *a', '<<: [*a, *b]', '? ', '? [a, b]\n: c', '- ', '!!binary ', '!!js/function "function () { return 1 }"', '%YAML 1.1\n---\n', '%TAG ! tag:evil,2000:\n',
  '---\n', '...\n', '\t', '{', '[', '"', "'", '|', '>-', '#', '@', '`', 'key: value', 'key:', ': value', 'x: &x [*x]', 'a: &a [1, 2]\nb: *a', 'id: GH-002',
  'assert: { key: protected, op: matches, value: "(a+)+$" }', 'exceptions: []', 'controls: { paths: [] }', '  - control: GH-002', 'period: { start: 2026-01-01, end: 2025-01-01 }',
] as const;

/** Structural mutations name a node by index (modulo the document's nodes); `tag-key` retags the key that holds it. */
export type YamlMutation =
  | { kind: 'delete'; node: number }
  | { kind: 'duplicate-key'; node: number }
  | { kind: 'rename-key'; node: number; to: string }
  | { kind: 'replace'; node: number; value: unknown }
  | { kind: 'odd-scalar'; node: number; source: string }
  | { kind: 'tag'; node: number; tag: string }
  | { kind: 'tag-key'; node: number; tag: string }
  | { kind: 'alias'; anchor: number; node: number }
  | { kind: 'merge-key'; anchor: number; node: number }
  | { kind: 'nest'; node: number; depth: number; flow: boolean }
  | { kind: 'snippet'; at: number; indent: number; text: string }
  | { kind: 'bytes'; m: ByteMutation };

const nodeIndex = fc.nat();

/** Replacement values: every JSON type, hostile text, and big and odd numbers. */
export const anyValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 3, arbitrary: hostileString() },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 2 }) },
  { weight: 1, arbitrary: fc.constantFrom(0, -1, 1.5, 1e308, -1e308, Number.MAX_SAFE_INTEGER + 2, true, false, null, [], {}, '') },
);

export const yamlMutation: fc.Arbitrary<YamlMutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), node: nodeIndex }),
  fc.record({ kind: fc.constant('duplicate-key' as const), node: nodeIndex }),
  fc.record({ kind: fc.constant('rename-key' as const), node: nodeIndex, to: fc.oneof(hostileString(), fc.constantFrom('ID', 'tittle', 'assert ', 'Criteria', '__proto__', 'constructor', 'toString', '1', '')) }),
  fc.record({ kind: fc.constant('replace' as const), node: nodeIndex, value: anyValue }),
  fc.record({ kind: fc.constant('odd-scalar' as const), node: nodeIndex, source: fc.constantFrom(...YAML_ODD_SCALARS) }),
  fc.record({ kind: fc.constant('tag' as const), node: nodeIndex, tag: fc.constantFrom(...YAML_TAGS) }),
  fc.record({ kind: fc.constant('tag-key' as const), node: nodeIndex, tag: fc.constantFrom(...YAML_TAGS) }),
  fc.record({ kind: fc.constant('alias' as const), anchor: nodeIndex, node: nodeIndex }),
  fc.record({ kind: fc.constant('merge-key' as const), anchor: nodeIndex, node: nodeIndex }),
  fc.record({ kind: fc.constant('nest' as const), node: nodeIndex, depth: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 58, max: 70 })), flow: fc.boolean() }),
  fc.record({ kind: fc.constant('snippet' as const), at: position, indent: fc.integer({ min: 0, max: 6 }), text: fc.oneof(fc.constantFrom(...YAML_SNIPPETS), hostileString()) }),
  fc.record({ kind: fc.constant('bytes' as const), m: byteMutation }),
);

interface Slot {
  node: Node;
  /** The pair holding the node as its value, or the sequence holding it; undefined for the document root. */
  parent?: { pair: Pair; map: Node } | { seq: Node; index: number };
}

function slots(doc: Document): Slot[] {
  const out: Slot[] = [];
  if (doc.contents) out.push({ node: doc.contents as Node });
  visit(doc, {
    Pair(_, pair, path) {
      const map = path[path.length - 1] as Node;
      if (pair.value && isNodeLike(pair.value)) out.push({ node: pair.value as Node, parent: { pair: pair as Pair, map } });
    },
    Seq(_, seq) {
      seq.items.forEach((item, index) => {
        if (isNodeLike(item)) out.push({ node: item as Node, parent: { seq, index } });
      });
    },
  });
  return out;
}

function isNodeLike(v: unknown): boolean {
  return isScalar(v) || isCollection(v) || isAlias(v);
}

function setSlot(slot: Slot, replacement: Node, doc: Document): void {
  if (!slot.parent) doc.contents = replacement as Document['contents'];
  else if ('pair' in slot.parent) slot.parent.pair.value = replacement;
  else if (isSeq(slot.parent.seq)) slot.parent.seq.items[slot.parent.index] = replacement;
}

function nested(doc: Document, inner: Node, depth: number, flow: boolean): Node {
  let node: Node = inner;
  for (let i = 0; i < depth; i++) {
    const wrapper: Node = i % 2 === 0 ? new YAMLSeq() : new YAMLMap();
    if (wrapper instanceof YAMLSeq) wrapper.items.push(node);
    else if (wrapper instanceof YAMLMap) wrapper.set('k', node);
    if (flow && isCollection(wrapper)) wrapper.flow = true;
    node = wrapper;
  }
  return node;
}

/** Applies one mutation to YAML text; a structural one the document model cannot make leaves the text as it was. */
export function applyYamlMutation(text: string, m: YamlMutation): string {
  if (m.kind === 'bytes') return text; // applied to the bytes by mutateYaml
  if (m.kind === 'snippet') {
    const lines = text.split('\n');
    lines.splice(Math.floor(lines.length * m.at), 0, `${' '.repeat(m.indent)}${m.text}`);
    return lines.join('\n');
  }
  const doc = parseDocument(text, { uniqueKeys: false, strict: false, keepSourceTokens: false });
  if (doc.errors.length) return text;
  try {
    return mutateDocument(doc, m) ?? text;
  } catch {
    // The document model refuses some edits (a tag on an alias, …); the text is then left as it was.
    return text;
  }
}

function mutateDocument(doc: Document, m: Exclude<YamlMutation, { kind: 'bytes' | 'snippet' }>): string | undefined {
  const all = slots(doc);
  if (!all.length) return undefined;
  const slot = all[m.node % all.length]!;
  switch (m.kind) {
    case 'delete':
      if (!slot.parent) doc.contents = null;
      else if ('pair' in slot.parent && isMap(slot.parent.map)) slot.parent.map.items.splice(slot.parent.map.items.indexOf(slot.parent.pair), 1);
      else if ('seq' in slot.parent && isSeq(slot.parent.seq)) slot.parent.seq.items.splice(slot.parent.index, 1);
      break;
    case 'duplicate-key':
      if (slot.parent && 'pair' in slot.parent && isMap(slot.parent.map)) slot.parent.map.items.push(slot.parent.pair.clone() as Pair);
      else if (slot.parent && 'seq' in slot.parent && isSeq(slot.parent.seq)) slot.parent.seq.items.push(slot.node.clone());
      break;
    case 'rename-key':
      if (slot.parent && 'pair' in slot.parent) slot.parent.pair.key = new Scalar(m.to);
      break;
    case 'replace':
      setSlot(slot, doc.createNode(m.value) as Node, doc);
      break;
    case 'odd-scalar': {
      // A plain scalar written exactly as given, so the parser decides its type.
      const s = new Scalar(m.source);
      s.type = Scalar.PLAIN;
      setSlot(slot, s, doc);
      if (!safeToString(doc)) {
        s.type = Scalar.QUOTE_DOUBLE;
      }
      break;
    }
    case 'tag':
      slot.node.tag = m.tag;
      break;
    case 'tag-key':
      if (!slot.parent || !('pair' in slot.parent) || !isScalar(slot.parent.pair.key)) return undefined;
      slot.parent.pair.key.tag = m.tag;
      break;
    case 'alias':
    case 'merge-key': {
      const target = all[m.anchor % all.length]!;
      if (isAlias(target.node)) return undefined;
      const alias = doc.createAlias(target.node as Parameters<Document['createAlias']>[0], 'a');
      if (m.kind === 'alias') setSlot(slot, alias, doc);
      else if (isMap(slot.node)) slot.node.items.unshift(doc.createPair('<<', alias) as Pair);
      else return undefined;
      break;
    }
    case 'nest':
      setSlot(slot, nested(doc, slot.node, m.depth, m.flow), doc);
      break;
  }
  return safeToString(doc);
}

function safeToString(doc: Document): string | undefined {
  try {
    return doc.toString({ lineWidth: 0 });
  } catch {
    return undefined;
  }
}

/** Applies a chain of mutations to a YAML text and returns the bytes to write. */
export function mutateYaml(text: string, mutations: readonly YamlMutation[]): Buffer {
  let current: Buffer = Buffer.from(text, 'utf8');
  for (const m of mutations) {
    if (m.kind === 'bytes') current = applyByteMutation(current, m.m);
    else {
      // Structural mutations need text: bytes that are not UTF-8 stay as they are and the mutation is skipped.
      const asText = new TextDecoder('utf-8', { fatal: false }).decode(current);
      if (Buffer.from(asText, 'utf8').equals(current)) current = Buffer.from(applyYamlMutation(asText, m), 'utf8');
    }
  }
  return current;
}

export const yamlMutations = fc.array(yamlMutation, { minLength: 1, maxLength: 3 });

/**
 * YAML written from generated data: any JSON value, or a mapping with the keys the file should
 * have (some of them) holding any value, in block or flow style, sometimes mutated further.
 */
export function generatedYaml(keys: readonly string[]): fc.Arbitrary<Buffer> {
  const shaped = fc.dictionary(fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...keys) }, { weight: 1, arbitrary: fc.string() }), fc.oneof(anyValue, fc.array(fc.dictionary(fc.constantFrom(...keys), anyValue, { maxKeys: 5 }), { maxLength: 3 })), { maxKeys: keys.length + 1 });
  const value = fc.oneof({ weight: 3, arbitrary: shaped }, { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 3 }) });
  const text = fc.tuple(value, fc.constantFrom('block', 'flow', 'json')).map(([v, style]) =>
    style === 'json' ? JSON.stringify(v, null, 2) : stringifyYaml(v, { collectionStyle: style === 'flow' ? 'flow' : 'block', lineWidth: 0 }));
  return fc.tuple(text, fc.array(yamlMutation, { maxLength: 2 })).map(([t, ms]) => mutateYaml(t, ms));
}

// ---------------------------------------------------------------------------------------------
// JSON mutations

export type JsonMutation =
  | { kind: 'delete'; node: number }
  | { kind: 'duplicate'; node: number }
  | { kind: 'rename-key'; node: number; to: string }
  | { kind: 'replace'; node: number; value: unknown }
  | { kind: 'string'; node: number; value: string }
  | { kind: 'string-everywhere'; node: number; value: string }
  | { kind: 'nest'; node: number; depth: number }
  | { kind: 'number-text'; node: number; source: string }
  | { kind: 'duplicate-key-text'; node: number }
  | { kind: 'bytes'; m: ByteMutation };

export const JSON_ODD_NUMBERS = ['1e400', '-1e400', '123456789012345678901234567890', '-0', '0.1e-400', '1.5', '-1', '2147483648', '9007199254740993'] as const;

export const jsonMutation: fc.Arbitrary<JsonMutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), node: nodeIndex }),
  fc.record({ kind: fc.constant('duplicate' as const), node: nodeIndex }),
  fc.record({ kind: fc.constant('rename-key' as const), node: nodeIndex, to: fc.oneof(hostileString(), fc.constantFrom('__proto__', 'constructor', 'Status', 'status ', '')) }),
  fc.record({ kind: fc.constant('replace' as const), node: nodeIndex, value: anyValue }),
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('string' as const), node: nodeIndex, value: hostileString({ huge: true }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('string-everywhere' as const), node: nodeIndex, value: hostileString() }) },
  fc.record({ kind: fc.constant('nest' as const), node: nodeIndex, depth: fc.oneof(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 118, max: 132 })) }),
  fc.record({ kind: fc.constant('number-text' as const), node: nodeIndex, source: fc.constantFrom(...JSON_ODD_NUMBERS) }),
  fc.record({ kind: fc.constant('duplicate-key-text' as const), node: nodeIndex }),
  fc.record({ kind: fc.constant('bytes' as const), m: byteMutation }),
);

type JsonPath = Array<string | number>;

function jsonPaths(value: unknown, filter: (v: unknown) => boolean = () => true): JsonPath[] {
  const out: JsonPath[] = [];
  const stack: Array<[unknown, JsonPath]> = [[value, []]];
  while (stack.length) {
    const [v, path] = stack.pop()!;
    if (filter(v)) out.push(path);
    if (Array.isArray(v)) v.forEach((x, i) => stack.push([x, [...path, i]]));
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) stack.push([x, [...path, k]]);
  }
  return out;
}

function getAt(root: unknown, path: JsonPath): unknown {
  let v = root;
  for (const seg of path) v = (v as Record<string | number, unknown>)[seg];
  return v;
}

/** Sets the value at `path` (root when empty); returns the new root. */
function setAt(root: unknown, path: JsonPath, value: unknown): unknown {
  if (!path.length) return value;
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  Object.defineProperty(parent, path[path.length - 1]!, { value, enumerable: true, writable: true, configurable: true });
  return root;
}

const NUMBER_MARK = '\u0000soc2-fuzz-number\u0000';

export function applyJsonMutation(text: string, m: JsonMutation): string {
  if (m.kind === 'bytes') return text; // handled on bytes by mutateJson
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return text;
  }
  const all = jsonPaths(root);
  const path = all[m.node % all.length]!;
  const indent = m.node % 3 === 0 ? undefined : 2;
  switch (m.kind) {
    case 'delete': {
      if (!path.length) return '';
      const parent = getAt(root, path.slice(0, -1));
      if (Array.isArray(parent)) parent.splice(path[path.length - 1] as number, 1);
      else delete (parent as Record<string, unknown>)[path[path.length - 1] as string];
      break;
    }
    case 'duplicate': {
      const parent = getAt(root, path.slice(0, -1));
      if (Array.isArray(parent)) parent.push(structuredClone(getAt(root, path)));
      break;
    }
    case 'rename-key': {
      if (!path.length) break;
      const parent = getAt(root, path.slice(0, -1));
      if (Array.isArray(parent) || !parent || typeof parent !== 'object') break;
      const key = path[path.length - 1] as string;
      const entries = Object.entries(parent).map(([k, v]) => [k === key ? m.to : k, v] as const);
      const renamed: Record<string, unknown> = {};
      for (const [k, v] of entries) Object.defineProperty(renamed, k, { value: v, enumerable: true, writable: true, configurable: true });
      root = setAt(root, path.slice(0, -1), renamed);
      break;
    }
    case 'replace':
      root = setAt(root, path, m.value);
      break;
    case 'string': {
      const strings = jsonPaths(root, (v) => typeof v === 'string');
      if (!strings.length) break;
      root = setAt(root, strings[m.node % strings.length]!, m.value);
      break;
    }
    case 'string-everywhere': {
      // Every string under one key name (every control's source, every gap's end, …) at once.
      const strings = jsonPaths(root, (v) => typeof v === 'string').filter((p) => typeof p[p.length - 1] === 'string');
      if (!strings.length) break;
      const keys = [...new Set(strings.map((p) => p.at(-1) as string))].sort();
      const key = keys[m.node % keys.length];
      for (const p of strings) if (p.at(-1) === key) root = setAt(root, p, m.value);
      break;
    }
    case 'nest': {
      let v = getAt(root, path);
      for (let i = 0; i < m.depth; i++) v = i % 2 ? { k: v } : [v];
      root = setAt(root, path, v);
      break;
    }
    case 'number-text': {
      const numbers = jsonPaths(root, (v) => typeof v === 'number');
      const target = numbers.length ? numbers[m.node % numbers.length]! : path;
      root = setAt(root, target, NUMBER_MARK);
      return JSON.stringify(root, null, indent).replace(JSON.stringify(NUMBER_MARK), m.source);
    }
    case 'duplicate-key-text': {
      // JSON.parse keeps the last of two equal keys; the file then says two things at once.
      const objects = jsonPaths(root, (v) => !!v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length > 0);
      if (!objects.length) break;
      const target = getAt(root, objects[m.node % objects.length]!) as Record<string, unknown>;
      const [k, v] = Object.entries(target)[0]!;
      const mark = `${NUMBER_MARK}${k}`;
      Object.defineProperty(target, mark, { value: v, enumerable: true, writable: true, configurable: true });
      const out = JSON.stringify(root, null, indent);
      return out.replace(JSON.stringify(mark), JSON.stringify(k));
    }
  }
  return JSON.stringify(root, null, indent) ?? '';
}

export function mutateJson(text: string, mutations: readonly JsonMutation[]): Buffer {
  let current: Buffer = Buffer.from(text, 'utf8');
  for (const m of mutations) {
    if (m.kind === 'bytes') current = applyByteMutation(current, m.m);
    else {
      const asText = new TextDecoder('utf-8', { fatal: false }).decode(current);
      if (Buffer.from(asText, 'utf8').equals(current)) current = Buffer.from(applyJsonMutation(asText, m), 'utf8');
    }
  }
  return current;
}

export const jsonMutations = fc.array(jsonMutation, { minLength: 1, maxLength: 3 });
