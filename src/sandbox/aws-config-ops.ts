/**
 * AWS Config operations as the fake server answers them: pure functions of the estate, the
 * caller (account and region from the request's SigV4 scope) and the JSON input. Member names,
 * page caps and defaults, error codes and messages follow the service model (botocore
 * config/2014-11-12) and the quirks noted in docs/reference: timestamps are epoch seconds, list
 * members are omitted filters return everything, NextToken is opaque and bound to its request.
 */
import type {
  AwsAggregator, AwsEstate, AwsEvaluation, AwsRegionEstate, AwsRule,
} from './estate/aws.js';
import { stableId } from './estate/aws.js';
import { InvalidExpression, matches, parseQuery, project } from './aws-config-query.js';

/** An error the service answers with: HTTP status and `{"__type": code, "message": …}`. */
export class AwsApiError extends Error {
  constructor(readonly code: string, message: string, readonly status = 400) {
    super(message);
  }
}

export interface Caller {
  account: string;
  region: string;
  /** The access key, for AccessDenied messages. */
  accessKeyId: string;
}

type Input = Record<string, unknown>;
type Handler = (estate: AwsEstate, caller: Caller, input: Input) => Record<string, unknown>;

// ── Helpers ───────────────────────────────────────────────────────────────────────────────────

const EMPTY_REGION: AwsRegionEstate = { rules: [], conformancePacks: [], resources: [] };

function regionOf(estate: AwsEstate, account: string, region: string): AwsRegionEstate {
  return estate.accounts.find((a) => a.id === account)?.regions[region] ?? EMPTY_REGION;
}

/** Epoch seconds, as AWS JSON 1.1 sends timestamps. */
function ts(iso: string | undefined): number | undefined {
  return iso === undefined ? undefined : Date.parse(iso) / 1000;
}

/** Drops undefined members so the JSON looks like the service's (absent, not null). */
function clean<T extends Record<string, unknown>>(o: T): T {
  for (const k of Object.keys(o)) if (o[k] === undefined) delete o[k];
  return o;
}

function validation(member: string, value: unknown, constraint: string): AwsApiError {
  return new AwsApiError('ValidationException', `1 validation error detected: Value '${String(value)}' at '${member}' failed to satisfy constraint: ${constraint}`);
}

function required(input: Input, member: string): string {
  const v = input[member];
  if (typeof v !== 'string' || v === '') {
    const camel = member[0]!.toLowerCase() + member.slice(1);
    throw validation(camel, v ?? 'null', 'Member must not be null');
  }
  return v;
}

function stringList(input: Input, member: string, max: number): string[] | undefined {
  const v = input[member];
  if (v === undefined) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw new AwsApiError('SerializationException', `${member} must be a list of strings`);
  if (v.length > max) {
    const camel = member[0]!.toLowerCase() + member.slice(1);
    throw validation(camel, `[${v.join(', ')}]`, `Member must have length less than or equal to ${max}`);
  }
  return v as string[];
}

interface PageSpec {
  /** Page-size member(s); the first one present wins. None: the service picks the size. */
  sizeKeys: Array<'Limit' | 'MaxResults'>;
  max: number;
  /** Size when the member is absent or 0. */
  default: number;
  /** Error code for an out-of-range size (ValidationException unless the model names another). */
  limitError?: 'InvalidLimitException';
}

function fingerprint(op: string, input: Input): string {
  const { NextToken: _t, Limit: _l, MaxResults: _m, ...rest } = input;
  return stableId(op + JSON.stringify(rest, Object.keys(rest).sort()), 10);
}

/**
 * One page of `items`. The token encodes the offset and a fingerprint of the request, so a token
 * used with different parameters (or made up) is an InvalidNextTokenException, as in AWS.
 */
