/**
 * The AWS side of the sandbox: what the fake AWS Config server serves. `demoAwsEstate()` is a
 * fictional company, Northwind Analytics, with problems an auditor would find; `benchAwsEstate()`
 * generates a large, healthy estate for the benchmark. All dates are derived from one clock, so
 * the estate is deterministic for a given `now`.
 */
import { RULE_CATALOG, SOC2_PACK_RULES, consoleNameOf, packRuleName, ruleNameOf } from '../aws-rule-catalog.js';

// ── Types ─────────────────────────────────────────────────────────────────────────────────────

export type RecorderLastStatus = 'Pending' | 'Success' | 'Failure';
export type DeliveryLastStatus = 'Success' | 'Failure' | 'Not_Applicable';
export type ResourceCompliance = 'COMPLIANT' | 'NON_COMPLIANT' | 'NOT_APPLICABLE';
export type SourceUpdateStatus = 'SUCCEEDED' | 'FAILED' | 'OUTDATED';

export interface AwsEstate {
  /** The estate's clock (ISO-8601): every date in it is relative to this instant. */
  now: string;
  /** Regions a run of the demo should name; the first is the home region (aggregator lives there). */
  regions: string[];
  /** Access key id → the account it signs for. Unknown keys are rejected the way AWS rejects them. */
  /** arn: the principal STS GetCallerIdentity names (default: a user soc2-auditor in the account). */
  accessKeys: Record<string, { account: string; expired?: boolean; arn?: string }>;
  /** A key pair the fake accepts, for `soc2 demo` (no secret is ever checked). */
  demoCredentials: { accessKeyId: string; secretAccessKey: string };
  accounts: AwsAccount[];
  aggregators: AwsAggregator[];
}

export interface AwsAccount {
  id: string;
  name: string;
  /** Region → what AWS Config holds there. A region not listed has no Config setup at all. */
  regions: Record<string, AwsRegionEstate>;
}

export interface AwsRegionEstate {
  recorder?: AwsRecorder;
  deliveryChannel?: AwsDeliveryChannel;
  rules: AwsRule[];
  conformancePacks: AwsConformancePack[];
  /** Configuration items, for SelectResourceConfig. */
  resources: AwsConfigItem[];
  /**
   * The configuration item Config keeps of the recorder itself (AWS::Config::ConfigurationRecorder,
   * a system resource type recorded by default), served to advanced queries. Derived from
   * `recorder` unless set: null when Config holds none, or a replacement `configuration` to model
   * members AWS leaves out.
   */
  recorderItem?: null | { configuration: Record<string, unknown>; status?: string };
}

export interface AwsRecorder {
  name: string;
  roleARN: string;
  allSupported: boolean;
  includeGlobalResourceTypes: boolean;
  /** Listed types when allSupported is false. */
  resourceTypes?: string[];
  recording: boolean;
  lastStatus: RecorderLastStatus;
  lastStartTime: string;
  lastStopTime?: string;
  lastStatusChangeTime: string;
  lastErrorCode?: string;
  lastErrorMessage?: string;
}

export interface AwsDeliveryChannel {
  name: string;
  s3BucketName: string;
  s3KeyPrefix?: string;
  snsTopicARN?: string;
  deliveryFrequency: 'One_Hour' | 'Three_Hours' | 'Six_Hours' | 'Twelve_Hours' | 'TwentyFour_Hours';
  lastStatus: DeliveryLastStatus;
  lastAttemptTime: string;
  lastSuccessfulTime?: string;
  lastErrorCode?: string;
  lastErrorMessage?: string;
}

export interface AwsRuleEvaluationStatus {
  firstActivatedTime: string;
  firstEvaluationStarted: boolean;
  lastSuccessfulInvocationTime?: string;
  lastFailedInvocationTime?: string;
  lastSuccessfulEvaluationTime?: string;
  lastFailedEvaluationTime?: string;
  lastErrorCode?: string;
  lastErrorMessage?: string;
}

