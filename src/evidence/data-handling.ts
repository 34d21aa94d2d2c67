/**
 * The data-handling statement every report ends with, built from what the run actually did:
 * the hosts and operations it read (from the calls recorded in the evidence, the startup probes
 * and the identity lookups, with request counts), the fields each evidence file keeps, how many
 * secret-shaped values were redacted and how many identifiers minimised. Renderers turn it into
 * words (reports/data-handling-text.ts); this module only counts.
 */
import type { ApiCall, CollectedResource, Evidence, HostContacted } from '../collectors/types.js';
import type { ControlResult, DataHandling, Provenance } from '../results.js';
import type { PiiStats } from './pii.js';

export interface DataHandlingLog {
  /** Notes one evidence object as written (after redaction and minimisation). */
  observe(collectorId: string, evidence: Evidence<Record<string, unknown>>): void;
  /** Notes one resource as written, for evidence streamed to its file one resource at a time. */
  observeResource(collectorId: string, resource: CollectedResource<Record<string, unknown>>): void;
  build(input: DataHandlingInput): DataHandling;
}

export interface DataHandlingInput {
  controls: readonly ControlResult[];
  provenance: Provenance | undefined;
  /** Requests made before collection (e.g. the GitHub token probe). */
  startupCalls: readonly ApiCall[];
  /** Where requests that record a region rather than a host went, as the clients sent them. */
  hosts: readonly HostContacted[];
  minimised: PiiStats | null;
  manualFiles: number;
}

const REDACTION_MARK = '[REDACTED';

/** Redactions in every string of a value, keys included; walked rather than serialised, as a population can be large. */
function redactionMarks(value: unknown): number {
  if (typeof value === 'string') {
    let n = 0;
    for (let i = value.indexOf(REDACTION_MARK); i !== -1; i = value.indexOf(REDACTION_MARK, i + REDACTION_MARK.length)) n++;
    return n;
  }
  if (Array.isArray(value)) {
    let n = 0;
    for (const v of value) n += redactionMarks(v);
    return n;
  }
  if (value && typeof value === 'object') {
    let n = 0;
    for (const [k, v] of Object.entries(value)) n += redactionMarks(k) + redactionMarks(v);
    return n;
  }
  return 0;
}

export function createDataHandlingLog(): DataHandlingLog {
  const fields = new Map<string, Set<string>>();
  let redacted = 0;
  return {
    observeResource(collectorId, resource) {
      const kept = fields.get(collectorId) ?? new Set<string>();
      for (const k of Object.keys(resource.data ?? {})) kept.add(k);
      fields.set(collectorId, kept);
      redacted += redactionMarks(resource);
    },
    observe(collectorId, evidence) {
      const kept = fields.get(collectorId) ?? new Set<string>();
      for (const r of evidence.resources) for (const k of Object.keys(r.data ?? {})) kept.add(k);
      for (const k of Object.keys(evidence.facts ?? {})) kept.add(`facts.${k}`);
      fields.set(collectorId, kept);
      redacted += redactionMarks(evidence);
    },
    build(input) {
      return {
        endpoints: endpoints(input),
        fieldsKept: [...fields].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([collector, set]) => ({ collector, fields: [...set].sort() })),
        redacted,
        minimised: input.minimised ? { identities: input.minimised.identities, replacements: input.minimised.replacements, kinds: [...input.minimised.kinds] } : null,
        manualFiles: input.manualFiles,
      };
    },
  };
}

/**
 * Every request, once: evidence files that rely on the same shared read each list its calls, so
 * calls are de-duplicated by their whole record before counting. A paginated call counts its pages.
 */
function endpoints(input: DataHandlingInput): DataHandling['endpoints'] {
  const seen = new Set<string>();
  const all: ApiCall[] = [];
  const add = (c: ApiCall) => {
    const key = JSON.stringify(c);
    if (seen.has(key)) return;
    seen.add(key);
    all.push(c);
  };
  for (const c of input.controls) for (const e of c.evidence) for (const call of e.calls) add(call);
  for (const call of input.startupCalls) add(call);
  for (const call of input.provenance?.calls ?? []) add(call);

  const awsHost = (service: 'config' | 'sts', region: string | undefined): string => {
    const seenHost = input.hosts.find((h) => h.callSource === `aws-${service}` && h.region === region)?.host;
    return seenHost ?? `${service}.${region ?? 'unknown-region'}.amazonaws.com`;
  };
  const groups = new Map<string, { source: string; host: string; ops: Map<string, number> }>();
  for (const call of all) {
    const host = call.source === 'aws-config' ? awsHost('config', call.region)
      : call.source === 'aws-sts' ? awsHost('sts', call.region)
        : call.source === 'local' ? 'the local checkout (no network)'
          : call.host ?? 'unknown host';
    const key = `${call.source}\0${host}`;
    const g = groups.get(key) ?? { source: call.source, host, ops: new Map<string, number>() };
    g.ops.set(call.operation, (g.ops.get(call.operation) ?? 0) + Math.max(1, call.pages ?? 1));
    groups.set(key, g);
  }
  return [...groups.values()]
    .map((g) => {
      const operations = [...g.ops].map(([operation, requests]) => ({ operation, requests })).sort((a, b) => (a.operation < b.operation ? -1 : a.operation > b.operation ? 1 : 0));
      return { source: g.source, host: g.host, requests: operations.reduce((n, o) => n + o.requests, 0), operations };
    })
    .sort((a, b) => (a.host < b.host ? -1 : a.host > b.host ? 1 : a.source < b.source ? -1 : a.source > b.source ? 1 : 0));
}