function page<T>(op: string, input: Input, items: readonly T[], spec: PageSpec): { page: T[]; NextToken?: string } {
  let size = spec.default;
  for (const key of spec.sizeKeys) {
    const v = input[key];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > spec.max) {
      if (spec.limitError) throw new AwsApiError(spec.limitError, `The ${key} value ${String(v)} is outside the allowed range 0..${spec.max}.`);
      throw validation(key[0]!.toLowerCase() + key.slice(1), v, `Member must have value less than or equal to ${spec.max}`);
    }
    if (v > 0) size = v;
    break;
  }
  const fp = fingerprint(op, input);
  let offset = 0;
  const token = input.NextToken;
  if (token !== undefined && token !== '') {
    try {
      const decoded = JSON.parse(Buffer.from(String(token), 'base64url').toString('utf8')) as { o: number; f: string };
      if (decoded.f !== fp || !Number.isInteger(decoded.o) || decoded.o < 0 || decoded.o > items.length) throw new Error('mismatch');
      offset = decoded.o;
    } catch {
      throw new AwsApiError('InvalidNextTokenException', 'The nextToken provided is invalid');
    }
  }
  const slice = items.slice(offset, offset + size);
  const end = offset + slice.length;
  return end < items.length ? { page: slice, NextToken: Buffer.from(JSON.stringify({ o: end, f: fp })).toString('base64url') } : { page: slice };
}

function ruleArn(caller: { account: string; region: string }, rule: AwsRule): string {
  return `arn:aws:config:${caller.region}:${caller.account}:config-rule/${rule.id}`;
}

/** Rule-level compliance: never NOT_APPLICABLE; INSUFFICIENT_DATA when nothing is COMPLIANT or NON_COMPLIANT. */
function ruleCompliance(rule: AwsRule): Record<string, unknown> {
  const failing = rule.results.filter((r) => r.compliance === 'NON_COMPLIANT').length;
  if (failing > 0) return { ComplianceType: 'NON_COMPLIANT', ComplianceContributorCount: { CappedCount: Math.min(failing, 100), CapExceeded: failing > 100 } };
  if (rule.results.some((r) => r.compliance === 'COMPLIANT')) return { ComplianceType: 'COMPLIANT' };
  return { ComplianceType: 'INSUFFICIENT_DATA' };
}

function evaluationResult(rule: AwsRule, r: AwsEvaluation): Record<string, unknown> {
  return clean({
    EvaluationResultIdentifier: {
      EvaluationResultQualifier: { ConfigRuleName: rule.name, ResourceType: r.resourceType, ResourceId: r.resourceId, EvaluationMode: 'DETECTIVE' },
      OrderingTimestamp: ts(r.recordedAt),
    },
    ComplianceType: r.compliance,
    ResultRecordedTime: ts(r.recordedAt),
    ConfigRuleInvokedTime: ts(r.invokedAt),
    Annotation: r.annotation,
  });
}

const COMPLIANCE_TYPES = ['COMPLIANT', 'NON_COMPLIANT', 'NOT_APPLICABLE', 'INSUFFICIENT_DATA'];

function complianceFilter(input: Input, member: string): string[] | undefined {
  const list = stringList(input, member, 3);
  if (!list) return undefined;
  for (const t of list) {
    if (!COMPLIANCE_TYPES.includes(t)) throw validation(member, t, `Member must satisfy enum value set: [${COMPLIANCE_TYPES.join(', ')}]`);
  }
  return list;
}

function findRule(region: AwsRegionEstate, name: string): AwsRule {
  const rule = region.rules.find((r) => r.name === name);
  if (!rule) throw new AwsApiError('NoSuchConfigRuleException', `The ConfigRule '${name}' provided in the request is invalid. Please check the configRule name.`);
  return rule;
}

function findAggregator(estate: AwsEstate, caller: Caller, name: string): AwsAggregator {
  const agg = estate.aggregators.find((a) => a.name === name && a.account === caller.account && a.region === caller.region);
  if (!agg) throw new AwsApiError('NoSuchConfigurationAggregatorException', 'The configuration aggregator does not exist. Check the configuration aggregator name and try again.');
  return agg;
}

function aggregatorArn(agg: AwsAggregator): string {
  return `arn:aws:config:${agg.region}:${agg.account}:config-aggregator/config-aggregator-${stableId(agg.name, 8)}`;
}

/**
 * The recorder's own configuration item, with the property names of its Config resource schema
 * (configuration.Recording, configuration.RecordingGroup.AllSupported, …).
 */