export interface AwsRule {
  name: string;
  /** 'config-rule-xxxxxx' */
  id: string;
  /** Managed rule identifier (Source.SourceIdentifier), or a Lambda ARN for custom rules. */
  identifier: string;
  owner: 'AWS' | 'CUSTOM_LAMBDA' | 'CUSTOM_POLICY';
  description?: string;
  inputParameters?: Record<string, string>;
  /** Scope.ComplianceResourceTypes; empty for periodic account-level rules. */
  resourceTypes: string[];
  maximumExecutionFrequency?: 'One_Hour' | 'Three_Hours' | 'Six_Hours' | 'Twelve_Hours' | 'TwentyFour_Hours';
  state: 'ACTIVE' | 'DELETING' | 'DELETING_RESULTS' | 'EVALUATING';
  /** Name of the conformance pack that deployed it (its name then carries the pack's suffix). */
  conformancePack?: string;
  /** SOC 2 criteria the pack maps the rule to (ConformancePackRuleCompliance.Controls). */
  controls?: string[];
  evaluation: AwsRuleEvaluationStatus;
  results: AwsEvaluation[];
}

export interface AwsEvaluation {
  resourceType: string;
  resourceId: string;
  compliance: ResourceCompliance;
  annotation?: string;
  /** ResultRecordedTime; absent to model an answer that leaves it out (the model marks it optional). */
  recordedAt?: string;
  /** ConfigRuleInvokedTime; absent likewise. */
  invokedAt?: string;
}

export interface AwsConformancePack {
  name: string;
  /** 'conformance-pack-xxxxxxxxx'; rule names deployed by the pack end with '-' + this id. */
  id: string;
  deliveryS3Bucket?: string;
  lastUpdateRequestedTime: string;
}

export interface AwsConfigItem {
  resourceType: string;
  resourceId: string;
  resourceName?: string;
  arn?: string;
  availabilityZone?: string;
  tags?: Record<string, string>;
  configuration: Record<string, unknown>;
  supplementaryConfiguration?: Record<string, unknown>;
  configurationItemCaptureTime: string;
}

export interface AwsAggregatorSource {
  account: string;
  region: string;
  /** False: the aggregator serves this source's data but leaves it out of its source status list. */
  listed?: boolean;
  status: SourceUpdateStatus;
  lastUpdateTime: string;
  errorCode?: string;
  errorMessage?: string;
}

export interface AwsAggregator {
  name: string;
  /**
   * Set for an organization aggregator: its source status then lists one ORGANIZATION row per
   * region (SourceId = this id), not one row per account, as AWS does.
   */
  organizationId?: string;
  /** Account and region the aggregator lives in (its API only answers there). */
  account: string;
  region: string;
  createdAt: string;
  /** One entry per account and region the aggregator collects from. */
  sources: AwsAggregatorSource[];
}

// ── Small deterministic helpers ───────────────────────────────────────────────────────────────

/** FNV-1a, base 36: stable pseudo-random ids from names. */
export function stableId(text: string, length = 8): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = '';
  let x = h;
  while (out.length < length) {
    out += (x % 36).toString(36);
    x = Math.floor(x / 36) || Math.imul(x ^ 0x5bd1e995, 0x01000193) >>> 0 || 7;
  }
  return out;
}

function hoursBefore(now: string, hours: number): string {
  return new Date(Date.parse(now) - hours * 3_600_000).toISOString();
}

export interface RuleSpec {
  identifier: string;
  /** Results per resource; resources not listed in `outcomes` are COMPLIANT. */
  resources: Array<Pick<AwsConfigItem, 'resourceType' | 'resourceId'>>;
  outcomes?: Record<string, { compliance: ResourceCompliance; annotation?: string }>;
  pack?: AwsConformancePack;
  controls?: string[];
  /** Hours before `now` of the last successful evaluation (default 2). */
  evaluatedHoursAgo?: number;
  /** The last evaluation failed with this error (and no results were produced since). */
  failedWith?: { code: string; message: string };
  name?: string;
  inputParameters?: Record<string, string>;
}

