/**
 * A small GraphQL engine for the fake GitHub: parses the subset of GraphQL the collectors send
 * (operations with variables, aliases, arguments, nested selections, inline fragments and named
 * fragments) and resolves it against plain objects. It does not validate against GitHub's schema —
 * the tests do that with @octokit/graphql-schema — but it answers an unknown field the way GitHub
 * does (a top-level `undefinedField` error), so a missing field on an old GHES can be simulated.
 *
 * Runtime code of `soc2 demo` uses it, so it depends on nothing outside Node.
 */

export type GqlValue = null | boolean | number | string | GqlValue[] | { [k: string]: GqlValue } | { $var: string };

export interface Field {
  kind: 'field';
  name: string;
  alias?: string;
  args: Record<string, GqlValue>;
  selections?: Selection[];
}
export interface InlineFragment {
  kind: 'inline';
  typeCondition?: string;
  selections: Selection[];
}
export interface FragmentSpread {
  kind: 'spread';
  name: string;
}
export type Selection = Field | InlineFragment | FragmentSpread;

export interface GqlDocument {
  operation: { type: 'query' | 'mutation'; name?: string; variables: Array<{ name: string; defaultValue?: GqlValue }>; selections: Selection[] };
  fragments: Map<string, { typeCondition: string; selections: Selection[] }>;
}

export class GqlSyntaxError extends Error {}

/** A field-level failure: becomes an entry in `errors` with the field's path; the field is null. */
export class GqlFieldError extends Error {
  constructor(
    message: string,
    readonly type: string,
  ) {
    super(message);
  }
}

// ------------------------------------------------------------------------------------- lexer

type Token = { kind: 'punct' | 'name' | 'number' | 'string' | 'eof'; value: string };

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '#') {
      while (i < src.length && src[i] !== '\n') i++;
      continue;
    }
    if (/[\s,\uFEFF]/.test(c)) {
      i++;
      continue;
    }
    if (src.startsWith('...', i)) {
      tokens.push({ kind: 'punct', value: '...' });
      i += 3;
      continue;
    }
    if ('{}()[]:!$=@'.includes(c)) {
      tokens.push({ kind: 'punct', value: c });
      i++;
      continue;
    }
    if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[A-Za-z0-9_]/.test(src[j]!)) j++;
      tokens.push({ kind: 'name', value: src.slice(i, j) });
      i = j;
      continue;
    }
    if (/[-0-9]/.test(c)) {
      let j = i + 1;
      while (j < src.length && /[0-9.eE+-]/.test(src[j]!)) j++;
      tokens.push({ kind: 'number', value: src.slice(i, j) });
      i = j;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      let out = '';
      while (j < src.length && src[j] !== '"') {
        if (src[j] === '\\') {
          const n = src[j + 1];
          if (n === 'u') {
            out += String.fromCharCode(parseInt(src.slice(j + 2, j + 6), 16));
            j += 6;
            continue;
          }
          out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === 'b' ? '\b' : n === 'f' ? '\f' : (n ?? '');
          j += 2;
          continue;
        }
        out += src[j];
        j++;
      }
      if (j >= src.length) throw new GqlSyntaxError('Unterminated string');
      tokens.push({ kind: 'string', value: out });
      i = j + 1;
      continue;
    }
    throw new GqlSyntaxError(`Unexpected character "${c}"`);
  }
  tokens.push({ kind: 'eof', value: '' });
  return tokens;
}

// ------------------------------------------------------------------------------------- parser

class Parser {
  private pos = 0;
  constructor(private readonly tokens: Token[]) {}

  private peek(): Token {
    return this.tokens[this.pos]!;
  }
  private next(): Token {
    return this.tokens[this.pos++]!;
  }
  private expect(value: string): void {
    const t = this.next();
    if (t.value !== value || (t.kind !== 'punct' && t.kind !== 'name')) throw new GqlSyntaxError(`Expected "${value}", found "${t.value}"`);
  }
  private isPunct(value: string): boolean {
    const t = this.peek();
    return t.kind === 'punct' && t.value === value;
  }
  private name(): string {
    const t = this.next();
    if (t.kind !== 'name') throw new GqlSyntaxError(`Expected a name, found "${t.value}"`);
    return t.value;
  }