function recorderItemRow(account: string, region: string, estate: AwsRegionEstate): Record<string, unknown> | undefined {
  const rec = estate.recorder;
  if (estate.recorderItem === null || (!rec && !estate.recorderItem)) return undefined;
  const name = rec?.name ?? 'default';
  const configuration = estate.recorderItem?.configuration ?? {
    Name: name,
    RoleARN: rec!.roleARN,
    Recording: rec!.recording,
    RecordingGroup: {
      AllSupported: rec!.allSupported,
      IncludeGlobalResourceTypes: rec!.includeGlobalResourceTypes,
      ResourceTypes: rec!.resourceTypes ?? [],
      ExclusionByResourceTypes: { ResourceTypes: [] },
      RecordingStrategy: { UseOnly: rec!.allSupported ? 'ALL_SUPPORTED_RESOURCE_TYPES' : 'INCLUSION_BY_RESOURCE_TYPES' },
    },
    RecordingMode: { RecordingFrequency: 'CONTINUOUS', RecordingModeOverrides: [] },
  };
  return {
    accountId: account,
    awsRegion: region,
    resourceId: name,
    resourceName: name,
    resourceType: 'AWS::Config::ConfigurationRecorder',
    arn: `arn:aws:config:${region}:${account}:configuration-recorder/${name}/${stableId(account + region, 16)}`,
    configurationItemCaptureTime: rec?.lastStatusChangeTime,
    configurationItemStatus: estate.recorderItem?.status ?? 'OK',
    tags: [],
    configuration,
    supplementaryConfiguration: {},
  };
}

/** Rows an advanced query sees: one per configuration item, with the common top-level properties. */
function queryRows(estate: AwsEstate, sources: Array<{ account: string; region: string }>): Array<Record<string, unknown>> {
  return sources.flatMap(({ account, region }) => {
    const recorder = recorderItemRow(account, region, regionOf(estate, account, region));
    return recorder ? [clean(recorder), ...resourceRows(estate, account, region)] : resourceRows(estate, account, region);
  });
}

function resourceRows(estate: AwsEstate, account: string, region: string): Array<Record<string, unknown>> {
  return regionOf(estate, account, region).resources.map((r) => clean({
    accountId: account,
    awsRegion: region,
    resourceId: r.resourceId,
    resourceType: r.resourceType,
    resourceName: r.resourceName,
    arn: r.arn,
    availabilityZone: r.availabilityZone,
    configurationItemCaptureTime: r.configurationItemCaptureTime,
    configurationItemStatus: 'OK',
    tags: Object.entries(r.tags ?? {}).map(([key, value]) => ({ key, value, tag: `${key}=${value}` })),
    configuration: r.configuration,
    supplementaryConfiguration: r.supplementaryConfiguration ?? {},
  }));
}

function runQuery(op: string, input: Input, rows: Array<Record<string, unknown>>, spec: PageSpec): Record<string, unknown> {
  const expression = required(input, 'Expression');
  if (expression.length > 4096) throw validation('expression', '…', 'Member must have length less than or equal to 4096');
  let query;
  try {
    query = parseQuery(expression);
  } catch (e) {
    if (e instanceof InvalidExpression) throw new AwsApiError('InvalidExpressionException', `Invalid expression: ${e.message}`);
    throw e;
  }
  const selected = rows.filter((row) => !query.where || matches(query.where, row)).map((row) => JSON.stringify(project(row, query.fields)));
  const { page: results, NextToken } = page(op, input, selected, spec);
  return clean({ Results: results, QueryInfo: { SelectFields: query.fields.map((Name) => ({ Name })) }, NextToken });
}

// ── Operations ────────────────────────────────────────────────────────────────────────────────