/** A managed rule as Config describes it, with results for the given resources. */
export function managedRule(now: string, account: string, region: string, spec: RuleSpec): AwsRule {
  const catalog = RULE_CATALOG[spec.identifier];
  const types = catalog?.resourceTypes ?? [];
  const name = spec.name ?? (spec.pack ? packRuleName(ruleNameOf(spec.identifier), spec.pack.id) : ruleNameOf(spec.identifier));
  const evaluatedAt = hoursBefore(now, spec.evaluatedHoursAgo ?? 2);
  const activated = hoursBefore(now, 24 * 200);
  const evaluation: AwsRuleEvaluationStatus = spec.failedWith
    ? {
        firstActivatedTime: activated,
        firstEvaluationStarted: true,
        lastFailedInvocationTime: evaluatedAt,
        lastFailedEvaluationTime: evaluatedAt,
        lastErrorCode: spec.failedWith.code,
        lastErrorMessage: spec.failedWith.message,
      }
    : {
        firstActivatedTime: activated,
        firstEvaluationStarted: true,
        lastSuccessfulInvocationTime: evaluatedAt,
        lastSuccessfulEvaluationTime: evaluatedAt,
      };
  const inScope = spec.resources.filter((r) => types.includes(r.resourceType));
  const results: AwsEvaluation[] = spec.failedWith ? [] : inScope.map((r) => {
    const outcome = spec.outcomes?.[r.resourceId];
    const result: AwsEvaluation = {
      resourceType: r.resourceType,
      resourceId: r.resourceId,
      compliance: outcome?.compliance ?? 'COMPLIANT',
      recordedAt: evaluatedAt,
      invokedAt: evaluatedAt,
    };
    if (outcome?.annotation) result.annotation = outcome.annotation;
    return result;
  });
  const rule: AwsRule = {
    name,
    id: `config-rule-${stableId(`${account}/${region}/${name}`, 6)}`,
    identifier: spec.identifier,
    owner: 'AWS',
    resourceTypes: catalog?.periodic && types[0] === 'AWS::::Account' ? [] : [...types],
    state: 'ACTIVE',
    evaluation,
    results,
  };
  if (catalog?.periodic) rule.maximumExecutionFrequency = 'TwentyFour_Hours';
  if (spec.pack) rule.conformancePack = spec.pack.name;
  if (spec.controls) rule.controls = spec.controls;
  if (spec.inputParameters) rule.inputParameters = spec.inputParameters;
  return rule;
}

export function healthyRecorder(now: string, account: string, opts: { global: boolean }): AwsRecorder {
  return {
    name: 'default',
    roleARN: `arn:aws:iam::${account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`,
    allSupported: true,
    includeGlobalResourceTypes: opts.global,
    recording: true,
    lastStatus: 'Success',
    lastStartTime: hoursBefore(now, 24 * 200),
    lastStatusChangeTime: hoursBefore(now, 1),
  };
}

export function healthyChannel(now: string, account: string): AwsDeliveryChannel {
  return {
    name: 'default',
    s3BucketName: `config-bucket-${account}`,
    deliveryFrequency: 'TwentyFour_Hours',
    lastStatus: 'Success',
    lastAttemptTime: hoursBefore(now, 3),
    lastSuccessfulTime: hoursBefore(now, 3),
  };
}

// ── Northwind Analytics ───────────────────────────────────────────────────────────────────────

/** The demo's clock, the same instant as the GitHub demo estate's. */
export const DEMO_AWS_NOW = '2026-04-01T09:00:00Z';
export const NORTHWIND_PROD = '210987654321';
export const NORTHWIND_STAGING = '345678901234';
export const DEMO_AWS_REGIONS = ['us-east-1', 'us-west-2', 'eu-west-1'] as const;
/** Access keys the fake knows: one per account, and one whose session token has expired. */
/**
 * Access key ids the fake maps to accounts. Built from parts so the source holds nothing shaped
 * like a real key id (our own secret scanner, and GitHub push protection, would flag a literal).
 */
export const DEMO_AWS_KEYS = {
  prod: 'AKIA' + 'DEMONORTHWIND001',
  staging: 'AKIA' + 'DEMONORTHWIND002',
  expired: 'ASIA' + 'DEMOEXPIRED00001',
} as const;

interface Item {
  t: string;
  id: string;
  name?: string;
  cfg?: Record<string, unknown>;
  sup?: Record<string, unknown>;
  tags?: Record<string, string>;
}

