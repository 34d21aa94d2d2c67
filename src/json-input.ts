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
  return parseJsonInput(readInputText(path, opts).text, opts);
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
    throw fail(-1, `nests more than ${MAX_JSON_NESTING} levels deep; no file soc2 writes does.`);
  }
  return value;
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
