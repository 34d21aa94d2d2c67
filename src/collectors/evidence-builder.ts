/**
 * The one way a collector of any source (aws, github, repo) assembles what it returns: resources
 * are added one at a time as they are read, gaps and API calls as they happen, and build() closes
 * the evidence. Shared reads hand back the same ApiCall objects to every collector that uses them,
 * so a call is listed once; the same gap reported twice is listed once; any gap makes the evidence
 * incomplete, so no collector can return `complete: true` beside a gap.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ApiCall, CollectedResource, CsvAttachment, Evidence, Gap } from './types.js';
import { csvTable } from '../csv.js';

/** Where the engine takes resources as they are added: the evidence file being written. */
export interface ResourceSink {
  add(resource: CollectedResource<Record<string, unknown>>): void;
  /** Start a CSV file beside the evidence that gets a row for every resource added from now on. */
  attachCsv(attachment: CsvAttachment<Record<string, unknown>>): void;
}

const sinks = new AsyncLocalStorage<ResourceSink>();

/**
 * Runs a collector so that every resource its builder adds goes straight to `sink` (the engine
 * redacts it and appends it to the evidence file) instead of into memory: the evidence it then
 * returns holds no resources. The engine's to call, never a collector's.
 */
export function collectInto<T>(sink: ResourceSink, collect: () => Promise<T>): Promise<T> {
  return sinks.run(sink, collect);
}

/** A read several collectors share (ctx.memo): its value, or undefined when it failed, with its calls and gaps. */
export interface SharedRead<T> {
  value?: T;
  calls: readonly ApiCall[];
  gaps: readonly Gap[];
}

export interface EvidenceBuilderOptions {
  /** Order the calls by this key (code-point order) instead of the order they were added in. */
  sortCallsBy?(call: ApiCall): string;
}

export class EvidenceBuilder<R> {
  /** Population facts; collectors set them by name (out.facts.regions = …). */
  readonly facts: Record<string, unknown> = {};
  private readonly resources: Array<CollectedResource<R>> = [];
  private readonly gaps: Gap[] = [];
  private readonly gapKeys = new Set<string>();
  private readonly calls = new Set<ApiCall>();
  private readonly attachments: Record<string, string> = {};
  private readonly csvAttachments: Array<CsvAttachment<R>> = [];
  private resourceOrder: ((resource: CollectedResource<R>) => string) | undefined;
  /**
   * Set when the engine streams this collector's resources to disk (collectInto), taken when the
   * builder is made: make it in collect(), never inside a shared read (ctx.memo), whose work runs
   * on behalf of whichever collector asked first.
   */
  private readonly sink = sinks.getStore();
  private added = 0;

  constructor(private readonly options: EvidenceBuilderOptions = {}) {}

  /** One resource, as soon as it is read: streamed to the evidence file when the engine asked for it, else kept. */
  add(resource: CollectedResource<R>): this {
    this.added++;
    if (this.sink) this.sink.add(resource as CollectedResource<Record<string, unknown>>);
    else this.resources.push(resource);
    return this;
  }

  addCalls(calls: Iterable<ApiCall>): this {
    for (const c of calls) this.calls.add(c);
    return this;
  }

  addGap(gap: Gap): this {
    const key = `${gap.kind}|${gap.resource ?? ''}|${gap.message}`;
    if (this.gapKeys.has(key)) return this;
    this.gapKeys.add(key);
    this.gaps.push(gap);
    return this;
  }

  addGaps(gaps: Iterable<Gap>): this {
    for (const g of gaps) this.addGap(g);
    return this;
  }

  withFacts(facts: Record<string, unknown>): this {
    Object.assign(this.facts, facts);
    return this;
  }

  /** A file written beside the evidence (a CSV population), by name. */
  attach(name: string, contents: string): this {
    this.attachments[name] = contents;
    return this;
  }

  /**
   * A CSV file with a row per resource: call it before the first add(). Streamed with the
   * resources when the engine streams them (each row made from the redacted resource); made at
   * build() from the kept resources otherwise.
   */
  attachCsv(attachment: CsvAttachment<R>): this {
    if (this.added > 0) throw new Error(`soc2 bug: CSV attachment ${attachment.name} started after resources were added.`);
    if (this.sink) this.sink.attachCsv(attachment as unknown as CsvAttachment<Record<string, unknown>>);
    else this.csvAttachments.push(attachment);
    return this;
  }

  /** Takes the calls and gaps of a shared read; returns its value (undefined when it failed). */
  use<T>(shared: SharedRead<T>): T | undefined {
    this.addCalls(shared.calls);
    this.addGaps(shared.gaps);
    return shared.value;
  }

  /**
   * Resources in this order (by a key computed once per resource, compared by code point) rather
   * than the order they were read in, for collectors that read concurrently and want stable evidence.
   * Streamed resources are already written, in the order read: the order is then not applied.
   */
  orderResourcesBy(key: (resource: CollectedResource<R>) => string): this {
    this.resourceOrder = key;
    return this;
  }

  get gapCount(): number {
    return this.gaps.length;
  }

  /** Resources added so far, streamed or kept. */
  get resourceCount(): number {
    return this.added;
  }

  build(): Evidence<R> {
    const calls = [...this.calls];
    if (this.options.sortCallsBy) sortByKey(calls, this.options.sortCallsBy);
    if (this.resourceOrder) sortByKey(this.resources, this.resourceOrder);
    for (const a of this.csvAttachments) this.attachments[a.name] = csvTable(a.header, this.resources.map((r) => a.row(r.data)));
    const evidence: Evidence<R> = { resources: this.resources, complete: this.gaps.length === 0, gaps: this.gaps, calls };
    if (Object.keys(this.facts).length > 0) evidence.facts = this.facts;
    if (Object.keys(this.attachments).length > 0) evidence.attachments = this.attachments;
    return evidence;
  }
}

/**
 * Sorts in place by a string key computed once per item, compared by code point: deterministic
 * across machines and locales, and cheap for thousands of items (no localeCompare per comparison).
 */
export function sortByKey<T>(items: T[], key: (item: T) => string): T[] {
  const keyed = items.map((item) => [key(item), item] as const);
  keyed.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  keyed.forEach(([, item], i) => (items[i] = item));
  return items;
}