function items(now: string, account: string, region: string, list: Item[]): AwsConfigItem[] {
  return list.map((i) => {
    const item: AwsConfigItem = {
      resourceType: i.t,
      resourceId: i.id,
      configuration: i.cfg ?? {},
      configurationItemCaptureTime: hoursBefore(now, 30),
      arn: i.t === 'AWS::::Account' ? `arn:aws:::${account}` : `arn:aws:${i.t.split('::')[1]!.toLowerCase()}:${region}:${account}:${i.id}`,
    };
    if (i.name) item.resourceName = i.name;
    if (i.tags) item.tags = i.tags;
    if (i.sup) item.supplementaryConfiguration = i.sup;
    return item;
  });
}

function bucket(id: string, encrypted: boolean): Item {
  return {
    t: 'AWS::S3::Bucket', id, name: id, tags: { team: 'data-platform' },
    cfg: { name: id, owner: { id: 'northwind' } },
    sup: {
      ...(encrypted ? { ServerSideEncryptionConfiguration: { rules: [{ applyServerSideEncryptionByDefault: { sseAlgorithm: 'aws:kms' }, bucketKeyEnabled: true }] } } : {}),
      BucketVersioningConfiguration: { status: 'Enabled' },
      PublicAccessBlockConfiguration: { blockPublicAcls: true, ignorePublicAcls: true, blockPublicPolicy: true, restrictPublicBuckets: true },
    },
  };
}