  document(): GqlDocument {
    let operation: GqlDocument['operation'] | undefined;
    const fragments: GqlDocument['fragments'] = new Map();
    while (this.peek().kind !== 'eof') {
      if (this.isPunct('{')) {
        operation = { type: 'query', variables: [], selections: this.selectionSet() };
        continue;
      }
      const keyword = this.name();
      if (keyword === 'fragment') {
        const name = this.name();
        this.expect('on');
        const typeCondition = this.name();
        fragments.set(name, { typeCondition, selections: this.selectionSet() });
      } else if (keyword === 'query' || keyword === 'mutation') {
        const name = this.peek().kind === 'name' ? this.name() : undefined;
        const variables = this.isPunct('(') ? this.variableDefinitions() : [];
        operation = { type: keyword, variables, selections: this.selectionSet(), ...(name ? { name } : {}) };
      } else {
        throw new GqlSyntaxError(`Unexpected "${keyword}"`);
      }
    }
    if (!operation) throw new GqlSyntaxError('No operation in the document');
    return { operation, fragments };
  }

  private variableDefinitions(): Array<{ name: string; defaultValue?: GqlValue }> {
    this.expect('(');
    const out: Array<{ name: string; defaultValue?: GqlValue }> = [];
    while (!this.isPunct(')')) {
      this.expect('$');
      const name = this.name();
      this.expect(':');
      this.type();
      let defaultValue: GqlValue | undefined;
      if (this.isPunct('=')) {
        this.next();
        defaultValue = this.value();
      }
      out.push(defaultValue === undefined ? { name } : { name, defaultValue });
    }
    this.expect(')');
    return out;
  }

  private type(): void {
    if (this.isPunct('[')) {
      this.next();
      this.type();
      this.expect(']');
    } else {
      this.name();
    }
    if (this.isPunct('!')) this.next();
  }

  private selectionSet(): Selection[] {
    this.expect('{');
    const out: Selection[] = [];
    while (!this.isPunct('}')) out.push(this.selection());
    this.expect('}');
    return out;
  }

  private selection(): Selection {
    if (this.isPunct('...')) {
      this.next();
      if (this.peek().kind === 'name' && this.peek().value === 'on') {
        this.next();
        const typeCondition = this.name();
        return { kind: 'inline', typeCondition, selections: this.selectionSet() };
      }
      if (this.isPunct('{')) return { kind: 'inline', selections: this.selectionSet() };
      return { kind: 'spread', name: this.name() };
    }
    let name = this.name();
    let alias: string | undefined;
    if (this.isPunct(':')) {
      this.next();
      alias = name;
      name = this.name();
    }
    const args = this.isPunct('(') ? this.arguments() : {};
    const field: Field = { kind: 'field', name, args, ...(alias ? { alias } : {}) };
    if (this.isPunct('{')) field.selections = this.selectionSet();
    return field;
  }

  private arguments(): Record<string, GqlValue> {
    this.expect('(');
    const out: Record<string, GqlValue> = {};
    while (!this.isPunct(')')) {
      const name = this.name();
      this.expect(':');
      out[name] = this.value();
    }
    this.expect(')');
    return out;
  }

  private value(): GqlValue {
    const t = this.peek();
    if (t.kind === 'punct' && t.value === '$') {
      this.next();
      return { $var: this.name() };
    }
    if (t.kind === 'punct' && t.value === '[') {
      this.next();
      const list: GqlValue[] = [];
      while (!this.isPunct(']')) list.push(this.value());
      this.next();
      return list;
    }
    if (t.kind === 'punct' && t.value === '{') {
      this.next();
      const obj: Record<string, GqlValue> = {};
      while (!this.isPunct('}')) {
        const k = this.name();
        this.expect(':');
        obj[k] = this.value();
      }
      this.next();
      return obj;
    }
    this.next();
    if (t.kind === 'number') return Number(t.value);
    if (t.kind === 'string') return t.value;
    if (t.kind === 'name') {
      if (t.value === 'true') return true;
      if (t.value === 'false') return false;
      if (t.value === 'null') return null;
      return t.value; // enum value
    }
    throw new GqlSyntaxError(`Unexpected "${t.value}"`);
  }
}

export function parseGraphQL(query: string): GqlDocument {
  return new Parser(tokenize(query)).document();
}

// ------------------------------------------------------------------------------------- execution

/**
 * A resolved object: `__typename`, optional `__implements` (interfaces and unions it belongs to), and
 * fields that are values or functions of the field's arguments.
 */
export type GqlObject = { __typename: string; __implements?: string[] } & { [field: string]: unknown };

export interface GqlError {
  message: string;
  type?: string;
  path?: Array<string | number>;
  locations?: Array<{ line: number; column: number }>;
  extensions?: Record<string, unknown>;
}

function resolveValue(v: GqlValue, vars: Record<string, unknown>): unknown {
  if (v !== null && typeof v === 'object' && !Array.isArray(v) && '$var' in v) return vars[(v as { $var: string }).$var];
  if (Array.isArray(v)) return v.map((x) => resolveValue(x, vars));
  if (v !== null && typeof v === 'object') {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, resolveValue(x as GqlValue, vars)]));
  }
  return v;
}