const describeConfigurationRecorders: Handler = (estate, caller, input) => {
  const names = stringList(input, 'ConfigurationRecorderNames', Infinity);
  if (names && names.length > 1) throw new AwsApiError('ValidationException', 'You can specify only one configuration recorder name.');
  const { recorder } = regionOf(estate, caller.account, caller.region);
  if (names?.length && names[0] !== recorder?.name) {
    throw new AwsApiError('NoSuchConfigurationRecorderException', `Cannot find configuration recorder with the specified name '${names[0]}'.`);
  }
  if (!recorder) return { ConfigurationRecorders: [] };
  return {
    ConfigurationRecorders: [clean({
      arn: `arn:aws:config:${caller.region}:${caller.account}:configuration-recorder/${recorder.name}/${stableId(caller.account + caller.region, 16)}`,
      name: recorder.name,
      roleARN: recorder.roleARN,
      recordingGroup: {
        allSupported: recorder.allSupported,
        includeGlobalResourceTypes: recorder.includeGlobalResourceTypes,
        resourceTypes: recorder.resourceTypes ?? [],
        exclusionByResourceTypes: { resourceTypes: [] },
        recordingStrategy: { useOnly: recorder.allSupported ? 'ALL_SUPPORTED_RESOURCE_TYPES' : 'INCLUSION_BY_RESOURCE_TYPES' },
      },
      recordingMode: { recordingFrequency: 'CONTINUOUS', recordingModeOverrides: [] },
      recordingScope: 'PAID',
    })],
  };
};

const describeConfigurationRecorderStatus: Handler = (estate, caller, input) => {
  const names = stringList(input, 'ConfigurationRecorderNames', Infinity);
  if (names && names.length > 1) throw new AwsApiError('ValidationException', 'You can specify only one configuration recorder name.');
  const { recorder } = regionOf(estate, caller.account, caller.region);
  if (names?.length && names[0] !== recorder?.name) {
    throw new AwsApiError('NoSuchConfigurationRecorderException', `Cannot find configuration recorder with the specified name '${names[0]}'.`);
  }
  if (!recorder) return { ConfigurationRecordersStatus: [] };
  return {
    ConfigurationRecordersStatus: [clean({
      arn: `arn:aws:config:${caller.region}:${caller.account}:configuration-recorder/${recorder.name}/${stableId(caller.account + caller.region, 16)}`,
      name: recorder.name,
      lastStartTime: ts(recorder.lastStartTime),
      lastStopTime: ts(recorder.lastStopTime),
      recording: recorder.recording,
      lastStatus: recorder.lastStatus,
      lastErrorCode: recorder.lastErrorCode,
      lastErrorMessage: recorder.lastErrorMessage,
      lastStatusChangeTime: ts(recorder.lastStatusChangeTime),
    })],
  };
};

const describeDeliveryChannels: Handler = (estate, caller, input) => {
  const names = stringList(input, 'DeliveryChannelNames', Infinity);
  const { deliveryChannel: ch } = regionOf(estate, caller.account, caller.region);
  if (names?.length && (names.length > 1 || names[0] !== ch?.name)) {
    throw new AwsApiError('NoSuchDeliveryChannelException', `Cannot find delivery channel with specified name '${names.find((n) => n !== ch?.name) ?? names[0]}'.`);
  }
  if (!ch) return { DeliveryChannels: [] };
  return {
    DeliveryChannels: [clean({
      name: ch.name, s3BucketName: ch.s3BucketName, s3KeyPrefix: ch.s3KeyPrefix, snsTopicARN: ch.snsTopicARN,
      configSnapshotDeliveryProperties: { deliveryFrequency: ch.deliveryFrequency },
    })],
  };
};

const describeDeliveryChannelStatus: Handler = (estate, caller, input) => {
  const names = stringList(input, 'DeliveryChannelNames', Infinity);
  const { deliveryChannel: ch } = regionOf(estate, caller.account, caller.region);
  if (names?.length && (names.length > 1 || names[0] !== ch?.name)) {
    throw new AwsApiError('NoSuchDeliveryChannelException', `Cannot find delivery channel with specified name '${names.find((n) => n !== ch?.name) ?? names[0]}'.`);
  }
  if (!ch) return { DeliveryChannelsStatus: [] };
  const info = clean({
    lastStatus: ch.lastStatus, lastErrorCode: ch.lastErrorCode, lastErrorMessage: ch.lastErrorMessage,
    lastAttemptTime: ts(ch.lastAttemptTime), lastSuccessfulTime: ts(ch.lastSuccessfulTime),
  });
  return {
    DeliveryChannelsStatus: [{
      name: ch.name,
      configSnapshotDeliveryInfo: { ...info, nextDeliveryTime: (Date.parse(ch.lastAttemptTime) + 86_400_000) / 1000 },
      configHistoryDeliveryInfo: info,
      configStreamDeliveryInfo: { lastStatus: ch.snsTopicARN ? ch.lastStatus : 'Not_Applicable', lastStatusChangeTime: ts(ch.lastAttemptTime) },
    }],
  };
};