/** Resources in one region of the production account. */
function prodInventory(region: string): Item[] {
  const short = region.replace(/-(\w)\w*-(\d)$/, '$1$2').replace('us-', 'use').replace('eu-', 'euw');
  const common: Item[] = [
    { t: 'AWS::::Account', id: NORTHWIND_PROD },
    { t: 'AWS::EC2::VPC', id: `vpc-0${stableId(region + 'vpc', 16)}`, name: `nw-${short}-main` },
    { t: 'AWS::EC2::SecurityGroup', id: `sg-0${stableId(region + 'sg-app', 16)}`, name: 'nw-app' },
    { t: 'AWS::EC2::SecurityGroup', id: `sg-0${stableId(region + 'sg-default', 16)}`, name: 'default' },
    { t: 'AWS::EC2::InternetGateway', id: `igw-0${stableId(region + 'igw', 16)}` },
    { t: 'AWS::KMS::Key', id: stableId(region + 'kms', 8) + '-1c2d-4e5f-8a9b-' + stableId(region + 'kms2', 12) },
    { t: 'AWS::CloudTrail::Trail', id: 'nw-org-trail' },
    { t: 'AWS::Logs::LogGroup', id: '/aws/lambda/nw-ingest-router' },
    { t: 'AWS::SNS::Topic', id: `arn:aws:sns:${region}:${NORTHWIND_PROD}:nw-alerts` },
    { t: 'AWS::CloudWatch::Alarm', id: 'nw-ingest-errors' },
    { t: 'AWS::Lambda::Function', id: 'nw-ingest-router', cfg: { runtime: 'nodejs20.x', vpcConfig: { subnetIds: ['subnet-1'] } } },
    { t: 'AWS::AutoScaling::AutoScalingGroup', id: 'nw-ingest-workers', cfg: { minSize: 2, maxSize: 8, healthCheckType: 'ELB' } },
    { t: 'AWS::EC2::Instance', id: `i-0${stableId(region + 'worker1', 16)}`, name: 'nw-ingest-worker-1', cfg: { instanceType: 'm6i.large', publicIpAddress: null } },
    { t: 'AWS::EC2::Volume', id: `vol-0${stableId(region + 'vol1', 16)}`, cfg: { encrypted: true, size: 200 } },
    { t: 'AWS::RDS::DBInstance', id: `nw-app-db-${short}`, cfg: { engine: 'postgres', storageEncrypted: true, publiclyAccessible: false } },
    { t: 'AWS::DynamoDB::Table', id: 'nw-job-state' },
    { t: 'AWS::Backup::BackupVault', id: 'nw-default-vault' },
    { t: 'AWS::SecretsManager::Secret', id: `arn:aws:secretsmanager:${region}:${NORTHWIND_PROD}:secret:nw/app-db-${stableId(region, 6)}` },
  ];
  if (region === 'us-east-1') {
    return [
      ...common,
      bucket('nw-analytics-raw-events', true),
      bucket('nw-analytics-curated', true),
      bucket('nw-analytics-exports', false),
      bucket('nw-cloudtrail-logs', true),
      bucket('nw-web-assets', true),
      { t: 'AWS::EC2::Instance', id: 'i-0b45c7e9d1f2a3b4c', name: 'nw-bastion', cfg: { instanceType: 't3.micro', publicIpAddress: '54.210.17.9' } },
      { t: 'AWS::EC2::Volume', id: 'vol-0c9e2f4a6b8d0e1f2', cfg: { encrypted: true, size: 50 } },
      { t: 'AWS::RDS::DBInstance', id: 'nw-warehouse-meta', cfg: { engine: 'postgres', storageEncrypted: true, publiclyAccessible: false } },
      { t: 'AWS::RDS::DBSnapshot', id: 'rds:nw-app-db-2026-03-31-05-10' },
      { t: 'AWS::ElasticLoadBalancingV2::LoadBalancer', id: `arn:aws:elasticloadbalancing:us-east-1:${NORTHWIND_PROD}:loadbalancer/app/nw-api/50dc6c495c0c9188` },
      { t: 'AWS::ApiGateway::Stage', id: 'nw-public-api/prod' },
      { t: 'AWS::ACM::Certificate', id: `arn:aws:acm:us-east-1:${NORTHWIND_PROD}:certificate/0e1f2a3b-api-northwind` },
      { t: 'AWS::CloudFront::Distribution', id: 'E2QWRUHAPOMQZL', name: 'app.northwind-analytics.example' },
      { t: 'AWS::DynamoDB::Table', id: 'nw-sessions' },
      { t: 'AWS::ElastiCache::CacheCluster', id: 'nw-cache-001' },
      { t: 'AWS::CodeBuild::Project', id: 'nw-data-api-build' },
      { t: 'AWS::Backup::BackupPlan', id: 'nw-daily-35d' },
      { t: 'AWS::Backup::RecoveryPoint', id: 'nw-default-vault/rp-0001' },
      { t: 'AWS::EC2::EIP', id: 'eipalloc-0a1b2c3d4e5f60718' },
      { t: 'AWS::SSM::AssociationCompliance', id: 'AWS::SSM::ManagedInstanceInventory/i-0b45c7e9d1f2a3b4c' },
      { t: 'AWS::WAFv2::WebACL', id: 'nw-api-acl/5f1e2d3c' },
      { t: 'AWS::S3::AccountPublicAccessBlock', id: NORTHWIND_PROD },
      { t: 'AWS::IAM::User', id: 'AIDA5NWALICE0000001', name: 'alice.ng' },
      { t: 'AWS::IAM::User', id: 'AIDA5NWBOBRAMOS0002', name: 'bob.ramos' },
      { t: 'AWS::IAM::User', id: 'AIDA5NWDEPLOYER0003', name: 'legacy-deployer' },
      { t: 'AWS::IAM::Group', id: 'AGPA5NWENGINEERS001', name: 'engineers' },
      { t: 'AWS::IAM::Role', id: 'AROA5NWDATAPIPE0001', name: 'nw-data-pipeline' },
      { t: 'AWS::IAM::Policy', id: 'ANPA5NWREADONLY0001', name: 'nw-analyst-readonly' },
    ];
  }
  if (region === 'us-west-2') {
    return [...common, bucket('nw-analytics-raw-events-replica', true), bucket('nw-dr-backups', true)];
  }
  return [...common, bucket('nw-eu-customer-data', true), { t: 'AWS::DynamoDB::Table', id: 'nw-eu-consents' }];
}

