/**
 * GitHub's published REST description (@octokit/openapi, api.github.com.deref.json) as a checker
 * for recorded exchanges: does the request name a documented operation with documented query
 * parameters, and does the answer match that operation's response schema? The description is
 * large (about 70 MB): load it once per test file; only the operations asked about are compiled.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import type { RecordedExchange } from './github-recorder.js';

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header' | 'cookie';
  schema?: Record<string, unknown>;
}

interface Operation {
  parameters?: Parameter[];
  responses: Record<string, { content?: Record<string, { schema?: Record<string, unknown> }> }>;
}

export interface OpenApiChecker {
  /** The documented operation a request matches, as 'GET /repos/{owner}/{repo}', or undefined. */
  template(method: string, path: string): string | undefined;
  /** Everything wrong with one exchange, as sentences; empty when it matches the description. */
  problems(x: RecordedExchange): string[];
}

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * OpenAPI 3.0 puts `nullable: true` beside `oneOf`/`anyOf`/`allOf` without a `type`, which JSON
 * Schema (and Ajv) cannot express: such a node becomes "that, or null".
 */
function jsonSchemaOf(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(jsonSchemaOf);
  if (node === null || typeof node !== 'object') return node;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(node)) out[k] = k === 'enum' || k === 'example' || k === 'examples' ? v : jsonSchemaOf(v);
  // …and a nullable enum allows null even though the enum does not list it.
  if (out['nullable'] === true && Array.isArray(out['enum']) && !out['enum'].includes(null)) out['enum'] = [...out['enum'], null];
  if (out['nullable'] === true && out['type'] === undefined) {
    delete out['nullable'];
    return { anyOf: [out, { type: 'null' }] };
  }
  return out;
}

export function loadGitHubOpenApi(): OpenApiChecker {
  const file = createRequire(import.meta.url).resolve('@octokit/openapi/generated/api.github.com.deref.json');
  const spec = JSON.parse(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, Operation>> };
  const routes = Object.entries(spec.paths).map(([template, ops]) => ({
    template,
    ops,
    re: new RegExp(`^${template.replace(/[.+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}]+\}/g, '([^/]+)')}$`),
    names: [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!),
    // More literal text is a more specific route: /repos/{o}/{r}/branches/{b} before /repos/{o}/{r}/{x}/{y}.
    literal: template.replace(/\{[^}]+\}/g, '').length,
  }));
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: true });
  addFormats(ajv);
  const compiled = new Map<string, ValidateFunction>();
  const validator = (key: string, schema: Record<string, unknown>): ValidateFunction => {
    let v = compiled.get(key);
    if (!v) {
      v = ajv.compile(jsonSchemaOf(schema) as Record<string, unknown>);
      compiled.set(key, v);
    }
    return v;
  };

  const find = (method: string, path: string) => {
    const m = method.toLowerCase();
    const hits = routes.filter((r) => r.ops[m] && r.re.test(path)).sort((a, b) => b.literal - a.literal);
    const hit = hits[0];
    if (!hit) return undefined;
    const values = hit.re.exec(path)!.slice(1).map(decodeURIComponent);
    return { template: hit.template, op: hit.ops[m]!, params: Object.fromEntries(hit.names.map((n, i) => [n, values[i]!])) };
  };

  /** Query and path values arrive as strings; the description types them. */
  const coerce = (value: string, schema: Record<string, unknown> | undefined): unknown => {
    const type = schema?.['type'];
    if (type === 'integer' || type === 'number') return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
    if (type === 'boolean') return value === 'true' ? true : value === 'false' ? false : value;
    if (type === 'array') return value.split(',');
    return value;
  };

  return {
    template: (method, path) => {
      const f = find(method, path);
      return f ? `${method.toUpperCase()} ${f.template}` : undefined;
    },
    problems(x) {
      const f = find(x.method, x.path);
      const where = `${x.method} ${x.path}`;
      if (!f) return [`${where}: no such operation in GitHub's description`];
      const route = `${x.method} ${f.template}`;
      const out: string[] = [];
      const declared = new Map((f.op.parameters ?? []).map((p) => [`${p.in}:${p.name}`, p]));
      for (const [name, value] of Object.entries(f.params)) {
        const p = declared.get(`path:${name}`);
        if (!p) out.push(`${route}: path parameter ${name} is not declared`);
        else if (p.schema && !validator(`${route} path ${name}`, p.schema)(coerce(value, p.schema))) out.push(`${route}: path parameter ${name}=${value} does not match ${JSON.stringify(p.schema)}`);
      }
      for (const [name, value] of x.query) {
        const p = declared.get(`query:${name}`);
        if (!p) out.push(`${route}: query parameter "${name}" is not in the description`);
        else if (p.schema && !validator(`${route} query ${name}`, p.schema)(coerce(value, p.schema))) out.push(`${route}: query parameter ${name}=${value} does not match ${JSON.stringify(p.schema)}`);
      }
      const status = String(x.status);
      const response = f.op.responses[status];
      if (x.status === 304) return out; // a conditional request's answer: no body, any operation
      if (!response) {
        if (x.status < 400) out.push(`${route}: status ${status} is not documented (documented: ${Object.keys(f.op.responses).join(', ')})`);
        else if (typeof (x.body as { message?: unknown } | undefined)?.message !== 'string') out.push(`${route}: error ${status} without GitHub's { message } body`);
        return out;
      }
      const schema = response.content?.['application/json']?.schema;
      if (!schema) {
        if (x.body !== undefined && x.status < 400) out.push(`${route}: status ${status} is documented without a body, but one was sent`);
        return out;
      }
      const validate = validator(`${route} ${status}`, schema);
      if (!validate(x.body)) {
        for (const e of validate.errors ?? []) out.push(`${route} → ${status}: body${e.instancePath} ${e.message}${e.params && 'additionalProperty' in e.params ? ` (${String(e.params['additionalProperty'])})` : ''}`);
      }
      return out;
    },
  };
}