const describeConfigRules: Handler = (estate, caller, input) => {
  const names = stringList(input, 'ConfigRuleNames', 25);
  const region = regionOf(estate, caller.account, caller.region);
  const rules = names ? names.map((n) => findRule(region, n)) : region.rules;
  // No page-size member: the service decides. 25 keeps several pages in view for tests.
  const { page: list, NextToken } = page('DescribeConfigRules', input, rules, { sizeKeys: [], max: 25, default: 25 });
  return clean({
    ConfigRules: list.map((r) => clean({
      ConfigRuleName: r.name,
      ConfigRuleArn: ruleArn(caller, r),
      ConfigRuleId: r.id,
      Description: r.description,
      Scope: r.resourceTypes.length ? { ComplianceResourceTypes: r.resourceTypes } : undefined,
      Source: clean({
        Owner: r.owner,
        SourceIdentifier: r.identifier,
        SourceDetails: r.owner === 'CUSTOM_LAMBDA' ? [{ EventSource: 'aws.config', MessageType: 'ConfigurationItemChangeNotification' }] : undefined,
      }),
      InputParameters: JSON.stringify(r.inputParameters ?? {}),
      MaximumExecutionFrequency: r.maximumExecutionFrequency,
      ConfigRuleState: r.state,
      CreatedBy: r.conformancePack ? 'config-conforms.amazonaws.com' : undefined,
      EvaluationModes: [{ Mode: 'DETECTIVE' }],
    })),
    NextToken,
  });
};

const describeConfigRuleEvaluationStatus: Handler = (estate, caller, input) => {
  const names = stringList(input, 'ConfigRuleNames', 1000);
  const region = regionOf(estate, caller.account, caller.region);
  const rules = names ? names.map((n) => findRule(region, n)) : region.rules;
  const { page: list, NextToken } = page('DescribeConfigRuleEvaluationStatus', input, rules, { sizeKeys: ['Limit'], max: 50, default: 50 });
  return clean({
    ConfigRulesEvaluationStatus: list.map((r) => clean({
      ConfigRuleName: r.name,
      ConfigRuleArn: ruleArn(caller, r),
      ConfigRuleId: r.id,
      LastSuccessfulInvocationTime: ts(r.evaluation.lastSuccessfulInvocationTime),
      LastFailedInvocationTime: ts(r.evaluation.lastFailedInvocationTime),
      LastSuccessfulEvaluationTime: ts(r.evaluation.lastSuccessfulEvaluationTime),
      LastFailedEvaluationTime: ts(r.evaluation.lastFailedEvaluationTime),
      FirstActivatedTime: ts(r.evaluation.firstActivatedTime),
      LastErrorCode: r.evaluation.lastErrorCode,
      LastErrorMessage: r.evaluation.lastErrorMessage,
      FirstEvaluationStarted: r.evaluation.firstEvaluationStarted,
    })),
    NextToken,
  });
};

const describeComplianceByConfigRule: Handler = (estate, caller, input) => {
  const names = stringList(input, 'ConfigRuleNames', 25);
  const types = complianceFilter(input, 'ComplianceTypes');
  const region = regionOf(estate, caller.account, caller.region);
  const rules = (names ? names.map((n) => findRule(region, n)) : region.rules)
    .map((r) => ({ ConfigRuleName: r.name, Compliance: ruleCompliance(r) }))
    .filter((c) => !types || types.includes(String(c.Compliance.ComplianceType)));
  const { page: list, NextToken } = page('DescribeComplianceByConfigRule', input, rules, { sizeKeys: [], max: 25, default: 25 });
  return clean({ ComplianceByConfigRules: list, NextToken });
};

const getComplianceDetailsByConfigRule: Handler = (estate, caller, input) => {
  const name = required(input, 'ConfigRuleName');
  const types = complianceFilter(input, 'ComplianceTypes');
  if (types?.includes('INSUFFICIENT_DATA')) {
    throw new AwsApiError('InvalidParameterValueException', 'INSUFFICIENT_DATA cannot be used as a ComplianceType for filtering results.');
  }
  const rule = findRule(regionOf(estate, caller.account, caller.region), name);
  const results = rule.results.filter((r) => !types || types.includes(r.compliance));
  const { page: list, NextToken } = page('GetComplianceDetailsByConfigRule', input, results, { sizeKeys: ['Limit'], max: 100, default: 10 });
  return clean({ EvaluationResults: list.map((r) => evaluationResult(rule, r)), NextToken });
};

