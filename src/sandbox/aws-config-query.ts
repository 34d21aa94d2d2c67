/**
 * The subset of AWS Config's advanced-query SQL the fake server understands:
 *   SELECT path[, path…] [WHERE condition]
 * with conditions built from =, !=, <>, <, <=, >, >=, IN (…), NOT IN (…), LIKE '…%', AND, OR, NOT
 * and parentheses. As in Config, a condition on a list-valued path (tags.key, …) holds when any
 * element satisfies it. Anything else is an InvalidExpressionException, as Config answers for
 * queries it cannot run.
 */

export class InvalidExpression extends Error {}

type Value = string | number | boolean;
type Cond =
  | { kind: 'cmp'; path: string; op: '=' | '!=' | '<' | '<=' | '>' | '>='; value: Value }
  | { kind: 'in'; path: string; values: Value[]; negate: boolean }
  | { kind: 'like'; path: string; pattern: RegExp; negate: boolean }
  | { kind: 'and' | 'or'; left: Cond; right: Cond }
  | { kind: 'not'; inner: Cond };

export interface Query {
  fields: string[];
  where?: Cond;
}

type Token = { t: 'word'; v: string } | { t: 'str'; v: string } | { t: 'num'; v: number } | { t: 'sym'; v: string };

function tokenize(sql: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i]!;
    if (/\s/.test(c)) { i++; continue; }
    if (c === "'") {
      let j = i + 1;
      let v = '';
      while (j < sql.length && sql[j] !== "'") v += sql[j++];
      if (j >= sql.length) throw new InvalidExpression('Unterminated string literal');
      out.push({ t: 'str', v });
      i = j + 1;
      continue;
    }
    const two = sql.slice(i, i + 2);
    if (['!=', '<>', '<=', '>='].includes(two)) { out.push({ t: 'sym', v: two === '<>' ? '!=' : two }); i += 2; continue; }
    if ('=<>(),*'.includes(c)) { out.push({ t: 'sym', v: c }); i++; continue; }
    const num = /^-?\d+(\.\d+)?/.exec(sql.slice(i));
    if (num && !/[A-Za-z_]/.test(sql[i + num[0].length] ?? '')) { out.push({ t: 'num', v: Number(num[0]) }); i += num[0].length; continue; }
    const word = /^[A-Za-z_][\w.:]*/.exec(sql.slice(i));
    if (word) { out.push({ t: 'word', v: word[0] }); i += word[0].length; continue; }
    throw new InvalidExpression(`Unexpected character '${c}' at position ${i}`);
  }
  return out;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token | undefined { return this.tokens[this.i]; }
  private next(): Token {
    const t = this.tokens[this.i++];
    if (!t) throw new InvalidExpression('Unexpected end of expression');
    return t;
  }
  private isWord(w: string): boolean {
    const t = this.peek();
    return t?.t === 'word' && t.v.toUpperCase() === w;
  }
  private expectWord(w: string): void {
    if (!this.isWord(w)) throw new InvalidExpression(`Expected ${w}`);
    this.i++;
  }
  private expectSym(s: string): void {
    const t = this.next();
    if (t.t !== 'sym' || t.v !== s) throw new InvalidExpression(`Expected '${s}'`);
  }

  parse(): Query {
    this.expectWord('SELECT');
    const fields: string[] = [];
    do {
      const t = this.next();
      if (t.t === 'sym' && t.v === '*') throw new InvalidExpression('SELECT * is not supported; name the properties to select');
      if (t.t !== 'word') throw new InvalidExpression('Expected a property name after SELECT');
      if (['WHERE', 'FROM'].includes(t.v.toUpperCase())) throw new InvalidExpression('Expected a property name after SELECT');
      fields.push(t.v);
    } while (this.peek()?.t === 'sym' && this.peek()?.v === ',' && this.next());
    const q: Query = { fields };
    if (this.isWord('WHERE')) {
      this.i++;
      q.where = this.or();
    }
    if (this.peek()) throw new InvalidExpression(`Unsupported clause near '${String(this.peek()!.v)}'`);
    return q;
  }

  private or(): Cond {
    let left = this.and();
    while (this.isWord('OR')) { this.i++; left = { kind: 'or', left, right: this.and() }; }
    return left;
  }
  private and(): Cond {
    let left = this.unary();
    while (this.isWord('AND')) { this.i++; left = { kind: 'and', left, right: this.unary() }; }
    return left;
  }
  private unary(): Cond {
    if (this.isWord('NOT')) { this.i++; return { kind: 'not', inner: this.unary() }; }
    const t = this.peek();
    if (t?.t === 'sym' && t.v === '(') {
      this.i++;
      const inner = this.or();
      this.expectSym(')');
      return inner;
    }
    return this.predicate();
  }
  private value(): Value {
    const t = this.next();
    if (t.t === 'str' || t.t === 'num') return t.v;
    if (t.t === 'word' && ['TRUE', 'FALSE'].includes(t.v.toUpperCase())) return t.v.toUpperCase() === 'TRUE';
    throw new InvalidExpression('Expected a literal value');
  }
  private predicate(): Cond {
    const t = this.next();
    if (t.t !== 'word') throw new InvalidExpression('Expected a property name');
    const path = t.v;
    let negate = false;
    if (this.isWord('NOT')) { this.i++; negate = true; }
    if (this.isWord('IN')) {
      this.i++;
      this.expectSym('(');
      const values = [this.value()];
      while (this.peek()?.t === 'sym' && this.peek()?.v === ',') { this.i++; values.push(this.value()); }
      this.expectSym(')');
      return { kind: 'in', path, values, negate };
    }
    if (this.isWord('LIKE')) {
      this.i++;
      const v = this.value();
      if (typeof v !== 'string') throw new InvalidExpression('LIKE needs a string pattern');
      const re = new RegExp('^' + v.split('%').map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$');
      return { kind: 'like', path, pattern: re, negate };
    }
    if (negate) throw new InvalidExpression('NOT must be followed by IN or LIKE here');
    const op = this.next();
    if (op.t !== 'sym' || !['=', '!=', '<', '<=', '>', '>='].includes(op.v)) throw new InvalidExpression(`Unsupported operator after ${path}`);
    return { kind: 'cmp', path, op: op.v as '=', value: this.value() };
  }
}

