/**
 * JSON files handed back to soc2 (results.json for `soc2 report`, evidence/manifest.json for
 * `soc2 verify`): read through readInputFile, parsed, and when they are not valid JSON the error
 * names the file, line and column and what was expected — not V8's message, which quotes the raw
 * input and gives no line.
 */
import { InputFileError, readInputText, type InputFileOptions } from './input-file.js';
import { plainDataProblem } from './plain-data.js';

/** Far deeper than anything soc2 writes; renderers walk values recursively. */
const MAX_JSON_NESTING = 128;

export function readJsonInput(path: string, opts: InputFileOptions): unknown {
  return readJsonDocument(path, opts).value;
}

export interface JsonDocument {
  value: unknown;
  /**
   * Line and column (1-based) where the value at `path` starts, so a value of the wrong shape can
   * be reported where it is written; a path that leads to nothing (a missing key) gives its
   * deepest existing ancestor.
   */
  locate(path: readonly PropertyKey[]): { line: number; col: number };
}

/** readJsonInput, keeping the text to locate values in. */
export function readJsonDocument(path: string, opts: InputFileOptions): JsonDocument {
  const { text } = readInputText(path, opts);
  return { value: parseJsonInput(text, opts), locate: (at) => linePos(text, jsonValueOffset(text, at)) };
}

export function parseJsonInput(text: string, opts: Pick<InputFileOptions, 'display' | 'remediation'>): unknown {
  const fail = (offset: number, message: string): InputFileError => {
    const { line, col } = offset < 0 ? { line: 0, col: 0 } : linePos(text, offset);
    return new InputFileError('not-json', { file: opts.display, line, col, path: '', message }, opts.remediation);
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    const syntax = jsonSyntaxError(text) ?? { offset: -1, reason: 'the JSON parser refused it' };
    throw fail(syntax.offset, `is not valid JSON: ${syntax.reason}.`);
  }
  if (plainDataProblem(value, { maxDepth: MAX_JSON_NESTING, maxContainers: Number.POSITIVE_INFINITY })) {
    throw fail(firstContainerDeeperThan(text, MAX_JSON_NESTING), `nests more than ${MAX_JSON_NESTING} levels deep here; no file soc2 writes does.`);
  }
  return value;
}

/** Offset of the first '[' or '{' nested deeper than `limit` in valid JSON text (-1 when none is). */
function firstContainerDeeperThan(text: string, limit: number): number {
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (ch === '"') {
      for (i++; i < text.length && text[i] !== '"'; i++) if (text[i] === '\\') i++;
    } else if (ch === '[' || ch === '{') {
      if (++depth > limit) return i;
    } else if (ch === ']' || ch === '}') depth--;
  }
  return -1;
}