const selectAggregateResourceConfig: Handler = (estate, caller, input) => {
  const agg = findAggregator(estate, caller, required(input, 'ConfigurationAggregatorName'));
  return runQuery('SelectAggregateResourceConfig', input, queryRows(estate, agg.sources), { sizeKeys: ['Limit', 'MaxResults'], max: 100, default: 25, limitError: 'InvalidLimitException' });
};

const describeConfigurationAggregators: Handler = (estate, caller, input) => {
  const names = stringList(input, 'ConfigurationAggregatorNames', 10);
  const mine = estate.aggregators.filter((a) => a.account === caller.account && a.region === caller.region);
  const selected = names ? names.map((n) => findAggregator(estate, caller, n)) : mine;
  const { page: list, NextToken } = page('DescribeConfigurationAggregators', input, selected, { sizeKeys: ['Limit'], max: 100, default: 100, limitError: 'InvalidLimitException' });
  return clean({
    ConfigurationAggregators: list.map((a) => ({
      ConfigurationAggregatorName: a.name,
      ConfigurationAggregatorArn: aggregatorArn(a),
      AccountAggregationSources: [{ AccountIds: [...new Set(a.sources.map((s) => s.account))], AllAwsRegions: false, AwsRegions: [...new Set(a.sources.map((s) => s.region))] }],
      CreationTime: ts(a.createdAt),
      LastUpdatedTime: ts(a.createdAt),
    })),
    NextToken,
  });
};

const UPDATE_STATUSES = ['FAILED', 'SUCCEEDED', 'OUTDATED'];

const describeConfigurationAggregatorSourcesStatus: Handler = (estate, caller, input) => {
  const agg = findAggregator(estate, caller, required(input, 'ConfigurationAggregatorName'));
  const statuses = stringList(input, 'UpdateStatus', 3);
  if (statuses?.length === 0) throw validation('updateStatus', '[]', 'Member must have length greater than or equal to 1');
  for (const st of statuses ?? []) {
    if (!UPDATE_STATUSES.includes(st)) throw validation('updateStatus', st, `Member must satisfy enum value set: [${UPDATE_STATUSES.join(', ')}]`);
  }
  // An organization source reports per region, not per account: the first source in a region stands for it.
  const listed = agg.sources.filter((s) => s.listed !== false);
  const sources = agg.organizationId ? listed.filter((s, i) => listed.findIndex((t) => t.region === s.region) === i) : listed;
  const rows = sources.filter((s) => !statuses || statuses.includes(s.status)).map((s) => clean({
    SourceId: agg.organizationId ?? s.account, SourceType: agg.organizationId ? 'ORGANIZATION' : 'ACCOUNT', AwsRegion: s.region, LastUpdateStatus: s.status,
    LastUpdateTime: ts(s.lastUpdateTime), LastErrorCode: s.errorCode, LastErrorMessage: s.errorMessage,
  }));
  const { page: list, NextToken } = page('DescribeConfigurationAggregatorSourcesStatus', input, rows, { sizeKeys: ['Limit'], max: 100, default: 100, limitError: 'InvalidLimitException' });
  return clean({ AggregatedSourceStatusList: list, NextToken });
};

function aggregateFilter(filters: Input, key: string, value: string): boolean {
  return filters[key] === undefined || filters[key] === value;
}

