/**
 * Every AWS Config request soc2 makes goes through here, so each one is recorded as an ApiCall
 * (operation, parameters, time, request id, pages) and each failure becomes a Gap. The SDK is
 * imported lazily: collector modules stay cheap to load for `soc2 controls list`.
 */
import { setMaxListeners } from 'node:events';
import type * as Sdk from '@aws-sdk/client-config-service';
import type { ApiCall, CollectContext, Gap } from '../types.js';
import { errorRequestId, errorStatus } from '../../util/error-status.js';
import { gapFromAwsError, type AwsCallSite } from './errors.js';

/** The read-only operations soc2 uses: input and output shapes, straight from the SDK. */
export interface Operations {
  DescribeConfigurationRecorders: [Sdk.DescribeConfigurationRecordersCommandInput, Sdk.DescribeConfigurationRecordersCommandOutput];
  DescribeConfigurationRecorderStatus: [Sdk.DescribeConfigurationRecorderStatusCommandInput, Sdk.DescribeConfigurationRecorderStatusCommandOutput];
  DescribeDeliveryChannels: [Sdk.DescribeDeliveryChannelsCommandInput, Sdk.DescribeDeliveryChannelsCommandOutput];
  DescribeDeliveryChannelStatus: [Sdk.DescribeDeliveryChannelStatusCommandInput, Sdk.DescribeDeliveryChannelStatusCommandOutput];
  DescribeConfigRules: [Sdk.DescribeConfigRulesCommandInput, Sdk.DescribeConfigRulesCommandOutput];
  DescribeConfigRuleEvaluationStatus: [Sdk.DescribeConfigRuleEvaluationStatusCommandInput, Sdk.DescribeConfigRuleEvaluationStatusCommandOutput];
  DescribeComplianceByConfigRule: [Sdk.DescribeComplianceByConfigRuleCommandInput, Sdk.DescribeComplianceByConfigRuleCommandOutput];
  GetComplianceDetailsByConfigRule: [Sdk.GetComplianceDetailsByConfigRuleCommandInput, Sdk.GetComplianceDetailsByConfigRuleCommandOutput];
  DescribeConfigurationAggregatorSourcesStatus: [Sdk.DescribeConfigurationAggregatorSourcesStatusCommandInput, Sdk.DescribeConfigurationAggregatorSourcesStatusCommandOutput];
  DescribeAggregateComplianceByConfigRules: [Sdk.DescribeAggregateComplianceByConfigRulesCommandInput, Sdk.DescribeAggregateComplianceByConfigRulesCommandOutput];
  GetAggregateComplianceDetailsByConfigRule: [Sdk.GetAggregateComplianceDetailsByConfigRuleCommandInput, Sdk.GetAggregateComplianceDetailsByConfigRuleCommandOutput];
  SelectAggregateResourceConfig: [Sdk.SelectAggregateResourceConfigCommandInput, Sdk.SelectAggregateResourceConfigCommandOutput];
}
export type OperationName = keyof Operations;
type In<O extends OperationName> = Operations[O][0];
type Out<O extends OperationName> = Operations[O][1];

let sdk: Promise<typeof Sdk> | undefined;
function loadSdk(): Promise<typeof Sdk> {
  sdk ??= import('@aws-sdk/client-config-service');
  return sdk;
}

/** Where a call goes: region, and for messages the account and resource it concerns. */
export type CallTarget = Omit<AwsCallSite, 'operation'>;

export type CallResult<T> = { ok: true; value: T; call: ApiCall } | { ok: false; gap: Gap; call: ApiCall; error: unknown };

function withoutToken(input: object): Record<string, unknown> {
  const { NextToken: _ignored, ...rest } = input as Record<string, unknown>;
  return rest;
}

/** What a failed request's error says about its answer: the status, and the request id unless an earlier page gave one. */
function recordFailure(call: ApiCall, error: unknown): void {
  const status = errorStatus(error);
  if (status !== undefined) call.status = status;
  const requestId = errorRequestId(error);
  if (!call.requestId && requestId) call.requestId = requestId;
}

async function sendRaw<O extends OperationName>(ctx: CollectContext<'aws'>, op: O, input: In<O>, target: CallTarget): Promise<Out<O>> {
  if (!ctx.aws) throw new Error('AWS is not configured for this run (no aws section in soc2.config.yaml)');
  const lib = await loadSdk();
  const Command = (lib as unknown as Record<string, new (input: unknown) => unknown>)[`${op}Command`];
  if (!Command) throw new Error(`@aws-sdk/client-config-service has no ${op}Command`);
  const client = ctx.aws.client(target.region);
  // ctx.signal is the caller's, or inside ctx.memo the run's: a shared read stops when the run is
  // over, so a request that never ends cannot outlive it (and keep the process from exiting).
  allowManyListeners(ctx.signal);
  return (await client.send(new Command(input) as never, { abortSignal: ctx.signal })) as Out<O>;
}

const raised = new WeakSet<AbortSignal>();

/**
 * Every request in flight listens on its signal, and a run's shared reads all use the run's one:
 * dozens at once is the design, not the leak Node warns about past ten listeners.
 */
function allowManyListeners(signal: AbortSignal): void {
  if (raised.has(signal)) return;
  raised.add(signal);
  setMaxListeners(0, signal);
}