function outcomesFor(identifier: string, region: string): RuleSpec['outcomes'] {
  const fail = (annotation: string) => ({ compliance: 'NON_COMPLIANT' as const, annotation });
  const table: Record<string, RuleSpec['outcomes']> = {
    S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED: { 'nw-analytics-exports': fail('Default encryption is not enabled on the bucket.') },
    S3_BUCKET_SSL_REQUESTS_ONLY: { 'nw-analytics-exports': fail('The bucket policy does not deny requests made without TLS (aws:SecureTransport).') },
    S3_BUCKET_LOGGING_ENABLED: { 'nw-analytics-exports': fail('Server access logging is disabled.') },
    S3_BUCKET_DEFAULT_LOCK_ENABLED: {
      'nw-analytics-raw-events': { compliance: 'NOT_APPLICABLE' }, 'nw-analytics-curated': { compliance: 'NOT_APPLICABLE' },
      'nw-analytics-exports': { compliance: 'NOT_APPLICABLE' }, 'nw-web-assets': { compliance: 'NOT_APPLICABLE' },
    },
    ROOT_ACCOUNT_MFA_ENABLED: { [NORTHWIND_PROD]: fail('The root user has no MFA device.') },
    ROOT_ACCOUNT_HARDWARE_MFA_ENABLED: { [NORTHWIND_PROD]: fail('The root user has no hardware MFA device.') },
    IAM_USER_MFA_ENABLED: { AIDA5NWDEPLOYER0003: fail('User legacy-deployer has no MFA device.') },
    ACCESS_KEYS_ROTATED: { AIDA5NWDEPLOYER0003: fail('Access key AKIA…7QX2 is 212 days old (maximum 90).') },
    IAM_USER_NO_POLICIES_CHECK: { AIDA5NWDEPLOYER0003: fail('Policy AdministratorAccess is attached directly to the user.') },
    EC2_INSTANCE_NO_PUBLIC_IP: region === 'us-east-1' ? { 'i-0b45c7e9d1f2a3b4c': fail('Instance nw-bastion has public IP 54.210.17.9.') } : {},
    INCOMING_SSH_DISABLED: region === 'us-west-2' ? { [`sg-0${stableId(region + 'sg-app', 16)}`]: fail('Security group nw-app allows SSH (port 22) from 0.0.0.0/0.') } : {},
    DYNAMODB_AUTOSCALING_ENABLED: region === 'us-east-1' ? { 'nw-sessions': fail('Table nw-sessions uses provisioned capacity without auto scaling.') } : {},
    EC2_VOLUME_INUSE_CHECK: region === 'us-east-1' ? { 'vol-0c9e2f4a6b8d0e1f2': fail('Volume vol-0c9e2f4a6b8d0e1f2 is not attached to any instance.') } : {},
  };
  return table[identifier];
}

function northwindProdRegion(now: string, region: string, pack: AwsConformancePack | undefined): AwsRegionEstate {
  const inventory = prodInventory(region);
  const resources = items(now, NORTHWIND_PROD, region, inventory);
  const home = region === 'us-east-1';
  const rules: AwsRule[] = [];
  for (const [identifier, catalog] of Object.entries(RULE_CATALOG)) {
    // Global rules (IAM, root user, CloudFront) are deployed once, in the home region.
    if (catalog.global && !home) continue;
    // Seeded gap: the TLS-only bucket policy rule was never deployed in the DR region.
    if (identifier === 'S3_BUCKET_SSL_REQUESTS_ONLY' && region === 'us-west-2') continue;
    const spec: RuleSpec = { identifier, resources: inventory.map((i) => ({ resourceType: i.t, resourceId: i.id })) };
    const outcomes = outcomesFor(identifier, region);
    if (outcomes) spec.outcomes = outcomes;
    // The pack names rules its own way (cut to 64 characters); elsewhere, and for the rules beyond
    // the SOC 2 pack, they were added in the console, under AWS's name for them
    // (INCOMING_SSH_DISABLED is restricted-ssh).
    if (home && pack && identifier in SOC2_PACK_RULES) spec.pack = pack;
    else spec.name = consoleNameOf(identifier);
    // The restore-time rules cannot be deployed without their target (maxRestoreTime is required).
    if (identifier.endsWith('_MEETS_RESTORE_TIME_TARGET')) spec.inputParameters = { maxRestoreTime: '240' };
    // Seeded INSUFFICIENT_DATA: the alarm rule's evaluations fail in the DR region.
    if (identifier === 'CLOUDWATCH_ALARM_ACTION_CHECK' && region === 'us-west-2') {
      spec.failedWith = { code: 'InvalidParameterValueException', message: 'The value for alarmActionRequired must be true or false.' };
    }
    rules.push(managedRule(now, NORTHWIND_PROD, region, spec));
  }
  const estate: AwsRegionEstate = {
    recorder: healthyRecorder(now, NORTHWIND_PROD, { global: home }),
    deliveryChannel: healthyChannel(now, NORTHWIND_PROD),
    rules,
    conformancePacks: home && pack ? [pack] : [],
    resources,
  };
  if (region === 'eu-west-1') {
    // Seeded problem: someone stopped the recorder in eu-west-1 nine days ago.
    estate.recorder = { ...estate.recorder!, recording: false, lastStopTime: hoursBefore(now, 24 * 9), lastStatusChangeTime: hoursBefore(now, 24 * 9) };
  }
  return estate;
}

