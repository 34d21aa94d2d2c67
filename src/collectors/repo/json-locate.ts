/**
 * Where a key sits in a JSON or JSON5 text: the line of the key at a given path, so a finding can
 * point at the exact line. The json5 package parses values but keeps no positions; this walks the
 * text once with JSON5's lexical rules (comments, single-quoted strings, unquoted keys) and
 * follows object nesting only, so `enabled` inside `packageRules[3]` is never mistaken for the
 * top-level `enabled`.
 */

interface Frame {
  kind: 'object' | 'array';
  /** Keys from the root to this container; array elements are not named, so paths only cross objects. */
  path: readonly string[];
  /** The key whose value comes next (objects only). */
  key?: string;
  /** True right after `{` or `,` in an object: the next string or name is a key. */
  expectKey: boolean;
}

const NAME = /[A-Za-z0-9_$\\\u0080-\uffff]/;

/**
 * 1-based line of the key reached by `path` (e.g. ['renovate', 'enabled']) when it is a direct
 * chain of object keys from the root, or undefined when the text has no such key. Malformed text
 * gives undefined or a best effort; the caller has already parsed it.
 */
export function keyLine(text: string, path: readonly string[]): number | undefined {
  const stack: Frame[] = [];
  let line = 1;
  const target = path.join('\u0000');
  for (let i = 0; i < text.length; i++) {
    const ch = text[i] as string;
    if (ch === '\n') {
      line++;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\r' || ch === '\ufeff') continue;
    if (ch === '/' && text[i + 1] === '/') {
      while (i + 1 < text.length && text[i + 1] !== '\n') i++;
      continue;
    }
    if (ch === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? text.length : end + 2;
      for (let k = i; k < stop; k++) if (text[k] === '\n') line++;
      i = stop - 1;
      continue;
    }
    const top = stack[stack.length - 1];
    if (ch === '{' || ch === '[') {
      const path = top ? (top.kind === 'object' && top.key !== undefined ? [...top.path, top.key] : top.path) : [];
      // An array's elements are not addressed: a container inside one gets a path no key can equal.
      const inArray = top?.kind === 'array';
      stack.push({ kind: ch === '{' ? 'object' : 'array', path: inArray ? [...path, '\u0001'] : path, expectKey: ch === '{' });
      continue;
    }
    if (ch === '}' || ch === ']') {
      stack.pop();
      continue;
    }
    if (ch === ',') {
      if (top?.kind === 'object') {
        top.expectKey = true;
        top.key = undefined;
      }
      continue;
    }
    if (ch === ':') continue;
    let token: string;
    const startLine = line;
    if (ch === '"' || ch === "'") {
      let j = i + 1;
      let value = '';
      while (j < text.length && text[j] !== ch) {
        if (text[j] === '\\') {
          value += text[j + 1] ?? '';
          j += 2;
          continue;
        }
        if (text[j] === '\n') line++;
        value += text[j];
        j++;
      }
      token = value;
      i = j;
    } else {
      let j = i;
      while (j < text.length && (NAME.test(text[j] as string) || text[j] === '.' || text[j] === '+' || text[j] === '-')) j++;
      token = text.slice(i, Math.max(j, i + 1));
      i = Math.max(j, i + 1) - 1;
    }
    if (top?.kind === 'object' && top.expectKey) {
      top.key = token;
      top.expectKey = false;
      if ([...top.path, token].join('\u0000') === target) return startLine;
    }
  }
  return undefined;
}