const describeAggregateComplianceByConfigRules: Handler = (estate, caller, input) => {
  const agg = findAggregator(estate, caller, required(input, 'ConfigurationAggregatorName'));
  const filters = (input.Filters ?? {}) as Input;
  if (filters.ComplianceType !== undefined && !['COMPLIANT', 'NON_COMPLIANT'].includes(String(filters.ComplianceType))) {
    throw validation('filters.complianceType', filters.ComplianceType, 'Member must satisfy enum value set: [COMPLIANT, NON_COMPLIANT]');
  }
  const rows = agg.sources.flatMap((s) => regionOf(estate, s.account, s.region).rules
    // "Does not display rules that do not have compliance results."
    .filter((r) => r.results.length > 0)
    .map((r) => ({ ConfigRuleName: r.name, Compliance: ruleCompliance(r), AccountId: s.account, AwsRegion: s.region })))
    .filter((row) => aggregateFilter(filters, 'ConfigRuleName', row.ConfigRuleName) && aggregateFilter(filters, 'AccountId', row.AccountId)
      && aggregateFilter(filters, 'AwsRegion', row.AwsRegion) && aggregateFilter(filters, 'ComplianceType', String(row.Compliance.ComplianceType)));
  const { page: list, NextToken } = page('DescribeAggregateComplianceByConfigRules', input, rows, { sizeKeys: ['Limit'], max: 1000, default: 1000, limitError: 'InvalidLimitException' });
  return clean({ AggregateComplianceByConfigRules: list, NextToken });
};

const getAggregateComplianceDetailsByConfigRule: Handler = (estate, caller, input) => {
  const agg = findAggregator(estate, caller, required(input, 'ConfigurationAggregatorName'));
  const ruleName = required(input, 'ConfigRuleName');
  const account = required(input, 'AccountId');
  const region = required(input, 'AwsRegion');
  if (!/^\d{12}$/.test(account)) throw validation('accountId', account, 'Member must satisfy regular expression pattern: \\d{12}');
  // "Config supports only the COMPLIANT and NON_COMPLIANT" for aggregate results and their filter.
  const type = input.ComplianceType as string | undefined;
  if (type !== undefined && !['COMPLIANT', 'NON_COMPLIANT'].includes(type)) {
    throw validation('complianceType', type, 'Member must satisfy enum value set: [COMPLIANT, NON_COMPLIANT]');
  }
  const inScope = agg.sources.some((s) => s.account === account && s.region === region);
  const rule = inScope ? regionOf(estate, account, region).rules.find((r) => r.name === ruleName) : undefined;
  const rows = (rule?.results ?? []).filter((r) => r.compliance !== 'NOT_APPLICABLE' && (!type || r.compliance === type))
    .map((r) => ({ ...evaluationResult(rule!, r), AccountId: account, AwsRegion: region }));
  const { page: list, NextToken } = page('GetAggregateComplianceDetailsByConfigRule', input, rows, { sizeKeys: ['Limit'], max: 100, default: 50, limitError: 'InvalidLimitException' });
  return clean({ AggregateEvaluationResults: list, NextToken });
};

/** Operation name (the part after 'StarlingDoveService.') → handler. */
export const OPERATIONS: Readonly<Record<string, Handler>> = {
  DescribeConfigurationRecorders: describeConfigurationRecorders,
  DescribeConfigurationRecorderStatus: describeConfigurationRecorderStatus,
  DescribeDeliveryChannels: describeDeliveryChannels,
  DescribeDeliveryChannelStatus: describeDeliveryChannelStatus,
  DescribeConfigRules: describeConfigRules,
  DescribeConfigRuleEvaluationStatus: describeConfigRuleEvaluationStatus,
  DescribeComplianceByConfigRule: describeComplianceByConfigRule,
  GetComplianceDetailsByConfigRule: getComplianceDetailsByConfigRule,
  SelectAggregateResourceConfig: selectAggregateResourceConfig,
  DescribeConfigurationAggregators: describeConfigurationAggregators,
  DescribeConfigurationAggregatorSourcesStatus: describeConfigurationAggregatorSourcesStatus,
  DescribeAggregateComplianceByConfigRules: describeAggregateComplianceByConfigRules,
  GetAggregateComplianceDetailsByConfigRule: getAggregateComplianceDetailsByConfigRule,
};

/** Page caps and defaults the fake applies, for computing the fewest requests a read needs. */
export const PAGE_SIZES = {
  DescribeConfigRules: 25,
  DescribeComplianceByConfigRule: 25,
  DescribeConfigRuleEvaluationStatus: 50,
  GetComplianceDetailsByConfigRule: 100,
  GetAggregateComplianceDetailsByConfigRule: 100,
  DescribeAggregateComplianceByConfigRules: 1000,
} as const;