function northwindStaging(now: string): AwsAccount {
  const region = 'us-east-1';
  const inventory: Item[] = [
    { t: 'AWS::::Account', id: NORTHWIND_STAGING },
    bucket('nw-staging-scratch', false),
    bucket('nw-staging-artifacts', true),
    { t: 'AWS::RDS::DBInstance', id: 'nw-app-db-staging', cfg: { engine: 'postgres', storageEncrypted: true, publiclyAccessible: false } },
    { t: 'AWS::IAM::User', id: 'AIDA5NWSTAGINGCI001', name: 'staging-ci' },
  ];
  const specs: RuleSpec[] = ['S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'RDS_STORAGE_ENCRYPTED', 'ROOT_ACCOUNT_MFA_ENABLED', 'IAM_USER_MFA_ENABLED']
    .map((identifier) => ({ identifier, resources: inventory.map((i) => ({ resourceType: i.t, resourceId: i.id })) }));
  specs[0]!.outcomes = { 'nw-staging-scratch': { compliance: 'NON_COMPLIANT', annotation: 'Default encryption is not enabled on the bucket.' } };
  return {
    id: NORTHWIND_STAGING,
    name: 'northwind-staging',
    regions: {
      [region]: {
        recorder: healthyRecorder(now, NORTHWIND_STAGING, { global: true }),
        deliveryChannel: healthyChannel(now, NORTHWIND_STAGING),
        rules: specs.map((s) => managedRule(now, NORTHWIND_STAGING, region, s)),
        conformancePacks: [],
        resources: items(now, NORTHWIND_STAGING, region, inventory),
      },
    },
  };
}

/**
 * Northwind Analytics: a production account in three regions and a staging account, joined by an
 * aggregator in production's us-east-1. Seeded problems: an unencrypted bucket, a root user without
 * MFA, a stopped recorder in eu-west-1, a rule not deployed in us-west-2, a rule with
 * INSUFFICIENT_DATA in us-west-2, SSH open to the world in us-west-2 (rule restricted-ssh, AWS's
 * name for INCOMING_SSH_DISABLED), a DynamoDB table with fixed capacity and an EBS volume left
 * behind unattached in us-east-1, and the SOC 2 conformance pack deployed in us-east-1 with
 * suffixed rule names, the longest cut to 64 characters (the rules beyond the pack sit beside it
 * under their own names).
 */
export function demoAwsEstate(opts: { now?: string } = {}): AwsEstate {
  const now = opts.now ?? DEMO_AWS_NOW;
  const pack: AwsConformancePack = {
    name: 'soc2-automated-controls',
    id: 'conformance-pack-k3x9q2ab1',
    deliveryS3Bucket: `awsconfigconforms-nw-${NORTHWIND_PROD}`,
    lastUpdateRequestedTime: hoursBefore(now, 24 * 60),
  };
  const prod: AwsAccount = {
    id: NORTHWIND_PROD,
    name: 'northwind-prod',
    regions: Object.fromEntries(DEMO_AWS_REGIONS.map((r) => [r, northwindProdRegion(now, r, r === 'us-east-1' ? pack : undefined)])),
  };
  const staging = northwindStaging(now);
  const fresh = hoursBefore(now, 1);
  return {
    now,
    regions: [...DEMO_AWS_REGIONS],
    accessKeys: {
      [DEMO_AWS_KEYS.prod]: { account: NORTHWIND_PROD },
      [DEMO_AWS_KEYS.staging]: { account: NORTHWIND_STAGING },
      [DEMO_AWS_KEYS.expired]: { account: NORTHWIND_PROD, expired: true },
    },
    demoCredentials: { accessKeyId: DEMO_AWS_KEYS.prod, secretAccessKey: 'demo-secret-not-checked' },
    accounts: [prod, staging],
    aggregators: [{
      name: 'northwind-org',
      account: NORTHWIND_PROD,
      region: 'us-east-1',
      createdAt: hoursBefore(now, 24 * 120),
      sources: [
        { account: NORTHWIND_PROD, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: fresh },
        { account: NORTHWIND_PROD, region: 'us-west-2', status: 'SUCCEEDED', lastUpdateTime: fresh },
        { account: NORTHWIND_PROD, region: 'eu-west-1', status: 'OUTDATED', lastUpdateTime: hoursBefore(now, 24 * 9) },
        { account: NORTHWIND_STAGING, region: 'us-east-1', status: 'SUCCEEDED', lastUpdateTime: fresh },
      ],
    }],
  };
}

// ── Bench ─────────────────────────────────────────────────────────────────────────────────────

export interface BenchAwsOptions {
  regions?: string[];
  rules?: number;
  /** Evaluation results across all regions and rules. */
  evaluatedResources?: number;
  now?: string;
}

/**
 * A healthy single-account estate of a given size: `rules` managed rules deployed in every region,
 * `evaluatedResources` results spread evenly (rule by rule, region by region), one in 50 failing.
 */
export function benchAwsEstate(opts: BenchAwsOptions = {}): AwsEstate {
  const now = opts.now ?? DEMO_AWS_NOW;
  const regions = opts.regions ?? ['us-east-1', 'us-west-2', 'eu-west-1'];
  const ruleCount = opts.rules ?? 60;
  const total = opts.evaluatedResources ?? 6000;
  const identifiers = Object.keys(RULE_CATALOG).slice(0, ruleCount);
  if (identifiers.length < ruleCount) throw new Error(`the catalog has only ${identifiers.length} rules`);
  const slots = regions.length * ruleCount;
  const account = NORTHWIND_PROD;
  const regionEstates: Record<string, AwsRegionEstate> = {};
  let slot = 0;
  let seq = 0;
  for (const region of regions) {
    const rules = identifiers.map((identifier) => {
      // Spread `total` as evenly as possible: the first (total % slots) slots get one more.
      const count = Math.floor(total / slots) + (slot < total % slots ? 1 : 0);
      slot++;
      const rule = managedRule(now, account, region, { identifier, resources: [] });
      const type = RULE_CATALOG[identifier]!.resourceTypes[0]!;
      rule.results = Array.from({ length: count }, (_, i) => ({
        resourceType: type,
        resourceId: `${identifier.toLowerCase().slice(0, 12)}-${region}-${String(i).padStart(5, '0')}`,
        compliance: ++seq % 50 === 0 ? 'NON_COMPLIANT' : 'COMPLIANT',
        recordedAt: hoursBefore(now, 2),
        invokedAt: hoursBefore(now, 2),
      } satisfies AwsEvaluation));
      return rule;
    });
    regionEstates[region] = {
      recorder: healthyRecorder(now, account, { global: region === regions[0] }),
      deliveryChannel: healthyChannel(now, account),
      rules,
      conformancePacks: [],
      resources: [],
    };
  }
  return {
    now,
    regions: [...regions],
    accessKeys: { [DEMO_AWS_KEYS.prod]: { account } },
    demoCredentials: { accessKeyId: DEMO_AWS_KEYS.prod, secretAccessKey: 'bench-secret-not-checked' },
    accounts: [{ id: account, name: 'bench', regions: regionEstates }],
    aggregators: [],
  };
}