class UndefinedField extends Error {
  constructor(
    readonly typeName: string,
    readonly fieldName: string,
  ) {
    super(`Field '${fieldName}' doesn't exist on type '${typeName}'`);
  }
}

export function executeGraphQL(
  doc: GqlDocument,
  variables: Record<string, unknown>,
  root: GqlObject,
): { data: Record<string, unknown> | null; errors?: GqlError[] } {
  const vars: Record<string, unknown> = {};
  for (const def of doc.operation.variables) vars[def.name] = variables[def.name] ?? (def.defaultValue === undefined ? null : resolveValue(def.defaultValue, {}));
  const errors: GqlError[] = [];

  const matches = (obj: GqlObject, typeCondition: string | undefined) =>
    !typeCondition || obj.__typename === typeCondition || (obj.__implements ?? []).includes(typeCondition) || (obj.__typename === 'Connection' && typeCondition.endsWith('Connection'));

  const collect = (obj: GqlObject, selections: Selection[], out: Field[]) => {
    for (const sel of selections) {
      if (sel.kind === 'field') out.push(sel);
      else if (sel.kind === 'inline') {
        if (matches(obj, sel.typeCondition)) collect(obj, sel.selections, out);
      } else {
        const frag = doc.fragments.get(sel.name);
        if (!frag) throw new GqlSyntaxError(`Fragment ${sel.name} was used, but not defined`);
        if (matches(obj, frag.typeCondition)) collect(obj, frag.selections, out);
      }
    }
  };

  const complete = (value: unknown, field: Field, path: Array<string | number>): unknown => {
    if (value === null || value === undefined) return null;
    if (Array.isArray(value)) return value.map((item, i) => complete(item, field, [...path, i]));
    if (field.selections && typeof value === 'object') return selectObject(value as GqlObject, field.selections, path);
    return value;
  };

  const selectObject = (obj: GqlObject, selections: Selection[], path: Array<string | number>): Record<string, unknown> => {
    const fields: Field[] = [];
    collect(obj, selections, fields);
    const out: Record<string, unknown> = {};
    for (const field of fields) {
      const key = field.alias ?? field.name;
      if (field.name === '__typename') {
        out[key] = obj.__typename;
        continue;
      }
      if (!(field.name in obj)) throw new UndefinedField(obj.__typename, field.name);
      const raw = obj[field.name];
      try {
        const args = Object.fromEntries(Object.entries(field.args).map(([k, v]) => [k, resolveValue(v, vars)]));
        const value = typeof raw === 'function' ? (raw as (a: Record<string, unknown>) => unknown)(args) : raw;
        out[key] = complete(value, field, [...path, key]);
      } catch (err) {
        if (err instanceof GqlFieldError) {
          errors.push({ type: err.type, path: [...path, key], locations: [{ line: 1, column: 1 }], message: err.message });
          out[key] = null;
        } else throw err;
      }
    }
    return out;
  };

  try {
    const data = selectObject(root, doc.operation.selections, []);
    return errors.length ? { data, errors } : { data };
  } catch (err) {
    if (err instanceof UndefinedField) {
      return {
        data: null,
        errors: [{ path: ['query'], extensions: { code: 'undefinedField', typeName: err.typeName, fieldName: err.fieldName }, locations: [{ line: 1, column: 1 }], message: err.message }],
      };
    }
    throw err;
  }
}

/**
 * GitHub's documented cost model: each connection (a field with `first`/`last`) needs as many
 * requests as its parents may return nodes; the sum divided by 100, rounded, at least 1.
 */
export function graphqlCost(doc: GqlDocument, variables: Record<string, unknown>): { cost: number; nodes: number } {
  let requests = 0;
  let nodes = 0;
  const walk = (selections: Selection[], multiplier: number, seen: Set<string>) => {
    for (const sel of selections) {
      if (sel.kind === 'inline') walk(sel.selections, multiplier, seen);
      else if (sel.kind === 'spread') {
        const frag = doc.fragments.get(sel.name);
        if (frag && !seen.has(sel.name)) walk(frag.selections, multiplier, new Set([...seen, sel.name]));
      } else {
        const size = resolveValue(sel.args['first'] ?? sel.args['last'] ?? null, variables);
        if (typeof size === 'number') {
          requests += multiplier;
          nodes += multiplier * size;
          if (sel.selections) walk(sel.selections, multiplier * size, seen);
        } else if (sel.selections) walk(sel.selections, multiplier, seen);
      }
    }
  };
  walk(doc.operation.selections, 1, new Set());
  return { cost: Math.max(1, Math.round(requests / 100)), nodes };
}