export function parseQuery(expression: string): Query {
  return new Parser(tokenize(expression)).parse();
}

/** Values at a dotted path; lists are flattened so that conditions match any element. */
function valuesAt(row: unknown, path: string): unknown[] {
  let current: unknown[] = [row];
  for (const part of path.split('.')) {
    const next: unknown[] = [];
    for (const v of current) {
      const items = Array.isArray(v) ? v : [v];
      for (const item of items) {
        if (item !== null && typeof item === 'object' && part in (item as object)) next.push((item as Record<string, unknown>)[part]);
      }
    }
    current = next;
  }
  return current.flatMap((v) => (Array.isArray(v) ? v : [v]));
}

function compare(a: unknown, op: string, b: Value): boolean {
  if (a === null || a === undefined) return op === '!=';
  const x = typeof b === 'number' ? Number(a) : typeof b === 'boolean' ? a : String(a);
  switch (op) {
    case '=': return x === b;
    case '!=': return x !== b;
    case '<': return (x as number) < (b as number);
    case '<=': return (x as number) <= (b as number);
    case '>': return (x as number) > (b as number);
    default: return (x as number) >= (b as number);
  }
}

export function matches(cond: Cond, row: unknown): boolean {
  switch (cond.kind) {
    case 'and': return matches(cond.left, row) && matches(cond.right, row);
    case 'or': return matches(cond.left, row) || matches(cond.right, row);
    case 'not': return !matches(cond.inner, row);
    case 'cmp': {
      const vs = valuesAt(row, cond.path);
      return cond.op === '!=' ? vs.every((v) => compare(v, '!=', cond.value)) : vs.some((v) => compare(v, cond.op, cond.value));
    }
    case 'in': {
      const hit = valuesAt(row, cond.path).some((v) => cond.values.some((w) => compare(v, '=', w)));
      return cond.negate ? !hit : hit;
    }
    case 'like': {
      const hit = valuesAt(row, cond.path).some((v) => typeof v === 'string' && cond.pattern.test(v));
      return cond.negate ? !hit : hit;
    }
  }
}

/** The selected paths of a row, nested as Config returns them ({"configuration":{"x":1}}). */
export function project(row: Record<string, unknown>, fields: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const field of fields) {
    const parts = field.split('.');
    let src: unknown = row;
    for (const p of parts) src = src !== null && typeof src === 'object' && !Array.isArray(src) ? (src as Record<string, unknown>)[p] : undefined;
    if (src === undefined) continue;
    let dst = out;
    parts.slice(0, -1).forEach((p) => {
      dst[p] ??= {};
      dst = dst[p] as Record<string, unknown>;
    });
    dst[parts[parts.length - 1]!] = src;
  }
  return out;
}