function linePos(text: string, offset: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/**
 * Offset of the value at `path` in valid JSON text: the deepest value on the path, and of equal
 * ones the last (JSON.parse keeps the last of duplicate keys). One pass with an explicit stack.
 */
export function jsonValueOffset(text: string, path: readonly PropertyKey[]): number {
  interface Frame { array: boolean; depth: number; onPath: boolean; index: number; key: string | undefined; expectKey: boolean }
  const stack: Frame[] = [];
  let best = { depth: -1, offset: 0 };
  const valueAt = (offset: number): { depth: number; onPath: boolean } => {
    const parent = stack[stack.length - 1];
    if (!parent) return note(0, true, offset);
    const depth = parent.depth + 1;
    const seg = path[depth - 1];
    const onPath = parent.onPath && seg !== undefined && (parent.array ? seg === parent.index : typeof seg !== 'symbol' && String(seg) === parent.key);
    return note(depth, onPath, offset);
  };
  const note = (depth: number, onPath: boolean, offset: number) => {
    if (onPath && depth >= best.depth) best = { depth, offset };
    return { depth, onPath };
  };
  let i = 0;
  while (i < text.length) {
    const ch = text[i]!;
    const top = stack[stack.length - 1];
    if (ch === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      if (top && !top.array && top.expectKey) {
        const raw = text.slice(i, end + 1);
        top.key = raw.includes('\\') ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        top.expectKey = false;
      } else valueAt(i);
      i = end + 1;
    } else if (ch === '{' || ch === '[') {
      const { depth, onPath } = valueAt(i);
      stack.push({ array: ch === '[', depth, onPath, index: 0, key: undefined, expectKey: ch === '{' });
      i++;
    } else if (ch === '}' || ch === ']') {
      stack.pop();
      i++;
    } else if (ch === ',') {
      if (top?.array) top.index++;
      else if (top) top.expectKey = true;
      i++;
    } else if (ch === ':' || ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') i++;
    else {
      valueAt(i);
      while (i < text.length && !',]} \t\n\r'.includes(text[i]!)) i++;
    }
  }
  return best.offset;
}

const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const HEX4 = /^[0-9a-fA-F]{4}$/;

/**
 * Where the first syntax error in `text` is (RFC 8259), and what was expected there; undefined
 * when the text is valid JSON. A loop with an explicit stack, so nesting cannot exhaust the call stack.
 */
export function jsonSyntaxError(text: string): { offset: number; reason: string } | undefined {
  let i = 0;
  const stack: Array<'[' | '{'> = [];
  let state: 'value' | 'key' | 'after-value' = 'value';
  const skipSpace = () => {
    while (i < text.length && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
  };
  const found = () => (i >= text.length ? 'the end of the file' : `${JSON.stringify(text[i])}`);
  const string = (): { offset: number; reason: string } | undefined => {
    const start = i++;
    for (;;) {
      if (i >= text.length) return { offset: start, reason: 'a string that never ends (missing closing ")' };
      const ch = text[i]!;
      if (ch === '"') {
        i++;
        return undefined;
      }
      if (ch < ' ') return { offset: i, reason: 'a control character inside a string (write it as an escape such as \\n or \\u0000)' };
      if (ch === '\\') {
        const next = text[i + 1];
        if (next !== undefined && '"\\/bfnrt'.includes(next)) i += 2;
        else if (next === 'u' && HEX4.test(text.slice(i + 2, i + 6))) i += 6;
        else return { offset: i, reason: 'an invalid escape in a string' };
      } else i++;
    }
  };
  for (;;) {
    skipSpace();
    if (state === 'value') {
      const ch = text[i];
      if (ch === '{' || ch === '[') {
        stack.push(ch);
        i++;
        skipSpace();
        if (text[i] === (ch === '{' ? '}' : ']')) {
          stack.pop();
          i++;
          state = 'after-value';
        } else state = ch === '{' ? 'key' : 'value';
        continue;
      }
      if (ch === '"') {
        const bad = string();
        if (bad) return bad;
      } else if (text.startsWith('true', i) || text.startsWith('null', i)) i += 4;
      else if (text.startsWith('false', i)) i += 5;
      else {
        NUMBER.lastIndex = i;
        if (!NUMBER.test(text)) return { offset: i, reason: `expected a value, found ${found()}` };
        i = NUMBER.lastIndex;
      }
      state = 'after-value';
    } else if (state === 'key') {
      if (text[i] !== '"') return { offset: i, reason: `expected a property name in double quotes, found ${found()}` };
      const bad = string();
      if (bad) return bad;
      skipSpace();
      if (text[i] !== ':') return { offset: i, reason: `expected ':' after the property name, found ${found()}` };
      i++;
      state = 'value';
    } else {
      const top = stack[stack.length - 1];
      if (!top) return i < text.length ? { offset: i, reason: `unexpected ${found()} after the end of the JSON value` } : undefined;
      const close = top === '{' ? '}' : ']';
      if (text[i] === ',') {
        i++;
        state = top === '{' ? 'key' : 'value';
      } else if (text[i] === close) {
        stack.pop();
        i++;
      } else return { offset: i, reason: `expected ',' or '${close}', found ${found()}` };
    }
  }
}