/** One request, not paginated. */
export async function callAws<O extends OperationName>(ctx: CollectContext<'aws'>, op: O, input: In<O>, target: CallTarget): Promise<CallResult<Out<O>>> {
  const call: ApiCall = { source: 'aws-config', operation: `config:${op}`, params: withoutToken(input), at: ctx.now().toISOString(), region: target.region };
  try {
    const value = await sendRaw(ctx, op, input, target);
    call.status = value.$metadata.httpStatusCode ?? 200;
    if (value.$metadata.requestId) call.requestId = value.$metadata.requestId;
    return { ok: true, value, call };
  } catch (error) {
    recordFailure(call, error);
    return { ok: false, error, call, gap: gapFromAwsError(error, { ...target, operation: op }) };
  }
}

/** Operations whose output carries a list under `key` and a NextToken. */
type ListKey<O extends OperationName> = { [K in keyof Out<O>]-?: NonNullable<Out<O>[K]> extends ReadonlyArray<unknown> ? K : never }[keyof Out<O>];
type ItemOf<O extends OperationName, K extends ListKey<O>> = NonNullable<Out<O>[K]> extends ReadonlyArray<infer I> ? I : never;

export interface PageOptions {
  /** Name of the page-size member, when the operation has one ('Limit' or 'MaxResults'). */
  pageSizeKey?: 'Limit' | 'MaxResults';
  /** Page size to ask for (always the operation's maximum: fewest requests). */
  pageSize?: number;
  /** Called with each page's items as it arrives, so callers can start dependent work early. */
  onPage?(items: readonly unknown[]): void;
}

export type PagesResult<I, O> = ({ ok: true } | { ok: false; gap: Gap; error: unknown }) & {
  items: I[];
  /** The first page's full output (for members beside the list, e.g. QueryInfo). */
  first?: O;
  call: ApiCall;
};

/**
 * Follows NextToken until the service stops returning one. Never stops on an empty page: the
 * aggregate operations document empty pages that still carry a token. A page without the list at
 * all, or a token handed back twice, ends the read with a gap. Records one ApiCall for the
 * whole sequence (pages, items, the first page's request id). On failure returns what was read
 * so far with the gap; the caller decides whether partial data is usable (it never is for a pass).
 */
export async function paginateAws<O extends OperationName, K extends ListKey<O>>(
  ctx: CollectContext<'aws'>, op: O, input: In<O>, listKey: K, target: CallTarget, page: PageOptions = {},
): Promise<PagesResult<ItemOf<O, K>, Out<O>>> {
  const request: Record<string, unknown> = { ...(input as object) };
  if (page.pageSizeKey && page.pageSize !== undefined) request[page.pageSizeKey] = page.pageSize;
  const call: ApiCall = { source: 'aws-config', operation: `config:${op}`, params: withoutToken(request), at: ctx.now().toISOString(), region: target.region, pages: 0, items: 0 };
  const items: Array<ItemOf<O, K>> = [];
  let first: Out<O> | undefined;
  let token: string | undefined;
  const seen = new Set<string>();
  do {
    let out: Out<O>;
    try {
      out = await sendRaw(ctx, op, (token ? { ...request, NextToken: token } : request) as In<O>, target);
    } catch (error) {
      recordFailure(call, error);
      call.items = items.length;
      return { ok: false, error, gap: gapFromAwsError(error, { ...target, operation: op }), items, call, ...(first ? { first } : {}) };
    }
    first ??= out;
    call.pages = (call.pages ?? 0) + 1;
    call.status = out.$metadata.httpStatusCode ?? 200;
    if (!call.requestId && out.$metadata.requestId) call.requestId = out.$metadata.requestId;
    const list = (out as unknown as Record<string, unknown>)[listKey as string];
    // An answer without its list is not an empty list: an empty body parses to {} as well.
    if (!Array.isArray(list)) {
      call.items = items.length;
      const gap: Gap = { kind: 'other', resource: target.resource ?? target.region, message: `config:${op} in ${target.region} answered page ${call.pages} without its list (${String(listKey)}), so soc2 could not tell what it holds; the list is incomplete. Run again; if it persists, report it to AWS Support.` };
      return { ok: false, error: new Error(`answer without ${String(listKey)}`), gap, items, call, ...(first ? { first } : {}) };
    }
    items.push(...(list as Array<ItemOf<O, K>>));
    page.onPage?.(list);
    token = (out as { NextToken?: string }).NextToken || undefined;
    // A token handed back twice would loop forever. Stopping there would silently drop pages, so
    // it is a gap: the list is incomplete.
    if (token && seen.has(token)) {
      call.items = items.length;
      const gap: Gap = { kind: 'other', resource: target.resource ?? target.region, message: `config:${op} in ${target.region} returned the same NextToken twice after ${call.pages} pages; the list is incomplete. Run again; if it persists, report it to AWS Support.` };
      return { ok: false, error: new Error('repeated NextToken'), gap, items, call, ...(first ? { first } : {}) };
    }
    if (token) seen.add(token);
  } while (token);
  call.items = items.length;
  return { ok: true, items, call, ...(first ? { first } : {}) };
}
